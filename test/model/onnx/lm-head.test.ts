import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openCheckpoint } from '../../../src/model/checkpoint.js';
import { linear } from '../../../src/model/forward/linear.js';
import { OrtHead } from '../../../src/model/onnx/lm-head.js';
import { loadOrt } from '../../../src/model/onnx/ort.js';
import { maxAbsDiff } from './dense-layer-reference.js';
import { removeTinyCheckpoints, tinyCheckpoint } from './tiny-checkpoints.js';

after(removeTinyCheckpoints);

test('lm_head streamed in vocabulary blocks (bf16 checkpoint, uneven last block) equals x·Wᵀ; a held copy too', async () => {
  const ckpt = openCheckpoint(tinyCheckpoint('mistral', 'bf16'));
  const [V, H] = ckpt.tensor('lm_head.weight').shape as [number, number];
  const head = await OrtHead.create(await loadOrt(), H, V, 1, 100 * H);
  const n = 3;
  const x = Float32Array.from({ length: n * H }, (_, i) => Math.cos(i * 0.3));
  const w = ckpt.readTensorF32('lm_head.weight');
  const want = linear(x, n, H, w, V);
  assert.ok(maxAbsDiff(await head.logits(x, n, ckpt, 'lm_head.weight', null), want) <= 1e-5);
  const scaled = w.map((v) => v * 2);
  const got = await head.logits(x, n, ckpt, 'lm_head.weight', scaled);
  assert.ok(
    maxAbsDiff(
      got,
      want.map((v) => v * 2),
    ) <= 1e-5,
  );
  await head.release();
  ckpt.close();
});
