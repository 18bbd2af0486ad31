/**
 * The ONNX Runtime engine with the reference forward's methods (embed, runLayer, finalNormAndLogits, forward),
 * async because ORT runs are. Each decoder layer runs as one layer graph (or a chain of segments when an
 * observer may replace tensors); sessions are built once per graph shape and reused by every layer, and the
 * weights of one layer at a time are fed as inputs. Embedding, MoE MLPs and lm_head stay in TS.
 */
import { MoptError } from '../../errors.js';
import { selectRows, type ForwardContext, type BatchInput } from '../forward/context.js';
import {
  visitPoint as visitTsPoint,
  type PointInfo,
  type PointKind,
  type WeightTransform,
} from '../forward/observer.js';
import { rmsNorm } from '../forward/rmsnorm.js';
import { ReferenceModel, type ReferenceModelOptions } from '../forward/reference.js';
import { checkedTransform, readVector, type LayerWeights, type MoeWeights } from '../forward/weights.js';
import {
  ATTENTION_OUTPUTS,
  buildDecoderLayerGraph,
  DENSE_LAYER_POINTS,
  LAYER_OUTPUT,
} from './decoder-layer.js';
import {
  buildExpertMlpGraph,
  EXPERT_INPUTS,
  EXPERT_OUTPUT,
  expertPoints,
  sparseMoeOnnx,
} from './expert-mlp.js';
import type { ReducingObserver } from './graph-observer.js';
import { pointRequests, visitPoint, type PointSite } from './layer-points.js';
import type { PointGraphResult } from './point-graph.js';
import { ContextFeeds } from './layer-inputs.js';
import { layerWeightFeeds, layerWeightFeedsFor } from './layer-feeds.js';
import { OrtHead } from './lm-head.js';
import {
  createSession,
  loadOrt,
  runSession,
  type OrtModule,
  type OrtSession,
  type OrtTensor,
} from './ort.js';

export interface OnnxModelOptions extends ReferenceModelOptions {
  /** Threads inside one ORT op (default 2). */
  intraOpNumThreads?: number;
  /** Element type the projection weights are fed in (float16 halves the feed; exact only for f16 checkpoints). */
  weightType?: 'float' | 'float16';
}

interface CompiledGraph {
  graph: PointGraphResult;
  sessions: OrtSession[];
}

const f = Math.fround;

export class OnnxModel {
  private readonly compiled = new Map<string, Promise<CompiledGraph>>();
  private readonly ctxFeeds = new WeakMap<ForwardContext, ContextFeeds>();
  /** The last layer's weights and their feeds: calibration runs many batches through one layer in a row. */
  private held: { layer: number; weights: LayerWeights; feeds: Map<string, OrtTensor> } | null = null;
  private weightTransform: WeightTransform | null;
  private finalNorm: Float32Array | null = null;
  private head: Promise<OrtHead> | null = null;
  private headWeight: Float32Array | null = null;

  private constructor(
    private readonly ort: OrtModule,
    /** The TS model that reads weights, embeds, and computes the head; shared checkpoint handle. */
    readonly reference: ReferenceModel,
    private readonly options: OnnxModelOptions,
  ) {
    this.weightTransform = options.weightTransform ?? null;
  }

  static async open(dir: string, options: OnnxModelOptions = {}): Promise<OnnxModel> {
    const ort = await loadOrt();
    return new OnnxModel(ort, ReferenceModel.open(dir, options), options);
  }

  /** Wraps an already-open reference model (the ONNX engine then shares its checkpoint and weight transform). */
  static async fromReference(reference: ReferenceModel, options: OnnxModelOptions = {}): Promise<OnnxModel> {
    return new OnnxModel(await loadOrt(), reference, {
      ...options,
      weightTransform: options.weightTransform ?? null,
    });
  }

  get arch() {
    return this.reference.arch;
  }

  context(input: BatchInput): ForwardContext {
    if (input.cache)
      throw new MoptError(
        'onnx-no-kv-cache',
        'the ONNX engine runs whole sequences; use the reference forward for cached generation',
        {
          exitCode: 1,
        },
      );
    return this.reference.context(input);
  }

  embed(ids: ArrayLike<number>): Float32Array {
    return this.reference.embed(ids);
  }

