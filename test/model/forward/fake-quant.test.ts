import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AmaxObserver,
  argmax,
  composeObservers,
  FakeQuantTransform,
  fakeQuantWeights,
  ReferenceModel,
  type WeightInfo,
} from '../../../src/model/forward/index.js';
import { buildQuantizerSlots } from '../../../src/quant/names/index.js';
import { defaultAttributes, planQuantization, type QuantPlan } from '../../../src/quant/plan/index.js';
import { fakeQuant } from '../../../src/quant/quantizer/fake-quant.js';
import type { QuantizerCfgEntry } from '../../../src/recipe/types.js';
import { CaptureObserver, convertStories, maxAbsDiff } from './helpers.js';

let dirs: ReturnType<typeof convertStories>;
let model: ReferenceModel;
let plan: QuantPlan;
const IDS = [1, 403, 407, 261, 378, 290, 267, 334];
const FP8 = { ...defaultAttributes(), num_bits: [4, 3] as [number, number] };
const entry = (quantizer_name: string, cfg: QuantizerCfgEntry['cfg'], enable = true): QuantizerCfgEntry => ({
  quantizer_name,
  parent_class: null,
  cfg,
  enable,
});

/** FP8 moves the logits, but a little: below 20% of the largest logit, top-1 mostly kept. */
function assertSmallChange(plain: Float32Array, quantized: Float32Array): void {
  const diff = maxAbsDiff(plain, quantized);
  const scale = plain.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(diff > 0 && diff < 0.2 * scale, `diff ${diff} vs max |logit| ${scale}`);
  const rows = plain.length / 512;
  let same = 0;
  for (let r = 0; r < rows; r++) if (argmax(plain, r * 512, 512) === argmax(quantized, r * 512, 512)) same++;
  assert.ok(same >= rows - 2, `top-1 kept in ${same}/${rows} rows`);
}

before(() => {
  dirs = convertStories();
  model = ReferenceModel.open(dirs.f32, { residentWeights: true });
  const ck = model.checkpoint;
  const slots = buildQuantizerSlots(
    ck.config,
    [...ck.tensors.values()].map((t) => ({ name: t.name, shape: t.shape })),
  );
  // FP8 per-tensor inputs, weights and KV (ModelOpt's fp8 + kv_fp8 recipe shape); lm_head stays off
  plan = planQuantization(slots.slots, [
    entry('*', null, false),
    entry('*input_quantizer', FP8),
    entry('*weight_quantizer', FP8),
    entry('*[kv]_bmm_quantizer', FP8),
    entry('*lm_head*', null, false),
  ]);
});
after(() => {
  model.close();
  dirs.cleanup();
});

test('FakeQuantTransform fake-quantizes each enabled activation point with its calibrated amax', () => {
  const amax = new AmaxObserver();
  model.forward(IDS, { batch: 1, seq: 8, observer: amax });
  const fq = new FakeQuantTransform(plan, (n) => amax.amax(n));
  assert.ok(fq.wants('model.layers.0.self_attn.q_proj.input_quantizer'));
  assert.ok(fq.wants('model.layers.4.self_attn.v_bmm_quantizer'));
  assert.ok(!fq.wants('model.layers.0.self_attn.q_bmm_quantizer'));
  assert.ok(!fq.wants('lm_head.input_quantizer'));
  assert.ok(!fq.wants('model.layers.0.mlp.up_proj.output_quantizer'));
  const raw = new CaptureObserver((n) => n === 'model.layers.2.self_attn.k_bmm_quantizer');
  const quantized = new CaptureObserver((n) => n === 'model.layers.2.self_attn.k_bmm_quantizer');
  const logits = model.forward(IDS, { batch: 1, seq: 8, observer: composeObservers(raw, fq, quantized) });
  const a = amax.amax('model.layers.2.self_attn.k_bmm_quantizer')!;
  assert.deepEqual(quantized.seen[0]!.x, fakeQuant(raw.seen[0]!.x, raw.seen[0]!.shape, FP8, a));
  assert.notDeepEqual(quantized.seen[0]!.x, raw.seen[0]!.x);
  assertSmallChange(model.forward(IDS, { batch: 1, seq: 8 }), logits);
});

test('a static activation quantizer without amax is an error, not a silent dynamic one', () => {
  const fq = new FakeQuantTransform(plan, new Map());
  assert.throws(() => model.forward(IDS, { batch: 1, seq: 8, observer: fq }), {
    code: 'missing-amax',
    message: /model\.layers\.0\.self_attn\.q_proj\.input_quantizer is static/,
  });
});

test('fakeQuantWeights replaces exactly the enabled weight quantizers’ weights', () => {
  const seen: WeightInfo[] = [];
  const inner = fakeQuantWeights(plan);
  const q = ReferenceModel.open(dirs.f32, {
    weightTransform: (w, info) => {
      seen.push(info);
      return inner(w, info);
    },
  });
  try {
    const logits = q.forward(IDS, { batch: 1, seq: 8 });
    const names = seen.map((s) => s.quantizer);
    assert.equal(names.length, 5 * 7 + 1);
    assert.ok(names.includes('lm_head.weight_quantizer'));
    assert.deepEqual(
      seen.find((s) => s.quantizer === 'lm_head.weight_quantizer')!.tensor,
      'model.embed_tokens.weight',
    );
    const w = q.layerWeights(1).mlp!.down.weight;
    const orig = model.checkpoint.readTensorF32('model.layers.1.mlp.down_proj.weight');
    assert.deepEqual(w, fakeQuant(orig, [64, 172], FP8));
    assert.deepEqual(
      seen.find((s) => s.quantizer.endsWith('1.mlp.down_proj.weight_quantizer'))!.shape,
      [64, 172],
    );
    assertSmallChange(model.forward(IDS, { batch: 1, seq: 8 }), logits);
    q.setWeightTransform(() => new Float32Array(3));
    assert.throws(() => q.forward(IDS, { batch: 1, seq: 8 }), {
      code: 'weight-transform',
      message: /returned 3 values/,
    });
  } finally {
    q.close();
  }
});

test('resident weights are transformed once; releaseLayer makes one layer reload', () => {
  const loads: string[] = [];
  const m = ReferenceModel.open(dirs.f32, {
    residentWeights: true,
    weightTransform: (_w, info) => {
      loads.push(info.quantizer);
      return undefined;
    },
  });
  try {
    m.forward(IDS, { batch: 1, seq: 8 });
    m.forward(IDS, { batch: 1, seq: 8 });
    assert.equal(loads.length, 5 * 7 + 1);
    m.releaseLayer(1);
    m.forward(IDS, { batch: 1, seq: 8 });
    assert.equal(loads.length, 5 * 7 + 1 + 7);
    assert.ok(loads.slice(-7).every((n) => n.startsWith('model.layers.1.')));
  } finally {
    m.close();
  }
});
