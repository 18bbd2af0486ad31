/**
 * The per-batch inputs of a layer graph that depend only on positions: RoPE cos/sin tables (float32, from the
 * architecture's HF inverse frequencies, rotate-half layout) and the additive attention mask.
 */
import { MoptError } from '../../errors.js';

const f32 = Math.fround;

export interface RopeTables {
  /** [rows, seq, headDim] each; rows is 1 when every sequence uses positions 0..seq-1. */
  cos: Float32Array;
  sin: Float32Array;
  dims: [number, number, number];
}

/**
 * cos/sin of position × inverse frequency (times the rope attention scaling), the half-table repeated twice
 * along head_dim (rotate-half layout). `positions` is [rows, seq] flat.
 */
export function ropeTables(
  invFreq: Float32Array,
  scaling: number,
  positions: Int32Array,
  rows: number,
): RopeTables {
  if (rows < 1 || positions.length % rows !== 0) {
    throw new MoptError('bad-positions', `${positions.length} positions do not split into ${rows} rows`, {
      exitCode: 1,
    });
  }
  const seq = positions.length / rows;
  const half = invFreq.length;
  const headDim = half * 2;
  const cos = new Float32Array(positions.length * headDim);
  const sin = new Float32Array(positions.length * headDim);
  for (let t = 0; t < positions.length; t++) {
    for (let i = 0; i < half; i++) {
      const angle = f32(positions[t]! * invFreq[i]!);
      const c = f32(f32(Math.cos(angle)) * scaling);
      const s = f32(f32(Math.sin(angle)) * scaling);
      cos[t * headDim + i] = c;
      cos[t * headDim + i + half] = c;
      sin[t * headDim + i] = s;
      sin[t * headDim + i + half] = s;
    }
  }
  return { cos, sin, dims: [rows, seq, headDim] };
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
  slidingWindow: number | null = null,
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
          (slidingWindow === null || q - k < slidingWindow) &&
          (!attention || attention[b * seq + k] !== 0);
        mask[row + k] = visible ? 0 : MASK_MIN;
      }
    }
  }
  return mask;
}
