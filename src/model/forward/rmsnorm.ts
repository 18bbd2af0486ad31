/** RMSNorm as HF computes it in float32: x · rsqrt(mean(x²) + eps), then · weight. */

const f = Math.fround;

/**
 * Normalises each of the `rows` rows of width `width` in `x` into `out` (may be `x` itself).
 * Rows are independent, so it also serves Qwen3's per-head q_norm / k_norm (width = head_dim).
 */
export function rmsNorm(
  x: Float32Array,
  weight: Float32Array,
  width: number,
  eps: number,
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  const rows = x.length / width;
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    let sum = 0;
    for (let i = 0; i < width; i++) {
      const v = x[base + i]!;
      sum += v * v;
    }
    const inv = f(1 / Math.sqrt(f(f(sum / width) + eps)));
    for (let i = 0; i < width; i++) out[base + i] = f(weight[i]! * f(x[base + i]! * inv));
  }
  return out;
}
