/**
 * The export format of one quantized module, derived from its weight and input quantizers the way
 * ModelOpt's get_quantization_format does (quant-engine.md §4.6), and its per-layer JSON config.
 */
import { MoptError } from '../errors.js';
import type { QuantizerAttributeConfig } from '../recipe/types.js';

export type ExportFormat =
  | 'none'
  | 'fp8'
  | 'fp8_pc_pt'
  | 'fp8_pb_wo'
  | 'int4_awq'
  | 'w4a8_awq'
  | 'int8_wo'
  | 'int8_sq'
  | 'nvfp4'
  | 'w4a16_nvfp4'
  | 'w4a8_nvfp4_fp8'
  | 'w4a8_mxfp4_fp8'
  | 'mxfp4'
  | 'mxfp8';

/** A weight quantizer as planned: one attribute set, or the stages of a SequentialQuantizer. */
export type WeightQuantizer = QuantizerAttributeConfig | QuantizerAttributeConfig[];

const isPair = (v: unknown, a: number, b: number): boolean =>
  Array.isArray(v) && v.length === 2 && v[0] === a && v[1] === b;

function scaleBits(attrs: QuantizerAttributeConfig): unknown {
  return attrs.block_sizes?.get('scale_bits');
}

function hasIntBlocks(attrs: QuantizerAttributeConfig): boolean {
  if (!attrs.block_sizes) return false;
  for (const [k, v] of attrs.block_sizes) if (typeof k === 'number' && v !== null) return true;
  return false;
}

/** Block size along the last axis (the `group_size` of the JSON), if any. */
export function lastAxisBlock(attrs: QuantizerAttributeConfig): number | undefined {
  const v = attrs.block_sizes?.get(-1);
  return typeof v === 'number' ? v : undefined;
}

/** Format of a module from its weight quantizer and (enabled or null) input quantizer. */
export function moduleFormat(
  weight: WeightQuantizer | null,
  input: QuantizerAttributeConfig | null,
): ExportFormat {
  if (weight === null) return 'none';
  if (Array.isArray(weight)) return 'w4a8_awq';
  const nb = weight.num_bits;
  const inputFp8 = input !== null && isPair(input.num_bits, 4, 3);
  if (nb === 4) return 'int4_awq';
  if (nb === 8) return input !== null ? 'int8_sq' : 'int8_wo';
  if (isPair(nb, 4, 3)) {
    if (hasIntBlocks(weight)) return isPair(scaleBits(weight), 8, 0) ? 'mxfp8' : 'fp8_pb_wo';
    if (weight.axis === 0) return 'fp8_pc_pt';
    return 'fp8';
  }
  if (isPair(nb, 2, 1)) {
    if (isPair(scaleBits(weight), 8, 0)) return inputFp8 ? 'w4a8_mxfp4_fp8' : 'mxfp4';
    if (input === null) return 'w4a16_nvfp4';
    if (inputFp8) return 'w4a8_nvfp4_fp8';
    return 'nvfp4';
  }
  throw new MoptError(
    'E_EXPORT_FORMAT',
    `weight num_bits ${JSON.stringify(nb)} has no unified HF export format`,
  );
}

export type LayerConfig = Record<string, string | number | boolean>;

/** The per-layer `quantization` JSON of a format (key order as ModelOpt writes it). */
export function layerConfig(format: ExportFormat, weight: WeightQuantizer): LayerConfig {
  const first = Array.isArray(weight) ? weight[0]! : weight;
  const group = (fallback: number): number => lastAxisBlock(first) ?? fallback;
  switch (format) {
    case 'fp8':
      return { quant_algo: 'FP8' };
    case 'fp8_pc_pt':
      return { quant_algo: 'FP8_PER_CHANNEL_PER_TOKEN' };
    case 'int4_awq':
      return {
        quant_algo: 'W4A16_AWQ',
        group_size: group(128),
        has_zero_point: false,
        pre_quant_scale: true,
      };
    case 'w4a8_awq':
      return { quant_algo: 'W4A8_AWQ', group_size: group(128), has_zero_point: false, pre_quant_scale: true };
    case 'int8_wo':
      return { quant_algo: 'W8A16' };
    case 'int8_sq':
      return { quant_algo: 'W8A8_SQ_PER_CHANNEL' };
    case 'nvfp4':
      return { quant_algo: 'NVFP4', group_size: group(16) };
    case 'w4a16_nvfp4':
      return { quant_algo: 'W4A16_NVFP4', group_size: group(16) };
    case 'w4a8_nvfp4_fp8':
      return { quant_algo: 'W4A8_NVFP4_FP8', group_size: group(32) };
    case 'w4a8_mxfp4_fp8':
      return { quant_algo: 'W4A8_MXFP4_FP8', group_size: group(32) };
    case 'mxfp8':
      return { quant_algo: 'MXFP8', group_size: group(32) };
    case 'fp8_pb_wo':
    case 'mxfp4':
      return { quant_algo: format };
    case 'none':
      throw new MoptError('E_EXPORT_FORMAT', 'an unquantized module has no layer config', { exitCode: 1 });
  }
}

/** `kv_cache_quant_algo` from the enabled k/v bmm quantizers; mixing formats is an error. */
export function kvCacheQuantAlgo(kvQuantizers: readonly QuantizerAttributeConfig[]): string | null {
  const algos = new Set<string | null>();
  for (const a of kvQuantizers) {
    if (isPair(a.num_bits, 4, 3)) algos.add('FP8');
    else if (a.num_bits === 8) algos.add('INT8');
    else if (isPair(a.num_bits, 2, 1)) algos.add(a.bias ? 'NVFP4_AFFINE' : 'NVFP4');
    else algos.add(null);
  }
  if (algos.size > 1) {
    throw new MoptError(
      'E_KV_MIXED',
      `the k/v bmm quantizers mix KV-cache formats (${[...algos].map(String).join(', ')}); one format is needed`,
    );
  }
  return algos.size === 0 ? null : [...algos][0]!;
}