  /**
   * Final RMSNorm (TS) and lm_head (ORT): logits [rows, vocab] for the token rows listed in `rows` (default all);
   * the `lm_head.input_quantizer` / `.output_quantizer` points fire as in the reference.
   */
  async finalNormAndLogits(
    hidden: Float32Array,
    ctx: ForwardContext,
    rows?: ArrayLike<number>,
  ): Promise<Float32Array> {
    const { hidden: H, vocab: V } = this.arch;
    const { x, n, rowValid } = selectRows(hidden, H, ctx, rows);
    this.finalNorm ??= readVector(this.reference.checkpoint, 'model.norm.weight', H);
    const xn = rmsNorm(x, this.finalNorm, H, this.arch.rmsEps);
    const info = (): PointInfo => ({ kind: 'input', layer: -1, rowValid });
    const input = visitTsPoint(ctx.observer, 'lm_head.input_quantizer', xn, [n, H], info);
    this.head ??= OrtHead.create(this.ort, H, V, this.options.intraOpNumThreads ?? 2);
    const logits = await (
      await this.head
    ).logits(input, n, this.reference.checkpoint, this.headTensor(), this.heldHead());
    return visitTsPoint(ctx.observer, 'lm_head.output_quantizer', logits, [n, V], () => ({
      ...info(),
      kind: 'output',
    }));
  }

  private headTensor(): string {
    return this.arch.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
  }

  /** With a weight transform, the whole transformed head (made once); otherwise null (streamed). */
  private heldHead(): Float32Array | null {
    const t = this.weightTransform;
    if (!t) return null;
    if (!this.headWeight) {
      const name = this.headTensor();
      const w = this.reference.checkpoint.readTensorF32(name);
      const shape: [number, number] = [this.arch.vocab, this.arch.hidden];
      this.headWeight = checkedTransform(
        t(w, { tensor: name, quantizer: 'lm_head.weight_quantizer', shape, layer: -1 }),
        w,
        name,
      );
    }
    return this.headWeight;
  }

  async forward(
    ids: ArrayLike<number>,
    input: BatchInput,
    logitRows?: ArrayLike<number>,
  ): Promise<Float32Array> {
    const ctx = this.context(input);
    if (ids.length !== ctx.tokens)
      throw new MoptError('bad-batch', `got ${ids.length} token ids for a ${ctx.batch} x ${ctx.seq} batch`);
    let h = this.embed(ids);
    for (let l = 0; l < this.arch.layers; l++) h = await this.runLayer(l, h, ctx);
    return await this.finalNormAndLogits(h, ctx, logitRows);
  }

  /** One decoder layer: hidden [tokens, hidden] in, a new [tokens, hidden] out, observer points visited in order. */
  async runLayer(l: number, hidden: Float32Array, ctx: ForwardContext): Promise<Float32Array> {
    if (ctx.cache)
      throw new MoptError('onnx-no-kv-cache', 'the ONNX engine does not take a KV cache', { exitCode: 1 });
    const a = this.arch;
    const w = this.heldWeights(l);
    const T = ctx.tokens;
    if (hidden.length !== T * a.hidden)
      throw new MoptError(
        'bad-batch',
        `layer ${l}: hidden has ${hidden.length} values, expected ${T} x ${a.hidden}`,
        { exitCode: 1 },
      );
    const obs = (ctx.observer ?? null) as ReducingObserver | null;
    const mlp = w.moe ? 'none' : 'dense';
    const points = DENSE_LAYER_POINTS.filter(([p]) => mlp === 'dense' || !p.startsWith('mlp.'));
    const prefix = `model.layers.${l}.`;
    const requests = pointRequests(prefix, points, obs);
    const compiled = await this.compile(['layer', mlp, requests], () =>
      buildDecoderLayerGraph(a, { points: requests, mlp, weightType: this.options.weightType ?? 'float' }),
    );
    const values = new Map<string, OrtTensor>(
      Object.entries(this.contextFeeds(ctx).feeds(hidden, a.hidden, a.slidingWindow[l] ?? null)),
    );
    for (const name of compiled.graph.weightNames) values.set(name, this.weightFeed(w, name));
    const site = { batch: ctx.batch, seq: ctx.seq, tokens: T, tokenValid: ctx.tokenValid, layer: l };
    await this.runGraph(compiled, values, prefix, points, site, obs, `layer ${l}`);
    if (!w.moe) return values.get(LAYER_OUTPUT)!.data as Float32Array;
    const residual = values.get(ATTENTION_OUTPUTS.residual)!.data as Float32Array;
    const mlpIn = values.get(ATTENTION_OUTPUTS.mlpIn)!.data as Float32Array;
    const moe = w.moe;
    const scope = { observer: ctx.observer, layer: l, rowValid: ctx.tokenValid };
    const m = await sparseMoeOnnx(moe, mlpIn, T, a.hidden, scope, ctx.moeAllExperts, (e, x, n, rowValid) =>
      this.runExpert(moe, l, e, x, n, rowValid, obs),
    );
    const out = new Float32Array(T * a.hidden);
    for (let i = 0; i < out.length; i++) out[i] = f(residual[i]! + m[i]!);
    return out;
  }

