import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openCheckpoint } from '../../../src/model/checkpoint.js';
import { generateGreedy, KvCache, ReferenceModel } from '../../../src/model/forward/index.js';
import { greedyGenerate } from '../hf-llama-greedy.js';
import { convertStories, maxAbsDiff, STORY_START, tokenizerOf } from './helpers.js';

let dirs: ReturnType<typeof convertStories>;
let model: ReferenceModel;

before(() => {
  dirs = convertStories();
  model = ReferenceModel.open(dirs.f32, { residentWeights: true });
});
after(() => {
  model.close();
  dirs.cleanup();
});

test('greedy from BOS tells the known stories260K story (f32)', () => {
  const ids = generateGreedy(model, [1], 40);
  assert.equal(ids.length, 40);
  const text = tokenizerOf(dirs.f32).decode(ids);
  assert.ok(text.startsWith(STORY_START), text);
});

test('the bf16 conversion tells the same opening sentence', () => {
  const bf = ReferenceModel.open(dirs.bf16, { residentWeights: true });
  try {
    assert.equal(bf.checkpoint.tensor('model.layers.0.self_attn.q_proj.weight').dtype, 'BF16');
    const text = tokenizerOf(dirs.bf16).decode(generateGreedy(bf, [1], 30));
    assert.ok(text.startsWith('Once upon a time, there was a little girl named Lily.'), text);
  } finally {
    bf.close();
  }
});

test('token ids agree with the independent test-only greedy forward', () => {
  const ckpt = openCheckpoint(dirs.f32);
  try {
    assert.deepEqual(generateGreedy(model, [1], 24), greedyGenerate(ckpt, 1, 24));
  } finally {
    ckpt.close();
  }
});

test('generation stops after an EOS id when asked', () => {
  const full = generateGreedy(model, [1], 12);
  const stop = full[4]!;
  const cut = generateGreedy(model, [1], 12, { eosTokenIds: [stop] });
  assert.deepEqual(cut, full.slice(0, full.indexOf(stop) + 1));
});

test('layer-by-layer with streamed weights equals the resident whole-model forward', () => {
  const ids = [1, 403, 407, 261, 378, 290, 267, 334];
  const whole = model.forward(ids, { batch: 1, seq: ids.length });
  const streamed = ReferenceModel.open(dirs.f32);
  try {
    const ctx = streamed.context({ batch: 1, seq: ids.length });
    let h = streamed.embed(ids);
    for (let l = 0; l < streamed.arch.layers; l++) h = streamed.runLayer(l, h, ctx);
    const logits = streamed.finalNormAndLogits(h, ctx);
    assert.equal(logits.length, ids.length * 512);
    assert.deepEqual(logits, whole);
    // only the last row
    const last = streamed.finalNormAndLogits(h, ctx, [ids.length - 1]);
    assert.deepEqual(last, whole.subarray((ids.length - 1) * 512));
  } finally {
    streamed.close();
  }
});

test('KV-cached decoding gives the logits of a full recompute', () => {
  const ids = [1, 403, 407, 261, 378, 290, 267, 334, 300, 281];
  const full = model.forward(ids, { batch: 1, seq: ids.length });
  const cache = new KvCache(model.arch, 1, ids.length);
  const parts: Float32Array[] = [model.forward(ids.slice(0, 6), { batch: 1, seq: 6, cache })];
  for (let p = 6; p < ids.length; p++) parts.push(model.forward([ids[p]!], { batch: 1, seq: 1, cache }));
  const stitched = new Float32Array(full.length);
  let o = 0;
  for (const part of parts) {
    stitched.set(part, o);
    o += part.length;
  }
  assert.ok(maxAbsDiff(stitched, full) < 1e-5, `diff ${maxAbsDiff(stitched, full)}`);
  assert.equal(cache.length, ids.length);
  assert.throws(() => model.forward([5], { batch: 1, seq: 1, cache }), { code: 'kv-cache-full' });
});

test('256 greedy tokens extend the 40-token run (the KV cache holds over a long generation)', () => {
  const long = generateGreedy(model, [1], 256);
  assert.equal(long.length, 256);
  assert.deepEqual(long.slice(0, 40), generateGreedy(model, [1], 40));
});
