/**
 * The two per-batch inputs of a layer graph that depend only on positions: RoPE cos/sin tables (computed in
 * float32 the way HF's rotary embedding does, including its rope_scaling variants) and the additive attention mask.
 */
import { MoptError } from '../../errors.js';
import type { RopeSpec } from './decoder-arch.js';

const f32 = Math.fround;

/** HF's inverse frequencies (head_dim/2 values), with the scaling applied for the longest position used. */
export function ropeInvFreq(rope: RopeSpec, headDim: number, maxPosition: number): Float32Array {
  const half = headDim / 2;
  let base = rope.theta;
  if (rope.type === 'dynamic' && maxPosition + 1 > rope.originalMaxPositions) {
    const seqLen = maxPosition + 1;
    base = base * ((rope.factor * seqLen) / rope.originalMaxPositions - (rope.factor - 1)) ** (headDim / (headDim - 2));
  }
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = f32(1 / f32(base ** f32((2 * i) / headDim)));
  if (rope.type === 'linear') for (let i = 0; i < half; i++) inv[i] = f32(inv[i]! / rope.factor);
  if (rope.type === 'llama3') applyLlama3(inv, rope);
  return inv;
}

/** Llama-3.1 frequency smoothing: long wavelengths divided by the factor, a linear blend in between. */
function applyLlama3(inv: Float32Array, rope: RopeSpec): void {
  const old = rope.originalMaxPositions;
  const lowWavelen = old / rope.lowFreqFactor;
  const highWavelen = old / rope.highFreqFactor;
  for (let i = 0; i < inv.length; i++) {
    const freq = inv[i]!;
    const wavelen = f32((2 * Math.PI) / freq);
    const scaled = wavelen > lowWavelen ? f32(freq / rope.factor) : freq;
    if (wavelen < highWavelen || wavelen > lowWavelen) {
      inv[i] = scaled;
      continue;
    }
    const smooth = f32((f32(old / wavelen) - rope.lowFreqFactor) / (rope.highFreqFactor - rope.lowFreqFactor));
    inv[i] = f32(f32(f32((1 - smooth) * scaled) / rope.factor) + f32(smooth * scaled));
  }
}

export interface RopeTables {
  /** [rows, seq, headDim] each; rows is 1 when every sequence uses positions 0..seq-1. */
  cos: Float32Array;
  sin: Float32Array;
  dims: [number, number, number];
}

/** cos/sin of position × inverse frequency, the half-table repeated twice along head_dim (rotate-half layout). */
export function ropeTables(rope: RopeSpec, headDim: number, positions: Int32Array, rows: number): RopeTables {
  if (rows < 1 || positions.length % rows !== 0) {
    throw new MoptError('bad-positions', `${positions.length} positions do not split into ${rows} rows`, {
      exitCode: 1,
    });
  }
  const seq = positions.length / rows;
  const inv = ropeInvFreq(rope, headDim, Math.max(0, ...positions));
  const half = headDim / 2;
  const cos = new Float32Array(positions.length * headDim);
  const sin = new Float32Array(positions.length * headDim);
  for (let t = 0; t < positions.length; t++) {
    for (let i = 0; i < half; i++) {
      const angle = f32(positions[t]! * inv[i]!);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[t * headDim + i] = c;
      cos[t * headDim + i + half] = c;
      sin[t * headDim + i] = s;
      sin[t * headDim + i + half] = s;
    }
  }
  return { cos, sin, dims: [rows, seq, headDim] };
}

/** Positions 0..seq-1, the default HF uses for a forward pass without a cache. */
export function defaultPositions(seq: number): Int32Array {
  return Int32Array.from({ length: seq }, (_, i) => i);
}

/** torch.finfo(float32).min, the value HF adds to masked attention scores. */
export const MASK_MIN = -3.4028234663852886e38;

/**
 * Additive mask [batch, 1, seq, seq]: 0 where query q may see key k (k ≤ q, inside the sliding window, key
 * not padding), MASK_MIN elsewhere. `attention` is [batch, seq] of 1 (token) / 0 (padding), or undefined.
 */
export function additiveCausalMask(
  batch: number,
  seq: number,
  attention?: ArrayLike<number>,
  slidingWindow?: number,
): Float32Array {
  if (attention && attention.length !== batch * seq) {
    throw new MoptError(
      'bad-attention-mask',
      `attention mask has ${attention.length} entries, expected batch ${batch} × seq ${seq}`,
      { exitCode: 1 },
    );
  }
  const mask = new Float32Array(batch * seq * seq);
  for (let b = 0; b < batch; b++) {
    for (let q = 0; q < seq; q++) {
      const row = (b * seq + q) * seq;
      for (let k = 0; k < seq; k++) {
        const visible =
          k <= q &&
          (slidingWindow === undefined || q - k < slidingWindow) &&
          (!attention || attention[b * seq + k] !== 0);
        mask[row + k] = visible ? 0 : MASK_MIN;
      }
    }
  }
  return mask;
}
