import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attention } from '../../../src/model/forward/attention.js';
import { linear } from '../../../src/model/forward/linear.js';
import { route, sparseMoe } from '../../../src/model/forward/moe.js';
import { rmsNorm } from '../../../src/model/forward/rmsnorm.js';
import { applyRope, RopeTable } from '../../../src/model/forward/rope.js';
import type { LinearWeights, MoeWeights } from '../../../src/model/forward/weights.js';
import { CaptureObserver } from './helpers.js';

function rand(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return Math.fround((s / 2147483647) * 2 - 1);
  });
}

test('linear = x·Wᵀ + b for sizes that hit the 4x4 blocks and the remainders', () => {
  for (const [rows, inDim, outDim] of [
    [1, 3, 2],
    [4, 8, 4],
    [7, 5, 10],
    [9, 16, 13],
  ] as const) {
    const x = rand(rows * inDim, 3);
    const w = rand(outDim * inDim, 5);
    const b = rand(outDim, 7);
    const y = linear(x, rows, inDim, w, outDim, b);
    for (let r = 0; r < rows; r++)
      for (let o = 0; o < outDim; o++) {
        let s = 0;
        for (let k = 0; k < inDim; k++) s += x[r * inDim + k]! * w[o * inDim + k]!;
        assert.ok(Math.abs(y[r * outDim + o]! - (s + b[o]!)) < 1e-6);
      }
  }
});

test('rmsNorm: x / sqrt(mean(x²) + eps) · w per row', () => {
  const y = rmsNorm(Float32Array.of(3, 4, 0, 0, 1, 1, 1, 1), Float32Array.of(1, 2, 1, 1), 4, 0);
  const k = 1 / Math.sqrt(25 / 4);
  assert.deepEqual(Array.from(y.subarray(0, 2)), [Math.fround(3 * k), Math.fround(2 * Math.fround(4 * k))]);
  assert.deepEqual(Array.from(y.subarray(4)), [1, 2, 1, 1]);
});

test('applyRope rotates pairs (i, i + d/2) by position · inv_freq', () => {
  const inv = Float32Array.of(1, 0.5);
  const x = Float32Array.of(1, 2, 3, 4, 1, 2, 3, 4);
  applyRope(x, 2, 1, 4, Int32Array.of(0, 3), new RopeTable(inv, 1));
  assert.deepEqual(Array.from(x.subarray(0, 4)), [1, 2, 3, 4]);
  const [c0, s0, c1, s1] = [Math.cos(3), Math.sin(3), Math.cos(1.5), Math.sin(1.5)];
  const want = [1 * c0 - 3 * s0, 2 * c1 - 4 * s1, 3 * c0 + 1 * s0, 4 * c1 + 2 * s1];
  want.forEach((v, i) => assert.ok(Math.abs(x[4 + i]! - v) < 1e-6));
});

/** Brute-force attention of one (batch, head, query) over explicitly listed visible keys. */
function naive(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  d: number,
  qi: number,
  keys: number[],
  kv: number,
  seq: number,
): number[] {
  if (keys.length === 0) return new Array<number>(d).fill(0);
  const sc = keys.map((j) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += q[qi * d + t]! * k[(kv * seq + j) * d + t]!;
    return s / Math.sqrt(d);
  });
  const m = Math.max(...sc);
  const e = sc.map((s) => Math.exp(s - m));
  const z = e.reduce((a, b) => a + b, 0);
  return Array.from({ length: d }, (_, t) =>
    keys.reduce((acc, j, n) => acc + (e[n]! / z) * v[(kv * seq + j) * d + t]!, 0),
  );
}

test('attention: causal mask, padding mask, sliding window and GQA head mapping against brute force', () => {
  const [heads, kvHeads, seq, d] = [4, 2, 5, 4];
  const q = rand(heads * seq * d, 11);
  const k = rand(kvHeads * seq * d, 13);
  const v = rand(kvHeads * seq * d, 17);
  const valid = Uint8Array.of(0, 1, 1, 1, 1);
  for (const window of [null, 2]) {
    const out = attention(
      q,
      k,
      v,
      { batch: 1, seq, heads, kvHeads, headDim: d, kvLen: seq, kvCapacity: seq, qOffset: 0 },
      valid,
      window,
    );
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < seq; i++) {
        const keys = [...Array(i + 1).keys()].filter(
          (j) => valid[j] === 1 && (window === null || i - j < window),
        );
        const want = naive(q, k, v, d, h * seq + i, keys, Math.floor(h / 2), seq);
        want.forEach((w, t) =>
          assert.ok(Math.abs(out[(i * heads + h) * d + t]! - w) < 1e-6, `h${h} i${i} w${window}`),
        );
      }
    // query 0 sees only a padding key: zeros
    assert.deepEqual(Array.from(out.subarray(0, d)), [0, 0, 0, 0]);
  }
});

