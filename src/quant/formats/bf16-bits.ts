/**
 * bfloat16 done on the raw 16-bit patterns: |x| ordering equals the integer order of (bits & 0x7FFF),
 * so amax, block amax and the finite check need no float decode. Also the per-tensor FP8 lookup
 * table: with one scale per tensor, every bf16 pattern maps to one E4M3 code.
 */

import { bf16Simd } from '../simd/bf16-kernels.js';
import { castE4M3Torch } from './fp8.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Magnitude bits of +Inf; anything above is NaN. */
export const BF16_INF_BITS = 0x7f80;

/** The float32 value of a bf16 bit pattern (exact). */
export function bf16BitsToNumber(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0]!;
}

/** bf16 pattern nearest to a float32 value (round to nearest even; NaN becomes 0x7FC0). */
export function numberToBf16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  if ((b & 0x7fffffff) > 0x7f800000) return 0x7fc0; // torch's canonical bf16 NaN
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** x rounded to bf16 and back (torch's float32 -> bfloat16 cast), as a number. */
export function roundToBf16(x: number): number {
  return bf16BitsToNumber(numberToBf16Bits(x));
}

/** Ranges at least this long go to the WebAssembly SIMD kernel (about 3x the 32-bit loop below). */
const SIMD_MIN_ELEMENTS = 4096;

/** Largest magnitude pattern (bits & 0x7FFF) in bits[start, end); 0 for an empty range. */
export function bf16MaxMagnitude(bits: Uint16Array, start = 0, end = bits.length): number {
  const simd = end - start >= SIMD_MIN_ELEMENTS ? bf16Simd() : null;
  if (!simd) return bf16MaxMagnitudeScalar(bits, start, end);
  const n = (end - start) & ~7;
  return Math.max(simd.maxMagnitude(bits, start, n), bf16MaxMagnitudeScalar(bits, start + n, end));
}

/** bf16MaxMagnitude without SIMD (short ranges, and where WebAssembly SIMD is missing). */
export function bf16MaxMagnitudeScalar(bits: Uint16Array, start = 0, end = bits.length): number {
  let m = 0;
  let i = start;
  // long aligned ranges: two patterns per 32-bit load (about 2x the 16-bit loop in V8)
  if (end - start >= 64 && ((bits.byteOffset >> 1) + start) % 2 === 0) {
    const words = (end - start) >> 1;
    const w32 = new Int32Array(bits.buffer, bits.byteOffset + start * 2, words);
    for (let k = 0; k < words; k++) {
      const v = w32[k]! & 0x7fff7fff;
      m = Math.max(m, v & 0xffff, v >>> 16);
    }
    i = start + words * 2;
  }
  for (; i < end; i++) {
    const a = bits[i]! & 0x7fff;
    if (a > m) m = a;
  }
  return m;
}

/**
 * max |x| of bits[start, end) as reduceAmax computes it on the decoded floats: NaN if any NaN,
 * else the exact magnitude (a NaN pattern outranks Inf as an integer, so NaN wins like torch.amax).
 */
export function bf16Amax(bits: Uint16Array, start = 0, end = bits.length): number {
  const m = bf16MaxMagnitude(bits, start, end);
  return m > BF16_INF_BITS ? NaN : bf16BitsToNumber(m);
}

/** Index of the first Inf/NaN pattern, or -1 (same answer as scanning the decoded floats). */
export function bf16FirstNonFinite(bits: Uint16Array): number {
  // one pass of integer max, then a second scan only when something is non-finite
  if (bf16MaxMagnitude(bits) < BF16_INF_BITS) return -1;
  for (let i = 0; i < bits.length; i++) if ((bits[i]! & 0x7fff) >= BF16_INF_BITS) return i;
  return -1;
}

/**
 * amax of every last-axis block (rows x cols, `size` wide, a partial last block allowed) into `out`
 * (rows * ceil(cols/size) entries), matching reduceAmax(decoded, shape, {block}).
 */
export function bf16BlockAmax(
  bits: Uint16Array,
  rows: number,
  cols: number,
  size: number,
  out: Float32Array,
): Float32Array {
  if (out.length < rows * Math.ceil(cols / size)) throw new RangeError('bf16BlockAmax: output too small');
  if (cols % size === 0 && size % 8 === 0 && rows * cols >= SIMD_MIN_ELEMENTS && bf16Simd()) {
    const mags = bf16BlockMaxMagnitude(bits, rows, cols, size);
    for (let k = 0; k < mags.length; k++)
      out[k] = mags[k]! > BF16_INF_BITS ? NaN : bf16BitsToNumber(mags[k]!);
    return out;
  }
  for (let r = 0, k = 0; r < rows; r++) {
    const base = r * cols;
    for (let c0 = 0; c0 < cols; c0 += size, k++) {
      const end = base + Math.min(c0 + size, cols);
      let m = 0;
      for (let i = base + c0; i < end; i++) {
        const a = bits[i]! & 0x7fff;
        if (a > m) m = a;
      }
      out[k] = m > BF16_INF_BITS ? NaN : bf16BitsToNumber(m);
    }
  }
  return out;
}

/** Largest magnitude pattern of every last-axis block of a rows x cols tensor (cols % size == 0), into `out`. */
export function bf16BlockMaxMagnitude(
  bits: Uint16Array,
  rows: number,
  cols: number,
  size: number,
  out: Uint16Array = new Uint16Array((rows * cols) / size),
): Uint16Array {
  if (out.length !== (rows * cols) / size) throw new RangeError('bf16BlockMaxMagnitude: wrong output length');
  const simd = size % 8 === 0 && rows * cols >= SIMD_MIN_ELEMENTS ? bf16Simd() : null;
  if (simd) {
    simd.blockMaxMagnitude(bits, 0, rows * cols, size, out, 0);
    return out;
  }
  for (let b = 0, i = 0; b < out.length; b++) {
    let m = 0;
    for (const end = i + size; i < end; i++) {
      const a = bits[i]! & 0x7fff;
      if (a > m) m = a;
    }
    out[b] = m;
  }
  return out;
}

/** amax of every run of `run` consecutive elements (per-channel rows) into `out`. */
export function bf16RunAmax(bits: Uint16Array, run: number, out: Float32Array): Float32Array {
  for (let k = 0, i = 0; i < bits.length; k++, i += run) out[k] = bf16Amax(bits, i, i + run);
  return out;
}

/** bits[start, start+n) decoded into dst[0, n) (dst may be a reused scratch buffer). */
export function bf16DecodeInto(bits: Uint16Array, start: number, n: number, dst: Float32Array): void {
  const out = new Uint32Array(dst.buffer, dst.byteOffset, n);
  for (let i = 0; i < n; i++) out[i] = bits[start + i]! << 16;
}

/** The whole tensor decoded to a fresh float32 array. */
export function bf16Decode(bits: Uint16Array): Float32Array {
  const w = new Float32Array(bits.length);
  bf16DecodeInto(bits, 0, bits.length, w);
  return w;
}

/**
 * How the FP8 cast sees W / weight_scale: 'f32' keeps the float32 quotient (our realQuant);
 * 'bf16-intermediate' rounds it to bf16 first, as torch does for a bf16 weight divided by a 0-d
 * float32 scale (the quotient tensor stays bf16).
 */
export type Fp8DivideMode = 'f32' | 'bf16-intermediate';

/** Every bf16 pattern as float32, index = pattern (built on first use). */
let allBf16: Float32Array | null = null;
export function allBf16Values(): Float32Array {
  if (!allBf16) {
    allBf16 = new Float32Array(65536);
    const u = new Uint32Array(allBf16.buffer);
    for (let b = 0; b < 65536; b++) u[b] = b << 16;
  }
  return allBf16;
}

/** Scalar reference for fp8CodeTableBf16: castE4M3Torch of every (rounded) quotient. */
export function fp8CodeTableBf16Reference(ws: number, mode: Fp8DivideMode = 'f32'): Uint8Array {
  const out = new Uint8Array(65536);
  for (let b = 0; b < 65536; b++) {
    const q = Math.fround(bf16BitsToNumber(b) / ws);
    out[b] = castE4M3Torch(mode === 'f32' ? q : roundToBf16(q));
  }
  return out;
}

/**
 * The E4M3 code of every bf16 pattern under one per-tensor scale `ws` (65 536 entries), from the
 * SIMD kernel where there is one; else `encode` (the fast range encoder, fp8EncodeRange, which
 * must equal castE4M3Torch) for the 'f32' mode, else the scalar reference.
 */
export function fp8CodeTableBf16(
  ws: number,
  mode: Fp8DivideMode = 'f32',
  encode?: (
    x: Float32Array,
    xStart: number,
    n: number,
    ws: number,
    codes: Uint8Array,
    cStart: number,
  ) => void,
): Uint8Array {
  const out = new Uint8Array(65536);
  const simd = bf16Simd();
  if (simd) simd.fp8Codes(allBf16Patterns(), 0, 65536, ws, mode === 'bf16-intermediate', out);
  else if (mode === 'f32' && encode) encode(allBf16Values(), 0, 65536, ws, out, 0);
  else return fp8CodeTableBf16Reference(ws, mode);
  return out;
}

/** 0, 1, ..., 0xFFFF: every bf16 pattern once (built on first use). */
let patterns: Uint16Array | null = null;
function allBf16Patterns(): Uint16Array {
  if (!patterns) {
    patterns = new Uint16Array(65536);
    for (let b = 0; b < 65536; b++) patterns[b] = b;
  }
  return patterns;
}

/** codes[i] = table[bits[i]] for the whole tensor. */
export function applyByteTable(bits: Uint16Array, table: Uint8Array, codes: Uint8Array): Uint8Array {
  const n = bits.length;
  let i = 0;
  // aligned: four lookups per pair of 32-bit loads and one 32-bit store (about 2.5x the plain loop)
  if (bits.byteOffset % 4 === 0 && codes.byteOffset % 4 === 0) {
    const quads = n >> 2;
    const src = new Uint32Array(bits.buffer, bits.byteOffset, quads * 2);
    const dst = new Int32Array(codes.buffer, codes.byteOffset, quads);
    for (let k = 0; k < quads; k++) {
      const a = src[2 * k]!;
      const b = src[2 * k + 1]!;
      dst[k] =
        table[a & 0xffff]! | (table[a >>> 16]! << 8) | (table[b & 0xffff]! << 16) | (table[b >>> 16]! << 24);
    }
    i = quads * 4;
  }
  for (; i < n; i++) codes[i] = table[bits[i]!]!;
  return codes;
}
