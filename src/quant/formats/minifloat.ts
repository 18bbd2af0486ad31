/**
 * Generic small float format (sign, e exponent bits, m mantissa bits, IEEE-style subnormals) with a
 * saturating round-to-nearest-even encoder. FP8/FP6/FP4 are instances of it. Two encoders sit side
 * by side: a fast one working on the float32 bits and a plain reference that searches the table.
 */

import { f32Bits, rint } from './float32.js';

export interface MiniFloat {
  readonly name: string;
  readonly expBits: number;
  readonly manBits: number;
  readonly bias: number;
  /** Largest finite magnitude and its code (sign bit clear). */
  readonly maxValue: number;
  readonly maxCode: number;
  /** float32 bits of maxValue, for the fast encoder's saturation test. */
  readonly maxBits: number;
  /** Code of NaN (sign bit clear) or -1 when the format has none. */
  readonly nanCode: number;
  readonly signBit: number;
  /** Value of every code; NaN codes decode to NaN, Inf codes to ±Infinity. */
  readonly table: Float32Array;
}

export interface MiniFloatDef {
  name: string;
  expBits: number;
  manBits: number;
  bias: number;
  maxCode: number;
  nanCode: number;
  /** Codes above maxCode other than NaN (E5M2: 0x7C = Inf). */
  infCode?: number;
}

export function defineMiniFloat(def: MiniFloatDef): MiniFloat {
  const signBit = 1 << (def.expBits + def.manBits);
  const table = new Float32Array(signBit * 2);
  const manScale = 2 ** def.manBits;
  for (let code = 0; code < signBit; code++) {
    const e = code >>> def.manBits;
    const man = code & (manScale - 1);
    let v = e === 0 ? (man / manScale) * 2 ** (1 - def.bias) : (1 + man / manScale) * 2 ** (e - def.bias);
    if (code > def.maxCode) v = code === def.infCode ? Infinity : NaN;
    table[code] = v;
    table[code | signBit] = -v;
  }
  return {
    name: def.name,
    expBits: def.expBits,
    manBits: def.manBits,
    bias: def.bias,
    maxValue: table[def.maxCode]!,
    maxCode: def.maxCode,
    maxBits: f32Bits(table[def.maxCode]!),
    nanCode: def.nanCode,
    signBit,
    table,
  };
}

/**
 * Saturating RNE encode of `x` (taken as float32). ±Inf and out-of-range values saturate to ±max
 * (CUDA satfinite / clamp-then-cast); NaN maps to the NaN code, or to +max for formats without NaN.
 */
export function encodeFast(fmt: MiniFloat, x: number): number {
  const bits = f32Bits(x);
  const sign = bits >>> 31 ? fmt.signBit : 0;
  const abs = bits & 0x7fffffff;
  if (abs > 0x7f800000) return fmt.nanCode >= 0 ? fmt.nanCode | sign : fmt.maxCode;
  if (abs >= fmt.maxBits) return fmt.maxCode | sign;
  const exp = (abs >>> 23) - 127;
  const emin = 1 - fmt.bias;
  if (exp < emin) {
    // subnormal in the target: multiply by a power of two (exact) and round to an integer step count
    const mag = Math.abs(Math.fround(x)) * 2 ** (fmt.bias - 1 + fmt.manBits);
    return rint(mag) | sign; // a count of 2^m is the smallest normal's code, so carries are right
  }
  const shift = 23 - fmt.manBits;
  const mant = abs & 0x7fffff;
  let r = mant >>> shift;
  const rem = mant & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rem > half || (rem === half && (r & 1) === 1)) r++;
  const code = ((exp + fmt.bias) << fmt.manBits) + r; // a mantissa carry rolls into the exponent
  return (code > fmt.maxCode ? fmt.maxCode : code) | sign;
}

/** Reference encoder: nearest table value by linear search, ties to the even code, saturating. */
export function encodeReference(fmt: MiniFloat, x: number): number {
  if (Number.isNaN(x)) return fmt.nanCode >= 0 ? fmt.nanCode : fmt.maxCode;
  const a = Math.abs(Math.fround(x));
  const sign = x < 0 || Object.is(x, -0) ? fmt.signBit : 0;
  if (a >= fmt.maxValue) return fmt.maxCode | sign;
  let best = 0;
  let bestErr = Infinity;
  for (let code = 0; code <= fmt.maxCode; code++) {
    const err = Math.abs(fmt.table[code]! - a);
    if (err < bestErr || (err === bestErr && (code & 1) === 0)) {
      best = code;
      bestErr = err;
    }
  }
  return best | sign;
}

export function decode(fmt: MiniFloat, code: number): number {
  return fmt.table[code]!;
}

/** Round `x` onto the format's grid (saturating RNE) and return the value. NaN stays NaN. */
export function roundTo(fmt: MiniFloat, x: number): number {
  if (x !== x) return NaN;
  return fmt.table[encodeFast(fmt, x)]!;
}
