/**
 * Inner loops of the fast export path. Each runs over one contiguous range with one scale, inlines
 * its encoder (no per-element calls, no allocation) and reproduces the scalar code in formats/
 * bit for bit: the quotient is rounded to float32 by storing it in a Float32Array, exactly what
 * Math.fround does.
 */

const q32 = new Float32Array(1);
const qBits = new Uint32Array(q32.buffer);
/** 2^52 + 2^51: adding and subtracting it rounds a double with |v| < 2^51 half-to-even. */
const RINT_MAGIC = 6755399441055744;
const BITS_448 = 0x43e00000;
const BITS_464 = 0x43e80000;

/**
 * codes[cStart + k] = castE4M3Torch(fp32(x[xStart + k] / ws)) for k < n: RNE with subnormals,
 * 448 < |v| <= 464 saturates to 0x7E, beyond (and Inf, NaN) gives 0x7F with the sign.
 */
export function fp8EncodeRange(
  x: Float32Array,
  xStart: number,
  n: number,
  ws: number,
  codes: Uint8Array,
  cStart: number,
): void {
  for (let k = 0; k < n; k++) {
    q32[0] = x[xStart + k]! / ws;
    const bits = qBits[0]!;
    const sign = (bits >>> 24) & 0x80;
    const abs = bits & 0x7fffffff;
    let code: number;
    if (abs > BITS_464) code = 0x7f;
    else if (abs >= BITS_448) code = 0x7e;
    else if (abs < 0x3c800000) {
      // below 2^-6: a subnormal step count (2^-9 units); under 2^-10 it rounds to 0
      if (abs < 0x3a800000) code = 0;
      else {
        const shift = 141 - (abs >>> 23); // 14 - unbiased exponent, 21..24
        const m = (abs & 0x7fffff) | 0x800000;
        code = m >>> shift;
        const rem = m & ((1 << shift) - 1);
        const half = 1 << (shift - 1);
        if (rem > half || (rem === half && (code & 1) === 1)) code++;
      }
    } else {
      const mant = abs & 0x7fffff;
      code = mant >>> 20;
      const rem = mant & 0xfffff;
      if (rem > 0x80000 || (rem === 0x80000 && (code & 1) === 1)) code++;
      code += ((abs >>> 23) - 120) << 3; // a mantissa carry rolls into the exponent
      if (code > 0x7e) code = 0x7e;
    }
    codes[cStart + k] = code | sign;
  }
}

/**
 * Integer codes clamp(rint(fp32(x / ws)), lo, hi) into out[oStart..): clamping before the
 * rounding is the same since rint is monotone and fixes the integer bounds; NaN stores as 0.
 */
export function intEncodeRange(
  x: Float32Array,
  xStart: number,
  n: number,
  ws: number,
  lo: number,
  hi: number,
  out: Int8Array,
  oStart: number,
): void {
  for (let k = 0; k < n; k++) {
    q32[0] = x[xStart + k]! / ws;
    let v = q32[0]!;
    v = v < lo ? lo : v > hi ? hi : v;
    out[oStart + k] = v + RINT_MAGIC - RINT_MAGIC;
  }
}

/**
 * NVFP4 export nibbles of x[xStart, xStart+n) (n even) under one block denominator, packed two per
 * byte (even element low) into packed[pStart..): v = fp32(x / denom), sign when v < 0, magnitude
 * index by ModelOpt's comparison chain (ties to even, NaN -> 7).
 */
export function nvfp4PackRange(
  x: Float32Array,
  xStart: number,
  n: number,
  denom: number,
  packed: Uint8Array,
  pStart: number,
): void {
  for (let k = 0; k < n; k += 2) {
    q32[0] = x[xStart + k]! / denom;
    let v = q32[0]!;
    let a = v < 0 ? -v : v;
    let lo =
      a <= 0.25 ? 0 : a < 0.75 ? 1 : a <= 1.25 ? 2 : a < 1.75 ? 3 : a <= 2.5 ? 4 : a < 3.5 ? 5 : a <= 5 ? 6 : 7;
    if (v < 0) lo |= 8;
    q32[0] = x[xStart + k + 1]! / denom;
    v = q32[0]!;
    a = v < 0 ? -v : v;
    let hi =
      a <= 0.25 ? 0 : a < 0.75 ? 1 : a <= 1.25 ? 2 : a < 1.75 ? 3 : a <= 2.5 ? 4 : a < 3.5 ? 5 : a <= 5 ? 6 : 7;
    if (v < 0) hi |= 8;
    packed[pStart + (k >> 1)] = lo | (hi << 4);
  }
}

/**
 * MXFP4 export nibbles (ties down, only v > 0 clears the sign so zeros and NaN are 0x8..) of
 * x[xStart, xStart+n) (n even) divided by the power of two `unscale`, packed into packed[pStart..).
 */
export function mxfp4PackRange(
  x: Float32Array,
  xStart: number,
  n: number,
  unscale: number,
  packed: Uint8Array,
  pStart: number,
): void {
  for (let k = 0; k < n; k += 2) {
    q32[0] = x[xStart + k]! / unscale;
    let v = q32[0]!;
    let a = v < 0 ? -v : v;
    let lo = a > 5 ? 7 : a > 3.5 ? 6 : a > 2.5 ? 5 : a > 1.75 ? 4 : a > 1.25 ? 3 : a > 0.75 ? 2 : a > 0.25 ? 1 : 0;
    if (!(v > 0)) lo |= 8;
    q32[0] = x[xStart + k + 1]! / unscale;
    v = q32[0]!;
    a = v < 0 ? -v : v;
    let hi = a > 5 ? 7 : a > 3.5 ? 6 : a > 2.5 ? 5 : a > 1.75 ? 4 : a > 1.25 ? 3 : a > 0.75 ? 2 : a > 0.25 ? 1 : 0;
    if (!(v > 0)) hi |= 8;
    packed[pStart + (k >> 1)] = lo | (hi << 4);
  }
}

/** max |x| of x[start, end) with NaN propagating (reduceAmax's rule). */
export function absMaxRange(x: Float32Array, start: number, end: number): number {
  let m = 0;
  for (let i = start; i < end; i++) {
    const a = Math.abs(x[i]!); // Math.abs, not a sign test: it clears a NaN's sign bit like torch.abs
    if (a > m || a !== a) m = a;
  }
  return m;
}
