import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AmaxObserver,
  composeObservers,
  HessianObserver,
  positionsFromMask,
  ReferenceModel,
  type ForwardObserver,
} from '../../../src/model/forward/index.js';
import { CaptureObserver, convertStories, maxAbsDiff } from './helpers.js';

let dirs: ReturnType<typeof convertStories>;
let model: ReferenceModel;
const IDS = [1, 403, 407, 261, 378, 290];

before(() => {
  dirs = convertStories();
  model = ReferenceModel.open(dirs.f32, { residentWeights: true });
});
after(() => {
  model.close();
  dirs.cleanup();
});

test('points of one layer: ModelOpt names, order and shapes (GQA: 8 query heads, 4 kv heads, head_dim 8)', () => {
  const cap = new CaptureObserver((n) => n.startsWith('model.layers.2.') || n.startsWith('lm_head.'));
  model.forward([...IDS, ...IDS], { batch: 2, seq: 6, observer: cap });
  const p = 'model.layers.2.';
  assert.deepEqual(
    cap.seen.map((c) => [c.name, c.shape.join('x'), c.info.kind]),
    [
      [`${p}self_attn.q_proj.input_quantizer`, '12x64', 'input'],
      [`${p}self_attn.q_proj.output_quantizer`, '12x64', 'output'],
      [`${p}self_attn.k_proj.input_quantizer`, '12x64', 'input'],
      [`${p}self_attn.k_proj.output_quantizer`, '12x32', 'output'],
      [`${p}self_attn.v_proj.input_quantizer`, '12x64', 'input'],
      [`${p}self_attn.v_proj.output_quantizer`, '12x32', 'output'],
      [`${p}self_attn.q_bmm_quantizer`, '2x8x6x8', 'q_bmm'],
      [`${p}self_attn.k_bmm_quantizer`, '2x4x6x8', 'k_bmm'],
      [`${p}self_attn.v_bmm_quantizer`, '2x4x6x8', 'v_bmm'],
      [`${p}self_attn.o_proj.input_quantizer`, '12x64', 'input'],
      [`${p}self_attn.o_proj.output_quantizer`, '12x64', 'output'],
      [`${p}mlp.gate_proj.input_quantizer`, '12x64', 'input'],
      [`${p}mlp.gate_proj.output_quantizer`, '12x172', 'output'],
      [`${p}mlp.up_proj.input_quantizer`, '12x64', 'input'],
      [`${p}mlp.up_proj.output_quantizer`, '12x172', 'output'],
      [`${p}mlp.down_proj.input_quantizer`, '12x172', 'input'],
      [`${p}mlp.down_proj.output_quantizer`, '12x64', 'output'],
      ['lm_head.input_quantizer', '12x64', 'input'],
      ['lm_head.output_quantizer', '12x512', 'output'],
    ],
  );
  assert.ok(cap.seen.every((c) => c.info.layer === (c.name.startsWith('lm_head') ? -1 : 2)));
  assert.ok(cap.seen.every((c) => c.info.rowValid === null));
});

test('k_bmm holds K after RoPE in [batch, kv_heads, seq, head_dim] layout, v_bmm the raw V', () => {
  const cap = new CaptureObserver((n) =>
    /layers\.0\.self_attn\.(k_proj|v_proj)\.output|layers\.0\.self_attn\.[kv]_bmm/.test(n),
  );
  model.forward(IDS, { batch: 1, seq: 6, observer: cap });
  const [kLin, vLin, kBmm, vBmm] = ['k_proj.output', 'v_proj.output', 'k_bmm', 'v_bmm'].map(
    (s) => cap.seen.find((c) => c.name.includes(s))!.x,
  ) as [Float32Array, Float32Array, Float32Array, Float32Array];
  // position 0 is not rotated; V is only re-laid out: token s, head h ↔ [h, s]
  for (let h = 0; h < 4; h++)
    for (let s = 0; s < 6; s++)
      for (let i = 0; i < 8; i++) {
        assert.equal(vBmm[(h * 6 + s) * 8 + i], vLin[(s * 4 + h) * 8 + i]);
        if (s === 0) assert.equal(kBmm[h * 6 * 8 + i], kLin[h * 8 + i]);
      }
  // RoPE is a rotation: per (head, pos, pair) the norm is kept
  const s = 3;
  const h = 1;
  for (let i = 0; i < 4; i++) {
    const a = kLin[(s * 4 + h) * 8 + i]!;
    const b = kLin[(s * 4 + h) * 8 + i + 4]!;
    const ra = kBmm[(h * 6 + s) * 8 + i]!;
    const rb = kBmm[(h * 6 + s) * 8 + i + 4]!;
    assert.ok(Math.abs(Math.hypot(a, b) - Math.hypot(ra, rb)) < 1e-5);
    assert.ok(Math.abs(ra - a) > 0 || Math.abs(rb - b) > 0);
  }
});

test('wants() filters: unwanted points are never observed, and an empty observer changes nothing', () => {
  let calls = 0;
  const none: ForwardObserver = { wants: () => false, observe: () => calls++ };
  const plain = model.forward(IDS, { batch: 1, seq: 6 });
  assert.deepEqual(model.forward(IDS, { batch: 1, seq: 6, observer: none }), plain);
  assert.equal(calls, 0);
});

