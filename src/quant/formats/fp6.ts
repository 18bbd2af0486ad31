/**
 * FP6 formats used by MXFP6: E2M3 (bias 1, max 7.5) and E3M2 (bias 3, max 28). No Inf/NaN codes;
 * encoders saturate, and NaN encodes to +max (only reachable through the byte encoder).
 */

import { defineMiniFloat, encodeFast, encodeReference, type MiniFloat } from './minifloat.js';

export const E2M3: MiniFloat = defineMiniFloat({
  name: 'E2M3',
  expBits: 2,
  manBits: 3,
  bias: 1,
  maxCode: 0x1f,
  nanCode: -1,
});
export const E3M2: MiniFloat = defineMiniFloat({
  name: 'E3M2',
  expBits: 3,
  manBits: 2,
  bias: 3,
  maxCode: 0x1f,
  nanCode: -1,
});

export function encodeE2M3(x: number): number {
  return encodeFast(E2M3, x);
}

export function encodeE3M2(x: number): number {
  return encodeFast(E3M2, x);
}

export function encodeE2M3Reference(x: number): number {
  return encodeReference(E2M3, x);
}

export function encodeE3M2Reference(x: number): number {
  return encodeReference(E3M2, x);
}

export function decodeE2M3(code: number): number {
  return E2M3.table[code & 0x3f]!;
}

export function decodeE3M2(code: number): number {
  return E3M2.table[code & 0x3f]!;
}
