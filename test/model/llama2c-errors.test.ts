import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCheckpoint } from '../../src/model/checkpoint.js';
import { convertLlama2c } from '../../src/model/llama2c.js';
import { readLlama2cTokenizer } from '../../src/model/llama2c-tokenizer.js';
import { scratchDir, STORIES_BIN, TOK512_BIN } from './helpers.js';

const { dir, cleanup } = scratchDir('l2c-bad');
after(cleanup);

/** A tiny llama2.c v0 file of zeros for the given header (vocab negative = unshared classifier). */
function fakeBin(name: string, header: number[], extraBytes = 0): string {
  const [dim, hidden, L, H, KV, vocab, seq] = header as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const hs = dim / H;
  const floats =
    Math.abs(vocab) * dim * (vocab < 0 ? 2 : 1) +
    L * dim * 2 +
    L * dim * dim * 2 +
    2 * L * KV * hs * dim +
    3 * L * hidden * dim +
    dim +
    seq * hs;
  const buf = Buffer.alloc(28 + 4 * floats + extraBytes);
  header.forEach((v, i) => buf.writeInt32LE(v, 4 * i));
  const file = join(dir, name);
  writeFileSync(file, buf);
  return file;
}

test('bad llama2.c inputs give clear errors', () => {
  const out = join(dir, 'bad');
  const full = readFileSync(STORIES_BIN);
  const truncated = join(dir, 'trunc.bin');
  writeFileSync(truncated, full.subarray(0, 500000));
  assert.throws(
    () => convertLlama2c({ modelFile: truncated, tokenizerFile: TOK512_BIN, outDir: out }),
    /truncated: expected 1056540 bytes, found 500000/,
  );
  const longer = fakeBin('long.bin', [8, 16, 1, 2, 1, 300, 4], 4);
  assert.throws(
    () => convertLlama2c({ modelFile: longer, tokenizerFile: TOK512_BIN, outDir: out }),
    /longer than its header describes/,
  );
  assert.throws(
    () =>
      convertLlama2c({
        modelFile: fakeBin('heads.bin', [64, 16, 1, 3, 1, 300, 4]),
        tokenizerFile: TOK512_BIN,
        outDir: out,
      }),
    /dim 64 is not a multiple of n_heads 3/,
  );
  assert.throws(
    () =>
      convertLlama2c({
        modelFile: fakeBin('zero.bin', [0, 16, 1, 2, 1, 300, 4]),
        tokenizerFile: TOK512_BIN,
        outDir: out,
      }),
    /dim = 0 is outside/,
  );
  const versioned = join(dir, 'v1.bin');
  const v1 = Buffer.alloc(256);
  v1.writeUInt32LE(0x616b3432, 0);
  v1.writeInt32LE(1, 4);
  writeFileSync(versioned, v1);
  assert.throws(
    () => convertLlama2c({ modelFile: versioned, tokenizerFile: TOK512_BIN, outDir: out }),
    /version 1 export/,
  );
  assert.throws(
    () => convertLlama2c({ modelFile: join(dir, 'absent.bin'), tokenizerFile: TOK512_BIN, outDir: out }),
    { code: 'file-not-found' },
  );
  const small = fakeBin('vocab300.bin', [8, 16, 1, 2, 1, 300, 4]);
  assert.throws(
    () => convertLlama2c({ modelFile: small, tokenizerFile: TOK512_BIN, outDir: out }),
    /bytes remain after 300 tokens.*vocabulary of 300/,
  );
  const big = fakeBin('vocab600.bin', [8, 16, 1, 2, 1, -600, 4]);
  assert.throws(
    () => convertLlama2c({ modelFile: big, tokenizerFile: TOK512_BIN, outDir: out }),
    /file ends after 512 tokens/,
  );
});

test('unshared classifier becomes lm_head.weight', () => {
  const file = fakeBin('unshared.bin', [8, 16, 1, 2, 1, -512, 4]);
  const out = join(dir, 'unshared');
  convertLlama2c({ modelFile: file, tokenizerFile: TOK512_BIN, outDir: out });
  const c = openCheckpoint(out);
  assert.equal(c.config.tie_word_embeddings, false);
  assert.deepEqual(c.tensor('lm_head.weight').shape, [512, 8]);
  c.close();
});

test('tokenizer files that do not fit the SentencePiece layout are rejected', () => {
  const bytes = Buffer.from(readFileSync(TOK512_BIN));
  // token 0 is "<unk>" right after the 4-byte max length, its 4-byte score and 4-byte length.
  bytes.write('<UNK>', 12, 'latin1');
  const file = join(dir, 'tok-bad.bin');
  writeFileSync(file, bytes);
  assert.throws(() => readLlama2cTokenizer(file, 512), /token 0 is "<UNK>", expected "<unk>"/);
  const pieces = readLlama2cTokenizer(TOK512_BIN, 512);
  assert.equal(pieces[259]!.piece, '▁t');
  assert.equal(pieces[1]!.piece, '<s>');
});
