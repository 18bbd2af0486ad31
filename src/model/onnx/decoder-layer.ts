/**
 * One dense decoder layer (Llama / Mistral / Qwen2 / Qwen3) as an ONNX graph. Weights are graph inputs named
 * by their checkpoint suffix (e.g. `self_attn.q_proj.weight`), so one session serves every layer. Requested
 * intermediate tensors ("taps") come back as extra outputs, in full and/or reduced on-graph to amax values.
 */
import type { DecoderArch } from './decoder-arch.js';
import { floatAttr, GraphBuilder } from './graph-builder.js';

/** Tensors inside a layer that quantizers observe (see taps.ts for the quantizer-name mapping). */
export const LAYER_TAPS = [
  'attn_in', // input_layernorm output = q/k/v_proj input, [tokens, hidden]
  'q_out',
  'k_out',
  'v_out', // projection outputs, [tokens, rows]
  'q_rope',
  'k_rope', // after RoPE (and q/k norm), before the GQA repeat: [batch, heads, seq, head_dim]
  'v', // [batch, kv_heads, seq, head_dim]
  'probs', // softmax output, [batch, heads, seq, seq]
  'o_in',
  'o_out',
  'mlp_in', // post_attention_layernorm output = gate/up_proj input
  'gate_out',
  'up_out',
  'down_in',
  'down_out',
] as const;
export type LayerTap = (typeof LAYER_TAPS)[number];

export interface TapRequest {
  tap: LayerTap;
  /** The whole tensor as an output named `<tap>`. */
  full?: boolean;
  /** max|x| over the whole tensor, output `<tap>.amax` (a scalar). */
  amax?: boolean;
  /** max|x| per last-dim channel, output `<tap>.channel_amax` ([channels]). */
  channelAmax?: boolean;
}

export interface LayerGraphOptions {
  taps?: readonly TapRequest[];
  /** Element type of the 2-D projection weights fed to the graph (cast to float32 inside). */
  weightType?: 'float' | 'float16';
}

export interface LayerGraph {
  model: Uint8Array;
  /** Checkpoint-suffix names of the weight inputs, in graph order. */
  weightNames: string[];
  /** Graph output names other than `hidden_out`. */
  tapOutputs: string[];
}

/** Input names of every layer graph besides the weights. */
export const LAYER_INPUTS = { hidden: 'hidden', cos: 'cos', sin: 'sin', mask: 'mask' } as const;
export const LAYER_OUTPUT = 'hidden_out';

