/**
 * Reproducible random numbers for synthetic weights: FNV-1a name hash, splitmix-style seeding, xoshiro128**,
 * and normal samples from a 65536-entry inverse-CDF table.
 */

/** FNV-1a hash of a tensor name mixed with the seed: each tensor gets its own reproducible stream. */
export function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error ~1e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number): number =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** N(0,1) at the 65536 midpoint quantiles: one table lookup per sample keeps generation fast. */
const NORMAL_TABLE = Float32Array.from({ length: 65536 }, (_, k) => normalQuantile((k + 0.5) / 65536));

/** Standard normal samples (16-bit resolution, tails cut at about 4.3 sigma) driven by xoshiro128**. */
export class NormalRng {
  private s = new Uint32Array(4);
  private spare = -1;

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  nextU32(): number {
    const s = this.s;
    const result = Math.imul(((Math.imul(s[1]!, 5) << 7) | (Math.imul(s[1]!, 5) >>> 25)) >>> 0, 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = (s[3]! << 11) | (s[3]! >>> 21);
    return result;
  }

  normal(): number {
    if (this.spare >= 0) {
      const v = NORMAL_TABLE[this.spare]!;
      this.spare = -1;
      return v;
    }
    const bits = this.nextU32();
    this.spare = bits & 0xffff;
    return NORMAL_TABLE[bits >>> 16]!;
  }

  /** Fills `out` with scale·N(0,1); the same stream as calling normal() out.length times. */
  fill(out: Float32Array, scale: number): void {
    let i = 0;
    if (this.spare >= 0 && out.length > 0) out[i++] = scale * this.normal();
    const table = NORMAL_TABLE;
    for (; i + 1 < out.length; i += 2) {
      const bits = this.nextU32();
      out[i] = scale * table[bits >>> 16]!;
      out[i + 1] = scale * table[bits & 0xffff]!;
    }
    if (i < out.length) out[i] = scale * this.normal();
  }
}
