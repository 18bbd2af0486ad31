/**
 * Speculative-decoding recipe classes (recipes.md §4.7): the model/data/training sections
 * (ModelOpt's hf_training_args), the Eagle, DFlash and Medusa sections (speculative.config), and
 * the three recipe classes with their derived fields, all as ModelOpt 0.47.0 defines them.
 */
import * as z from 'zod';
import { isDict, PyFloat, pyFloatRepr, pyTruthy, type PyKey, type PyValue } from '../pyvalue.js';
import { pyStr } from './attribute.js';
import type { RecipeType } from '../types.js';
import type * as T from '../types.js';
import { pyDict } from './zod-defs.js';
import { valueError, type ValidationContext } from './issues.js';
import { metadataField } from './metadata.js';
import { defineModel, markSet, type FieldSpec } from './model.js';

const RECIPE_MODULE = 'modelopt.recipe.config';
const SECTIONS_MODULE = 'modelopt.torch.speculative.plugins.hf_training_args';
const ALGO_MODULE = 'modelopt.torch.speculative.config';
const d = (v: PyValue) => () => v;
const bool = (v: boolean): FieldSpec => ({ type: z.boolean(), default: d(v) });
const int = (v: number | null): FieldSpec => ({
  type: v === null ? z.int().nullable() : z.int(),
  default: d(v),
});
const float = (v: number, range?: (n: z.ZodNumber) => z.ZodNumber): FieldSpec => ({
  type: range ? range(z.number()) : z.number(),
  default: d(new PyFloat(v)),
});
const optStr = (v: string | null = null): FieldSpec => ({ type: z.string().nullable(), default: d(v) });

export const ModelArgumentsModel = defineModel<T.SpeculativeModelConfig>({
  name: 'ModelArguments',
  module: SECTIONS_MODULE,
  fields: {
    model_name_or_path: optStr('TinyLlama/TinyLlama-1.1B-Chat-v1.0'),
    use_fake_base_for_offline: bool(false),
    trust_remote_code: bool(false),
  },
});

/** `data.mode` is always recomputed from which source is configured (a given value is only type-checked). */
function deriveDataMode(c: T.SpeculativeDataConfig): void {
  const offline = c.offline_data_path !== null;
  const streaming = c.streaming_server_url !== null;
  if (offline && streaming)
    valueError('ambiguous: set only one of data.offline_data_path / data.streaming_server_url');
  c.mode = offline ? 'offline' : streaming ? 'streaming' : 'online';
  // A plain attribute assignment, so the field counts as set (it shows in sparse dumps).
  markSet(c, 'mode');
  if (c.mode === 'streaming' && !c.streaming_model_name)
    valueError("data.mode='streaming' requires data.streaming_server_url and data.streaming_model_name");
}

export const DataArgumentsModel = defineModel<T.SpeculativeDataConfig>({
  name: 'DataArguments',
  module: SECTIONS_MODULE,
  fields: {
    mode: { type: z.enum(['online', 'offline', 'streaming']).nullable(), default: d(null) },
    data_path: optStr(),
    offline_data_path: optStr(),
    lazy_preprocess: bool(true),
    draft_vocab_cache: optStr(),
    chat_template: optStr(),
    vlm_img_dir: optStr(),
    vlm_processor: optStr(),
    sample_size: {
      type: z.int(),
      default: d(-1),
      after: (v) =>
        v === -1 || (v as number) > 0
          ? v
          : valueError('sample_size must be -1 (use all samples) or a positive integer'),
    },
    streaming_server_url: optStr(),
    streaming_model_name: optStr(),
    // In 0.47.0 though not in recipes.md; the shipped DSpark warm-start recipe sets it.
    final_aux_is_base_hidden: bool(false),
  },
  after: deriveDataMode,
});

export const TrainingArgumentsModel = defineModel<T.SpeculativeTrainingConfig>({
  name: 'TrainingArguments',
  module: SECTIONS_MODULE,
  extra: 'allow',
  fields: {
    training_seq_len: int(2048),
    estimate_ar: bool(false),
    ar_validate_steps: int(1000),
    answer_only_loss: bool(false),
    cp_size: int(1),
    dp_shard_size: int(null),
  },
});

