/**
 * Float32 helpers shared by every number format: bit views, round-half-to-even, exact power-of-two
 * exponents. PyTorch computes quantization math in float32; `Math.fround` after each binary op on
 * float32 operands reproduces that exactly (double then float rounding is innocuous for + - * /).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u32of64 = new Uint32Array(f64.buffer);

export const fround = Math.fround;

/** The IEEE bits of `x` rounded to float32. */
export function f32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

/** The float32 value with the given bits. */
export function f32FromBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0]!;
}

/** Round half to even (torch.round / rint / CUDA rintf). NaN and ±Inf pass through; keeps -0. */
export function rint(v: number): number {
  const f = Math.floor(v);
  const d = v - f; // exact for all finite doubles; NaN for NaN and ±Inf (then f + 1 = f)
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 && (v < 0 || Object.is(v, -0)) ? -0 : r;
}

/** floor(log2(|x|)) exactly, for finite non-zero x (double precision, subnormals included). */
export function floorLog2(x: number): number {
  f64[0] = Math.abs(x);
  const hi = u32of64[1]!;
  const e = (hi >>> 20) & 0x7ff;
  if (e !== 0) return e - 1023;
  // subnormal double: scale up by 2^64 and retry
  f64[0] = Math.abs(x) * 2 ** 64;
  return ((u32of64[1]! >>> 20) & 0x7ff) - 1023 - 64;
}

/** ceil(log2(x)) exactly for finite x > 0: the smallest k with 2^k >= x. */
export function ceilLog2(x: number): number {
  const e = floorLog2(x);
  return 2 ** e === x ? e : e + 1;
}

/** Smallest positive normal float32 (torch.finfo(float32).tiny) and the largest finite float32. */
export const F32_TINY = 2 ** -126;
export const F32_MAX = f32FromBits(0x7f7fffff);

/** torch.clamp semantics: NaN stays NaN. */
export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
