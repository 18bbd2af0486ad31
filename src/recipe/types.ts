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
  | 'ptq'
  | 'auto_quantize'
  | 'speculative_eagle'
  | 'speculative_dflash'
  | 'speculative_medusa';

export interface RecipeMetadataConfig {
  recipe_type: RecipeType;
  description: string;
}

export interface PTQRecipe {
  metadata: RecipeMetadataConfig;
  quantize: QuantizeConfig;
}
