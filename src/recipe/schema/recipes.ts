/** ModelOptPTQRecipe and the recipe class of each `metadata.recipe_type` (recipes.md §3.1, §4.7). */
import type { PTQRecipe, RecipeType } from '../types.js';
import { ModelOptAutoQuantizeRecipeModel } from './auto-quantize.js';
import { RecipeMetadataConfigModel } from './metadata.js';
import { defineModel, type Model } from './model.js';
import { QuantizeConfigModel } from './quantize.js';
import {
  ModelOptDFlashRecipeModel,
  ModelOptEagleRecipeModel,
  ModelOptMedusaRecipeModel,
} from './speculative.js';

export const ModelOptPTQRecipeModel = defineModel<PTQRecipe>({
  name: 'ModelOptPTQRecipe',
  module: 'modelopt.recipe.config',
  fields: {
    metadata: { type: RecipeMetadataConfigModel.zod },
    quantize: { type: QuantizeConfigModel.zod },
  },
});

export const RECIPE_MODELS: Readonly<Record<RecipeType, Model<unknown>>> = {
  ptq: ModelOptPTQRecipeModel as Model<unknown>,
  auto_quantize: ModelOptAutoQuantizeRecipeModel as Model<unknown>,
  speculative_eagle: ModelOptEagleRecipeModel as Model<unknown>,
  speculative_dflash: ModelOptDFlashRecipeModel as Model<unknown>,
  speculative_medusa: ModelOptMedusaRecipeModel as Model<unknown>,
};

/** The body section each recipe type requires (§3.2 step 2). */
export const RECIPE_SECTIONS: Readonly<Record<RecipeType, string>> = {
  ptq: 'quantize',
  auto_quantize: 'auto_quantize',
  speculative_eagle: 'eagle',
  speculative_dflash: 'dflash',
  speculative_medusa: 'medusa',
};
