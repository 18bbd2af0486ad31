/** RecipeMetadataConfig (recipes.md §3.3, §4.7): the recipe type and a free-text description. */
import * as z from 'zod';
import type { RecipeMetadataConfig, RecipeType } from '../types.js';
import { defineModel } from './model.js';

export const RECIPE_TYPES: readonly RecipeType[] = [
  'ptq',
  'auto_quantize',
  'speculative_eagle',
  'speculative_dflash',
  'speculative_medusa',
];

const DEFAULT_DESCRIPTION = 'Model optimization recipe.';

export const RecipeMetadataConfigModel = defineModel<RecipeMetadataConfig>({
  name: 'RecipeMetadataConfig',
  module: 'modelopt.recipe.config',
  fields: {
    recipe_type: {
      type: z.enum(RECIPE_TYPES as [RecipeType, ...RecipeType[]]),
      description: 'Which recipe class validates the file.',
    },
    description: { type: z.string(), default: () => DEFAULT_DESCRIPTION, description: 'Free text.' },
  },
});

/** The `metadata` field of a recipe class whose type is fixed: defaults to that type. */
export function metadataField(type: RecipeType) {
  return {
    type: RecipeMetadataConfigModel.zod,
    default: () =>
      new Map([
        ['recipe_type', type],
        ['description', DEFAULT_DESCRIPTION],
      ]),
  };
}