const ropeDefault = () =>
  new Map<PyKey, PyValue>([
    ['rope_type', 'yarn'],
    ['factor', new PyFloat(32)],
    ['original_max_position_embeddings', 2048],
  ]);

export const EagleConfigModel = defineModel<T.EagleConfig>({
  name: 'EagleConfig',
  module: ALGO_MODULE,
  fields: {
    eagle_offline: bool(false),
    eagle_hidden_state_distillation: bool(false),
    eagle_self_logit_distillation: bool(true),
    eagle_freeze_base_model: bool(true),
    eagle_report_acc: bool(true),
    eagle_reuse_base_decoder: bool(false),
    eagle_loss_decay_factor: float(0.9),
    eagle_architecture_config: { type: pyDict(), default: () => new Map() },
    eagle_decoder_type: { type: z.string(), default: d('llama') },
    eagle_ttt_steps: int(3),
    eagle_mix_hidden_states: bool(false),
    eagle_use_torch_compile: bool(true),
    eagle_enable_nvtx: bool(false),
    eagle_export_rope_scaling: { type: pyDict(), default: ropeDefault },
    eagle_base_lora: bool(false),
    eagle_base_lora_rank: int(64),
    eagle_base_lora_alpha: float(16),
    eagle_base_lora_target_modules: { type: z.array(z.unknown()).nullable(), default: d(null) },
    eagle_base_lora_preservation_loss_weight: float(0.1),
    eagle_base_lora_warmup_steps: int(0),
    eagle_base_lora_start_layer: int(null),
    eagle_base_lora_logits_detach_prob: float(0.5),
  },
  after: checkEagleRope,
});

/** Export-time rope scaling only makes sense when the draft trains without rope scaling. */
function checkEagleRope(c: T.EagleConfig): void {
  if (c.eagle_export_rope_scaling.size === 0) return;
  const rope = c.eagle_architecture_config.get('rope_scaling');
  if (!isDict(rope)) return;
  // Python's `a or b`: a falsy rope_type (None, '', 0) falls through to the legacy `type` key.
  const first = rope.get('rope_type') ?? null;
  const ropeType = pyTruthy(first) ? first : (rope.get('type') ?? null);
  if (ropeType !== null && ropeType !== 'default')
    valueError(
      `eagle_export_rope_scaling is set but eagle_architecture_config has rope_type='${pyStr(ropeType)}'. ` +
        "Export rope overwrite is only valid when the training rope_type is 'default' (no scaling).",
    );
}

export const DFlashConfigModel = defineModel<T.DFlashConfig>({
  name: 'DFlashConfig',
  module: ALGO_MODULE,
  fields: {
    dflash_offline: bool(false),
    dflash_block_size: int(8),
    dflash_freeze_base_model: bool(true),
    dflash_self_logit_distillation: bool(true),
    dflash_loss_decay_factor: float(0),
    dflash_loss_objective: { type: z.enum(['decay', 'dpace']), default: d('dpace') },
    dflash_dpace_alpha: float(0.5),
    dflash_num_anchors: int(512),
    dflash_report_acc: bool(true),
    dflash_mask_token_id: int(null),
    dflash_architecture_config: { type: pyDict(), default: () => new Map() },
    dflash_use_torch_compile: bool(true),
    dflash_swa_window_size: int(null),
    dflash_draft_attention: { type: z.enum(['bidirectional', 'causal']), default: d('bidirectional') },
    dflash_attention_sink: bool(false),
    dflash_init_checkpoint: optStr(),
    dflash_export_rope_scaling: { type: pyDict(), default: () => new Map() },
    dflash_lambda_base_start: float(1, (n) => n.gte(0).lte(1)),
    dflash_lambda_base_decay_ratio: float(1, (n) => n.gt(0).lte(1)),
    dflash_ce_loss_alpha: float(0.1, (n) => n.gte(0)),
    dflash_l1_loss_alpha: float(0.9, (n) => n.gte(0)),
    dflash_confidence_head_alpha: float(0, (n) => n.gte(0)),
  },
  after: (c) => {
    if (!(c.dflash_dpace_alpha > 0 && c.dflash_dpace_alpha <= 1))
      valueError(`dflash_dpace_alpha must be in (0, 1], got ${pyFloatRepr(c.dflash_dpace_alpha)}`);
    const w = c.dflash_swa_window_size;
    if (w !== null && w < c.dflash_block_size)
      valueError(`dflash_swa_window_size (${w}) must be >= dflash_block_size (${c.dflash_block_size}).`);
  },
});

