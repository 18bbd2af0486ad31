import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  generateGreedy,
  perplexity,
  perplexityWindows,
  ReferenceModel,
} from '../../../src/model/forward/index.js';
import { negLogLikelihood } from '../../../src/model/forward/perplexity.js';
import { convertStories, someIds } from './helpers.js';

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

test('windows: non-overlapping by default, first token of each window unscored, 1-token tail dropped', () => {
  assert.deepEqual(perplexityWindows(10, 4, 4), [
    { start: 0, end: 4, scoreFrom: 1 },
    { start: 4, end: 8, scoreFrom: 5 },
    { start: 8, end: 10, scoreFrom: 9 },
  ]);
  assert.deepEqual(perplexityWindows(9, 4, 4).length, 2);
  // overlapping: later windows score only tokens the previous ones did not reach
  assert.deepEqual(perplexityWindows(8, 4, 2), [
    { start: 0, end: 4, scoreFrom: 1 },
    { start: 2, end: 6, scoreFrom: 4 },
    { start: 4, end: 8, scoreFrom: 6 },
  ]);
});

test('perplexity equals the mean NLL computed by hand from full-window logits', () => {
  const ids = [1, ...generateGreedy(model, [1], 20)];
  const res = perplexity(model, ids, { window: 8 });
  let nll = 0;
  let count = 0;
  for (let start = 0; start < ids.length; start += 8) {
    const w = ids.slice(start, start + 8);
    if (w.length < 2) continue;
    const logits = model.forward(w, { batch: 1, seq: w.length });
    for (let p = 1; p < w.length; p++) {
      nll += negLogLikelihood(logits, (p - 1) * 512, 512, w[p]!);
      count++;
    }
  }
  assert.equal(res.predicted, count);
  assert.equal(res.predicted, 21 - 3);
  assert.equal(res.windows, 3);
  assert.ok(Math.abs(res.nll - nll / count) < 1e-9);
  assert.ok(Math.abs(res.perplexity - Math.exp(nll / count)) < 1e-9);
});

test('batched windows give the same result; model text scores far better than random ids', () => {
  const story = [1, ...generateGreedy(model, [1], 63)];
  const one = perplexity(model, story, { window: 16 });
  const batched = perplexity(model, story, { window: 16, batchSize: 3 });
  assert.ok(Math.abs(one.nll - batched.nll) < 1e-6);
  const noise = perplexity(model, someIds(64, 512), { window: 16 });
  assert.ok(one.perplexity < 3, `story ppl ${one.perplexity}`);
  assert.ok(noise.perplexity > 50, `noise ppl ${noise.perplexity}`);
});

test('bad perplexity options are clear errors', () => {
  assert.throws(() => perplexity(model, [1, 2, 3], { window: 1 }), { code: 'bad-perplexity' });
  assert.throws(() => perplexity(model, [1, 2, 3], { window: 4, stride: 5 }), { code: 'bad-perplexity' });
  assert.throws(() => perplexity(model, [1], { window: 4 }), { code: 'bad-perplexity' });
  assert.throws(() => perplexity(model, [1, 2], { window: 4, batchSize: 0 }), { code: 'bad-perplexity' });
});