export function buildDecoderLayerGraph(arch: DecoderArch, options: LayerGraphOptions = {}): LayerGraph {
  const { hidden: H, heads, kvHeads, headDim: hd, intermediate: I } = arch;
  const rep = heads / kvHeads;
  const g = new GraphBuilder(`${arch.family}_decoder_layer`);
  const weightNames: string[] = [];
  const tapOutputs: string[] = [];
  const requested = new Map((options.taps ?? []).map((t) => [t.tap, t]));
  const wType = options.weightType ?? 'float';

  const weight = (name: string, dims: number[], projection = false): string => {
    weightNames.push(name);
    const dtype = projection ? wType : 'float';
    const input = g.input(name, dtype, dims);
    return dtype === 'float' ? input : g.op('Cast', [input], { to: 1 });
  };
  const tap = (name: LayerTap, value: string, dims: (number | string)[]): void => {
    const req = requested.get(name);
    if (!req) return;
    if (req.full) tapOutputs.push(g.output(value, 'float', dims, name));
    if (req.amax || req.channelAmax) {
      const abs = g.op('Abs', [value]);
      if (req.amax) tapOutputs.push(g.output(g.op('ReduceMax', [abs], { keepdims: 0 }), 'float', [], `${name}.amax`));
      if (req.channelAmax) {
        const axes = g.ints(dims.slice(0, -1).map((_, i) => i));
        const ch = g.op('ReduceMax', [abs, axes], { keepdims: 0 });
        tapOutputs.push(g.output(ch, 'float', [dims[dims.length - 1]!], `${name}.channel_amax`));
      }
    }
  };
  const rmsNorm = (x: string, w: string): string => {
    const variance = g.op('ReduceMean', [g.op('Mul', [x, x]), g.ints([-1])], { keepdims: 1 });
    const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalar(arch.eps)])])]);
    return g.op('Mul', [w, g.op('Mul', [x, inv])]);
  };
  const linear = (x: string, prefix: string, out: number, inp: number, bias: boolean): string => {
    const w = weight(`${prefix}.weight`, [out, inp], true);
    const inputs = bias ? [x, w, weight(`${prefix}.bias`, [out])] : [x, w];
    return g.op('Gemm', inputs, { transB: 1 }, prefix.split('.').pop());
  };

  const hidden = g.input(LAYER_INPUTS.hidden, 'float', ['batch', 'seq', H]);
  const cos = g.op('Unsqueeze', [g.input(LAYER_INPUTS.cos, 'float', ['rope_rows', 'seq', hd]), g.ints([1])]);
  const sin = g.op('Unsqueeze', [g.input(LAYER_INPUTS.sin, 'float', ['rope_rows', 'seq', hd]), g.ints([1])]);
  const mask = g.input(LAYER_INPUTS.mask, 'float', ['batch', 1, 'seq', 'seq']);
  const batchSeq = g.op('Shape', [hidden], { start: 0, end: 2 });
  const x = g.op('Reshape', [hidden, g.ints([-1, H])]);

  // Attention block.
  const h = rmsNorm(x, weight('input_layernorm.weight', [H]));
  tap('attn_in', h, ['tokens', H]);
  const q = linear(h, 'self_attn.q_proj', heads * hd, H, arch.qkvBias);
  const k = linear(h, 'self_attn.k_proj', kvHeads * hd, H, arch.qkvBias);
  const v = linear(h, 'self_attn.v_proj', kvHeads * hd, H, arch.qkvBias);
  tap('q_out', q, ['tokens', heads * hd]);
  tap('k_out', k, ['tokens', kvHeads * hd]);
  tap('v_out', v, ['tokens', kvHeads * hd]);
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
  const qr = rope(toHeadMajor(q4));
  const kr = rope(toHeadMajor(k4));
  const vh = toHeadMajor(splitHeads(v, kvHeads));
  tap('q_rope', qr, ['batch', heads, 'seq', hd]);
  tap('k_rope', kr, ['batch', kvHeads, 'seq', hd]);
  tap('v', vh, ['batch', kvHeads, 'seq', hd]);

  // GQA without copying K/V: group the query heads as [batch, kv, rep, seq, hd] and broadcast K/V over rep.
  const qGrouped = g.op('Reshape', [qr, g.ints([0, kvHeads, rep, -1, hd])]);
  const kT = g.op('Transpose', [g.op('Unsqueeze', [kr, g.ints([2])])], { perm: [0, 1, 2, 4, 3] });
  const scores = g.op('Mul', [g.op('MatMul', [qGrouped, kT]), g.scalar(1 / Math.sqrt(hd))]);
  const masked = g.op('Add', [scores, g.op('Unsqueeze', [mask, g.ints([1])])]);
  const probs = g.op('Softmax', [masked], { axis: -1 });
  if (requested.has('probs')) tap('probs', g.op('Reshape', [probs, g.ints([0, heads, -1, 0])]), ['batch', heads, 'seq', 'seq']);
  const ctx = g.op('MatMul', [probs, g.op('Unsqueeze', [vh, g.ints([2])])]);
  const ctxHeads = g.op('Reshape', [ctx, g.ints([0, heads, -1, hd])]);
  const oIn = g.op('Reshape', [toHeadMajor(ctxHeads), g.ints([-1, heads * hd])]);
  tap('o_in', oIn, ['tokens', heads * hd]);
  const attnOut = linear(oIn, 'self_attn.o_proj', H, heads * hd, arch.oBias);
  tap('o_out', attnOut, ['tokens', H]);
  const x1 = g.op('Add', [x, attnOut]);

  // SwiGLU MLP block.
  const h2 = rmsNorm(x1, weight('post_attention_layernorm.weight', [H]));
  tap('mlp_in', h2, ['tokens', H]);
  const gate = linear(h2, 'mlp.gate_proj', I, H, arch.mlpBias);
  const up = linear(h2, 'mlp.up_proj', I, H, arch.mlpBias);
  tap('gate_out', gate, ['tokens', I]);
  tap('up_out', up, ['tokens', I]);
  const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
  tap('down_in', act, ['tokens', I]);
  const down = linear(act, 'mlp.down_proj', H, I, arch.mlpBias);
  tap('down_out', down, ['tokens', H]);
  const out = g.op('Add', [x1, down]);
  const outShape = g.op('Concat', [batchSeq, g.ints([H])], { axis: 0 });
  g.output(g.op('Reshape', [out, outShape]), 'float', ['batch', 'seq', H], LAYER_OUTPUT);
  return { model: g.build(), weightNames, tapOutputs };
}