export const MedusaConfigModel = defineModel<T.MedusaConfig>({
  name: 'MedusaConfig',
  module: ALGO_MODULE,
  fields: { medusa_num_heads: int(2), medusa_num_layers: int(1) },
});

/** The model/data/training sections every speculative recipe bundles. */
export const SPECULATIVE_SECTION_FIELDS: Record<'model' | 'data' | 'training', FieldSpec> = {
  model: { type: ModelArgumentsModel.zod, default: () => new Map() },
  data: { type: DataArgumentsModel.zod, default: () => new Map() },
  training: { type: TrainingArgumentsModel.zod, default: () => new Map() },
};

function baseFields(type: RecipeType): Record<'metadata' | 'model' | 'data' | 'training', FieldSpec> {
  return { metadata: metadataField(type), ...SPECULATIVE_SECTION_FIELDS };
}

/** Overwrites the section's `<x>_offline` flag from data.mode, as ModelOpt's recipe validator does. */
function deriveOffline(section: Record<string, unknown>, field: string, data: T.SpeculativeDataConfig): void {
  section[field] = data.mode !== 'online';
  markSet(section, field);
}

/** Python `!=` between a YAML scalar and an int: numbers (and bools) compare by value, others differ. */
function differsFromInt(v: PyValue, n: number): boolean {
  if (v instanceof PyFloat) return v.value !== n;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return Number(v) !== n;
  return true;
}

function warnRopeMismatch(r: T.EagleRecipe, ctx: ValidationContext): void {
  const rope = r.eagle.eagle_export_rope_scaling as Map<PyKey, PyValue>;
  const original = rope.get('original_max_position_embeddings') ?? null;
  if (original === null || !differsFromInt(original, r.training.training_seq_len)) return;
  ctx.warnings.push(
    `eagle.eagle_export_rope_scaling.original_max_position_embeddings (${pyStr(original)}) ` +
      `differs from training.training_seq_len (${r.training.training_seq_len}). ` +
      'This may affect long-context inference quality.',
  );
}

export const ModelOptEagleRecipeModel = defineModel<T.EagleRecipe>({
  name: 'ModelOptEagleRecipe',
  module: RECIPE_MODULE,
  fields: {
    ...baseFields('speculative_eagle'),
    eagle: { type: EagleConfigModel.zod, default: () => new Map() },
  },
  after: (r, _set, ctx) => {
    deriveOffline(r.eagle as unknown as Record<string, unknown>, 'eagle_offline', r.data);
    warnRopeMismatch(r, ctx);
  },
});

export const ModelOptDFlashRecipeModel = defineModel<T.DFlashRecipe>({
  name: 'ModelOptDFlashRecipe',
  module: RECIPE_MODULE,
  fields: {
    ...baseFields('speculative_dflash'),
    dflash: { type: DFlashConfigModel.zod, default: () => new Map() },
  },
  after: (r) => deriveOffline(r.dflash as unknown as Record<string, unknown>, 'dflash_offline', r.data),
});

export const ModelOptMedusaRecipeModel = defineModel<T.MedusaRecipe>({
  name: 'ModelOptMedusaRecipe',
  module: RECIPE_MODULE,
  fields: {
    ...baseFields('speculative_medusa'),
    medusa: { type: MedusaConfigModel.zod, default: () => new Map() },
  },
});
