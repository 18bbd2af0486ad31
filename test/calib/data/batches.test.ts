import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibBatches, evalWindows, padBatch, resolveBatchSize } from '../../../src/calib/data/index.js';
import { isMoptError } from '../../../src/errors.js';

const i32 = (...v: number[]): Int32Array => Int32Array.from(v);

test('padBatch left-pads with the pad id and masks the padding', () => {
  const b = padBatch([i32(1, 5, 6), i32(1, 7), i32(1, 8, 9, 10)], 4, 3, 6);
  assert.deepEqual(Array.from(b.ids), [3, 1, 5, 6, 3, 3, 1, 7, 1, 8, 9, 10]);
  assert.deepEqual(Array.from(b.attentionMask), [0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(b.lengths), [3, 2, 4]);
  assert.deepEqual([b.batch, b.seq, b.first], [3, 4, 6]);
});

test('padding without a pad token is a clear error; equal lengths need none', () => {
  assert.throws(
    () => padBatch([i32(1, 2), i32(1)], 2, undefined),
    (err: unknown) => isMoptError(err) && err.code === 'no-pad-token',
  );
  assert.deepEqual(Array.from(padBatch([i32(1, 2)], 2, undefined).ids), [1, 2]);
});

test('calibBatches walks the samples in order; the last batch may be smaller', () => {
  const samples = [i32(1), i32(2, 2), i32(3), i32(4, 4), i32(5)];
  const batches = [...calibBatches({ samples, seqLen: 2, padId: 0 }, 2)];
  assert.deepEqual(
    batches.map((b) => [b.first, b.batch, Array.from(b.ids)]),
    [
      [0, 2, [0, 1, 2, 2]],
      [2, 2, [0, 3, 4, 4]],
      [4, 1, [0, 5]],
    ],
  );
  assert.throws(
    () => [...calibBatches({ samples, seqLen: 2, padId: 0 }, 0)],
    (err: unknown) => isMoptError(err),
  );
});

test('resolveBatchSize: explicit sizes are capped at the sample count; 0 fits a token budget, hf_ptq rounding', () => {
  assert.equal(resolveBatchSize(16, 5, 512), 5);
  assert.equal(resolveBatchSize(3, 100, 512), 3);
  assert.equal(resolveBatchSize(0, 100, 512), 8); // 4096 / 512
  assert.equal(resolveBatchSize(0, 100, 4096), 1);
  assert.equal(resolveBatchSize(0, 100, 1500), 2);
  assert.equal(resolveBatchSize(0, 1000, 300), 12); // 13 → multiple of 4
  assert.equal(resolveBatchSize(0, 1000, 1), 512);
  assert.equal(resolveBatchSize(0, 3, 16), 3);
  for (const bad of [-1, 1.5]) {
    assert.throws(
      () => resolveBatchSize(bad, 3, 16),
      (err: unknown) => isMoptError(err) && err.code === 'bad-batch-size',
    );
  }
});

test('evalWindows: non-overlapping windows, the short tail dropped', () => {
  const ids = Array.from({ length: 10 }, (_, i) => i + 100);
  const w = evalWindows(ids, 4);
  assert.deepEqual(
    w.windows.map((x) => Array.from(x)),
    [
      [100, 101, 102, 103],
      [104, 105, 106, 107],
    ],
  );
  assert.deepEqual([w.tokensUsed, w.tokensDropped], [8, 2]);
  const exact = evalWindows(Int32Array.from(ids.slice(0, 8)), 4);
  assert.equal(exact.tokensDropped, 0);
});

test('evalWindows with a BOS id opens every window with it', () => {
  const w = evalWindows([5, 6, 7, 8, 9], 3, { bosId: 1 });
  assert.deepEqual(
    w.windows.map((x) => Array.from(x)),
    [
      [1, 5, 6],
      [1, 7, 8],
    ],
  );
  assert.deepEqual([w.tokensUsed, w.tokensDropped], [4, 1]);
});

test('evalWindows: text shorter than one window, and bad window sizes', () => {
  assert.throws(
    () => evalWindows([1, 2, 3], 4, { source: 'pp.txt' }),
    (err: unknown) =>
      isMoptError(err) && err.code === 'text-too-short' && /pp\.txt.*3 tokens/.test(err.message),
  );
  assert.throws(
    () => evalWindows([1, 2], 0),
    (err: unknown) => isMoptError(err) && err.code === 'bad-window',
  );
  assert.throws(
    () => evalWindows([1, 2], 1, { bosId: 1 }),
    (err: unknown) => isMoptError(err) && err.code === 'bad-window',
  );
});
