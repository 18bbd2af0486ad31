/**
 * Scaled dot-product attention with the causal mask, a key padding mask, an optional sliding window and
 * grouped-query heads (query head h reads key/value head floor(h / (heads / kvHeads)), as HF's repeat_kv).
 * Q, K, V are head-major ([batch, heads, seq, head_dim]); the output is token-major [batch, seq, heads·head_dim].
 */

export interface AttentionShape {
  batch: number;
  /** Query positions in this call. */
  seq: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Keys/values available (cached + new); key j is visible to query i when j <= qOffset + i. */
  kvLen: number;
  /** Row capacity of each [batch, kvHead] block of K/V (>= kvLen; equal to kvLen without a cache). */
  kvCapacity: number;
  /** Index of the first query among the keys (the cache length before this call). */
  qOffset: number;
}

/** [batch, seq, heads, d] token-major → [batch, heads, seq, d] head-major (what HF's transpose(1, 2) makes). */
export function toHeadMajor(
  x: Float32Array,
  batch: number,
  seq: number,
  heads: number,
  d: number,
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  for (let b = 0; b < batch; b++)
    for (let s = 0; s < seq; s++)
      for (let h = 0; h < heads; h++) {
        const src = ((b * seq + s) * heads + h) * d;
        const dst = ((b * heads + h) * seq + s) * d;
        for (let i = 0; i < d; i++) out[dst + i] = x[src + i]!;
      }
  return out;
}

/**
 * softmax(q·kᵀ / sqrt(d) + mask) · v. `keyValid` ([batch, kvCapacity], 1 = real token) is the padding mask;
 * a query that sees no valid key (a left-padding position) gets zeros, as torch's masked SDPA returns.
 */
export function attention(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  shape: AttentionShape,
  keyValid: Uint8Array | null,
  window: number | null,
  out: Float32Array = new Float32Array(shape.batch * shape.seq * shape.heads * shape.headDim),
): Float32Array {
  const { batch, seq, heads, kvHeads, headDim: d, kvLen, kvCapacity, qOffset } = shape;
  const group = heads / kvHeads;
  const scale = Math.fround(1 / Math.sqrt(d));
  const scores = new Float64Array(kvLen);
  const acc = new Float64Array(d);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kvBase = (b * kvHeads + Math.floor(h / group)) * kvCapacity * d;
      for (let i = 0; i < seq; i++) {
        const qi = ((b * heads + h) * seq + i) * d;
        const last = qOffset + i;
        const first = window === null ? 0 : Math.max(0, last - window + 1);
        let max = -Infinity;
        for (let j = first; j <= last; j++) {
          if (keyValid !== null && keyValid[b * kvCapacity + j] === 0) {
            scores[j] = -Infinity;
            continue;
          }
          const kj = kvBase + j * d;
          let s = 0;
          for (let t = 0; t < d; t++) s += q[qi + t]! * k[kj + t]!;
          const scaled = Math.fround(Math.fround(s) * scale);
          scores[j] = scaled;
          if (scaled > max) max = scaled;
        }
        const o = ((b * seq + i) * heads + h) * d;
        if (max === -Infinity) {
          out.fill(0, o, o + d);
          continue;
        }
        let sum = 0;
        for (let j = first; j <= last; j++) {
          const e = scores[j] === -Infinity ? 0 : Math.exp(scores[j]! - max);
          scores[j] = e;
          sum += e;
        }
        acc.fill(0);
        for (let j = first; j <= last; j++) {
          const p = scores[j]!;
          if (p === 0) continue;
          const w = Math.fround(p / sum);
          const vj = kvBase + j * d;
          for (let t = 0; t < d; t++) acc[t]! += w * v[vj + t]!;
        }
        for (let t = 0; t < d; t++) out[o + t] = acc[t]!;
      }
    }
  }
  return out;
}
