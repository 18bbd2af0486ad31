/**
 * Scaled dot-product attention with the causal mask, a key padding mask, an optional sliding window and
 * grouped-query heads (query head h reads key/value head floor(h / (heads / kvHeads)), as HF's repeat_kv).
 * Q, K, V are head-major ([batch, heads, seq, head_dim]); the output is token-major [batch, seq, heads·head_dim].
 */
import { linear } from './linear.js';

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

/** Query rows per head handled together (bounds the score buffer to rows x keys). */
const QUERY_CHUNK = 64;

/**
 * softmax(q·kᵀ / sqrt(d) + mask) · v. `keyValid` ([batch, kvCapacity], 1 = real token) is the padding mask;
 * a query that sees no valid key (a left-padding position) gets zeros, as torch's masked SDPA returns.
 * Both products run through the blocked `linear` kernel, a chunk of queries of every head of a KV group at a time.
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
  const { batch, seq, heads, kvHeads, headDim: d, kvCapacity, qOffset } = shape;
  const group = heads / kvHeads;
  const scale = Math.fround(1 / Math.sqrt(d));
  const chunk = Math.min(QUERY_CHUNK, seq);
  const maxKeys = qOffset + seq;
  const scores = new Float32Array(chunk * maxKeys);
  const vt = new Float32Array(d * maxKeys);
  const o = new Float32Array(chunk * d);
  const dead = new Uint8Array(chunk);
  for (let b = 0; b < batch; b++) {
    for (let g = 0; g < kvHeads; g++) {
      const kvBase = (b * kvHeads + g) * kvCapacity * d;
      for (let i0 = 0; i0 < seq; i0 += chunk) {
        const n = Math.min(chunk, seq - i0);
        const keys = qOffset + i0 + n; // keys any query of this chunk may see
        const kRows = k.subarray(kvBase, kvBase + keys * d);
        // Vᵀ of the visible keys: [d, keys], so P·V is x·Wᵀ again
        for (let j = 0; j < keys; j++) for (let t = 0; t < d; t++) vt[t * keys + j] = v[kvBase + j * d + t]!;
        for (let h = g * group; h < (g + 1) * group; h++) {
          const qBase = ((b * heads + h) * seq + i0) * d;
          const s = linear(
            q.subarray(qBase, qBase + n * d),
            n,
            d,
            kRows,
            keys,
            null,
            scores.subarray(0, n * keys),
          );
          for (let r = 0; r < n; r++) {
            const last = qOffset + i0 + r;
            const first = window === null ? 0 : Math.max(0, last - window + 1);
            dead[r] = softmaxRow(s, r * keys, keys, first, last, scale, keyValid, b * kvCapacity) ? 0 : 1;
          }
          linear(s, n, keys, vt.subarray(0, d * keys), d, null, o);
          for (let r = 0; r < n; r++) {
            const dst = ((b * seq + i0 + r) * heads + h) * d;
            if (dead[r]) out.fill(0, dst, dst + d);
            else for (let t = 0; t < d; t++) out[dst + t] = o[r * d + t]!;
          }
        }
      }
    }
  }
  return out;
}

/**
 * Turns raw scores s[off .. off+keys) into probabilities over the visible keys first..last (valid ones only),
 * zero elsewhere. Returns false when no key is visible.
 */
function softmaxRow(
  s: Float32Array,
  off: number,
  keys: number,
  first: number,
  last: number,
  scale: number,
  keyValid: Uint8Array | null,
  validBase: number,
): boolean {
  let max = -Infinity;
  for (let j = first; j <= last; j++) {
    if (keyValid !== null && keyValid[validBase + j] === 0) {
      s[off + j] = -Infinity;
      continue;
    }
    const scaled = Math.fround(s[off + j]! * scale);
    s[off + j] = scaled;
    if (scaled > max) max = scaled;
  }
  s.fill(0, off, off + first);
  s.fill(0, off + last + 1, off + keys);
  if (max === -Infinity) return false;
  let sum = 0;
  for (let j = first; j <= last; j++) {
    const e = Math.exp(s[off + j]! - max); // exp(-inf) = 0 for masked keys
    s[off + j] = e;
    sum += Math.fround(e);
  }
  for (let j = first; j <= last; j++) s[off + j] = s[off + j]! / sum;
  return true;
}
