/**
 * Speculative-decoding recipe classes (recipes.md §4.7): model/data/training sections, the
 * Eagle, DFlash and Medusa sections, and the three recipe classes with their derived fields.
 */
import * as z from 'zod';
import { isDict, PyFloat, pyFloatRepr, type PyKey, type PyValue } from '../pyvalue.js';
import type { RecipeType } from '../types.js';
import type * as T from '../types.js';
import { pyDict } from './zod-defs.js';
import { valueError, type ValidationContext } from './issues.js';
import { metadataField } from './metadata.js';
import { defineModel, markSet, type FieldSpec } from './model.js';

const MODULE = 'modelopt.recipe.config';
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
/** A float field that refuses inf and nan (pydantic `allow_inf_nan=False`). */
const finiteFloat = (v: number): FieldSpec => ({
  ...float(v),
  after: (x) => (Number.isFinite(x) ? x : valueError('Input should be a finite number')),
});
const optStr = (v: string | null = null): FieldSpec => ({ type: z.string().nullable(), default: d(v) });

export const SpeculativeModelConfigModel = defineModel<T.SpeculativeModelConfig>({
  name: 'SpeculativeModelConfig',
  module: MODULE,
  fields: {
    model_name_or_path: optStr('TinyLlama/TinyLlama-1.1B-Chat-v1.0'),
    use_fake_base_for_offline: bool(false),
    trust_remote_code: bool(false),
  },
});

/** `data.mode` is always derived from which source is configured (the given value is ignored). */
function deriveDataMode(raw: PyValue): PyValue {
  if (!isDict(raw)) return raw;
  const offline = raw.get('offline_data_path') ?? null;
  const streaming = raw.get('streaming_server_url') ?? null;
  if (offline !== null && streaming !== null)
    valueError('ambiguous: set only one of data.offline_data_path / data.streaming_server_url');
  const mode = offline !== null ? 'offline' : streaming !== null ? 'streaming' : 'online';
  return new Map(raw).set('mode', mode) as Map<PyKey, PyValue>;
}

export const SpeculativeDataConfigModel = defineModel<T.SpeculativeDataConfig>({
  name: 'SpeculativeDataConfig',
  module: MODULE,
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
    // Not in recipes.md (newer upstream); the shipped DSpark warm-start recipe sets it.
    final_aux_is_base_hidden: bool(false),
  },
  before: deriveDataMode,
  after: (c) => {
    if (c.mode === 'streaming' && (c.streaming_server_url === null || c.streaming_model_name === null))
      valueError("data.mode='streaming' requires data.streaming_server_url and data.streaming_model_name");
  },
});

export const SpeculativeTrainingConfigModel = defineModel<T.SpeculativeTrainingConfig>({
  name: 'SpeculativeTrainingConfig',
  module: MODULE,
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
  module: MODULE,
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
  const ropeType = rope.get('rope_type') || rope.get('type') || null;
  if (ropeType !== null && ropeType !== 'default')
    valueError(
      `eagle_export_rope_scaling is set but eagle_architecture_config has rope_type='${String(ropeType)}'. ` +
        "Export rope overwrite is only valid when the training rope_type is 'default' (no scaling).",
    );
}

export const DFlashConfigModel = defineModel<T.DFlashConfig>({
  name: 'DFlashConfig',
  module: MODULE,
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
    dflash_use_flex_attention: bool(false),
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
    dflash_fp32_master_weights: bool(false),
    dflash_lilicorr_w_ce: finiteFloat(-1),
    dflash_lilicorr_w_margin: finiteFloat(-1),
    dflash_lilicorr_margin: finiteFloat(-1),
    dflash_lilicorr_w_pen: finiteFloat(-1),
    dflash_selector_loss_alpha: float(1, (n) => n.gte(0)),
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
  module: MODULE,
  fields: { medusa_num_heads: int(2), medusa_num_layers: int(1) },
});

function baseFields(type: RecipeType): Record<'metadata' | 'model' | 'data' | 'training', FieldSpec> {
  return {
    metadata: metadataField(type),
    model: { type: SpeculativeModelConfigModel.zod, default: () => new Map() },
    data: { type: SpeculativeDataConfigModel.zod, default: () => new Map() },
    training: { type: SpeculativeTrainingConfigModel.zod, default: () => new Map() },
  };
}

/** Overwrites the section's `<x>_offline` flag from data.mode, as ModelOpt's recipe validator does. */
function deriveOffline(section: Record<string, unknown>, field: string, data: T.SpeculativeDataConfig): void {
  section[field] = data.mode !== 'online';
  markSet(section, field);
}

function warnRopeMismatch(r: T.EagleRecipe, ctx: ValidationContext): void {
  const rope = r.eagle.eagle_export_rope_scaling;
  const original = rope.get('original_max_position_embeddings');
  if (original === undefined) return;
  if (Number(original instanceof PyFloat ? original.value : original) !== r.training.training_seq_len)
    ctx.warnings.push(
      `eagle.eagle_export_rope_scaling.original_max_position_embeddings (${String(original instanceof PyFloat ? original.value : original)}) ` +
        `differs from training.training_seq_len (${r.training.training_seq_len}).`,
    );
}

export const ModelOptEagleRecipeModel = defineModel<T.EagleRecipe>({
  name: 'ModelOptEagleRecipe',
  module: MODULE,
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
  module: MODULE,
  fields: {
    ...baseFields('speculative_dflash'),
    dflash: { type: DFlashConfigModel.zod, default: () => new Map() },
  },
  after: (r) => deriveOffline(r.dflash as unknown as Record<string, unknown>, 'dflash_offline', r.data),
});

export const ModelOptMedusaRecipeModel = defineModel<T.MedusaRecipe>({
  name: 'ModelOptMedusaRecipe',
  module: MODULE,
  fields: {
    ...baseFields('speculative_medusa'),
    medusa: { type: MedusaConfigModel.zod, default: () => new Map() },
  },
});
