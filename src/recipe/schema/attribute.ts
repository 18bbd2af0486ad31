/**
 * QuantizerAttributeConfig (a quant_cfg entry's `cfg`) and RotateConfig, with ModelOpt V2's
 * validators R1–R8 (recipes.md §4.3).
 */
import * as z from 'zod';
import { isDict, isInt, pyFloatRepr, pyRepr, type PyValue } from '../pyvalue.js';
import type { QuantizerAttributeConfig, RotateConfig } from '../types.js';
import { pyDict, variadicTuple } from './zod-defs.js';
import { assertion, didYouMean, valueError } from './issues.js';
import { defineModel } from './model.js';

const QUANT_MODULE = 'modelopt.torch.quantization.config';
const int = () => z.int();
const intPair = () => z.tuple([z.int(), z.int()]);
const lit = (v: PyValue) => () => v;

/** Python `str(v)` for values embedded in f-string messages. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v as PyValue);
}

export const RotateConfigModel = defineModel<RotateConfig>({
  name: 'RotateConfig',
  module: QUANT_MODULE,
  fields: {
    enable: { type: z.boolean(), default: lit(false), description: 'Apply the rotation.' },
    mode: { type: z.enum(['rotate', 'rotate_back']), default: lit('rotate') },
    rotate_fp32: { type: z.boolean(), default: lit(false) },
    block_size: {
      type: int().nullable(),
      default: lit(null),
      // ModelOpt checks the raw value before any coercion, so `true`, `1.5` and `'4'` are refused.
      before: (v) => {
        if (v !== null && !(isInt(v) && Number(v) > 0))
          valueError(`block_size must be a positive int, got ${pyRepr(v)}`);
        return v;
      },
    },
  },
});

const ENABLE_ONLY_MESSAGE =
  "Invalid quantizer config: Cannot specify only {'enable': True}. " +
  'Additional parameters are required when enabling quantization.';

/** R1: no mapping anywhere in the raw cfg may be exactly `{enable: True}` (values under `rotate` excepted). */
function rejectEnableOnly(value: PyValue): void {
  if (Array.isArray(value)) value.forEach(rejectEnableOnly);
  else if (isDict(value)) {
    if (value.size === 1 && value.get('enable') === true) valueError(ENABLE_ONLY_MESSAGE);
    for (const [k, v] of value) if (k !== 'rotate') rejectEnableOnly(v);
  }
}

const BLOCK_STRING_KEYS = ['type', 'scale_bits', 'scale_block_sizes', 'four_over_six'];

/** R3: block_sizes excludes axis, dynamic blocks quantize one axis, keys are axes or known names. */
function checkBlockSizes(v: unknown, data: Record<string, unknown>): unknown {
  if (v === null) return v;
  const blocks = v as Map<number | string, unknown>;
  assertion(data.axis === null || data.axis === undefined, 'axis must be None when block_sizes is not None.');
  if (blocks.get('type') === 'dynamic') {
    const axes = [...blocks.keys()].filter((k) => !BLOCK_STRING_KEYS.includes(k as string));
    assertion(axes.length === 1, 'Dynamic block quantization only supports quantization last axis.');
  }
  for (const [k, value] of blocks) {
    if (typeof k === 'string')
      assertion(
        BLOCK_STRING_KEYS.includes(k),
        () =>
          `block_sizes key ${pyRepr(k)} is not an axis and not one of ${BLOCK_STRING_KEYS.join(', ')}` +
          didYouMean(k, BLOCK_STRING_KEYS),
      );
    else
      assertion(
        value === null || typeof value === 'number',
        () => `block size for axis ${k} must be an int or None, got ${pyRepr(value as PyValue)}`,
      );
  }
  return v;
}

/** R4: bias type/method values and at least one integer axis key. */
function checkBias(v: unknown): unknown {
  if (v === null) return v;
  const bias = v as Map<number | string, unknown>;
  if (bias.has('type') && !['static', 'dynamic'].includes(bias.get('type') as string))
    valueError(`Invalid bias type: ${pyStr(bias.get('type'))}, expected 'static' or 'dynamic'`);
  if (bias.has('method') && !['mean', 'max_min'].includes(bias.get('method') as string))
    valueError(`Invalid bias method: ${pyStr(bias.get('method'))}, expected 'mean' or 'max_min'`);
  const axes = [...bias.keys()].filter((k) => k !== 'type' && k !== 'method');
  assertion(axes.length > 0, 'The axis for bias computation is not specified.');
  // ModelOpt formats the type of its axis list here, so the text always says <class 'list'>.
  if (axes.some((k) => typeof k !== 'number')) valueError("Invalid axis type <class 'list'>, expected int");
  return v;
}

const FPX_FORMATS = ['4,3', '5,2', '2,1', '1,2', '0,3', '3,0', '3,2', '2,3'];
const POSITIVE_MESSAGE = 'num_bits must be a positive integer or a tuple of positive integers.';

/** R7: num_bits sanity unless a custom backend owns the format. */
function checkNumBits(c: QuantizerAttributeConfig): void {
  if (c.backend !== null) return;
  const bits = c.num_bits;
  if (typeof bits === 'number') {
    if (bits < 1) valueError(`${POSITIVE_MESSAGE} ${bits}`);
    return;
  }
  if (typeof bits === 'string') return;
  if (!bits.every((x) => x > 0)) valueError(POSITIVE_MESSAGE);
  const key = bits.join(',');
  if (!FPX_FORMATS.includes(key))
    valueError('Supported FPx quantization formats: FP8 (E4M3, E5M2), FP6(E3M2, E2M3), FP4(E2M1).');
  if (key !== '4,3' && key !== '2,1' && c.block_sizes?.get('type') !== 'dynamic')
    // The braces are ModelOpt's literal text (its f-string prefix is missing).
    valueError(
      'Only blockwise dynamic quantization is supported with quantization formats E{num_bis[0]}M{num_bits[1]}.',
    );
}

