/**
 * Test oracle: one dense decoder layer composed from the reference forward's own primitives (rmsNorm, linear,
 * RoPE, attention, SiLU), returning the next hidden state and every tensor the ONNX graph can tap.
 */
import type { ForwardArch } from '../../../src/model/forward/arch.js';
import { attention, toHeadMajor } from '../../../src/model/forward/attention.js';
import { linear } from '../../../src/model/forward/linear.js';
import { siluMul } from '../../../src/model/forward/mlp.js';
import { rmsNorm } from '../../../src/model/forward/rmsnorm.js';
import { applyRope, RopeTable } from '../../../src/model/forward/rope.js';
import type { LayerWeights, LinearWeights } from '../../../src/model/forward/weights.js';

export interface ReferenceLayer {
  out: Float32Array;
  taps: Record<string, Float32Array>;
}

const lin = (l: LinearWeights, x: Float32Array, rows: number): Float32Array =>
  linear(x, rows, l.inDim, l.weight, l.outDim, l.bias);

/** hidden [batch, seq, H]; attentionMask [batch, seq] of 1/0 or null; positions 0..seq-1 on every row. */
export function referenceDenseLayer(
  arch: ForwardArch,
  w: LayerWeights,
  hidden: Float32Array,
  batch: number,
  seq: number,
  attentionMask: Uint8Array | null,
  window: number | null = null,
): ReferenceLayer {
  const { hidden: H, heads, kvHeads, headDim: hd } = arch;
  const rows = batch * seq;
  const h = rmsNorm(hidden, w.inputNorm, H, arch.rmsEps);
  const qOut = lin(w.attn.q, h, rows);
  const kOut = lin(w.attn.k, h, rows);
  const vOut = lin(w.attn.v, h, rows);
  const q = w.attn.qNorm ? rmsNorm(qOut, w.attn.qNorm, hd, arch.rmsEps) : qOut.slice();
  const k = w.attn.kNorm ? rmsNorm(kOut, w.attn.kNorm, hd, arch.rmsEps) : kOut.slice();
  const positions = Int32Array.from({ length: rows }, (_, i) => i % seq);
  const table = new RopeTable(arch.invFreq, arch.ropeAttentionScaling);
  applyRope(q, rows, heads, hd, positions, table);
  applyRope(k, rows, kvHeads, hd, positions, table);
  const qRope = toHeadMajor(q, batch, seq, heads, hd);
  const kRope = toHeadMajor(k, batch, seq, kvHeads, hd);
  const v = toHeadMajor(vOut, batch, seq, kvHeads, hd);
  const shape = { batch, seq, heads, kvHeads, headDim: hd, kvLen: seq, kvCapacity: seq, qOffset: 0 };
  const oIn = attention(qRope, kRope, v, shape, attentionMask, window);
  const oOut = lin(w.attn.o, oIn, rows);
  const x1 = hidden.map((x, i) => x + oOut[i]!);
  const mlpIn = rmsNorm(x1, w.postNorm, H, arch.rmsEps);
  const gateOut = lin(w.mlp!.gate, mlpIn, rows);
  const upOut = lin(w.mlp!.up, mlpIn, rows);
  const downIn = siluMul(gateOut, upOut);
  const downOut = lin(w.mlp!.down, downIn, rows);
  const out = x1.map((x, i) => x + downOut[i]!);
  return {
    out,
    taps: {
      attn_in: h,
      q_out: qOut,
      k_out: kOut,
      v_out: vOut,
      q_rope: qRope,
      k_rope: kRope,
      v,
      o_in: oIn,
      o_out: oOut,
      mlp_in: mlpIn,
      gate_out: gateOut,
      up_out: upOut,
      down_in: downIn,
      down_out: downOut,
    },
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