  /** Expert `e` of layer `l` on `rows` gathered rows: the shared expert graph, fed that expert's weights. */
  private async runExpert(
    moe: MoeWeights,
    l: number,
    e: number,
    x: Float32Array,
    rows: number,
    rowValid: Uint8Array | null,
    obs: ReducingObserver | null,
  ): Promise<Float32Array> {
    const H = this.arch.hidden;
    const points = expertPoints(moe.arch);
    const prefix = `model.layers.${l}.${moe.arch.block}.experts.${e}.`;
    const requests = pointRequests(prefix, points, obs);
    const compiled = await this.compile(['expert', moe.arch.block, requests], () =>
      buildExpertMlpGraph(moe.arch, H, requests, this.options.weightType ?? 'float'),
    );
    const valid = Float32Array.from({ length: rows }, (_, r) => (rowValid ? rowValid[r]! : 1));
    const values = new Map<string, OrtTensor>([
      [EXPERT_INPUTS.x, new this.ort.Tensor('float32', x, [rows, H])],
      [EXPERT_INPUTS.rowValid, new this.ort.Tensor('float32', valid, [rows])],
    ]);
    const expert = moe.experts[e]!;
    const [gate, up, down] = moe.arch.projections;
    const weights = layerWeightFeedsFor(
      this.ort,
      { [gate]: expert.gate, [up]: expert.up, [down]: expert.down },
      this.options.weightType,
    );
    for (const name of compiled.graph.weightNames) values.set(name, weights[name]!);
    const site = { batch: 1, seq: rows, tokens: rows, tokenValid: rowValid, layer: l, expert: e };
    await this.runGraph(compiled, values, prefix, points, site, obs, `layer ${l} expert ${e}`);
    return values.get(EXPERT_OUTPUT)!.data as Float32Array;
  }

  /** Runs a compiled graph's segments in order, visiting each segment's points after it ran. */
  private async runGraph(
    compiled: CompiledGraph,
    values: Map<string, OrtTensor>,
    prefix: string,
    points: readonly (readonly [string, PointKind])[],
    site: PointSite,
    obs: ReducingObserver | null,
    what: string,
  ): Promise<void> {
    const kinds = new Map(points);
    const order = [...compiled.graph.points.entries()];
    for (let s = 0; s < compiled.sessions.length; s++) {
      const session = compiled.sessions[s]!;
      const feeds: Record<string, OrtTensor> = {};
      for (const name of session.inputNames) feeds[name] = values.get(name)!;
      const out = await runSession(session, feeds, `${what} (segment ${s})`);
      for (const [k, t] of Object.entries(out)) values.set(k, t);
      for (const [suffix, p] of order)
        if (p.segment === s) visitPoint(this.ort, prefix + suffix, kinds.get(suffix)!, p, values, site, obs);
    }
  }

  /** Swaps the reference model's weight transform and forgets the held layer. */
  setWeightTransform(transform: WeightTransform | null): void {
    this.reference.setWeightTransform(transform);
    this.weightTransform = transform;
    this.held = null;
    this.headWeight = null;
  }

  private heldWeights(l: number): LayerWeights {
    if (this.held?.layer !== l)
      this.held = { layer: l, weights: this.reference.layerWeights(l), feeds: new Map() };
    return this.held.weights;
  }

  private weightFeed(w: LayerWeights, name: string): OrtTensor {
    const feeds = this.held!.feeds;
    let t = feeds.get(name);
    if (!t) {
      t = layerWeightFeeds(this.ort, w, [name], this.options.weightType)[name]!;
      feeds.set(name, t);
    }
    return t;
  }

  /** Layer graph variants compiled so far (one per point pattern and MLP kind, shared by all layers). */
  get compiledGraphs(): number {
    return this.compiled.size;
  }

  /** Drops every session; the model can still be used (sessions are rebuilt on demand). */
  async release(): Promise<void> {
    this.held = null;
    this.headWeight = null;
    const head = this.head;
    this.head = null;
    if (head) await (await head).release();
    const all = [...this.compiled.values()];
    this.compiled.clear();
    for (const c of all) for (const s of (await c).sessions) await s.release();
  }

  async close(): Promise<void> {
    await this.release();
    this.reference.close();
  }

  private contextFeeds(ctx: ForwardContext): ContextFeeds {
    let cf = this.ctxFeeds.get(ctx);
    if (!cf) {
      cf = new ContextFeeds(this.ort, this.arch, ctx);
      this.ctxFeeds.set(ctx, cf);
    }
    return cf;
  }

  /** Sessions for a graph, built once per key (graph kind and point requests) and shared by all layers. */
  private compile(key: unknown[], build: () => PointGraphResult): Promise<CompiledGraph> {
    const id = JSON.stringify(key);
    let c = this.compiled.get(id);
    if (!c) {
      const graph = build();
      const opts = { intraOpNumThreads: this.options.intraOpNumThreads ?? 2 };
      const what = String(key[0]);
      c = Promise.all(graph.segments.map((m, i) => createSession(m, `${what} segment ${i}`, opts))).then(
        (sessions) => ({ graph, sessions }),
      );
      c.catch(() => this.compiled.delete(id));
      this.compiled.set(id, c);
    }
    return c;
  }
}