function checkEffectiveBits(v: unknown): unknown {
  if (v !== null && !((v as number) > 0 && (v as number) <= 16))
    valueError(`effective_bits must be in (0, 16], got ${pyFloatRepr(v as number)}`);
  return v;
}

export { checkEffectiveBits };

/** A block_sizes value: size, scale format (ExMy tuple or name), or scale block sizes. */
export const BlockSizeValueSchema = z.union([int(), intPair(), z.string(), z.record(int(), int())]);

export const QuantizerAttributeConfigModel = defineModel<QuantizerAttributeConfig>({
  name: 'QuantizerAttributeConfig',
  module: QUANT_MODULE,
  fields: {
    enable: {
      description: 'Quantizer on/off (inside an entry cfg the entry-level enable decides).',
      type: z.boolean(),
      default: lit(true),
    },
    num_bits: {
      description:
        'Integer bits (8), an ExMy float format (e4m3, e2m1 or [E, M]), or a custom-backend format name.',
      type: z.union([int(), intPair(), z.string()]),
      default: lit(8),
    },
    effective_bits: {
      description: 'Cost hint for AutoQuantize, in (0, 16] (e.g. 4.5 for NVFP4).',
      type: z.number().nullable(),
      default: lit(null),
      after: checkEffectiveBits,
    },
    axis: {
      description: 'Per-channel axis (or axes); null means one scale per tensor. Not with block_sizes.',
      type: z.union([int(), variadicTuple(int())]).nullable(),
      default: lit(null),
    },
    fake_quant: {
      description: 'Quantize-dequantize in the original dtype.',
      type: z.boolean(),
      default: lit(true),
    },
    unsigned: {
      description: 'Unsigned integer range (integer formats only).',
      type: z.boolean(),
      default: lit(false),
    },
    narrow_range: {
      description: 'Symmetric integer range without the lowest code (integer formats only).',
      type: z.boolean(),
      default: lit(false),
    },
    learn_amax: {
      description: 'Deprecated; must stay false.',
      type: z.boolean(),
      default: lit(false),
      after: (v) => {
        assertion(v !== true, 'learn_amax is deprecated and reserved for backward compatibility.');
        return v;
      },
    },
    type: {
      description: 'static (calibrated scales) or dynamic (scales computed on the fly).',
      type: z.string().regex(/^static$|^dynamic$/),
      default: lit('static'),
    },
    block_sizes: {
      description:
        'Axis -> block size (null = whole axis), plus type, scale_bits, scale_block_sizes, four_over_six.',
      type: z.record(z.union([int(), z.string()]), BlockSizeValueSchema.nullable()).nullable(),
      default: lit(null),
      after: checkBlockSizes,
    },
    bias: {
      description:
        'Affine quantization: integer axis keys plus optional type (static|dynamic) and method (mean|max_min).',
      type: z
        .record(
          z.union([int(), z.string()]),
          z
            .union([
              z.enum(['static', 'dynamic']),
              z.enum(['mean', 'max_min']),
              variadicTuple(int()),
              z.boolean(),
              int(),
            ])
            .nullable(),
        )
        .nullable(),
      default: lit(null),
      after: checkBias,
    },
    trt_high_precision_dtype: {
      description: 'Float, Half or BFloat16 (ONNX/TensorRT export).',
      type: z.string().regex(/^Float$|^Half$|^BFloat16$/),
      default: lit('Float'),
    },
    calibrator: {
      description: 'max or histogram (or a [class, args] constructor list).',
      type: z.union([z.string(), variadicTuple(z.unknown())]),
      default: lit('max'),
      after: (v) => {
        if (typeof v === 'string')
          assertion(
            v === 'max' || v === 'histogram',
            () =>
              `calibrator must be 'max' or 'histogram' (or a constructor list), got ${pyRepr(v)}` +
              didYouMean(v, ['max', 'histogram']),
          );
        return v;
      },
    },
    rotate: {
      description: 'Rotate inputs before quantizing: true/false or a rotation mapping.',
      type: z.union([z.boolean(), RotateConfigModel.zod]),
      default: lit(false),
    },
    pass_through_bwd: {
      description: 'Straight-through gradient estimator.',
      type: z.boolean(),
      default: lit(true),
    },
    backend: {
      description: 'Custom quantization backend name; skips num_bits checks.',
      type: z.string().nullable(),
      default: lit(null),
    },
    backend_extra_args: {
      description: 'Free-form arguments kept for the custom backend.',
      type: pyDict().nullable(),
      default: lit(null),
    },
    use_constant_amax: {
      description: 'Use the constant FP8 amax (448) and skip calibration (KV cast).',
      type: z.boolean(),
      default: lit(false),
    },
    constant_amax: {
      description: 'Pin amax to this positive value. Not with use_constant_amax.',
      type: z.number().nullable(),
      default: lit(null),
      after: (v) => {
        assertion(v === null || (v as number) > 0, 'constant_amax must be a positive value.');
        return v;
      },
    },
  },
  before: (raw) => {
    rejectEnableOnly(raw);
    return raw;
  },
  after: (c) => {
    checkNumBits(c);
    assertion(
      !(c.use_constant_amax && c.constant_amax !== null),
      'use_constant_amax and constant_amax are mutually exclusive; set only one.',
    );
  },
});
