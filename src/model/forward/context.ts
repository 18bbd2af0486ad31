/**
 * The per-call state of a forward: batch shape, RoPE positions, which tokens are real, the observer, and
 * the optional KV cache that generation appends to.
 */
import { MoptError } from '../../errors.js';
import type { ForwardArch } from './arch.js';
import type { ForwardObserver } from './observer.js';

/** Keys and values of every layer, [batch, kvHeads, capacity, headDim] each, plus which slots are real tokens. */
export class KvCache {
  readonly keys: Float32Array[];
  readonly values: Float32Array[];
  /** [batch, capacity]: 1 where the cached position is a real token. */
  readonly keyValid: Uint8Array;
  length = 0;

  constructor(
    arch: ForwardArch,
    readonly batch: number,
    readonly capacity: number,
  ) {
    const size = batch * arch.kvHeads * capacity * arch.headDim;
    this.keys = Array.from({ length: arch.layers }, () => new Float32Array(size));
    this.values = Array.from({ length: arch.layers }, () => new Float32Array(size));
    this.keyValid = new Uint8Array(batch * capacity);
  }
}

export interface BatchInput {
  batch: number;
  seq: number;
  /** [batch, seq], 1 = real token, 0 = padding (HF attention_mask); omitted = all real. */
  attentionMask?: Uint8Array | null;
  /** [batch, seq] RoPE positions; omitted = cache length + 0..seq-1 for every row (HF's default). */
  positionIds?: Int32Array | null;
  observer?: ForwardObserver | null;
  /** Append this call's keys/values to the cache and attend over everything cached. */
  cache?: KvCache | null;
  /** MoE layers also run every expert on every token so observers see all experts (output unchanged). */
  moeAllExperts?: boolean;
}

export interface ForwardContext {
  batch: number;
  seq: number;
  tokens: number;
  positions: Int32Array;
  /** [batch, seq] real-token flags, or null when all are real. */
  tokenValid: Uint8Array | null;
  observer: ForwardObserver | null;
  cache: KvCache | null;
  /** Cache length before this call (where this call's keys go). */
  qOffset: number;
  moeAllExperts: boolean;
}

/** Validates a batch description; with a cache, reserves its positions (the cache length grows now). */
export function makeContext(input: BatchInput): ForwardContext {
  const { batch, seq } = input;
  if (!Number.isInteger(batch) || batch < 1 || !Number.isInteger(seq) || seq < 1)
    throw new MoptError(
      'bad-batch',
      `forward batch must have batch >= 1 and seq >= 1, got ${batch} x ${seq}`,
    );
  const tokens = batch * seq;
  const mask = input.attentionMask ?? null;
  if (mask !== null && mask.length !== tokens)
    throw new MoptError(
      'bad-batch',
      `attention mask has ${mask.length} entries, expected ${batch} x ${seq} = ${tokens}`,
    );
  const cache = input.cache ?? null;
  const qOffset = cache?.length ?? 0;
  if (cache) {
    if (cache.batch !== batch)
      throw new MoptError('bad-batch', `KV cache holds ${cache.batch} rows but the batch has ${batch}`);
    if (qOffset + seq > cache.capacity)
      throw new MoptError(
        'kv-cache-full',
        `KV cache capacity ${cache.capacity} exceeded (${qOffset} cached + ${seq} new)`,
        { exitCode: 1 },
      );
    for (let b = 0; b < batch; b++)
      for (let s = 0; s < seq; s++)
        cache.keyValid[b * cache.capacity + qOffset + s] = mask ? mask[b * seq + s]! : 1;
    cache.length = qOffset + seq;
  }
  let positions = input.positionIds ?? null;
  if (positions === null) {
    positions = new Int32Array(tokens);
    for (let t = 0; t < tokens; t++) positions[t] = qOffset + (t % seq);
  } else if (positions.length !== tokens) {
    throw new MoptError('bad-batch', `position ids have ${positions.length} entries, expected ${tokens}`);
  } else if (positions.some((p) => p < 0)) {
    throw new MoptError('bad-batch', 'position ids must not be negative');
  }
  const allReal = mask === null || mask.every((m) => m !== 0);
  return {
    batch,
    seq,
    tokens,
    positions,
    tokenValid: allReal ? null : Uint8Array.from(mask, (m) => (m !== 0 ? 1 : 0)),
    observer: input.observer ?? null,
    cache,
    qOffset,
    moeAllExperts: input.moeAllExperts ?? false,
  };
}

/** Row flags for a head-major [batch, heads, seq, d] tensor seen as rows of d. */
export function headRowsValid(
  tokenValid: Uint8Array | null,
  batch: number,
  heads: number,
  seq: number,
): Uint8Array | null {
  if (tokenValid === null) return null;
  const out = new Uint8Array(batch * heads * seq);
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      out.set(tokenValid.subarray(b * seq, (b + 1) * seq), (b * heads + h) * seq);
  return out;
}

/** HF generate's positions for left-padded rows: count of real tokens before each one (padding gets 1). */
export function positionsFromMask(mask: Uint8Array, batch: number, seq: number): Int32Array {
  const out = new Int32Array(batch * seq);
  for (let b = 0; b < batch; b++) {
    let seen = 0;
    for (let s = 0; s < seq; s++) {
      const real = mask[b * seq + s] !== 0;
      out[b * seq + s] = real ? seen : 1;
      if (real) seen++;
    }
  }
  return out;
}

/** The hidden rows listed in `rows` (default: all) with their validity flags, for the final norm and head. */
export function selectRows(
  hidden: Float32Array,
  H: number,
  ctx: ForwardContext,
  rows?: ArrayLike<number>,
): { x: Float32Array; n: number; rowValid: Uint8Array | null } {
  if (rows === undefined) return { x: hidden, n: ctx.tokens, rowValid: ctx.tokenValid };
  const n = rows.length;
  const x = new Float32Array(n * H);
  for (let r = 0; r < n; r++) x.set(hidden.subarray(rows[r]! * H, (rows[r]! + 1) * H), r * H);
  const valid = ctx.tokenValid;
  const rowValid = valid === null ? null : Uint8Array.from({ length: n }, (_, r) => valid[rows[r]!]!);
  return { x, n, rowValid };
}
