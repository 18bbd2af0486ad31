import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateGreedy, KvCache, ReferenceModel } from '../../../src/model/forward/index.js';
import { scratchDir } from '../helpers.js';
import { synthTiny } from './helpers.js';

const scratch = scratchDir('fwd-errors');
let dir: string;
let model: ReferenceModel;

before(() => {
  dir = synthTiny('llama', scratch.dir);
  model = ReferenceModel.open(dir);
});
after(() => {
  model.close();
  scratch.cleanup();
});

/** Opens the tiny llama with a patched config.json, restoring the file afterwards. */
function withConfig(patch: Record<string, unknown>, fn: () => void): void {
  const file = join(dir, 'config.json');
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(original), ...patch }));
  try {
    fn();
  } finally {
    writeFileSync(file, original);
  }
}

test('bad batches name what is wrong', () => {
  assert.throws(() => model.forward([1, 2], { batch: 1, seq: 3 }), {
    code: 'bad-batch',
    message: /2 token ids for a 1 x 3 batch/,
  });
  assert.throws(() => model.forward([], { batch: 1, seq: 0 }), { code: 'bad-batch', message: /seq >= 1/ });
  assert.throws(() => model.forward([1, 2], { batch: 1, seq: 2, attentionMask: Uint8Array.of(1) }), {
    code: 'bad-batch',
    message: /attention mask has 1 entries, expected 1 x 2/,
  });
  assert.throws(() => model.forward([1, 2], { batch: 1, seq: 2, positionIds: Int32Array.of(0) }), {
    code: 'bad-batch',
    message: /position ids have 1/,
  });
  assert.throws(() => model.forward([1, 2], { batch: 1, seq: 2, positionIds: Int32Array.of(0, -1) }), {
    code: 'bad-batch',
    message: /negative/,
  });
  assert.throws(() => model.forward([1, 384], { batch: 1, seq: 2 }), {
    code: 'token-out-of-range',
    message: /token id 384 at position 1 .*0\.\.383/,
  });
  assert.throws(() => model.forward([1, 2], { batch: 1, seq: 2, cache: new KvCache(model.arch, 2, 4) }), {
    code: 'bad-batch',
    message: /cache holds 2 rows/,
  });
  assert.throws(() => model.runLayer(2, new Float32Array(64), model.context({ batch: 1, seq: 1 })), {
    code: 'bad-layer',
  });
  assert.throws(() => model.runLayer(0, new Float32Array(63), model.context({ batch: 1, seq: 1 })), {
    code: 'bad-batch',
    message: /hidden has 63 values/,
  });
});

test('generation arguments are checked', () => {
  assert.throws(() => generateGreedy(model, [], 3), { code: 'bad-prompt' });
  assert.throws(() => generateGreedy(model, [1], -1), { code: 'bad-prompt' });
  assert.deepEqual(generateGreedy(model, [1], 0), []);
});

test('checkpoints that do not match config.json are named errors', () => {
  withConfig({ tie_word_embeddings: false }, () => {
    assert.throws(() => ReferenceModel.open(dir), {
      code: 'tensor-not-found',
      message: /no "lm_head\.weight" and config\.json does not set tie_word_embeddings/,
    });
  });
  withConfig({ intermediate_size: 100 }, () => {
    const m = ReferenceModel.open(dir);
    try {
      assert.throws(() => m.forward([1], { batch: 1, seq: 1 }), {
        code: 'tensor-shape',
        message: /model\.layers\.0\.mlp\.gate_proj\.weight" has shape \[128, 64\], expected \[100, 64\]/,
      });
    } finally {
      m.close();
    }
  });
  withConfig({ vocab_size: 500 }, () => {
    assert.throws(() => ReferenceModel.open(dir), { code: 'tensor-shape', message: /embed_tokens/ });
  });
  withConfig({ model_type: 'phi3' }, () => {
    assert.throws(() => ReferenceModel.open(dir), { code: 'unsupported-arch' });
  });
  assert.throws(() => ReferenceModel.open(join(scratch.dir, 'nope')), { code: 'checkpoint-not-found' });
});

test('dynamic NTK RoPE runs inside max_position_embeddings and refuses positions beyond it', () => {
  withConfig({ rope_scaling: { rope_type: 'dynamic', factor: 2 }, max_position_embeddings: 4 }, () => {
    const m = ReferenceModel.open(dir);
    try {
      assert.ok(m.forward([1, 2, 3, 4], { batch: 1, seq: 4 }).every(Number.isFinite));
      assert.throws(() => m.forward([1, 2, 3, 4, 5], { batch: 1, seq: 5 }), {
        code: 'rope-range',
        message: /position 4 needs dynamic NTK rescaling \(max_position_embeddings 4\)/,
      });
    } finally {
      m.close();
    }
  });
});
