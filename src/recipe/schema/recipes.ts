/** ModelOptPTQRecipe and the recipe class of each `metadata.recipe_type` (recipes.md §3.1, §4.7). */
import type * as T from '../types.js';
import type { PTQRecipe, RecipeType } from '../types.js';
import { ModelOptAutoQuantizeRecipeModel } from './auto-quantize.js';
import { RecipeMetadataConfigModel } from './metadata.js';
import { defineModel, type Model } from './model.js';
import { QuantizeConfigModel } from './quantize.js';
import {
  ModelOptDFlashRecipeModel,
  ModelOptEagleRecipeModel,
  ModelOptMedusaRecipeModel,
  SPECULATIVE_SECTION_FIELDS,
} from './speculative.js';

const MODULE = 'modelopt.recipe.config';

/** The base classes resolve as schema names too: a required metadata section (and the speculative sections). */
export const ModelOptRecipeBaseModel = defineModel<{ metadata: T.RecipeMetadataConfig }>({
  name: 'ModelOptRecipeBase',
  module: MODULE,
  fields: { metadata: { type: RecipeMetadataConfigModel.zod } },
});

export const ModelOptSpeculativeRecipeBaseModel = defineModel<
  Pick<T.EagleRecipe, 'metadata' | 'model' | 'data' | 'training'>
>({
  name: 'ModelOptSpeculativeRecipeBase',
  module: MODULE,
  fields: { metadata: { type: RecipeMetadataConfigModel.zod }, ...SPECULATIVE_SECTION_FIELDS },
});

export const ModelOptPTQRecipeModel = defineModel<PTQRecipe>({
  name: 'ModelOptPTQRecipe',
  module: MODULE,
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
