/**
 * `loadRecipe` (recipes.md §3): locate (built-in first), then a single-file recipe (raw peek for the
 * type and body section, full load with the recipe class, optional overrides) or a directory recipe.
 * Nothing is printed; the resolved location travels with the result (`recipeSource`).
 */
import { MoptError } from '../../errors.js';
import { isDict, type PyValue } from '../pyvalue.js';
import { recipeSchema } from '../schema/index.js';
import type { Recipe, RecipeType } from '../types.js';
import { keyLocation, valueLocation } from '../yaml/locations.js';
import { BUILTIN_ROOT } from '../builtin.js';
import { fileStart, type LoaderOptions } from './imports.js';
import { loadLocatedConfig } from './load-config.js';
import { applyOverrides } from './overrides.js';
import { resolveConfigPath, resolveRecipePath, type LocatedFile } from './paths.js';
import { carryProvenance, recordProvenance } from './provenance.js';
import { peekSingleDocument } from './raw.js';
import { loadRecipeDir } from './recipe-dir.js';
import { isRecipeType, RECIPE_SECTIONS, recipeKindLabel } from './recipe-types.js';

export interface LoadRecipeOptions extends LoaderOptions {
  /** Dotlist overrides (`quantize.algorithm=mse`); single-file recipes only. */
  overrides?: readonly string[] | undefined;
}

/** Where a loaded recipe came from; `display` is what ModelOpt would print (`<builtin>/general/...`). */
export interface RecipeSource {
  kind: 'file' | 'dir';
  path: string;
  display: string;
  builtin: boolean;
}

const recipeSources = new WeakMap<object, RecipeSource>();

/** The file or directory a recipe returned by loadRecipe was loaded from. */
export function recipeSource(recipe: object): RecipeSource | undefined {
  return recipeSources.get(recipe);
}

export function loadRecipe(path: string, opts: LoadRecipeOptions = {}): Recipe {
  const { kind, located } = resolveRecipePath(path, { cwd: opts.cwd, builtinRoot: opts.builtinRoot });
  const overrides = opts.overrides ?? [];
  let recipe: unknown;
  if (kind === 'dir') {
    if (overrides.length) {
      throw new MoptError(
        'E_OVERRIDES_DIR',
        'overrides are not supported for directory-format recipes; use the single-YAML-file form instead.',
      );
    }
    const loaded = loadRecipeDir(located, opts);
    recordProvenance(loaded.quantizeData, (loaded.recipe as { quantize?: unknown }).quantize);
    recipe = loaded.recipe;
  } else {
    recipe = loadRecipeFile(located, overrides, opts);
  }
  recipeSources.set(recipe as object, describeSource(kind, located, opts));
  return recipe as Recipe;
}

function describeSource(kind: 'file' | 'dir', located: LocatedFile, opts: LoaderOptions): RecipeSource {
  const root = (opts.builtinRoot ?? BUILTIN_ROOT).replace(/[\\/]+$/, '');
  const underRoot = located.path.startsWith(root + '/') || located.path.startsWith(root + '\\');
  const display =
    located.builtin && underRoot ? `<builtin>/${located.path.slice(root.length + 1)}` : located.path;
  return { kind, path: located.path, display, builtin: located.builtin };
}

function loadRecipeFile(located: LocatedFile, overrides: readonly string[], opts: LoaderOptions): unknown {
  const type = peekRecipeType(located);
  const schema = recipeSchema(type);
  // ModelOpt re-resolves the file through load_config, which only probes `<name>.yml|.yaml` for a suffix-less name.
  const target = /\.ya?ml$/.test(located.path)
    ? located
    : resolveConfigPath(located.path, { cwd: opts.cwd, builtinRoot: opts.builtinRoot });
  const loaded = loadLocatedConfig(target, { ...opts, schema });
  if (!overrides.length) return loaded.value;
  const result = applyOverrides(loaded.value, overrides, schema, opts.warnings);
  const before = quantCfgOf(loaded.value);
  const after = quantCfgOf(result.value);
  if (!result.replacedQuantCfg && before && after) carryProvenance(before, after);
  return result.value;
}

function quantCfgOf(recipe: unknown): unknown[] | undefined {
  const quantize = (recipe as { quantize?: { quant_cfg?: unknown } } | null)?.quantize;
  return Array.isArray(quantize?.quant_cfg) ? quantize.quant_cfg : undefined;
}

/** §3.2 steps 1–2 on a raw single-document parse: the recipe type, then its body section. */
function peekRecipeType(located: LocatedFile): RecipeType {
  const doc: PyValue = peekSingleDocument(located);
  const metadata = isDict(doc) ? doc.get('metadata') : undefined;
  const type = isDict(metadata) ? metadata.get('recipe_type') : undefined;
  if (!isDict(doc) || !isRecipeType(type)) {
    const at =
      (isDict(metadata) && (valueLocation(metadata, 'recipe_type') ?? undefined)) ||
      (isDict(doc) && keyLocation(doc, 'metadata')) ||
      fileStart(located.path);
    throw new MoptError(
      'E_RECIPE_TYPE_MISSING',
      `Recipe file ${located.path} must contain a 'metadata.recipe_type' field.`,
      {
        source: at,
      },
    );
  }
  const section = RECIPE_SECTIONS[type];
  if (!doc.has(section)) {
    throw new MoptError(
      'E_RECIPE_SECTION_MISSING',
      `${recipeKindLabel(type)} recipe file ${located.path} must contain '${section}'.`,
      { source: keyLocation(doc, 'metadata') ?? fileStart(located.path) },
    );
  }
  return type;
}
