/** AutoQuantize config classes and ModelOptAutoQuantizeRecipe (recipes.md §4.7). */
import * as z from 'zod';
import { pyFloatRepr } from '../pyvalue.js';
import type {
  AutoQuantizeConfig,
  AutoQuantizeConstraints,
  AutoQuantizeCost,
  AutoQuantizeModuleSearchSpace,
  AutoQuantizeRecipe,
} from '../types.js';
import { checkEffectiveBits } from './attribute.js';
import { valueError } from './issues.js';
import { metadataField } from './metadata.js';
import { defineModel } from './model.js';
import { QuantizeConfigModel } from './quantize.js';

const MODULE = 'modelopt.recipe.config';

/** `list[str]` of layer-name patterns (registered as LayerPatternList). */
export const LayerPatternListSchema = z.array(z.string());
const QuantizeConfigList = z.array(QuantizeConfigModel.zod);

export const AutoQuantizeCostModel = defineModel<AutoQuantizeCost>({
  name: 'AutoQuantizeCost',
  module: MODULE,
  fields: {
    active_moe_expert_ratio: {
      type: z.number().nullable(),
      default: () => null,
      after: (v) => {
        if (v !== null && !((v as number) > 0 && (v as number) <= 1))
          valueError(`active_moe_expert_ratio must be in (0, 1], got ${pyFloatRepr(v as number)}`);
        return v;
      },
    },
  },
});

export const AutoQuantizeConstraintsModel = defineModel<AutoQuantizeConstraints>({
  name: 'AutoQuantizeConstraints',
  module: MODULE,
  fields: {
    effective_bits: { type: z.number(), default: () => 4.8, after: checkEffectiveBits },
    cost_model: { type: z.enum(['weight', 'active_moe']), default: () => 'weight' },
    cost: { type: AutoQuantizeCostModel.zod.nullable(), default: () => null },
  },
});

function nonEmpty(message: string) {
  return (v: unknown) => ((v as unknown[]).length === 0 ? valueError(message) : v);
}

export const AutoQuantizeModuleSearchSpaceModel = defineModel<AutoQuantizeModuleSearchSpace>({
  name: 'AutoQuantizeModuleSearchSpace',
  module: MODULE,
  fields: {
    module_name_patterns: {
      type: LayerPatternListSchema,
      // Defaults to [] and validates it, so a missing list gets the at-least-one message.
      default: () => [],
      after: nonEmpty('module_search_spaces requires at least 1 module_name_pattern'),
    },
    candidate_formats: {
      type: QuantizeConfigList,
      default: () => [],
      after: nonEmpty('module_search_spaces requires at least 1 candidate_format'),
    },
    allow_no_quant: { type: z.boolean(), default: () => true },
  },
});

export const AutoQuantizeConfigModel = defineModel<AutoQuantizeConfig>({
  name: 'AutoQuantizeConfig',
  module: MODULE,
  fields: {
    constraints: { type: AutoQuantizeConstraintsModel.zod },
    candidate_formats: { type: QuantizeConfigList, default: () => [] },
    module_search_spaces: { type: z.array(AutoQuantizeModuleSearchSpaceModel.zod), default: () => [] },
    auto_quantize_method: { type: z.enum(['gradient', 'kl_div']), default: () => 'gradient' },
    score_size: { type: z.int(), default: () => 128 },
    disabled_layers: { type: LayerPatternListSchema, default: () => [] },
    cost_excluded_layers: { type: LayerPatternListSchema, default: () => [] },
    kv_cache: { type: QuantizeConfigModel.zod.nullable(), default: () => null },
  },
  after: (c) => {
    if (c.candidate_formats.length === 0 && c.module_search_spaces.length === 0)
      valueError(
        'auto_quantize requires candidate_formats or at least one module_search_spaces entry. ' +
          'For uniform quantization, use a PTQ recipe instead.',
      );
  },
});

const FIXED_BASELINE = 'An AutoQuantize recipe with a fixed quantize baseline';

export const ModelOptAutoQuantizeRecipeModel = defineModel<AutoQuantizeRecipe>({
  name: 'ModelOptAutoQuantizeRecipe',
  module: MODULE,
  fields: {
    metadata: metadataField('auto_quantize'),
    quantize: { type: QuantizeConfigModel.zod.nullable(), default: () => null },
    auto_quantize: { type: AutoQuantizeConfigModel.zod },
  },
  after: (r) => {
    const aq = r.auto_quantize;
    if (r.quantize !== null && aq.candidate_formats.length > 0)
      valueError(
        `${FIXED_BASELINE} must omit top-level auto_quantize.candidate_formats and explicitly list ` +
          'searched modules under auto_quantize.module_search_spaces.',
      );
    if (r.quantize !== null && aq.module_search_spaces.length === 0)
      valueError(`${FIXED_BASELINE} requires at least one auto_quantize.module_search_spaces entry.`);
    if (r.quantize === null && aq.candidate_formats.length === 0)
      valueError(
        'An AutoQuantize recipe without a fixed quantize baseline requires top-level ' +
          'auto_quantize.candidate_formats for unmatched modules.',
      );
  },
});
