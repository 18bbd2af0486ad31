/**
 * The validated shapes of ModelOpt's config classes (V2), as the rest of mopt reads them.
 * Field names are ModelOpt's own. Tuples are arrays; `block_sizes`/`bias` are Maps because their
 * integer axis keys (-1) must stay apart from string keys (`type`) and keep their order.
 */

export type NumBits = number | [number, number] | string;
export type BlockSizeValue = number | [number, number] | string | Map<number, number> | null;

export interface RotateConfig {
  enable: boolean;
  mode: 'rotate' | 'rotate_back';
  rotate_fp32: boolean;
  block_size: number | null;
}

export interface QuantizerAttributeConfig {
  enable: boolean;
  num_bits: NumBits;
  effective_bits: number | null;
  axis: number | number[] | null;
  fake_quant: boolean;
  unsigned: boolean;
  narrow_range: boolean;
  learn_amax: boolean;
  type: 'static' | 'dynamic';
  block_sizes: Map<number | string, BlockSizeValue> | null;
  bias: Map<number | string, unknown> | null;
  trt_high_precision_dtype: 'Float' | 'Half' | 'BFloat16';
  calibrator: string | unknown[];
  rotate: boolean | RotateConfig;
  pass_through_bwd: boolean;
  backend: string | null;
  backend_extra_args: Map<unknown, unknown> | null;
  use_constant_amax: boolean;
  constant_amax: number | null;
}

export interface QuantizerCfgEntry {
  quantizer_name: string;
  parent_class: string | null;
  cfg: QuantizerAttributeConfig | QuantizerAttributeConfig[] | null;
  enable: boolean;
}

/** `algorithm` is kept as written (a method name, a plain mapping, null, or a list of those). */
export type AlgorithmSpec = string | Map<unknown, unknown> | null | AlgorithmSpec[];

export interface QuantizeConfig {
  quant_cfg: QuantizerCfgEntry[];
  algorithm: AlgorithmSpec;
  effective_bits: number | null;
}

export type RecipeType =
  'ptq' | 'auto_quantize' | 'speculative_eagle' | 'speculative_dflash' | 'speculative_medusa';

export interface RecipeMetadataConfig {
  recipe_type: RecipeType;
  description: string;
}

export interface PTQRecipe {
  metadata: RecipeMetadataConfig;
  quantize: QuantizeConfig;
}

/** A `dict` kept as written (plain data, e.g. `eagle_architecture_config`). */
export type PlainDict = Map<unknown, unknown>;

export interface AutoQuantizeCost {
  active_moe_expert_ratio: number | null;
}

export interface AutoQuantizeConstraints {
  effective_bits: number;
  cost_model: 'weight' | 'active_moe';
  cost: AutoQuantizeCost | null;
}

export interface AutoQuantizeModuleSearchSpace {
  module_name_patterns: string[];
  candidate_formats: QuantizeConfig[];
  allow_no_quant: boolean;
}

export interface AutoQuantizeConfig {
  constraints: AutoQuantizeConstraints;
  candidate_formats: QuantizeConfig[];
  module_search_spaces: AutoQuantizeModuleSearchSpace[];
  auto_quantize_method: 'gradient' | 'kl_div';
  score_size: number;
  disabled_layers: string[];
  cost_excluded_layers: string[];
  kv_cache: QuantizeConfig | null;
}

export interface AutoQuantizeRecipe {
  metadata: RecipeMetadataConfig;
  /** Fixed baseline applied before the search; null = none. */
  quantize: QuantizeConfig | null;
  auto_quantize: AutoQuantizeConfig;
}

export interface SpeculativeModelConfig {
  model_name_or_path: string | null;
  use_fake_base_for_offline: boolean;
  trust_remote_code: boolean;
}

