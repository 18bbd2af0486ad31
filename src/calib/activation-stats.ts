/**
 * Max calibration of activation quantizers as ModelOpt's MaxCalibrator does it: a running max of |x| over
 * everything the quantizer sees, padding tokens included (quant-engine §3.1), per tensor or per channel of the
 * last dim. Works on the TS reference forward (whole tensors) and on ONNX Runtime (on-graph reductions).
 * Also counts the tokens routed to each MoE expert.
 */
import type { PointInfo, PointKind } from '../model/forward/observer.js';
import type { GraphReductions, ReducedStats, ReducingObserver } from '../model/onnx/graph-observer.js';
import type { ActivationTarget } from './targets.js';

export interface ActivationStats {
  /** Per-tensor amax by quantizer name (for per-channel quantizers: the max over channels). */
  amax: Map<string, number>;
  /** Per-channel amax (last dim) for quantizers whose axis asks for it. */
  channelAmax?: Map<string, Float32Array>;
  /** Token rows routed to each expert module (`model.layers.0.mlp.experts.3`), padding included. */
  expertTokens: Map<string, number>;
  /** Positions fed through the model (batch × seq summed, padding included). */
  tokens: number;
  /** Real (unpadded) tokens among them. */
  realTokens: number;
  /** Quantizers that saw no data and got a fallback amax (see docs/calibration-data.md). */
  fallbacks: Map<string, { amax: number; reason: string }>;
}

/** `model.layers.3.mlp.experts.5.gate_proj.input_quantizer` → [`model.layers.3.mlp.experts.5`, `gate_proj`]. */
const EXPERT_POINT = /^(.*\.experts\.\d+)\.([^.]+)\.input_quantizer$/;

/**
 * The fused (transformers >= 5) quantizers a per-expert forward point may feed: one shared input quantizer for
 * gate+up and one for down per layer; transformers 5 also moves Mixtral's `block_sparse_moe` to `mlp`.
 */
function fusedNames(point: string): string[] {
  const m = /^(model\.layers\.\d+)\.(block_sparse_moe|mlp)\.experts\.\d+\.(\w+)\.input_quantizer$/.exec(
    point,
  );
  if (!m) return [];
  const q = m[3] === 'down_proj' || m[3] === 'w2' ? 'down_proj' : 'gate_up_proj';
  return [`${m[1]}.${m[2]}.experts.${q}_input_quantizer`, `${m[1]}.mlp.experts.${q}_input_quantizer`];
}

export class ActivationStatsObserver implements ReducingObserver {
  readonly amax = new Map<string, number>();
  readonly channelAmax = new Map<string, Float32Array>();
  readonly expertTokens = new Map<string, number>();
  private readonly targets = new Map<string, ActivationTarget>();
  /** Forward point name → target name (null: not a target), cached per name. */
  private readonly route = new Map<string, string | null>();

  /** `countProjection`: the first projection of each expert (`gate_proj`, `w1`), whose input rows are counted. */
  constructor(
    targets: readonly ActivationTarget[],
    private readonly countProjection: string | null,
  ) {
    for (const t of targets) this.targets.set(t.name, t);
  }

  private targetOf(point: string): string | null {
    let t = this.route.get(point);
    if (t === undefined) {
      t = this.targets.has(point) ? point : (fusedNames(point).find((n) => this.targets.has(n)) ?? null);
      this.route.set(point, t);
    }
    return t;
  }

  private counts(point: string): string | null {
    if (this.countProjection === null) return null;
    const m = EXPERT_POINT.exec(point);
    return m && m[2] === this.countProjection ? m[1]! : null;
  }

  wants(name: string): boolean {
    return this.targetOf(name) !== null || this.counts(name) !== null;
  }

  reductionsFor(name: string, _kind: PointKind): GraphReductions {
    const t = this.targetOf(name);
    const channel = t !== null && this.targets.get(t)!.granularity === 'channel';
    return { amax: true, channelAmax: channel, validRowsOnly: false };
  }

  observeReduced(name: string, stats: ReducedStats, shape: readonly number[], _info: PointInfo): void {
    this.count(name, shape);
    const t = this.targetOf(name);
    if (t === null) return;
    if (stats.amax !== undefined) this.merge(t, stats.amax);
    if (stats.channelAmax) this.mergeChannels(t, stats.channelAmax);
  }

  observe(name: string, x: Float32Array, shape: readonly number[], _info: PointInfo): void {
    this.count(name, shape);
    const t = this.targetOf(name);
    if (t === null) return;
    const channel = this.targets.get(t)!.granularity === 'channel';
    const cols = shape[shape.length - 1] ?? 1;
    if (!channel) {
      let m = 0;
      for (let i = 0; i < x.length; i++) {
        const a = Math.abs(x[i]!);
        if (a > m || a !== a) m = a;
      }
      if (x.length > 0) this.merge(t, m);
      return;
    }
    const ch = new Float32Array(cols);
    for (let base = 0; base < x.length; base += cols)
      for (let c = 0; c < cols; c++) {
        const a = Math.abs(x[base + c]!);
        if (a > ch[c]! || a !== a) ch[c] = a;
      }
    if (x.length > 0) this.mergeChannels(t, ch);
  }

  private count(name: string, shape: readonly number[]): void {
    const expert = this.counts(name);
    if (expert === null) return;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    this.expertTokens.set(expert, (this.expertTokens.get(expert) ?? 0) + rows);
  }

  private merge(t: string, v: number): void {
    const held = this.amax.get(t);
    this.amax.set(t, held === undefined || v > held || v !== v ? v : held);
  }

  private mergeChannels(t: string, ch: Float32Array): void {
    let m = 0;
    for (let i = 0; i < ch.length; i++) if (ch[i]! > m || ch[i] !== ch[i]) m = ch[i]!;
    this.merge(t, m);
    const held = this.channelAmax.get(t);
    if (!held) this.channelAmax.set(t, ch.slice());
    else for (let i = 0; i < held.length; i++) if (ch[i]! > held[i]! || ch[i] !== ch[i]) held[i] = ch[i]!;
  }
}
