/**
 * The pure-TS float32 reference forward of a Llama-family checkpoint, layer by layer:
 * `embed(ids)` → `runLayer(l, hidden, ctx)` for each layer → `finalNormAndLogits(hidden, ctx)`.
 * Weights are read per layer and dropped afterwards (memory = one layer + activations) unless the model is
 * opened with `residentWeights`, which generation wants.
 */
import { MoptError } from '../../errors.js';
import { openCheckpoint, type Checkpoint } from '../checkpoint.js';
import { decodeToF32, dtypeBytes } from '../dtypes.js';
import { forwardArch, type ForwardArch } from './arch.js';
import { attention, toHeadMajor } from './attention.js';
import { headRowsValid, makeContext, selectRows, type BatchInput, type ForwardContext } from './context.js';
import { linear } from './linear.js';
import { gatedMlp } from './mlp.js';
import { sparseMoe } from './moe.js';
import { visitPoint, type WeightTransform } from './observer.js';
import { rmsNorm } from './rmsnorm.js';
import { applyRope, RopeTable } from './rope.js';
import { pointInfo, runLinear, type PointScope } from './run-linear.js';
import { checkedTransform, loadLayer, readVector, type LayerWeights } from './weights.js';

export interface ReferenceModelOptions {
  /** Keep every layer's weights after first use (fast repeated forwards; memory = whole model). */
  residentWeights?: boolean;
  /** Replaces each linear weight as it is loaded (simulated weight quantization). */
  weightTransform?: WeightTransform | null;
}

/** lm_head rows decoded per chunk when streaming the classifier. */
const HEAD_CHUNK_ELEMENTS = 1 << 22;

const f = Math.fround;

export class ReferenceModel {
  readonly arch: ForwardArch;
  private readonly rope: RopeTable;
  private readonly finalNorm: Float32Array;
  private readonly headTensor: string;
  private readonly resident: (LayerWeights | undefined)[] = [];
  private headWeight: Float32Array | null = null;
  private weightTransform: WeightTransform | null;

  constructor(
    readonly checkpoint: Checkpoint,
    private readonly options: ReferenceModelOptions = {},
  ) {
    this.arch = forwardArch(checkpoint.config);
    this.rope = new RopeTable(this.arch.invFreq, this.arch.ropeAttentionScaling, this.arch.ropeMaxPositions);
    this.finalNorm = readVector(checkpoint, 'model.norm.weight', this.arch.hidden);
    this.weightTransform = options.weightTransform ?? null;
    this.headTensor = this.arch.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
    if (!checkpoint.tensors.has(this.headTensor))
      throw new MoptError(
        'tensor-not-found',
        `${checkpoint.dir}: the checkpoint has no "${this.headTensor}"${this.arch.tieWordEmbeddings ? '' : ' and config.json does not set tie_word_embeddings'}`,
      );
    for (const name of ['model.embed_tokens.weight', this.headTensor]) {
      const shape = checkpoint.tensor(name).shape;
      if (shape.length !== 2 || shape[0] !== this.arch.vocab || shape[1] !== this.arch.hidden)
        throw new MoptError(
          'tensor-shape',
          `${checkpoint.dir}: tensor "${name}" has shape [${shape.join(', ')}], expected [${this.arch.vocab}, ${this.arch.hidden}]`,
        );
    }
  }

  static open(dir: string, options: ReferenceModelOptions = {}): ReferenceModel {
    const ckpt = openCheckpoint(dir);
    try {
      return new ReferenceModel(ckpt, options);
    } catch (err) {
      ckpt.close();
      throw err;
    }
  }

  close(): void {
    this.checkpoint.close();
  }

  /** Swaps the weight transform; weights already held are dropped so the next use reloads them. */
  setWeightTransform(transform: WeightTransform | null): void {
    this.weightTransform = transform;
    this.resident.length = 0;
    this.headWeight = null;
  }

  /** Forgets a resident layer so its next use re-reads it (e.g. after its weights were quantized). */
  releaseLayer(l: number): void {
    this.resident[l] = undefined;
  }

  /** Validates the batch and builds the per-call state (see BatchInput). */
  context(input: BatchInput): ForwardContext {
    return makeContext(input);
  }

