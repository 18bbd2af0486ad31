/**
 * FP8 formats. E4M3FN (torch.float8_e4m3fn): bias 7, max 448 (0x7E), NaN 0x7F, no infinity,
 * subnormal step 2^-9. E5M2: bias 15, max 57344 (0x7B), Inf 0x7C. Encoders saturate (satfinite).
 */

import { fround } from './float32.js';
import { defineMiniFloat, encodeFast, encodeReference, type MiniFloat } from './minifloat.js';

export const E4M3: MiniFloat = defineMiniFloat({
  name: 'E4M3',
  expBits: 4,
  manBits: 3,
  bias: 7,
  maxCode: 0x7e,
  nanCode: 0x7f,
});
export const E5M2: MiniFloat = defineMiniFloat({
  name: 'E5M2',
  expBits: 5,
  manBits: 2,
  bias: 15,
  maxCode: 0x7b,
  nanCode: 0x7f,
  infCode: 0x7c,
});

export const E4M3_MAX = 448;
export const E5M2_MAX = 57344;

/** Decoded value of every E4M3 byte (0x7F/0xFF are NaN). */
export const E4M3_TABLE: Float32Array = E4M3.table;
export const E5M2_TABLE: Float32Array = E5M2.table;

/** float32 -> E4M3 byte, round to nearest even, saturating at ±448; NaN -> 0x7F (sign kept). */
export function encodeE4M3(x: number): number {
  return encodeFast(E4M3, x);
}

/** Table-search reference for encodeE4M3 (NaN -> 0x7F without sign). */
export function encodeE4M3Reference(x: number): number {
  return encodeReference(E4M3, x);
}

export function decodeE4M3(byte: number): number {
  return E4M3_TABLE[byte & 0xff]!;
}

/** x rounded onto the E4M3 grid (saturating); NaN stays NaN. */
export function roundE4M3(x: number): number {
  return E4M3_TABLE[encodeFast(E4M3, x)]!;
}

export function encodeE5M2(x: number): number {
  return encodeFast(E5M2, x);
}

export function decodeE5M2(byte: number): number {
  return E5M2_TABLE[byte & 0xff]!;
}

export function roundE5M2(x: number): number {
  return E5M2_TABLE[encodeFast(E5M2, x)]!;
}

/** amax at or below this is replaced by 1.0 in FP8 fake quant (ModelOpt's zero threshold). */
export const FP8_AMAX_EPSILON = 2 ** -24;

/** fp32 FP8 quantization scale norm/amax ("448/amax"), with the zero-amax rule applied. */
export function fp8Scale(amax: number, norm = E4M3_MAX): number {
  return fround(norm / (amax <= FP8_AMAX_EPSILON ? 1 : amax));
}

/**
 * One FP8 E4M3 fake-quantized value: q = fp8(clamp(fp32(x*scale), ±448)); y = fp32(q * fp32(1/scale)).
 * The reciprocal is rounded to float32 first, as the CUDA kernel does (T8 depends on it).
 */
export function fp8FakeQuantValue(x: number, scale: number, invScale: number): number {
  const xs = fround(x * scale);
  const c = xs < -E4M3_MAX ? -E4M3_MAX : xs > E4M3_MAX ? E4M3_MAX : xs;
  return fround(E4M3_TABLE[encodeFast(E4M3, c)]! * invScale);
}

/** FP8 fake quant of one value with its amax (scaled_e4m3). */
export function fp8FakeQuantWithAmax(x: number, amax: number, norm = E4M3_MAX): number {
  const scale = fp8Scale(amax, norm);
  return fp8FakeQuantValue(x, scale, fround(1 / scale));
}

/**
 * torch's non-saturating `.to(torch.float8_e4m3fn)`: RNE, but magnitudes above 464 (the midpoint
 * to the NaN code) and ±Inf become NaN (0x7F, sign kept). Export casts use this.
 */
export function castE4M3Torch(x: number): number {
  const a = Math.abs(x);
  if (a > 464) return x < 0 ? 0xff : 0x7f;
  return encodeFast(E4M3, x);
}
