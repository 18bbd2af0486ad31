/**
 * Greedy decoding with the reference forward (KV cache, one token per step) against transformers'
 * generate(do_sample=False) from BOS: 64 new ids on stories260K, 16 on each tiny synthetic model.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateGreedy, ReferenceModel } from '../../../src/model/forward/index.js';
import { scratchDir } from '../helpers.js';
import { inputDir, logitsGoldens } from './goldens.js';

const scratch = scratchDir('fidelity-greedy');
after(() => scratch.cleanup());

for (const g of logitsGoldens()) {
  test(`${g.model}: greedy ids equal transformers' generate`, () => {
    const model = ReferenceModel.open(inputDir(g, scratch.dir), { residentWeights: true });
    try {
      const eos = g.greedy.eos_token_id;
      const eosTokenIds = eos === null ? [] : Array.isArray(eos) ? eos : [eos];
      const ids = generateGreedy(model, g.greedy.prompt, g.greedy.max_new_tokens, { eosTokenIds });
      assert.deepEqual(ids, g.greedy.new_ids);
    } finally {
      model.close();
    }
  });
}

test('stories260K golden decodes the full 64 tokens (no early EOS)', () => {
  const g = logitsGoldens().find((x) => x.model === 'stories260K');
  assert.equal(g?.greedy.new_ids.length, 64);
});