export interface SpeculativeDataConfig {
  /** Always derived: offline / streaming when that source is set, else online. */
  mode: 'online' | 'offline' | 'streaming' | null;
  data_path: string | null;
  offline_data_path: string | null;
  lazy_preprocess: boolean;
  draft_vocab_cache: string | null;
  chat_template: string | null;
  vlm_img_dir: string | null;
  vlm_processor: string | null;
  sample_size: number;
  streaming_server_url: string | null;
  streaming_model_name: string | null;
  final_aux_is_base_hidden: boolean;
}

/** Known training fields; any other key is kept as written (plain data). */
export interface SpeculativeTrainingConfig {
  training_seq_len: number;
  estimate_ar: boolean;
  ar_validate_steps: number;
  answer_only_loss: boolean;
  cp_size: number;
  dp_shard_size: number | null;
  [extra: string]: unknown;
}

export interface EagleConfig {
  eagle_offline: boolean;
  eagle_hidden_state_distillation: boolean;
  eagle_self_logit_distillation: boolean;
  eagle_freeze_base_model: boolean;
  eagle_report_acc: boolean;
  eagle_reuse_base_decoder: boolean;
  eagle_loss_decay_factor: number;
  eagle_architecture_config: PlainDict;
  eagle_decoder_type: string;
  eagle_ttt_steps: number;
  eagle_mix_hidden_states: boolean;
  eagle_use_torch_compile: boolean;
  eagle_enable_nvtx: boolean;
  eagle_export_rope_scaling: PlainDict;
  eagle_base_lora: boolean;
  eagle_base_lora_rank: number;
  eagle_base_lora_alpha: number;
  eagle_base_lora_target_modules: unknown[] | null;
  eagle_base_lora_preservation_loss_weight: number;
  eagle_base_lora_warmup_steps: number;
  eagle_base_lora_start_layer: number | null;
  eagle_base_lora_logits_detach_prob: number;
}

export interface DFlashConfig {
  dflash_offline: boolean;
  dflash_block_size: number;
  dflash_freeze_base_model: boolean;
  dflash_self_logit_distillation: boolean;
  dflash_loss_decay_factor: number;
  dflash_loss_objective: 'decay' | 'dpace';
  dflash_dpace_alpha: number;
  dflash_num_anchors: number;
  dflash_report_acc: boolean;
  dflash_mask_token_id: number | null;
  dflash_architecture_config: PlainDict;
  dflash_use_torch_compile: boolean;
  dflash_swa_window_size: number | null;
  dflash_draft_attention: 'bidirectional' | 'causal';
  dflash_attention_sink: boolean;
  dflash_init_checkpoint: string | null;
  dflash_export_rope_scaling: PlainDict;
  dflash_lambda_base_start: number;
  dflash_lambda_base_decay_ratio: number;
  dflash_ce_loss_alpha: number;
  dflash_l1_loss_alpha: number;
  dflash_confidence_head_alpha: number;
}

export interface MedusaConfig {
  medusa_num_heads: number;
  medusa_num_layers: number;
}

interface SpeculativeRecipeBase {
  metadata: RecipeMetadataConfig;
  model: SpeculativeModelConfig;
  data: SpeculativeDataConfig;
  training: SpeculativeTrainingConfig;
}
export interface EagleRecipe extends SpeculativeRecipeBase {
  eagle: EagleConfig;
}
export interface DFlashRecipe extends SpeculativeRecipeBase {
  dflash: DFlashConfig;
}
export interface MedusaRecipe extends SpeculativeRecipeBase {
  medusa: MedusaConfig;
}

export type Recipe = PTQRecipe | AutoQuantizeRecipe | EagleRecipe | DFlashRecipe | MedusaRecipe;

/** Layer-by-layer calibration settings shared by every algorithm (§4.6). */
export interface LayerwiseConfig {
  enable: boolean;
  get_qdq_activations_from_prev_layer: boolean;
  checkpoint_dir: string | null;
  save_every: number;
  calib_mutates_weights: boolean;
}

/** A validated calibration algorithm config; method-specific fields sit beside the shared ones. */
export interface AlgorithmConfig {
  method: string | null;
  moe_calib_experts_ratio: number | null;
  layerwise: LayerwiseConfig;
  [field: string]: unknown;
}