  layerWeights(l: number): LayerWeights {
    if (!Number.isInteger(l) || l < 0 || l >= this.arch.layers)
      throw new MoptError('bad-layer', `layer ${l} is out of range 0..${this.arch.layers - 1}`, {
        exitCode: 1,
      });
    const held = this.resident[l];
    if (held) return held;
    const w = loadLayer(this.checkpoint, this.arch, l, this.weightTransform);
    if (this.options.residentWeights) this.resident[l] = w;
    return w;
  }

  /** Embedding rows of `ids` ([tokens, hidden]); only the needed rows are read from the checkpoint. */
  embed(ids: ArrayLike<number>): Float32Array {
    const H = this.arch.hidden;
    const name = 'model.embed_tokens.weight';
    const dtype = this.checkpoint.tensor(name).dtype;
    const rowBytes = H * dtypeBytes(dtype);
    const out = new Float32Array(ids.length * H);
    const bytes = new Uint8Array(rowBytes);
    for (let t = 0; t < ids.length; t++) {
      const id = ids[t]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.arch.vocab)
        throw new MoptError(
          'token-out-of-range',
          `token id ${id} at position ${t} is outside the vocabulary 0..${this.arch.vocab - 1}`,
        );
      this.checkpoint.readTensorRange(name, id * rowBytes, rowBytes, bytes);
      decodeToF32(bytes, dtype, out.subarray(t * H, (t + 1) * H));
    }
    return out;
  }

  /** One decoder layer: hidden [tokens, hidden] in, a new [tokens, hidden] out. */
  runLayer(l: number, hidden: Float32Array, ctx: ForwardContext): Float32Array {
    const a = this.arch;
    const w = this.layerWeights(l);
    const { batch: B, seq: S, tokens: T } = ctx;
    const { hidden: H, heads, kvHeads, headDim: hd } = a;
    if (hidden.length !== T * H)
      throw new MoptError(
        'bad-batch',
        `layer ${l}: hidden has ${hidden.length} values, expected ${T} x ${H}`,
        { exitCode: 1 },
      );
    const scope: PointScope = { observer: ctx.observer, layer: l, rowValid: ctx.tokenValid };
    const prefix = `model.layers.${l}.self_attn`;
    const xn = rmsNorm(hidden, w.inputNorm, H, a.rmsEps);
    let q = runLinear(w.attn.q, xn, T, scope);
    let k = runLinear(w.attn.k, xn, T, scope);
    const v = runLinear(w.attn.v, xn, T, scope);
    if (w.attn.qNorm && w.attn.kNorm) {
      q = rmsNorm(q, w.attn.qNorm, hd, a.rmsEps);
      k = rmsNorm(k, w.attn.kNorm, hd, a.rmsEps);
    } else {
      q = q.slice();
      k = k.slice();
    }
    applyRope(q, T, heads, hd, ctx.positions, this.rope);
    applyRope(k, T, kvHeads, hd, ctx.positions, this.rope);
    // q/k/v_bmm see this call's positions only; with a cache, the transformed K/V are what gets cached
    // (HF's K/V quantizers see the whole cache, which is the same for elementwise static quantizers).
    const bmm = (kind: 'q_bmm' | 'k_bmm' | 'v_bmm', x: Float32Array, nh: number): Float32Array =>
      visitPoint(
        ctx.observer,
        `${prefix}.${kind}_quantizer`,
        toHeadMajor(x, B, S, nh, hd),
        [B, nh, S, hd],
        () => pointInfo(scope, kind, headRowsValid(ctx.tokenValid, B, nh, S)),
      );
    const qh = bmm('q_bmm', q, heads);
    let kh = bmm('k_bmm', k, kvHeads);
    let vh = bmm('v_bmm', v, kvHeads);
    let capacity = S;
    let keyValid = ctx.tokenValid;
    if (ctx.cache) {
      const c = ctx.cache;
      for (let row = 0; row < B * kvHeads; row++) {
        const dst = (row * c.capacity + ctx.qOffset) * hd;
        c.keys[l]!.set(kh.subarray(row * S * hd, (row + 1) * S * hd), dst);
        c.values[l]!.set(vh.subarray(row * S * hd, (row + 1) * S * hd), dst);
      }
      [kh, vh, capacity, keyValid] = [c.keys[l]!, c.values[l]!, c.capacity, c.keyValid];
    }
    const shape = {
      batch: B,
      seq: S,
      heads,
      kvHeads,
      headDim: hd,
      kvLen: ctx.qOffset + S,
      kvCapacity: capacity,
      qOffset: ctx.qOffset,
    };
    const att = attention(qh, kh, vh, shape, keyValid, a.slidingWindow[l] ?? null);
    const o = runLinear(w.attn.o, att, T, scope);
    const h1 = new Float32Array(T * H);
    for (let i = 0; i < h1.length; i++) h1[i] = f(hidden[i]! + o[i]!);
    const xn2 = rmsNorm(h1, w.postNorm, H, a.rmsEps);
    const m = w.moe
      ? sparseMoe(w.moe, xn2, T, H, scope, { allExperts: ctx.moeAllExperts })
      : gatedMlp(w.mlp!, xn2, T, scope);
    for (let i = 0; i < h1.length; i++) h1[i] = f(h1[i]! + m[i]!);
    return h1;
  }

  /**
   * Final RMSNorm and lm_head: logits [rows, vocab] for the token rows listed in `rows` (default: all).
   * The `lm_head.input_quantizer` point sees the normalised rows.
   */
  finalNormAndLogits(hidden: Float32Array, ctx: ForwardContext, rows?: ArrayLike<number>): Float32Array {
    const { hidden: H, vocab: V } = this.arch;
    const { x, n, rowValid } = selectRows(hidden, H, ctx, rows);
    const xn = rmsNorm(x, this.finalNorm, H, this.arch.rmsEps);
    const scope: PointScope = { observer: ctx.observer, layer: -1, rowValid };
    const input = visitPoint(ctx.observer, 'lm_head.input_quantizer', xn, [n, H], () =>
      pointInfo(scope, 'input'),
    );
    const logits =
      this.options.residentWeights || this.weightTransform
        ? linear(input, n, H, this.lmHead(), V)
        : this.streamedHead(input, n);
    return visitPoint(ctx.observer, 'lm_head.output_quantizer', logits, [n, V], () =>
      pointInfo(scope, 'output'),
    );
  }

  /** Full pass: ids [batch, seq] flat → logits [batch·seq, vocab] (or only `logitRows`). */
  forward(ids: ArrayLike<number>, input: BatchInput, logitRows?: ArrayLike<number>): Float32Array {
    const ctx = this.context(input);
    if (ids.length !== ctx.tokens)
      throw new MoptError('bad-batch', `got ${ids.length} token ids for a ${ctx.batch} x ${ctx.seq} batch`);
    let h = this.embed(ids);
    for (let l = 0; l < this.arch.layers; l++) h = this.runLayer(l, h, ctx);
    return this.finalNormAndLogits(h, ctx, logitRows);
  }

  private lmHead(): Float32Array {
    if (this.headWeight) return this.headWeight;
    let w = this.checkpoint.readTensorF32(this.headTensor);
    const t = this.weightTransform;
    if (t) {
      const info = {
        tensor: this.headTensor,
        quantizer: 'lm_head.weight_quantizer',
        shape: [this.arch.vocab, this.arch.hidden] as [number, number],
        layer: -1,
      };
      w = checkedTransform(t(w, info), w, this.headTensor);
    }
    if (this.options.residentWeights) this.headWeight = w;
    return w;
  }

  /** x · lm_headᵀ reading the classifier a chunk of rows at a time. */
  private streamedHead(x: Float32Array, n: number): Float32Array {
    const { hidden: H, vocab: V } = this.arch;
    const dtype = this.checkpoint.tensor(this.headTensor).dtype;
    const bytesPerRow = H * dtypeBytes(dtype);
    const chunk = Math.max(1, Math.min(V, Math.floor(HEAD_CHUNK_ELEMENTS / H)));
    const raw = new Uint8Array(chunk * bytesPerRow);
    const w = new Float32Array(chunk * H);
    const part = new Float32Array(n * chunk);
    const out = new Float32Array(n * V);
    for (let r0 = 0; r0 < V; r0 += chunk) {
      const rows = Math.min(chunk, V - r0);
      const bytes = this.checkpoint.readTensorRange(
        this.headTensor,
        r0 * bytesPerRow,
        rows * bytesPerRow,
        raw,
      );
      const wr = decodeToF32(bytes, dtype, w.subarray(0, rows * H));
      const y = linear(x, n, H, wr, rows, null, part.subarray(0, n * rows));
      for (let t = 0; t < n; t++) out.set(y.subarray(t * rows, (t + 1) * rows), t * V + r0);
    }
    return out;
  }
}
