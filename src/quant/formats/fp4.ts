/**
 * FP4 E2M1: magnitudes {0, 0.5, 1, 1.5, 2, 3, 4, 6}, index 0..7, nibble bit 3 = sign.
 * Three roundings exist in ModelOpt and all are here:
 *  - fake quant / NVFP4 export: nearest, ties to even index, saturating (a comparison chain);
 *  - MXFP4 export: index = number of midpoints strictly below |v| (ties round down), and exact
 *    zeros (and NaN) carry the sign bit.
 */

import { MoptError } from '../../errors.js';
import { defineMiniFloat, type MiniFloat } from './minifloat.js';

export const E2M1: MiniFloat = defineMiniFloat({
  name: 'E2M1',
  expBits: 2,
  manBits: 1,
  bias: 1,
  maxCode: 7,
  nanCode: -1,
});
export const E2M1_MAX = 6;
export const E2M1_VALUES: readonly number[] = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
/** Midpoints between neighbouring magnitudes. */
export const E2M1_BOUNDS: readonly number[] = [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5];

/**
 * Index of the nearest magnitude to `a` (a = |v|), ties to the even index, saturating at 7.
 * Written as ModelOpt's comparison chain, so NaN falls through to index 7 (value 6) like the kernel.
 */
export function e2m1Index(a: number): number {
  if (a <= 0.25) return 0;
  if (a < 0.75) return 1;
  if (a <= 1.25) return 2;
  if (a < 1.75) return 3;
  if (a <= 2.5) return 4;
  if (a < 3.5) return 5;
  if (a <= 5) return 6;
  return 7;
}

/** Rounded magnitude of `a` = |v| (fake-quant rounding). */
export function e2m1RoundMagnitude(a: number): number {
  return E2M1_VALUES[e2m1Index(a)]!;
}

/** Reference for e2m1Index: nearest by search, ties to even index, saturating. */
export function e2m1IndexReference(a: number): number {
  if (!(a === a)) return 7;
  let best = 0;
  for (let i = 1; i < 8; i++) {
    const d = Math.abs(E2M1_VALUES[i]! - a);
    const bd = Math.abs(E2M1_VALUES[best]! - a);
    if (d < bd || (d === bd && i % 2 === 0)) best = i;
  }
  return best;
}

/** NVFP4 export nibble: sign bit when v < 0 (so -0.1 -> 0x8), magnitude index RNE. */
export function e2m1NibbleRNE(v: number): number {
  return (v < 0 ? 8 : 0) | e2m1Index(Math.abs(v));
}

/** MXFP4 export nibble: ties round down; only v > 0 clears the sign bit, so 0 encodes as 0x8. */
export function e2m1NibbleTiesDown(v: number): number {
  const a = Math.abs(v);
  let idx = 0;
  for (let i = 0; i < 7; i++) if (a > E2M1_BOUNDS[i]!) idx++;
  return (v > 0 ? 0 : 8) | idx;
}

export function decodeE2M1(nibble: number): number {
  return E2M1.table[nibble & 0xf]!;
}

/** Packs nibbles two per byte along the last axis: even element in the low nibble. */
export function packNibbles(codes: Uint8Array, rows: number, cols: number): Uint8Array {
  if (cols % 2 !== 0)
    throw new MoptError('QUANT_SHAPE', `cannot pack FP4 values two per byte: last dimension ${cols} is odd`);
  const half = cols / 2;
  const out = new Uint8Array(rows * half);
  for (let r = 0; r < rows; r++) {
    const src = r * cols;
    const dst = r * half;
    for (let j = 0; j < half; j++)
      out[dst + j] = (codes[src + 2 * j]! & 0xf) | ((codes[src + 2 * j + 1]! & 0xf) << 4);
  }
  return out;
}

export function unpackNibbles(packed: Uint8Array, rows: number, cols: number): Uint8Array {
  const half = cols / 2;
  const out = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < half; j++) {
      const b = packed[r * half + j]!;
      out[r * cols + 2 * j] = b & 0xf;
      out[r * cols + 2 * j + 1] = b >>> 4;
    }
  }
  return out;
}
