/**
 * export_amax (§2.8): the amax as exported scales see it. Static quantizers get zero/NaN replaced
 * by the format's max bound, a clamp to [float32 tiny, float32 max], and the export shape;
 * dynamic-block quantizers (NVFP4) return their raw amax.
 */

import { MoptError } from '../../errors.js';
import { F32_MAX, F32_TINY } from '../formats/float32.js';
import { amaxShape, rowsCols } from './amax.js';
import type { QuantSpec } from './spec.js';

export interface ShapedArray {
  data: Float32Array;
  shape: number[];
}

/** The bound a zero or NaN amax is replaced with: 448 (FP8), 6 (NVFP4), 2^(b-1)-1 (int). */
export function maxBoundOf(spec: QuantSpec): number {
  const f = spec.format;
  if (f.kind === 'fp8') return 448;
  if (f.kind === 'nvfp4') return 6;
  if (f.kind === 'int') return 2 ** (f.bits - 1) - 1;
  throw new MoptError('QUANT_EXPORT', 'MX quantizers carry no amax to export');
}

/** Export shape of an amax: [1] per tensor, 1-D for one kept axis, [*lead, last/bs] for blocks. */
export function exportAmaxShape(spec: QuantSpec, shape: readonly number[]): number[] {
  const g = spec.granularity;
  if (g.kind === 'tensor') return [1];
  if (g.kind === 'axis') return g.keep.length === 1 ? [shape[g.keep[0]!]!] : amaxShape(g, shape);
  if (g.kind === 'block') {
    const { cols } = rowsCols(shape);
    return [...shape.slice(0, -1), Math.ceil(cols / g.size)];
  }
  return amaxShape(g, shape);
}

export function exportAmax(amax: Float32Array, spec: QuantSpec, shape: readonly number[]): ShapedArray {
  if (spec.format.kind === 'nvfp4' && spec.format.dynamic)
    return { data: Float32Array.from(amax), shape: amax.length === 1 ? [] : [amax.length] };
  const bound = maxBoundOf(spec);
  const data = new Float32Array(amax.length);
  for (let i = 0; i < amax.length; i++) {
    let a = amax[i]!;
    if (a === 0 || a !== a) a = bound;
    data[i] = a < F32_TINY ? F32_TINY : a > F32_MAX ? F32_MAX : a;
  }
  return { data, shape: exportAmaxShape(spec, shape) };
}

/**
 * Exported activation scale (`input_scale`, `k_scale`, `v_scale`) of a per-tensor quantizer:
 * export_amax / 448 for FP8, / 2688 for NVFP4 (raw amax, dynamic blocks), / maxb for ints.
 */
export function activationScale(amax: number, spec: QuantSpec): number {
  const a = spec.constantAmax ?? amax;
  const ea = exportAmax(Float32Array.of(a), spec, [1]).data[0]!;
  const f = spec.format;
  const divisor = f.kind === 'nvfp4' ? 6 * (f.fourOverSix ? 256 : 448) : maxBoundOf(spec);
  return Math.fround(ea / divisor);
}
