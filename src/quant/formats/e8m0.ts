/**
 * E8M0 shared exponents (MX block scales): byte = k + 127 encodes 2^k, k in [-127, 127]; 0xFF = NaN.
 * Two ways ModelOpt derives k from a block amax, and they differ on purpose:
 *  - fake quant (CUDA, "NV" rule): k = ceil(log2(fp32(amax / fmax))) computed exactly from the
 *    float bits (exponent field, +1 unless the ratio is an exact power of two); amax 0 or non-finite
 *    means unscale 1 (k = 0).
 *  - export (MXFP4QTensor / MXFP8QTensor): k = ceil(torch.log2(fp32(amax / fmax))) with a float32
 *    log2, clamped; amax 0 gives log2 = -inf -> -127.
 */

import { ceilLog2, fround } from './float32.js';

export const E8M0_BIAS = 127;
export const E8M0_MIN_EXP = -127;
export const E8M0_MAX_EXP = 127;
export const E8M0_NAN = 0xff;

export function encodeE8M0(k: number): number {
  return k + E8M0_BIAS;
}

export function decodeE8M0(byte: number): number {
  return byte === E8M0_NAN ? NaN : 2 ** (byte - E8M0_BIAS);
}

function clampExp(k: number): number {
  return k < E8M0_MIN_EXP ? E8M0_MIN_EXP : k > E8M0_MAX_EXP ? E8M0_MAX_EXP : k;
}

/** Fake-quant shared exponent: smallest power of two with amax / 2^k <= fmax (no clipping). */
export function mxFakeExponent(blockAmax: number, fmax: number): number {
  if (blockAmax === 0 || !Number.isFinite(blockAmax)) return 0;
  const ratio = fround(blockAmax / fmax);
  if (ratio === 0) return E8M0_MIN_EXP; // ratio underflowed float32
  return clampExp(ceilLog2(ratio));
}

/**
 * Export shared exponent. torch.log2 on float32 is emulated as fround(Math.log2(ratio)): a ratio a
 * hair above a power of two can round its log2 down to the integer, exactly as float32 log2 does.
 */
export function mxExportExponent(blockAmax: number, fmax: number): number {
  const ratio = fround(blockAmax / fmax);
  const lg = fround(Math.log2(ratio));
  if (lg !== lg) return E8M0_MAX_EXP; // NaN amax: torch.clamp keeps NaN; the cast to uint8 is undefined
  return clampExp(Math.ceil(lg));
}
