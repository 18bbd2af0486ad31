/**
 * Integer fake/real quantization exactly as ModelOpt's tensor_quant does it in float32:
 *   maxb = 2^(bits-1+unsigned) - 1, minb = 0 | -maxb (narrow) | -maxb-1
 *   scale = fp32(maxb / amax); q = clamp(rint(fp32(x * scale)), minb, maxb); y = fp32(q / scale)
 * amax < 2^-24 returns +0 for every element (the CUDA kernel's early return; the CPU fallback uses
 * <= and keeps the sign of zero, the GPU path is the one ModelOpt runs).
 */

import { MoptError } from '../../errors.js';
import { clamp, fround, rint } from './float32.js';

export interface IntBounds {
  maxBound: number;
  minBound: number;
}

/** amax below this is treated as zero (ModelOpt's epsilon 1/(1<<24)). */
export const INT_AMAX_EPSILON = 2 ** -24;

export function intBounds(numBits: number, unsigned: boolean, narrowRange: boolean): IntBounds {
  if (!Number.isInteger(numBits) || numBits < 1 || numBits > 32) {
    throw new MoptError('QUANT_NUM_BITS', `integer quantization needs 1..32 bits, got num_bits ${numBits}`);
  }
  const maxBound = 2 ** (numBits - 1 + (unsigned ? 1 : 0)) - 1;
  const minBound = unsigned ? 0 : narrowRange ? -maxBound : -maxBound - 1;
  return { maxBound, minBound };
}

/** fp32 quantization scale maxb/amax, or 0 for a (near-)zero amax. */
export function intScale(amax: number, maxBound: number): number {
  return amax < INT_AMAX_EPSILON ? 0 : fround(maxBound / amax);
}

/** Integer code of x under `scale` (0 scale gives 0 codes). NaN stays NaN; ±Inf clamps. */
export function intCode(x: number, scale: number, b: IntBounds): number {
  return clamp(rint(fround(x * scale)), b.minBound, b.maxBound);
}

/** One fake-quantized value; `scale` from intScale (0 means a zero amax: the output is +0). */
export function intFakeQuantValue(x: number, scale: number, b: IntBounds): number {
  if (scale === 0) return 0;
  const q = clamp(rint(fround(x * scale)), b.minBound, b.maxBound);
  return fround(q / scale);
}

/** Export-side integer code: q = clamp(rint(fp32(w / ws)), minb, maxb) with the dequant scale ws. */
export function intCodeFromStep(w: number, step: number, b: IntBounds): number {
  return clamp(rint(fround(w / step)), b.minBound, b.maxBound);
}