test('transform replaces the tensor the forward continues with; composeObservers chains in order', () => {
  const zero: ForwardObserver = {
    wants: (n) => n === 'lm_head.input_quantizer',
    transform: (_n, x) => new Float32Array(x.length),
  };
  const logits = model.forward(IDS, { batch: 1, seq: 6, observer: zero });
  assert.ok(logits.every((v) => v === 0));
  // scale v_bmm by 2 then observe: the observer sees the scaled tensor
  const double: ForwardObserver = {
    wants: (n) => n.endsWith('0.self_attn.v_bmm_quantizer'),
    transform: (_n, x) => x.map((v) => v * 2),
  };
  const before = new CaptureObserver((n) => n.endsWith('0.self_attn.v_bmm_quantizer'));
  const afterCap = new CaptureObserver((n) => n.endsWith('0.self_attn.v_bmm_quantizer'));
  const changed = model.forward(IDS, {
    batch: 1,
    seq: 6,
    observer: composeObservers(before, double, afterCap),
  });
  assert.deepEqual(
    afterCap.seen[0]!.x,
    before.seen[0]!.x.map((v) => v * 2),
  );
  assert.ok(maxAbsDiff(changed, model.forward(IDS, { batch: 1, seq: 6 })) > 1e-3);
});

test('left padding with the mask: padded rows equal the unpadded run', () => {
  const short = IDS.slice(0, 4);
  const alone = model.forward(short, { batch: 1, seq: 4 });
  const ids = [0, 0, ...short, ...IDS];
  const mask = Uint8Array.from([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  // HF generate-style positions (from the mask): bit-identical real rows
  const exact = model.forward(ids, {
    batch: 2,
    seq: 6,
    attentionMask: mask,
    positionIds: positionsFromMask(mask, 2, 6),
  });
  assert.deepEqual(exact.subarray(2 * 512, 6 * 512), alone);
  assert.deepEqual(exact.subarray(6 * 512), model.forward(IDS, { batch: 1, seq: 6 }));
  // HF forward default (positions 0..seq-1 even under padding): equal up to rounding, RoPE being relative
  const shifted = model.forward(ids, { batch: 2, seq: 6, attentionMask: mask });
  assert.ok(maxAbsDiff(shifted.subarray(2 * 512, 6 * 512), alone) < 1e-4);
  assert.ok(shifted.every(Number.isFinite));
});

test('AmaxObserver: per-tensor and per-channel amax equal a brute-force max over real rows', () => {
  const ids = [0, 0, ...IDS.slice(0, 4), ...IDS];
  const mask = Uint8Array.from([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  const names = (n: string): boolean => n.includes('layers.1.') || n.startsWith('lm_head.input');
  const cap = new CaptureObserver(names);
  const amax = new AmaxObserver({ names });
  const withPad = new AmaxObserver({ names, includePadding: true });
  model.forward(ids, {
    batch: 2,
    seq: 6,
    attentionMask: mask,
    observer: composeObservers(cap, amax, withPad),
  });
  assert.equal(amax.stats.size, cap.seen.length);
  for (const c of cap.seen) {
    const cols = c.shape[c.shape.length - 1]!;
    const ch = new Float32Array(cols);
    const chPad = new Float32Array(cols);
    const sums = new Float64Array(cols);
    let rows = 0;
    for (let r = 0; r < c.x.length / cols; r++) {
      const real = c.info.rowValid === null || c.info.rowValid[r] === 1;
      if (real) rows++;
      for (let i = 0; i < cols; i++) {
        const a = Math.abs(c.x[r * cols + i]!);
        chPad[i] = Math.max(chPad[i]!, a);
        if (real) ch[i] = Math.max(ch[i]!, a);
        if (real) sums[i] = sums[i]! + a;
      }
    }
    const s = amax.stats.get(c.name)!;
    assert.deepEqual(s.channelAmax, ch, c.name);
    assert.equal(s.amax, Math.max(...ch), c.name);
    assert.equal(s.rows, rows, c.name);
    s.channelAbsSum.forEach((v, i) =>
      assert.ok(Math.abs(v - sums[i]!) <= 1e-9 * Math.max(1, sums[i]!), c.name),
    );
    assert.equal(withPad.amax(c.name), Math.max(...chPad), c.name);
  }
  // K/V rows: 2 batch rows x 4 kv heads x 6 positions, 2 padding positions in row 0
  assert.equal(amax.stats.get('model.layers.1.self_attn.k_bmm_quantizer')!.rows, 4 * 4 + 4 * 6);
  assert.equal(amax.stats.get('model.layers.1.self_attn.q_proj.input_quantizer')!.rows, 10);
  // a second batch keeps the running max
  const first = amax.amax('model.layers.1.mlp.down_proj.input_quantizer')!;
  model.forward(IDS, { batch: 1, seq: 6, observer: amax });
  assert.ok(amax.amax('model.layers.1.mlp.down_proj.input_quantizer')! >= first);
  assert.equal(amax.amax('no.such.point'), undefined);
});

test('HessianObserver accumulates xᵀx over real rows', () => {
  const name = 'model.layers.0.mlp.down_proj.input_quantizer';
  const cap = new CaptureObserver((n) => n === name);
  const hess = new HessianObserver(new Set([name]));
  const mask = Uint8Array.from([0, 1, 1, 1, 1, 1]);
  model.forward(IDS, { batch: 1, seq: 6, attentionMask: mask, observer: composeObservers(cap, hess) });
  const x = cap.seen[0]!.x;
  const s = hess.stats.get(name)!;
  assert.equal(s.rows, 5);
  for (const [i, j] of [
    [0, 0],
    [3, 170],
    [170, 3],
    [100, 101],
  ] as const) {
    let ref = 0;
    for (let r = 1; r < 6; r++) ref += x[r * 172 + i]! * x[r * 172 + j]!;
    assert.ok(Math.abs(s.sum[i * 172 + j]! - ref) <= 1e-9 * Math.max(1, Math.abs(ref)), `${i},${j}`);
  }
});
