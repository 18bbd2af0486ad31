/** Builders for validated quant_cfg entries (types.ts shape, every attribute default filled). */
import type {
  BlockSizeValue,
  QuantizerAttributeConfig,
  QuantizerCfgEntry,
} from '../../../src/recipe/types.js';
import { defaultAttributes } from '../../../src/quant/plan/attributes.js';

export const blocks = (...pairs: [number | string, BlockSizeValue][]): Map<number | string, BlockSizeValue> =>
  new Map(pairs);

export function attrs(over: Partial<QuantizerAttributeConfig> = {}): QuantizerAttributeConfig {
  return { ...defaultAttributes(), ...over };
}

export function entry(
  quantizer_name: string,
  opts: { cfg?: QuantizerCfgEntry['cfg']; enable?: boolean; parent_class?: string | null } = {},
): QuantizerCfgEntry {
  return {
    quantizer_name,
    parent_class: opts.parent_class ?? null,
    cfg: opts.cfg ?? null,
    enable: opts.enable ?? true,
  };
}

export const FP8 = attrs({ num_bits: [4, 3] });
export const NVFP4 = attrs({
  num_bits: [2, 1],
  block_sizes: blocks([-1, 16], ['type', 'dynamic'], ['scale_bits', [4, 3]]),
});
export const INT4_B128 = attrs({ num_bits: 4, block_sizes: blocks([-1, 128], ['type', 'static']) });
export const MXFP4 = attrs({
  num_bits: [2, 1],
  block_sizes: blocks([-1, 32], ['type', 'dynamic'], ['scale_bits', [8, 0]]),
});

export const DENY_ALL = entry('*', { enable: false });

/** `default_disabled_quantizers` as ModelOpt 0.47.0 ships it (24 entries, shipped order). */
export const DEFAULT_DISABLED: QuantizerCfgEntry[] = [
  ...[
    '*block_sparse_moe.gate*',
    '*linear_attn.conv1d*',
    '*self_attention.conv1d*',
    '*linear_attn.in_proj_a*',
    '*linear_attn.in_proj_b*',
    '*lm_head*',
    '*mixer.conv1d*',
    '*mlp.gate.*',
    '*mlp.shared_expert_gate.*',
    '*output_layer*',
    '*proj_out.*',
    '*router*',
    'mtp.*',
    'output.*',
    '*embed_vision*',
    '*vision_tower*',
    '*visual*',
    '*vision_model*',
    '*multi_modal_projector*',
  ].map((n) => entry(n, { enable: false })),
  ...['nn.BatchNorm1d', 'nn.BatchNorm2d', 'nn.BatchNorm3d', 'nn.LeakyReLU', 'nn.Embedding'].map((c) =>
    entry('*', { enable: false, parent_class: c }),
  ),
];

/** `nvfp4_default-kv_fp8_cast`-like: deny-all, NVFP4 W+A, FP8 cast KV, standard exclusions. */
export function nvfp4Recipe(): QuantizerCfgEntry[] {
  return [
    DENY_ALL,
    entry('*weight_quantizer', { cfg: NVFP4 }),
    entry('*input_quantizer', { cfg: NVFP4 }),
    entry('*[kv]_bmm_quantizer', { cfg: attrs({ num_bits: [4, 3], use_constant_amax: true }) }),
    ...DEFAULT_DISABLED,
  ];
}
