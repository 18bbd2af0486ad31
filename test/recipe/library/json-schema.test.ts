/**
 * Every built-in file, as an editor sees it (each YAML document as JSON, before imports are resolved),
 * conforms to the JSON Schema that `mopt recipe schema` prints: recipes to the recipe schema, snippets
 * to the schema of the kind their `# modelopt-schema:` comment names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recipeJsonSchema, snippetJsonSchemas } from '../../../src/recipe/schema/index.js';
import { parseYamlStream } from '../../../src/recipe/yaml/parse.js';
import { toPythonJson } from '../../../src/recipe/yaml/emit.js';
import { scanSchemaComment } from '../../../src/recipe/load/schema-comment.js';
import { conforms } from '../schema/json-check.js';
import { BUILTIN_ROOT, listBuiltinFiles } from './builtin-tree.js';

const recipeSchema = recipeJsonSchema();
const snippetSchemas = snippetJsonSchemas();

function documentsAsJson(file: string): { text: string; docs: unknown[] } {
  const text = readFileSync(join(BUILTIN_ROOT, file), 'utf8');
  const docs = parseYamlStream(text, { file, chain: [] }).map((d) => JSON.parse(toPythonJson(d)) as unknown);
  return { text, docs };
}

function isRecipe(doc: unknown): boolean {
  const meta = (doc as { metadata?: { recipe_type?: unknown } } | null)?.metadata;
  return typeof meta?.recipe_type === 'string';
}

const files = listBuiltinFiles().filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));

test('the built-in library is non-trivial', () => {
  assert.ok(files.length > 150, `found ${files.length} files`);
});

test('every built-in recipe file conforms to the recipe JSON Schema', () => {
  const failures: string[] = [];
  let checked = 0;
  for (const file of files) {
    const { docs } = documentsAsJson(file);
    if (docs.length !== 1 || !isRecipe(docs[0])) continue;
    checked++;
    if (!conforms(recipeSchema, docs[0])) failures.push(file);
  }
  assert.ok(checked >= 70, `only ${checked} recipes checked`);
  assert.deepEqual(failures, []);
});

test('every built-in snippet conforms to the JSON Schema of its declared kind', () => {
  const failures: string[] = [];
  let checked = 0;
  for (const file of files) {
    const { text, docs } = documentsAsJson(file);
    const comment = scanSchemaComment(text, file);
    if (!comment || isRecipe(docs[0])) continue;
    const kind = comment.name.slice(comment.name.lastIndexOf('.') + 1);
    const schema = snippetSchemas[kind === 'QuantizeQuantCfgType' ? 'QuantizerCfgListConfig' : kind];
    if (!schema) continue; // recipe-class comments are covered by the recipe test above
    checked++;
    // A two-document snippet keeps its imports in the first document; the body is the second.
    const body = docs.length === 2 ? docs[1] : docs[0];
    if (!conforms(schema, body ?? {})) failures.push(`${file} (${kind})`);
  }
  assert.ok(checked >= 60, `only ${checked} snippets checked`);
  assert.deepEqual(failures, []);
});

test('the schema refuses a recipe the loader refuses (it can fail)', () => {
  const { docs } = documentsAsJson('general/ptq/fp8_default-kv_fp8.yaml');
  const broken = structuredClone(docs[0]) as { quantize: { quant_cfg: Array<Record<string, unknown>> } };
  broken.quantize.quant_cfg.push({ quantizer_name: '*x*', cfg: { num_bitz: 8 } });
  assert.equal(conforms(recipeSchema, broken), false);
});
