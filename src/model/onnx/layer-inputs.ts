/**
 * The per-call feeds every layer graph shares (RoPE tables, additive mask per attention window, real-row
 * flags), built once per forward context and reused by all layers.
 */
import type { ForwardArch } from '../forward/arch.js';
import type { ForwardContext } from '../forward/context.js';
import { LAYER_INPUTS } from './decoder-layer.js';
import type { OrtModule, OrtTensor } from './ort.js';
import { additiveCausalMask, ropeTables } from './rope-mask.js';

export class ContextFeeds {
  readonly cos: OrtTensor;
  readonly sin: OrtTensor;
  readonly rowValid: OrtTensor;
  private readonly masks = new Map<number | null, OrtTensor>();

  constructor(
    private readonly ort: OrtModule,
    arch: ForwardArch,
    private readonly ctx: ForwardContext,
  ) {
    const { batch: B, seq: S, positions } = ctx;
    // One table row serves the whole batch when every row uses the same positions (HF's default).
    let shared = true;
    for (let t = S; t < positions.length && shared; t++) shared = positions[t] === positions[t % S];
    const rows = shared ? 1 : B;
    const rope = ropeTables(arch.invFreq, arch.ropeAttentionScaling, positions.subarray(0, rows * S), rows);
    this.cos = new ort.Tensor('float32', rope.cos, rope.dims);
    this.sin = new ort.Tensor('float32', rope.sin, rope.dims);
    const valid = new Float32Array(B * S).fill(1);
    if (ctx.tokenValid) for (let i = 0; i < valid.length; i++) valid[i] = ctx.tokenValid[i]!;
    this.rowValid = new ort.Tensor('float32', valid, [B, S]);
  }

  mask(window: number | null): OrtTensor {
    let m = this.masks.get(window);
    if (!m) {
      const { batch: B, seq: S } = this.ctx;
      m = new this.ort.Tensor('float32', additiveCausalMask(B, S, this.ctx.tokenValid ?? undefined, window), [
        B,
        1,
        S,
        S,
      ]);
      this.masks.set(window, m);
    }
    return m;
  }

  /** hidden [tokens, H] as the graph's [batch, seq, H] input plus the shared feeds. */
  feeds(hidden: Float32Array, hiddenSize: number, window: number | null): Record<string, OrtTensor> {
    const { batch: B, seq: S } = this.ctx;
    return {
      [LAYER_INPUTS.hidden]: new this.ort.Tensor('float32', hidden, [B, S, hiddenSize]),
      [LAYER_INPUTS.cos]: this.cos,
      [LAYER_INPUTS.sin]: this.sin,
      [LAYER_INPUTS.mask]: this.mask(window),
      [LAYER_INPUTS.rowValid]: this.rowValid,
    };
  }
}
