/**
 * Rotary position embeddings in Hugging Face's layout: inverse frequencies per rope type (computed in
 * float32 as HF does), cos/sin tables per position, and rotate-half application (pairs i and i + d/2).
 */
import { MoptError } from '../../errors.js';

const f = Math.fround;

export interface RopeParams {
  type: string;
  invFreq: Float32Array;
  attentionScaling: number;
  /** Positions must stay below this (dynamic NTK equals the default only up to max_position_embeddings). */
  maxPositions: number | null;
}

type Config = Record<string, unknown>;

function ropeNumber(where: string, obj: Config, key: string, fallback?: number): number {
  const v = obj[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new MoptError(
      'bad-config',
      `config.json: ${where}.${key} must be a number, got ${JSON.stringify(obj[key])}`,
    );
  return v;
}

/**
 * inv_freq[i] = 1 / theta^(2i/d) in float32, then rescaled per `rope_scaling` (or transformers 5's
 * `rope_parameters`): 'default', 'linear' (divide by factor), 'llama3' (smooth low/high-frequency blend) and
 * 'dynamic' (NTK; the default frequencies while positions stay below max_position_embeddings).
 */
export function ropeInvFreq(config: Config, headDim: number): RopeParams {
  const params = (config.rope_parameters ?? config.rope_scaling ?? null) as Config | null;
  if (params !== null && (typeof params !== 'object' || Array.isArray(params)))
    throw new MoptError('bad-config', 'config.json: rope_scaling must be an object or null');
  const where = config.rope_parameters ? 'rope_parameters' : 'rope_scaling';
  const theta = ropeNumber('config', { ...config, ...(params ?? {}) }, 'rope_theta', 10000);
  const type = String(params?.rope_type ?? params?.type ?? 'default');
  const half = headDim / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const exponent = f((2 * i) / headDim);
    inv[i] = f(1 / f(theta ** exponent));
  }
  if (type === 'default') return { type, invFreq: inv, attentionScaling: 1, maxPositions: null };
  if (type === 'dynamic') {
    // HF starts from the default frequencies and rescales theta only once a position reaches max_position_embeddings
    const max = ropeNumber('config', config, 'max_position_embeddings');
    return { type, invFreq: inv, attentionScaling: 1, maxPositions: max };
  }
  const p = params!;
  if (type === 'linear') {
    const factor = ropeNumber(where, p, 'factor');
    for (let i = 0; i < half; i++) inv[i] = f(inv[i]! / factor);
    return { type, invFreq: inv, attentionScaling: 1, maxPositions: null };
  }
  if (type === 'llama3') {
    const factor = ropeNumber(where, p, 'factor');
    const low = ropeNumber(where, p, 'low_freq_factor');
    const high = ropeNumber(where, p, 'high_freq_factor');
    const oldLen = ropeNumber(where, p, 'original_max_position_embeddings');
    const lowWavelen = oldLen / low;
    const highWavelen = oldLen / high;
    for (let i = 0; i < half; i++) {
      const freq = inv[i]!;
      const wavelen = f((2 * Math.PI) / freq);
      // long wavelengths are slowed by `factor`, short ones kept, the middle band blended smoothly
      let scaled = wavelen > lowWavelen ? f(freq / factor) : freq;
      const medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
      if (medium) {
        const smooth = f(f(f(oldLen / wavelen) - low) / (high - low));
        scaled = f(f(f(f(1 - smooth) * scaled) / factor) + f(smooth * scaled));
      }
      inv[i] = scaled;
    }
    return { type, invFreq: inv, attentionScaling: 1, maxPositions: null };
  }
  throw new MoptError(
    'unsupported-rope',
    `config.json: ${where}.rope_type "${type}" is not supported by the reference forward (supported: default, linear, llama3, dynamic)`,
  );
}

/** cos/sin rows for positions 0..n-1, [n, headDim/2] each (the second half of HF's table repeats the first). */
export class RopeTable {
  private cosT = new Float32Array(0);
  private sinT = new Float32Array(0);
  private rows = 0;

  constructor(
    private readonly invFreq: Float32Array,
    private readonly scaling: number,
    private readonly maxPositions: number | null = null,
  ) {}

  /** Makes sure positions < n are tabulated; returns [cos, sin] flat [rows, half]. */
  ensure(n: number): [Float32Array, Float32Array] {
    if (this.maxPositions !== null && n > this.maxPositions)
      throw new MoptError(
        'rope-range',
        `position ${n - 1} needs dynamic NTK rescaling (max_position_embeddings ${this.maxPositions}), which the reference forward does not do`,
      );
    if (n > this.rows) {
      const half = this.invFreq.length;
      const rows = Math.max(n, this.rows * 2, 64);
      const c = new Float32Array(rows * half);
      const s = new Float32Array(rows * half);
      for (let p = 0; p < rows; p++) {
        for (let i = 0; i < half; i++) {
          const angle = f(p * this.invFreq[i]!);
          c[p * half + i] = f(f(Math.cos(angle)) * this.scaling);
          s[p * half + i] = f(f(Math.sin(angle)) * this.scaling);
        }
      }
      [this.cosT, this.sinT, this.rows] = [c, s, rows];
    }
    return [this.cosT, this.sinT];
  }
}

/**
 * In-place rotate-half RoPE on `x` laid out [tokens, heads, headDim]: for i < d/2,
 * x[i] ← x[i]·cos − x[i+d/2]·sin and x[i+d/2] ← x[i+d/2]·cos + x[i]·sin, at each token's position.
 */
export function applyRope(
  x: Float32Array,
  tokens: number,
  heads: number,
  headDim: number,
  positions: Int32Array,
  table: RopeTable,
): void {
  let maxPos = 0;
  for (let t = 0; t < tokens; t++) if (positions[t]! > maxPos) maxPos = positions[t]!;
  const [cos, sin] = table.ensure(maxPos + 1);
  const half = headDim / 2;
  for (let t = 0; t < tokens; t++) {
    const row = positions[t]! * half;
    for (let h = 0; h < heads; h++) {
      const base = (t * heads + h) * headDim;
      for (let i = 0; i < half; i++) {
        const c = cos[row + i]!;
        const s = sin[row + i]!;
        const a = x[base + i]!;
        const b = x[base + half + i]!;
        x[base + i] = f(f(a * c) - f(b * s));
        x[base + half + i] = f(f(b * c) + f(a * s));
      }
    }
  }
}
