/**
 * Test oracle: a plain, slow Llama forward over an HF-layout checkpoint (rotate-half RoPE, GQA, SwiGLU, tied or
 * separate lm_head) with greedy decoding. Only for checking that converted checkpoints behave like the original.
 */
import type { Checkpoint } from '../../src/model/checkpoint.js';

function matVec(w: Float32Array, x: Float32Array, rows: number): Float32Array {
  const cols = x.length;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += w[r * cols + c]! * x[c]!;
    out[r] = s;
  }
  return out;
}

function rmsNorm(x: Float32Array, w: Float32Array, eps: number): Float32Array {
  const ms = x.reduce((s, v) => s + v * v, 0) / x.length;
  const k = 1 / Math.sqrt(ms + eps);
  return x.map((v, i) => v * k * w[i]!);
}

function rotateHalf(v: Float32Array, heads: number, hd: number, pos: number, theta: number): void {
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < hd / 2; i++) {
      const angle = pos * theta ** ((-2 * i) / hd);
      const [c, s] = [Math.cos(angle), Math.sin(angle)];
      const a = v[h * hd + i]!;
      const b = v[h * hd + i + hd / 2]!;
      v[h * hd + i] = a * c - b * s;
      v[h * hd + i + hd / 2] = b * c + a * s;
    }
  }
}

export function greedyGenerate(ckpt: Checkpoint, startId: number, steps: number): number[] {
  const n = (key: string): number => ckpt.config[key] as number;
  const [H, L, heads, kv, V] = [
    'hidden_size',
    'num_hidden_layers',
    'num_attention_heads',
    'num_key_value_heads',
    'vocab_size',
  ].map(n) as [number, number, number, number, number];
  const hd = H / heads;
  const eps = n('rms_norm_eps');
  const w = (name: string): Float32Array => ckpt.readTensorF32(name);
  const embed = w('model.embed_tokens.weight');
  const lmHead = ckpt.config.tie_word_embeddings ? embed : w('lm_head.weight');
  const layers = Array.from({ length: L }, (_, l) => {
    const p = `model.layers.${l}`;
    const get = (n: string): Float32Array => w(`${p}.${n}.weight`);
    return {
      inNorm: get('input_layernorm'),
      postNorm: get('post_attention_layernorm'),
      q: get('self_attn.q_proj'),
      k: get('self_attn.k_proj'),
      v: get('self_attn.v_proj'),
      o: get('self_attn.o_proj'),
      gate: get('mlp.gate_proj'),
      up: get('mlp.up_proj'),
      down: get('mlp.down_proj'),
      keys: [] as Float32Array[],
      values: [] as Float32Array[],
    };
  });
  const finalNorm = w('model.norm.weight');
  const inter = n('intermediate_size');
  const theta = n('rope_theta');
  const out: number[] = [];
  let token = startId;
  for (let pos = 0; pos < steps; pos++) {
    let x = embed.slice(token * H, (token + 1) * H);
    for (const layer of layers) {
      const xb = rmsNorm(x, layer.inNorm, eps);
      const q = matVec(layer.q, xb, heads * hd);
      const k = matVec(layer.k, xb, kv * hd);
      rotateHalf(q, heads, hd, pos, theta);
      rotateHalf(k, kv, hd, pos, theta);
      layer.keys.push(k);
      layer.values.push(matVec(layer.v, xb, kv * hd));
      const att = new Float32Array(heads * hd);
      for (let h = 0; h < heads; h++) {
        const g = Math.floor(h / (heads / kv));
        const scores = layer.keys.map((key) => {
          let s = 0;
          for (let i = 0; i < hd; i++) s += q[h * hd + i]! * key[g * hd + i]!;
          return s / Math.sqrt(hd);
        });
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const sum = e.reduce((a, b) => a + b, 0);
        layer.values.forEach((val, t) => {
          for (let i = 0; i < hd; i++) att[h * hd + i] = att[h * hd + i]! + (e[t]! / sum) * val[g * hd + i]!;
        });
      }
      const attOut = matVec(layer.o, att, H);
      x = x.map((v, i) => v + attOut[i]!);
      const xb2 = rmsNorm(x, layer.postNorm, eps);
      const gate = matVec(layer.gate, xb2, inter);
      const up = matVec(layer.up, xb2, inter);
      const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!);
      const down = matVec(layer.down, act, H);
      x = x.map((v, i) => v + down[i]!);
    }
    const logits = matVec(lmHead, rmsNorm(x, finalNorm, eps), V);
    token = logits.indexOf(Math.max(...logits));
    out.push(token);
  }
  return out;
}
