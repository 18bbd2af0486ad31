/** `mopt recipe show|list|validate|schema`: the recipe library and recipe files. */
import type { Command } from 'commander';
import type { CliIO } from '../main.js';
import { listBuiltinRecipes, loadRecipe, recipeJsonSchema, snippetJsonSchemas } from '../../recipe/index.js';
import { printWarnings, renderData } from '../render.js';
import { validateFiles } from '../validate.js';
import { MoptError } from '../../errors.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerRecipeCommands(program: Command, io: CliIO): void {
  const recipe = program.command('recipe').description('show, list, validate and describe recipes');

  recipe
    .command('show')
    .description(
      'print a recipe as ModelOpt load_recipe resolves it (full dump; --sparse for set fields only)',
    )
    .argument('<recipe>', 'a built-in name such as general/ptq/fp8_default-kv_fp8, or a path')
    .option('--json', 'print JSON (as Python json.dumps writes it) instead of YAML')
    .option('--sparse', 'print only the fields that were set (model_dump(exclude_unset=True))')
    .option('--set <key=value>', 'override a field (repeatable), e.g. quantize.algorithm=mse', collect, [])
    .action((name: string, opts: { json?: boolean; sparse?: boolean; set: string[] }) => {
      const warnings: string[] = [];
      const loaded = loadRecipe(name, { overrides: opts.set, warnings });
      printWarnings(io, warnings);
      io.stdout(renderData(loaded, { json: opts.json === true, sparse: opts.sparse === true }));
    });

  recipe
    .command('list')
    .description('list the built-in recipes')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = listBuiltinRecipes();
      if (opts.json) {
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const width = Math.max(...rows.map((r) => r.name.length), 4);
      const typeWidth = Math.max(...rows.map((r) => r.recipeType.length), 4);
      io.stdout(`${'NAME'.padEnd(width)}  ${'TYPE'.padEnd(typeWidth)}  DESCRIPTION\n`);
      for (const r of rows)
        io.stdout(`${r.name.padEnd(width)}  ${r.recipeType.padEnd(typeWidth)}  ${r.description}\n`);
    });

  recipe
    .command('validate')
    .description('load and validate recipe or snippet files; lists every problem (exit 0 or 2)')
    .argument('<files...>', 'recipe files, recipe directories or snippet files')
    .action((files: string[]) => {
      const { problems, checked } = validateFiles(files);
      for (const p of problems) io.stderr(`${p}\n`);
      if (problems.length > 0) {
        io.stderr(`mopt: ${problems.length} of ${checked} file(s) failed validation\n`);
        process.exitCode = 2;
        return;
      }
      io.stdout(`${checked} file(s) valid\n`);
    });

  recipe
    .command('schema')
    .description('print the JSON Schema (draft-07) for recipe files, or for one snippet kind')
    .argument('[kind]', `a snippet kind: ${Object.keys(snippetJsonSchemas()).join(', ')}`)
    .action((kind: string | undefined) => {
      if (kind === undefined) {
        io.stdout(`${JSON.stringify(recipeJsonSchema(), null, 2)}\n`);
        return;
      }
      const all = snippetJsonSchemas();
      const schema = all[kind];
      if (!schema) {
        throw new MoptError(
          'E_USAGE',
          `unknown snippet kind '${kind}'; expected one of: ${Object.keys(all).join(', ')}`,
        );
      }
      io.stdout(`${JSON.stringify(schema, null, 2)}\n`);
    });
}