test('router: float32 softmax, top-k (ties to the lower index), renormalised only when asked', () => {
  const logits = Float32Array.of(1, 2, 3, 0, /* tie */ 0.5, 0.5, 0.5, 0.5);
  const r = route(logits, 2, 4, 2, true);
  assert.deepEqual(Array.from(r.experts), [2, 1, 0, 1]);
  const z = Math.exp(0) + Math.exp(1) + Math.exp(2) + Math.exp(-1);
  const [a, b] = [Math.exp(2) / z, Math.exp(1) / z];
  assert.ok(Math.abs(r.weights[0]! - a / (a + b)) < 1e-6 && Math.abs(r.weights[1]! - b / (a + b)) < 1e-6);
  assert.deepEqual(Array.from(r.weights.subarray(2)), [0.5, 0.5]);
  const raw = route(logits, 2, 4, 2, false);
  assert.ok(Math.abs(raw.weights[0]! - a) < 1e-6 && Math.abs(raw.weights[1]! - b) < 1e-6);
  assert.deepEqual(Array.from(raw.weights.subarray(2)), [0.25, 0.25]);
});

function lin(module: string, weight: Float32Array, outDim: number, inDim: number): LinearWeights {
  return { module, weight, bias: null, outDim, inDim };
}

test('sparse MoE output = Σ over the top-k experts of weight · down(silu(gate x) · up x)', () => {
  const [H, I, E, T] = [3, 2, 3, 2];
  const experts = Array.from({ length: E }, (_, e) => ({
    gate: lin(`m.experts.${e}.w1`, rand(I * H, 20 + e), I, H),
    up: lin(`m.experts.${e}.w3`, rand(I * H, 30 + e), I, H),
    down: lin(`m.experts.${e}.w2`, rand(H * I, 40 + e), H, I),
  }));
  const router = lin('m.gate', Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), E, H);
  const w: MoeWeights = {
    arch: {
      block: 'm',
      numExperts: E,
      topK: 2,
      normTopK: true,
      intermediate: I,
      projections: ['w1', 'w3', 'w2'],
    },
    router,
    experts,
  };
  const x = Float32Array.of(0.9, 0.5, -1, -0.2, 0.1, 0.8);
  const cap = new CaptureObserver();
  const y = sparseMoe(w, x, T, H, { observer: cap, layer: 0, rowValid: null }, { allExperts: false });
  const silu = (g: number): number => g / (1 + Math.exp(-g));
  for (let t = 0; t < T; t++) {
    const xt = Array.from(x.subarray(t * H, t * H + H));
    const order = [0, 1, 2].sort((p, q2) => xt[q2]! - xt[p]! || p - q2).slice(0, 2);
    const ex = order.map((e) => Math.exp(xt[e]!));
    const want = new Array<number>(H).fill(0);
    order.forEach((e, n) => {
      const ew = experts[e]!;
      const act = [0, 1].map((i) => {
        const dot = (m: Float32Array): number => xt.reduce((s, v, k) => s + v * m[i * H + k]!, 0);
        return silu(dot(ew.gate.weight)) * dot(ew.up.weight);
      });
      for (let o = 0; o < H; o++)
        want[o]! +=
          (ex[n]! / (ex[0]! + ex[1]!)) *
          (act[0]! * ew.down.weight[o * I]! + act[1]! * ew.down.weight[o * I + 1]!);
    });
    want.forEach((v, o) =>
      assert.ok(Math.abs(y[t * H + o]! - v) < 1e-5, `t${t} o${o}: ${y[t * H + o]} vs ${v}`),
    );
  }
  // token 0 routes to experts 0 and 1, token 1 to experts 2 and 1: expert 1 sees both rows
  const rows = (e: number): number | undefined =>
    cap.seen.find((c) => c.name === `m.experts.${e}.w1.input_quantizer`)?.shape[0];
  assert.deepEqual([rows(0), rows(1), rows(2)], [1, 2, 1]);
});
