import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { isMoptError } from '../../src/errors.js';
import { readParagraphs } from '../../src/calib/data/text-files.js';
import { convertLlama2c } from '../../src/model/llama2c.js';
import { SpmBpeTokenizer } from '../../src/model/spm-bpe.js';
import { buildSpmTokenizerConfig, buildSpmTokenizerJson } from '../../src/model/spm-tokenizer.js';
import { synthCheckpoint } from '../../src/model/synth.js';
import { synthTokenizerPieces } from '../../src/model/synth-tokenizer.js';
import { loadTokenizer } from '../../src/model/tokenizer.js';
import { repoRoot, scratchDir, STORIES_BIN, TOK512_BIN } from './helpers.js';

const AUSTEN = resolve(repoRoot(), '../shared/corpus/austen');
const scratch = scratchDir('tokenizer');
const stories = join(scratch.dir, 'stories');

before(() => {
  convertLlama2c({ modelFile: STORIES_BIN, tokenizerFile: TOK512_BIN, outDir: stories });
});
after(() => scratch.cleanup());

/** A folder with stories260K's tokenizer files and the given config.json / tokenizer_config.json edits. */
function variant(
  name: string,
  edit: { config?: object; tokConfig?: object | null; noTokenizer?: boolean },
): string {
  const dir = join(scratch.dir, name);
  mkdirSync(dir, { recursive: true });
  if (!edit.noTokenizer) copyFileSync(join(stories, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  const tokConfig = JSON.parse(readFileSync(join(stories, 'tokenizer_config.json'), 'utf8')) as object;
  if (edit.tokConfig !== null) {
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...tokConfig, ...edit.tokConfig }));
  }
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ vocab_size: 512, bos_token_id: 1, eos_token_id: 2, ...edit.config }),
  );
  return dir;
}

function throwsCode(fn: () => unknown, code: string, ...parts: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isMoptError(err), `expected a MoptError, got ${String(err)}`);
    assert.equal(err.code, code);
    for (const p of parts) assert.ok(err.message.includes(p), `message "${err.message}" lacks "${p}"`);
    return true;
  });
}

test('stories260K: sizes, special ids and hf_ptq pad choice (eos)', () => {
  const tok = loadTokenizer(stories);
  assert.equal(tok.vocabSize, 512);
  assert.equal(tok.modelVocabSize, 512);
  assert.deepEqual([tok.bosId, tok.eosId, tok.padId], [1, 2, 2]);
  assert.deepEqual([tok.specialPrefix, tok.specialSuffix], [[1], []]);
  assert.deepEqual(tok.encode('Once upon a time'), [
    1,
    ...tok.encode('Once upon a time', { addSpecial: false }),
  ]);
  assert.equal(tok.tokenToId('<s>'), 1);
});

test('stories260K ids match the pure-TS SentencePiece encoder on Austen paragraphs, and decode round-trips', () => {
  const tok = loadTokenizer(stories);
  const spm = SpmBpeTokenizer.fromJson(JSON.parse(readFileSync(join(stories, 'tokenizer.json'), 'utf8')));
  let n = 0;
  for (const paragraph of readParagraphs([join(AUSTEN, 'prideprejudice.txt')])) {
    if (n++ === 150) break;
    const ids = tok.encode(paragraph);
    assert.deepEqual(ids, spm.encode(paragraph), paragraph.slice(0, 60));
    assert.equal(tok.decode(ids, { skipSpecial: true }), paragraph);
  }
  assert.equal(n, 151);
});

test('a tokenizer with ids beyond the model embedding is refused, naming both sizes', () => {
  const dir = variant('small-model', { config: { vocab_size: 300 } });
  throwsCode(
    () => loadTokenizer(dir),
    'tokenizer-vocab-mismatch',
    '512 token ids',
    'only 300 rows',
    'config.json',
  );
  throwsCode(() => loadTokenizer(stories, { modelVocabSize: 100 }), 'tokenizer-vocab-mismatch', '100');
});

test('a tokenizer smaller than the embedding is fine (padded embeddings, as in HF)', () => {
  const tok = loadTokenizer(variant('padded-embed', { config: { vocab_size: 640 } }));
  assert.equal(tok.vocabSize, 512);
  assert.equal(tok.modelVocabSize, 640);
});

