/** The recipe kinds of recipes.md §3.1: each type's required body section and its message label. */
import type { RecipeType } from '../types.js';

export const RECIPE_SECTIONS: Readonly<Record<RecipeType, string>> = {
  ptq: 'quantize',
  auto_quantize: 'auto_quantize',
  speculative_eagle: 'eagle',
  speculative_dflash: 'dflash',
  speculative_medusa: 'medusa',
};

export function isRecipeType(value: unknown): value is RecipeType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RECIPE_SECTIONS, value);
}

/** `PTQ`, `AUTO_QUANTIZE`, `EAGLE`, ...: the type upper-cased without a leading `speculative_`. */
export function recipeKindLabel(type: RecipeType): string {
  return type.replace(/^speculative_/, '').toUpperCase();
}

/** Python's enum repr, which ModelOpt prints for unsupported directory recipe types. */
export function recipeTypeEnumRepr(type: RecipeType): string {
  return `<RecipeType.${type.toUpperCase()}: '${type}'>`;
}

/** Default description of a recipe without one (V2). */
export const DEFAULT_DESCRIPTION = 'Model optimization recipe.';
