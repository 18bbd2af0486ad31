/**
 * One Llama-family decoder layer (Llama / Mistral / Qwen2 / Qwen3) as ONNX. Weights are graph inputs named by
 * checkpoint suffix (`self_attn.q_proj.weight`), so one session serves every layer. Quantizer points (named
 * by their slot suffix, e.g. `self_attn.q_proj.input_quantizer`) can be returned in full, reduced on-graph to
 * amax values, or made cut points where JS may replace the tensor before the rest of the layer runs.
 * With `mlp: 'none'` the graph stops after the post-attention norm (the MoE MLP then runs in TS).
 */
import type { ForwardArch } from '../forward/arch.js';
import type { PointKind } from '../forward/observer.js';
import { PointGraph, type PointGraphResult, type PointRequest } from './point-graph.js';

/** The quantizer points of a dense layer, in the order the reference forward visits them. */
export const DENSE_LAYER_POINTS: readonly (readonly [string, PointKind])[] = [
  ...['q', 'k', 'v'].flatMap((p) => [
    [`self_attn.${p}_proj.input_quantizer`, 'input'] as const,
    [`self_attn.${p}_proj.output_quantizer`, 'output'] as const,
  ]),
  ['self_attn.q_bmm_quantizer', 'q_bmm'],
  ['self_attn.k_bmm_quantizer', 'k_bmm'],
  ['self_attn.v_bmm_quantizer', 'v_bmm'],
  ['self_attn.o_proj.input_quantizer', 'input'],
  ['self_attn.o_proj.output_quantizer', 'output'],
  ...['gate', 'up', 'down'].flatMap((p) => [
    [`mlp.${p}_proj.input_quantizer`, 'input'] as const,
    [`mlp.${p}_proj.output_quantizer`, 'output'] as const,
  ]),
];

export type { PointOutputs, PointRequest } from './point-graph.js';

export interface LayerGraphOptions {
  points?: readonly PointRequest[];
  /** Element type of the 2-D projection weights (cast to float32 inside). */
  weightType?: 'float' | 'float16';
  /** 'dense' = SwiGLU MLP; 'none' = stop after attention, outputs `residual` and `mlp_in` ([tokens, hidden]). */
  mlp?: 'dense' | 'none';
}

export type { PointGraphResult as LayerGraph } from './point-graph.js';

export const LAYER_INPUTS = {
  hidden: 'hidden',
  cos: 'cos',
  sin: 'sin',
  mask: 'mask',
  rowValid: 'row_valid',
} as const;
export const LAYER_OUTPUT = 'hidden_out';
export const ATTENTION_OUTPUTS = { residual: 'residual', mlpIn: 'mlp_in' } as const;

