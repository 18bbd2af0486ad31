/**
 * The statistics and transform hooks of the reference forward. At every point where ModelOpt would hold a
 * quantizer the forward asks `wants(name)` (name = the quantizer's full slot name, e.g.
 * `model.layers.3.self_attn.q_proj.input_quantizer`), and only then hands the tensor to `observe` and
 * `transform`. Calibration statistics are observers; simulated quantization, SmoothQuant or AWQ scaling
 * are transforms: the forward itself never changes.
 */

/** Which quantizer the point belongs to (QuantizerSlot kinds). */
export type PointKind = 'input' | 'output' | 'q_bmm' | 'k_bmm' | 'v_bmm';

export interface PointInfo {
  kind: PointKind;
  /** Decoder layer index, or -1 for `lm_head`. */
  layer: number;
  /** Expert index for the linears of a sparse MoE expert. */
  expert?: number;
  /**
   * Seen as [rows, last dim], which rows belong to real tokens (1) and which to padding (0);
   * null when every row is real. For q/k/v_bmm ([batch, heads, seq, head_dim]) a row is one (b, h, s).
   */
  rowValid: Uint8Array | null;
}

/**
 * A hook on the forward. Contract: `observe` and `transform` must not modify `x` (it may be used again
 * for a sibling point, e.g. q/k/v share one input); `transform` returns a new array of the same length,
 * or undefined to keep `x`.
 */
export interface ForwardObserver {
  /** Cheap filter; points it rejects cost nothing. */
  wants(name: string): boolean;
  observe?(name: string, x: Float32Array, shape: readonly number[], info: PointInfo): void;
  transform?(
    name: string,
    x: Float32Array,
    shape: readonly number[],
    info: PointInfo,
  ): Float32Array | undefined;
}

/** Runs one point through an observer: observe first, then transform. */
export function visitPoint(
  obs: ForwardObserver | null,
  name: string,
  x: Float32Array,
  shape: readonly number[],
  info: () => PointInfo,
): Float32Array {
  if (obs === null || !obs.wants(name)) return x;
  const i = info();
  obs.observe?.(name, x, shape, i);
  return obs.transform?.(name, x, shape, i) ?? x;
}

/**
 * Chains observers in order: each sees the tensor as the previous ones transformed it (e.g. a
 * pre-quant scaling transform, then an amax observer, then fake quantization).
 */
export function composeObservers(...observers: ForwardObserver[]): ForwardObserver {
  return {
    wants: (name) => observers.some((o) => o.wants(name)),
    transform(name, x, shape, info) {
      let y = x;
      for (const o of observers) y = visitPoint(o, name, y, shape, () => info);
      return y === x ? undefined : y;
    },
  };
}

/** A linear's weight as it is loaded; return a replacement (same length) or undefined to keep it. */
export type WeightTransform = (weight: Float32Array, info: WeightInfo) => Float32Array | undefined;

export interface WeightInfo {
  /** The checkpoint tensor (for a tied lm_head: `model.embed_tokens.weight`). */
  tensor: string;
  /** The weight quantizer slot name, e.g. `model.layers.0.mlp.down_proj.weight_quantizer`. */
  quantizer: string;
  /** [out, in]. */
  shape: [number, number];
  layer: number;
  expert?: number;
}
