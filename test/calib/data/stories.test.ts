import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { calibBatches, evalWindows, loadCalibData, resolveBatchSize } from '../../../src/calib/data/index.js';
import { convertLlama2c } from '../../../src/model/llama2c.js';
import { loadTokenizer, type ModelTokenizer } from '../../../src/model/tokenizer.js';
import { repoRoot, STORIES_BIN, TOK512_BIN } from '../../model/helpers.js';
import { jsonl, put, scratchDir } from './helpers.js';

const EMMA = resolve(repoRoot(), '../shared/corpus/austen/emma.txt');
const scratch = scratchDir('stories');
let tok: ModelTokenizer;

before(() => {
  const dir = join(scratch.dir, 'model');
  convertLlama2c({ modelFile: STORIES_BIN, tokenizerFile: TOK512_BIN, outDir: dir });
  tok = loadTokenizer(dir);
});
after(() => scratch.cleanup());

test('Austen through the stories260K tokenizer: full BOS windows of real text, in order', () => {
  const set = loadCalibData(tok, { dataset: EMMA, calibSize: 4, calibSeq: 128 });
  assert.equal(set.samples.length, 4);
  assert.equal(set.seqLen, 128);
  // Blank-line runs become one paragraph break, so compare with whitespace runs collapsed.
  const emma = readFileSync(EMMA, 'utf8').replace(/\s+/g, ' ');
  let from = 0;
  for (const s of set.samples) {
    assert.equal(s[0], tok.bosId);
    assert.ok(s.every((id) => id >= 0 && id < tok.vocabSize));
    const text = tok.decode(s.subarray(1), { skipSpecial: true }).replace(/\s+/g, ' ').trim().slice(0, 60);
    const at = emma.indexOf(text, from);
    assert.ok(at >= from, `window text "${text}" not found in order`);
    from = at;
  }
});

test('records and text together: left padding with eos, masks and batches', () => {
  const rec = put(scratch.dir, 'q.jsonl', jsonl([{ text: 'Lily had a ball.' }, { text: 'Tom ran.' }]));
  const set = loadCalibData(tok, { dataset: `${rec},${EMMA}`, calibSize: '2,1', calibSeq: 64 });
  assert.equal(set.seqLen, 64);
  const bs = resolveBatchSize(0, set.samples.length, set.seqLen);
  assert.equal(bs, 3);
  const [batch] = [...calibBatches(set, bs)];
  const first = tok.encode('Lily had a ball.');
  const row0 = Array.from(batch!.ids.subarray(0, 64));
  assert.deepEqual(row0, [...new Array<number>(64 - first.length).fill(tok.eosId!), ...first]);
  assert.equal(
    batch!.attentionMask.subarray(0, 64).reduce((a, b) => a + b, 0),
    first.length,
  );
  assert.equal(
    batch!.attentionMask.subarray(128, 192).reduce((a, b) => a + b, 0),
    64,
  );
});

test('perplexity windows over a tokenised held-out text', () => {
  const text = readFileSync(resolve(repoRoot(), '../shared/corpus/austen/prideprejudice.txt'), 'utf8').slice(
    0,
    3000,
  );
  const ids = tok.encode(text, { addSpecial: false });
  const w = evalWindows(ids, 256, { bosId: tok.bosId! });
  assert.equal(w.windows.length, Math.floor(ids.length / 255));
  assert.equal(w.tokensUsed + w.tokensDropped, ids.length);
});