export function buildDecoderLayerGraph(arch: ForwardArch, options: LayerGraphOptions = {}): PointGraphResult {
  const { hidden: H, heads, kvHeads, headDim: hd, intermediate: I } = arch;
  const rep = heads / kvHeads;
  const pg = new PointGraph(`${arch.modelType}_decoder_layer`, {
    points: options.points ?? [],
    weightType: options.weightType ?? 'float',
    rowValid: { name: LAYER_INPUTS.rowValid, dims: ['batch', 'seq'] },
  });
  const g = pg.g;
  const weight = pg.weight.bind(pg);
  const point = pg.point.bind(pg);
  const rmsNorm = (x: string, w: string): string => pg.rmsNorm(x, w, arch.rmsEps);
  const linear = pg.linear.bind(pg);

  const hidden = g.input(LAYER_INPUTS.hidden, 'float', ['batch', 'seq', H]);
  const cos = g.op('Unsqueeze', [g.input(LAYER_INPUTS.cos, 'float', ['rope_rows', 'seq', hd]), g.ints([1])]);
  const sin = g.op('Unsqueeze', [g.input(LAYER_INPUTS.sin, 'float', ['rope_rows', 'seq', hd]), g.ints([1])]);
  const mask = g.input(LAYER_INPUTS.mask, 'float', ['batch', 1, 'seq', 'seq']);
  const batchSeq = g.op('Shape', [hidden], { start: 0, end: 2 });
  const x = g.op('Reshape', [hidden, g.ints([-1, H])]);

  // Attention block.
  const h = rmsNorm(x, weight('input_layernorm.weight', [H]));
  const q = linear(h, 'self_attn.q_proj', heads * hd, H, arch.qkvBias);
  const k = linear(h, 'self_attn.k_proj', kvHeads * hd, H, arch.qkvBias);
  const v = linear(h, 'self_attn.v_proj', kvHeads * hd, H, arch.qkvBias);
  const splitHeads = (t: string, n: number): string =>
    g.op('Reshape', [t, g.op('Concat', [batchSeq, g.ints([n, hd])], { axis: 0 })]);
  const toHeadMajor = (t: string): string => g.op('Transpose', [t], { perm: [0, 2, 1, 3] });
  const rope = (t: string): string => {
    const [a, b] = g.node('Split', [t], { axis: -1, num_outputs: 2 }, { outputs: 2 }) as [string, string];
    const rotated = g.op('Concat', [g.op('Neg', [b]), a], { axis: -1 });
    return g.op('Add', [g.op('Mul', [t, cos]), g.op('Mul', [rotated, sin])]);
  };
  let q4 = splitHeads(q, heads);
  let k4 = splitHeads(k, kvHeads);
  if (arch.qkNorm) {
    q4 = rmsNorm(q4, weight('self_attn.q_norm.weight', [hd]));
    k4 = rmsNorm(k4, weight('self_attn.k_norm.weight', [hd]));
  }
  const qr = point('self_attn.q_bmm_quantizer', rope(toHeadMajor(q4)), 'heads', heads, hd);
  const kr = point('self_attn.k_bmm_quantizer', rope(toHeadMajor(k4)), 'heads', kvHeads, hd);
  const vh = point('self_attn.v_bmm_quantizer', toHeadMajor(splitHeads(v, kvHeads)), 'heads', kvHeads, hd);

  // GQA without copying K/V: group query heads as [batch, kv, rep, seq, hd] and broadcast K/V over rep.
  const qGrouped = g.op('Reshape', [qr, g.ints([0, kvHeads, rep, -1, hd])]);
  const kT = g.op('Transpose', [g.op('Unsqueeze', [kr, g.ints([2])])], { perm: [0, 1, 2, 4, 3] });
  const scores = g.op('Mul', [g.op('MatMul', [qGrouped, kT]), g.scalar(1 / Math.sqrt(hd))]);
  const masked = g.op('Add', [scores, g.op('Unsqueeze', [mask, g.ints([1])])]);
  // A query that sees no key (left padding) gets zeros, as torch's masked SDPA returns.
  const seesAKey = g.op('Greater', [
    g.op('ReduceMax', [mask, g.ints([-1])], { keepdims: 1 }),
    g.scalar(-1e38),
  ]);
  const rowScale = g.op('Unsqueeze', [g.op('Cast', [seesAKey], { to: 1 }), g.ints([1])]);
  const probs = g.op('Mul', [g.op('Softmax', [masked], { axis: -1 }), rowScale]);
  const ctx = g.op('MatMul', [probs, g.op('Unsqueeze', [vh, g.ints([2])])]);
  const ctxHeads = g.op('Reshape', [ctx, g.ints([0, heads, -1, hd])]);
  const oIn = g.op('Reshape', [toHeadMajor(ctxHeads), g.ints([-1, heads * hd])]);
  const attnOut = linear(oIn, 'self_attn.o_proj', H, heads * hd, arch.oBias);
  const x1 = g.op('Add', [x, attnOut]);
  const h2 = rmsNorm(x1, weight('post_attention_layernorm.weight', [H]));
  if (options.mlp === 'none') {
    g.output(x1, ['tokens', H], ATTENTION_OUTPUTS.residual);
    g.output(h2, ['tokens', H], ATTENTION_OUTPUTS.mlpIn);
    return pg.result();
  }

  // SwiGLU MLP block.
  const gate = linear(h2, 'mlp.gate_proj', I, H, arch.mlpBias);
  const up = linear(h2, 'mlp.up_proj', I, H, arch.mlpBias);
  const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
  const down = linear(act, 'mlp.down_proj', H, I, arch.mlpBias);
  const out = g.op('Add', [x1, down]);
  const outShape = g.op('Concat', [batchSeq, g.ints([H])], { axis: 0 });
  g.output(g.op('Reshape', [out, outShape]), ['batch', 'seq', H], LAYER_OUTPUT);
  return pg.result();
}
