/**
 * The classifier on ONNX Runtime: logits = x · Wᵀ for normalised rows x [n, hidden], with W [vocab, hidden]
 * fed a block of vocabulary rows at a time (read and decoded per block, or sliced from a held, transformed
 * copy), so the full f32 head never has to exist unless a weight transform made it.
 */
import type { Checkpoint } from '../checkpoint.js';
import { decodeToF32, dtypeBytes } from '../dtypes.js';
import { GraphBuilder } from './graph-builder.js';
import { createSession, runSession, type OrtModule, type OrtSession } from './ort.js';

/** Vocabulary rows per block (a block of a 4096-wide head is 256 MiB in f32). */
const BLOCK_ELEMENTS = 1 << 24;

export function buildHeadGraph(hidden: number): Uint8Array {
  const g = new GraphBuilder('lm_head');
  const x = g.input('x', 'float', ['rows', hidden]);
  const w = g.input('w', 'float', ['vocab_block', hidden]);
  g.output(g.op('Gemm', [x, w], { transB: 1 }), ['rows', 'vocab_block'], 'logits');
  return g.build();
}

export class OrtHead {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    private readonly hidden: number,
    private readonly vocab: number,
    private readonly blockElements: number,
  ) {}

  static async create(
    ort: OrtModule,
    hidden: number,
    vocab: number,
    threads: number,
    blockElements = BLOCK_ELEMENTS,
  ): Promise<OrtHead> {
    const session = await createSession(buildHeadGraph(hidden), 'lm_head', { intraOpNumThreads: threads });
    return new OrtHead(ort, session, hidden, vocab, blockElements);
  }

  /**
   * logits [n, vocab] for x [n, hidden]; the weight comes from `held` (a full f32 copy) when given,
   * otherwise block by block from the checkpoint tensor.
   */
  async logits(
    x: Float32Array,
    n: number,
    ckpt: Checkpoint,
    tensor: string,
    held: Float32Array | null,
  ): Promise<Float32Array> {
    const { hidden: H, vocab: V } = this;
    const block = Math.max(1, Math.min(V, Math.floor(this.blockElements / H)));
    const dtype = ckpt.tensor(tensor).dtype;
    const rowBytes = H * dtypeBytes(dtype);
    const raw = held ? null : new Uint8Array(block * rowBytes);
    const decoded = held ? null : new Float32Array(block * H);
    const xt = new this.ort.Tensor('float32', x, [n, H]);
    const out = new Float32Array(n * V);
    for (let r0 = 0; r0 < V; r0 += block) {
      const rows = Math.min(block, V - r0);
      const w = held
        ? held.subarray(r0 * H, (r0 + rows) * H)
        : decodeToF32(
            ckpt.readTensorRange(tensor, r0 * rowBytes, rows * rowBytes, raw!),
            dtype,
            decoded!.subarray(0, rows * H),
          );
      const r = await runSession(
        this.session,
        { x: xt, w: new this.ort.Tensor('float32', w, [rows, H]) },
        'lm_head',
      );
      const y = r.logits!.data as Float32Array;
      for (let t = 0; t < n; t++) out.set(y.subarray(t * rows, (t + 1) * rows), t * V + r0);
    }
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
