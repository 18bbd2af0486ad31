/**
 * Test oracle: a deliberately plain float64 forward of one unpadded sequence, written from the HF modeling
 * formulas without sharing code with src/model/forward (only the checkpoint reader and the tested inv_freq).
 * Covers bias, Qwen3 q/k norms, sliding windows, GQA and both sparse-MoE flavours.
 */
import type { Checkpoint } from '../../../src/model/checkpoint.js';
import { forwardArch } from '../../../src/model/forward/index.js';

type Vec = number[];

function matVec(w: Float32Array, x: Vec, bias?: Float32Array): Vec {
  const inDim = x.length;
  const out = new Array<number>(w.length / inDim).fill(0);
  for (let o = 0; o < out.length; o++) {
    let s = bias ? bias[o]! : 0;
    for (let i = 0; i < inDim; i++) s += w[o * inDim + i]! * x[i]!;
    out[o] = s;
  }
  return out;
}

function rms(x: Vec, w: Float32Array, eps: number): Vec {
  const ms = x.reduce((s, v) => s + v * v, 0) / x.length;
  return x.map((v, i) => (v / Math.sqrt(ms + eps)) * w[i]!);
}

const silu = (g: number): number => g / (1 + Math.exp(-g));

/** Logits [seq][vocab] of `ids`. */
export function naiveForward(ck: Checkpoint, ids: number[]): Vec[] {
  const c = ck.config;
  const arch = forwardArch(c);
  const { hidden: H, heads, kvHeads, headDim: hd, rmsEps: eps } = arch;
  const get = (n: string): Float32Array => ck.readTensorF32(n);
  const opt = (n: string): Float32Array | undefined => (ck.tensors.has(n) ? get(n) : undefined);
  const embed = get('model.embed_tokens.weight');
  let xs: Vec[] = ids.map((id) => Array.from(embed.subarray(id * H, (id + 1) * H)));
  const rope = (v: Vec, pos: number): Vec => {
    const out = v.slice();
    for (let i = 0; i < hd / 2; i++) {
      const a = pos * arch.invFreq[i]!;
      out[i] = v[i]! * Math.cos(a) - v[i + hd / 2]! * Math.sin(a);
      out[i + hd / 2] = v[i + hd / 2]! * Math.cos(a) + v[i]! * Math.sin(a);
    }
    return out;
  };
  for (let l = 0; l < arch.layers; l++) {
    const p = `model.layers.${l}`;
    const at = (n: string): Float32Array => get(`${p}.self_attn.${n}.weight`);
    const bias = (n: string): Float32Array | undefined => opt(`${p}.self_attn.${n}.bias`);
    const qn = opt(`${p}.self_attn.q_norm.weight`);
    const kn = opt(`${p}.self_attn.k_norm.weight`);
    const heads2 = (v: Vec, n: number, norm?: Float32Array): Vec[] =>
      Array.from({ length: n }, (_, h) => {
        const part = v.slice(h * hd, (h + 1) * hd);
        return norm ? rms(part, norm, eps) : part;
      });
    const ln = xs.map((x) => rms(x, get(`${p}.input_layernorm.weight`), eps));
    const Q = ln.map((x, s) =>
      heads2(matVec(at('q_proj'), x, bias('q_proj')), heads, qn).map((v) => rope(v, s)),
    );
    const K = ln.map((x, s) =>
      heads2(matVec(at('k_proj'), x, bias('k_proj')), kvHeads, kn).map((v) => rope(v, s)),
    );
    const V = ln.map((x) => heads2(matVec(at('v_proj'), x, bias('v_proj')), kvHeads));
    const window = arch.slidingWindow[l];
    xs = xs.map((x, i) => {
      const att: Vec = [];
      for (let h = 0; h < heads; h++) {
        const g = Math.floor(h / (heads / kvHeads));
        const js = [...Array(i + 1).keys()].filter((j) => window == null || i - j < window);
        const sc = js.map((j) => Q[i]![h]!.reduce((s, q, t) => s + q * K[j]![g]![t]!, 0) / Math.sqrt(hd));
        const m = Math.max(...sc);
        const e = sc.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let t = 0; t < hd; t++) att.push(js.reduce((acc, j, n) => acc + (e[n]! / z) * V[j]![g]![t]!, 0));
      }
      const o = matVec(at('o_proj'), att, bias('o_proj'));
      return x.map((v, k) => v + o[k]!);
    });
    const moe = arch.moe[l];
    xs = xs.map((x) => {
      const xn = rms(x, get(`${p}.post_attention_layernorm.weight`), eps);
      const mlp = (prefix: string, [g, u, d]: readonly string[]): Vec => {
        const gate = matVec(get(`${prefix}.${g}.weight`), xn);
        const up = matVec(get(`${prefix}.${u}.weight`), xn);
        return matVec(
          get(`${prefix}.${d}.weight`),
          gate.map((v, k) => silu(v) * up[k]!),
        );
      };
      let y: Vec;
      if (!moe) y = mlp(`${p}.mlp`, ['gate_proj', 'up_proj', 'down_proj']);
      else {
        const logits = matVec(get(`${p}.${moe.block}.gate.weight`), xn);
        const m = Math.max(...logits);
        const z = logits.reduce((s, v) => s + Math.exp(v - m), 0);
        const probs = logits.map((v) => Math.exp(v - m) / z);
        const top = probs
          .map((pr, e) => [pr, e] as const)
          .sort((a, b) => b[0] - a[0] || a[1] - b[1])
          .slice(0, moe.topK);
        const norm = moe.normTopK ? top.reduce((s, [pr]) => s + pr, 0) : 1;
        y = new Array<number>(H).fill(0);
        for (const [pr, e] of top) {
          const out = mlp(`${p}.${moe.block}.experts.${e}`, moe.projections);
          y = y.map((v, k) => v + (pr / norm) * out[k]!);
        }
      }
      return x.map((v, k) => v + y[k]!);
    });
  }
  const head = arch.tieWordEmbeddings ? embed : get('lm_head.weight');
  return xs.map((x) => matVec(head, rms(x, get('model.norm.weight'), eps)));
}