test('missing tokenizer.json: clear error, and a hint when only tokenizer.model is there', () => {
  const dir = variant('no-tok', { noTokenizer: true });
  throwsCode(() => loadTokenizer(dir), 'tokenizer-not-found', 'no tokenizer.json', dir);
  writeFileSync(join(dir, 'tokenizer.model'), 'x');
  assert.throws(
    () => loadTokenizer(dir),
    (err: unknown) => isMoptError(err) && /tokenizer\.model/.test(err.hint ?? ''),
  );
});

test('pad token: "<unk>" stays the pad (hf_ptq does not replace it); otherwise eos', () => {
  assert.equal(loadTokenizer(variant('pad-unk', { tokConfig: { pad_token: '<unk>' } })).padId, 0);
  assert.equal(loadTokenizer(variant('pad-other', { tokConfig: { pad_token: '</s>' } })).padId, 2);
  const objectForm = variant('pad-obj', {
    tokConfig: { pad_token: { content: '<unk>', __type: 'AddedToken' } },
  });
  assert.equal(loadTokenizer(objectForm).padId, 0);
});

test('add_bos_token / add_eos_token in tokenizer_config.json decide the special tokens', () => {
  const noBos = loadTokenizer(variant('no-bos', { tokConfig: { add_bos_token: false } }));
  assert.deepEqual([noBos.specialPrefix, noBos.specialSuffix], [[], []]);
  const eos = loadTokenizer(variant('eos', { tokConfig: { add_eos_token: true } }));
  const ids = eos.encode('Hi');
  assert.deepEqual([ids[0], ids[ids.length - 1]], [1, 2]);
});

test('without tokenizer_config.json the post-processor and config.json ids are used', () => {
  const tok = loadTokenizer(variant('no-config', { tokConfig: null }));
  assert.deepEqual(tok.specialPrefix, [1]);
  assert.deepEqual([tok.bosId, tok.eosId, tok.padId], [1, 2, 2]);
});

test('a special token missing from the vocabulary is named', () => {
  const dir = variant('bad-bos', { tokConfig: { bos_token: '<|begin|>' } });
  throwsCode(
    () => loadTokenizer(dir),
    'bad-tokenizer-config',
    'bos_token "<|begin|>"',
    'tokenizer_config.json',
  );
});

test('a broken tokenizer.json is a MoptError naming the file', () => {
  const dir = variant('broken', {});
  writeFileSync(join(dir, 'tokenizer.json'), '{"model": ');
  throwsCode(() => loadTokenizer(dir), 'bad-json', join(dir, 'tokenizer.json'));
  writeFileSync(join(dir, 'tokenizer.json'), '{"model": {"type": "NoSuchModel"}}');
  throwsCode(() => loadTokenizer(dir), 'bad-tokenizer', join(dir, 'tokenizer.json'));
});

test('synthetic checkpoints tokenizer (tiny vocabulary) loads and matches the TS encoder', () => {
  const dir = join(scratch.dir, 'synth');
  mkdirSync(dir, { recursive: true });
  const pieces = synthTokenizerPieces();
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(buildSpmTokenizerJson(pieces)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(buildSpmTokenizerConfig(pieces, 128)));
  const tok = loadTokenizer(dir);
  assert.equal(tok.vocabSize, pieces.length);
  const spm = SpmBpeTokenizer.fromJson(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')));
  const text = 'The cat and the hat went to the fair; é!';
  assert.deepEqual(tok.encode(text), spm.encode(text));
  rmSync(dir, { recursive: true });
});

test('a synthetic tiny checkpoint: tokenizer and config agree, and calibration ids fit the embedding', () => {
  const dir = join(scratch.dir, 'synth-ckpt');
  synthCheckpoint({ arch: 'llama', preset: 'tiny', outDir: dir, fill: 'zeros' });
  const tok = loadTokenizer(dir);
  assert.equal(tok.vocabSize, tok.modelVocabSize);
  assert.ok(tok.encode('Hello, world!').every((id) => id < tok.vocabSize));
});
