/**
 * The recipe layer's public entry: loading configs and recipes, overrides, entry provenance, the
 * schema functions, dump helpers and the built-in library catalogue. Other layers import from here.
 */
export {
  loadConfig,
  loadConfigDetailed,
  type LoadConfigOptions,
  type LoadedConfig,
} from './load/load-config.js';
export { loadRecipe, recipeSource, type LoadRecipeOptions, type RecipeSource } from './load/load-recipe.js';
export type { LoaderOptions } from './load/imports.js';
export { entrySource } from './load/provenance.js';
export { listBuiltinRecipes, looksLikeRecipe, type BuiltinRecipeInfo } from './load/builtin-recipes.js';
export { DEFAULT_DESCRIPTION } from './load/recipe-types.js';
export { parseOverrideValue } from './load/dotlist-value.js';
export { BUILTIN_ROOT } from './builtin.js';
export * from './schema/index.js';
export { toPythonJson, toYaml } from './yaml/emit.js';
export * from './types.js';
export {
  PyFloat,
  PyTuple,
  PyDate,
  pyRepr,
  pyTypeName,
  type PyValue,
  type PyDict,
  type PyKey,
} from './pyvalue.js';
