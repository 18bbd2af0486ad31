/**
 * Fake quantization of one tensor under one QuantizerAttributeConfig (§2.1 steps 4-9): quantize
 * and dequantize in float32 with ModelOpt's exact arithmetic. Sequential (list) configs compose.
 */

import { MoptError } from '../../errors.js';
import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import { fround } from '../formats/float32.js';
import { fp8FakeQuantValue, fp8Scale } from '../formats/fp8.js';
import { intFakeQuantValue, intScale } from '../formats/int.js';
import { mxElement, mxFakeQuant } from '../formats/mx.js';
import { nvfp4FakeQuantDynamic, nvfp4FakeQuantStatic } from '../formats/nvfp4.js';
import { amaxShape, checkShape, groupIndex, numel, reduceAmax, rowsCols } from './amax.js';
import { quantSpec, type QuantSpec } from './spec.js';

export interface FakeQuantOptions {
  /** NVFP4 static: the tensor-level amax shared by fused siblings (default: max of the block amaxes). */
  globalAmax?: number;
}

export type AmaxInput = Float32Array | number;

function toArray(amax: AmaxInput): Float32Array {
  return typeof amax === 'number' ? Float32Array.of(amax) : amax;
}

/**
 * The amax the quantizer uses: the constant if configured, the live tensor's for dynamic
 * quantizers or when none is given, else the stored one (a single value broadcasts).
 */
export function resolveAmax(
  x: Float32Array,
  shape: readonly number[],
  spec: QuantSpec,
  amax?: AmaxInput,
): Float32Array {
  const size = numel(amaxShape(spec.granularity, shape));
  if (spec.constantAmax !== null) return new Float32Array(size).fill(spec.constantAmax);
  if (spec.dynamic || amax === undefined) return reduceAmax(x, shape, spec.granularity);
  const a = toArray(amax);
  if (a.length === size) return a;
  if (a.length === 1) return new Float32Array(size).fill(a[0]!);
  throw new MoptError(
    'QUANT_AMAX_SHAPE',
    `amax has ${a.length} values but a ${spec.granularity.kind} quantizer of a [${shape.join(', ')}] tensor needs ${size} (shape [${amaxShape(spec.granularity, shape).join(', ')}])`,
  );
}

/** ModelOpt's input checks: a negative amax, or negative inputs to an unsigned quantizer, are errors. */
function checkAmaxAndSign(x: Float32Array, a: Float32Array, spec: QuantSpec): void {
  for (let k = 0; k < a.length; k++) {
    if (a[k]! < 0)
      throw new MoptError('QUANT_AMAX_NEGATIVE', `amax must not be negative (got ${a[k]} at index ${k})`);
  }
  if (spec.format.kind === 'int' && spec.format.bounds.minBound === 0) {
    for (let i = 0; i < x.length; i++) {
      if (x[i]! < 0)
        throw new MoptError(
          'QUANT_UNSIGNED_NEGATIVE',
          `unsigned quantizer got a negative input (${x[i]} at index ${i})`,
        );
    }
  }
}

/** The per-tensor amax of a dynamic NVFP4 quantizer (a number or a one-element array). */
export function scalarAmax(amax: AmaxInput): number {
  if (typeof amax === 'number') return amax;
  if (amax.length !== 1)
    throw new MoptError(
      'QUANT_AMAX_SHAPE',
      `dynamic NVFP4 takes one per-tensor amax, got ${amax.length} values`,
    );
  return amax[0]!;
}

function maxOf(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > m || a[i]! !== a[i]!) m = a[i]!;
  return m;
}

/** Fake-quantizes `x` (row-major, `shape`) under `cfg`; a list cfg applies its stages in order. */
export function fakeQuant(
  x: Float32Array,
  shape: readonly number[],
  cfg: QuantizerAttributeConfig | QuantizerAttributeConfig[],
  amax?: AmaxInput | Array<AmaxInput | undefined>,
  opts: FakeQuantOptions = {},
): Float32Array {
  if (Array.isArray(cfg))
    return sequentialFakeQuant(x, shape, cfg, amax as Array<AmaxInput | undefined> | undefined, opts);
  checkShape(x, shape);
  if (!cfg.enable) return Float32Array.from(x);
  const spec = quantSpec(cfg, shape);
  return fakeQuantSpec(x, shape, spec, amax as AmaxInput | undefined, opts);
}

/** SequentialQuantizer: each stage fake-quantizes the previous stage's output (§2.7). */
export function sequentialFakeQuant(
  x: Float32Array,
  shape: readonly number[],
  cfgs: QuantizerAttributeConfig[],
  amaxes: Array<AmaxInput | undefined> = [],
  opts: FakeQuantOptions = {},
): Float32Array {
  let y = x;
  cfgs.forEach((c, i) => {
    y = fakeQuant(y, shape, c, amaxes[i], opts);
  });
  return y === x ? Float32Array.from(x) : y;
}

/** Fake quant with an already-resolved spec (also the per-chunk entry point of the worker pool). */
export function fakeQuantSpec(
  x: Float32Array,
  shape: readonly number[],
  spec: QuantSpec,
  amax: AmaxInput | undefined,
  opts: FakeQuantOptions,
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  const f = spec.format;
  const { rows, cols } = rowsCols(shape);
  if (f.kind === 'mx') {
    mxFakeQuant(x, out, rows, cols, mxElement(f.element), f.blockSize);
    return out;
  }
  if (f.kind === 'nvfp4' && f.dynamic) {
    const g =
      spec.constantAmax ??
      (amax === undefined ? maxOf(reduceAmax(x, shape, { kind: 'tensor' })) : scalarAmax(amax));
    nvfp4FakeQuantDynamic(x, out, rows, cols, f.blockSize, g);
    return out;
  }
  const a = resolveAmax(x, shape, spec, amax);
  if (f.kind === 'nvfp4') {
    const norm = f.fourOverSix ? 256 : 448;
    nvfp4FakeQuantStatic(x, out, rows, cols, f.blockSize, a, opts.globalAmax ?? maxOf(a), norm);
    return out;
  }
  checkAmaxAndSign(x, a, spec);
  // int / fp8: one scale per amax group; the element loop only indexes precomputed scales
  const scale = new Float32Array(a.length);
  const inv = new Float32Array(a.length);
  for (let k = 0; k < a.length; k++) {
    if (f.kind === 'fp8') {
      scale[k] = fp8Scale(a[k]!);
      inv[k] = fround(1 / scale[k]!);
    } else scale[k] = intScale(a[k]!, f.bounds.maxBound);
  }
  const idx = groupIndex(spec.granularity, shape);
  const n = x.length;
  if (f.kind === 'fp8') {
    for (let i = 0; i < n; i++) {
      const k = idx === null ? 0 : idx[i]!;
      out[i] = fp8FakeQuantValue(x[i]!, scale[k]!, inv[k]!);
    }
  } else {
    const b = f.bounds;
    for (let i = 0; i < n; i++) out[i] = intFakeQuantValue(x[i]!, scale[idx === null ? 0 : idx[i]!]!, b);
  }
  return out;
}
