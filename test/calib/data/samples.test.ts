import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { BUILTIN_CALIB_TEXT, loadCalibData } from '../../../src/calib/data/index.js';
import { isMoptError } from '../../../src/errors.js';
import { charTokenizer, chars, jsonl, put, scratchDir } from './helpers.js';

const scratch = scratchDir('samples');
after(() => scratch.cleanup());
const dir = scratch.dir;

function throwsCode(fn: () => unknown, code: string, ...parts: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isMoptError(err), `expected a MoptError, got ${String(err)}`);
    assert.equal(err.code, code);
    for (const p of parts) assert.ok(err.message.includes(p), `message "${err.message}" lacks "${p}"`);
    return true;
  });
}

const arr = (a: Int32Array): number[] => Array.from(a);

test('records: first N rows in order, each cut to calib_seq keeping the start and the special tokens', () => {
  const file = put(dir, 'r.jsonl', jsonl([{ text: 'abcdefgh' }, { text: 'xy' }]) + '{never read\n');
  const set = loadCalibData(charTokenizer(), { dataset: file, calibSize: 2, calibSeq: 5 });
  assert.deepEqual(set.samples.map(arr), [
    [1, ...chars('abcd')],
    [1, ...chars('xy')],
  ]);
  assert.equal(set.seqLen, 5);
  assert.deepEqual(set.sources[0], {
    name: 'r.jsonl',
    kind: 'records',
    files: [file],
    requested: 2,
    taken: 2,
    emptyDropped: 0,
    truncated: 1,
    tokens: 8,
  });
  // With a suffix (add_eos_token) truncation keeps room for it, as HF's truncation does.
  const eos = loadCalibData(charTokenizer({ suffix: [2] }), { dataset: file, calibSize: 1, calibSeq: 5 });
  assert.deepEqual(eos.samples.map(arr), [[1, ...chars('abc'), 2]]);
});

test('records: empty texts among the first N rows are dropped without reading further (hf_ptq)', () => {
  const file = put(
    dir,
    'empty-some.jsonl',
    jsonl([{ text: '' }, { text: 'a' }, { text: null }, { text: 'b' }]),
  );
  const set = loadCalibData(charTokenizer(), { dataset: file, calibSize: 3, calibSeq: 8 });
  assert.deepEqual(set.samples.map(arr), [[1, ...chars('a')]]);
  assert.deepEqual([set.sources[0]!.taken, set.sources[0]!.emptyDropped], [1, 2]);
});

test('an empty dataset is an error naming the file', () => {
  throwsCode(
    () => loadCalibData(charTokenizer(), { dataset: put(dir, 'none.jsonl', ''), calibSize: 4 }),
    'empty-dataset',
    'none.jsonl',
    'no records',
  );
  throwsCode(
    () =>
      loadCalibData(charTokenizer(), {
        dataset: put(dir, 'blank.jsonl', jsonl([{ text: '' }])),
        calibSize: 4,
      }),
    'empty-dataset',
    'empty text',
  );
  throwsCode(
    () => loadCalibData(charTokenizer(), { dataset: put(dir, 'none.txt', '\n\n \n'), calibSize: 4 }),
    'empty-dataset',
    'none.txt',
  );
  throwsCode(
    () => loadCalibData(charTokenizer(), { dataset: put(dir, 'none.json', '[]'), calibSize: 4 }),
    'empty-dataset',
    'none.json',
  );
});

test('running text: paragraphs packed into full windows, prefix first, tail dropped, at most calib_size windows', () => {
  const file = put(dir, 'p.txt', 'abc\ndef\n\nghij\n');
  // Stream: "abc\ndef\n\nghij\n\n" = 15 ids; body = calib_seq 5 - BOS = 4.
  const stream = chars('abc\ndef\n\nghij\n\n');
  const set = loadCalibData(charTokenizer(), { dataset: file, calibSize: 10, calibSeq: 5 });
  assert.deepEqual(set.samples.map(arr), [
    [1, ...stream.slice(0, 4)],
    [1, ...stream.slice(4, 8)],
    [1, ...stream.slice(8, 12)],
  ]);
  assert.deepEqual([set.sources[0]!.requested, set.sources[0]!.taken, set.sources[0]!.tokens], [10, 3, 15]);
  const two = loadCalibData(charTokenizer(), { dataset: file, calibSize: 2, calibSeq: 5 });
  assert.equal(two.samples.length, 2);
});

test('text shorter than one window is an error giving the token counts', () => {
  const file = put(dir, 'short.txt', 'tiny');
  throwsCode(
    () => loadCalibData(charTokenizer(), { dataset: file, calibSize: 1, calibSeq: 64 }),
    'text-too-short',
    'short.txt',
    '6 tokens',
    'needs 63',
  );
});

test('several sources keep their order; the set pads to its longest sample', () => {
  const txt = put(dir, 'multi/a.txt', 'x'.repeat(30));
  const rec = put(dir, 'multi/b.jsonl', jsonl([{ text: 'p' }, { text: 'qq' }, { text: 'rrr' }]));
  const set = loadCalibData(charTokenizer(), { dataset: `${rec},${txt}`, calibSize: '2,3', calibSeq: 8 });
  assert.deepEqual(
    set.samples.map((s) => s.length),
    [2, 3, 8, 8, 8],
  );
  assert.equal(set.seqLen, 8);
  assert.deepEqual(
    set.sources.map((s) => [s.name, s.taken]),
    [
      ['b.jsonl', 2],
      ['a.txt', 3],
    ],
  );
  const recordsOnly = loadCalibData(charTokenizer(), { dataset: rec, calibSize: 3, calibSeq: 8 });
  assert.equal(recordsOnly.seqLen, 4);
});

test('a folder of .txt files is one text stream in name order', () => {
  put(dir, 'books/2.txt', 'cd');
  put(dir, 'books/1.txt', 'ab');
  const set = loadCalibData(charTokenizer(), { dataset: `${dir}/books`, calibSize: 1, calibSeq: 9 });
  assert.deepEqual(set.samples.map(arr), [[1, ...chars('ab\n\ncd\n\n')]]);
});

test('the built-in text is the default, small, and gives full windows', () => {
  assert.ok(Buffer.byteLength(BUILTIN_CALIB_TEXT) < 30 * 1024);
  const set = loadCalibData(charTokenizer(), { calibSize: 3, calibSeq: 100 });
  assert.equal(set.samples.length, 3);
  assert.ok(set.samples.every((s) => s.length === 100 && s[0] === 1));
  assert.match(set.sources[0]!.name, /builtin/);
});

test('--calib_size 0, a bad --calib_seq and an empty --text_field are refused', () => {
  const file = put(dir, 'ok.jsonl', jsonl([{ text: 'a' }]));
  throwsCode(
    () => loadCalibData(charTokenizer(), { dataset: file, calibSize: 0 }),
    'bad-calib-size',
    '--calib_size 0',
  );
  throwsCode(() => loadCalibData(charTokenizer(), { dataset: file, calibSize: '0' }), 'bad-calib-size');
  throwsCode(
    () => loadCalibData(charTokenizer(), { dataset: file, calibSeq: 1 }),
    'bad-calib-seq',
    '--calib_seq 1',
  );
  throwsCode(() => loadCalibData(charTokenizer(), { dataset: file, calibSeq: 2.5 }), 'bad-calib-seq');
  throwsCode(() => loadCalibData(charTokenizer(), { dataset: file, textField: ' ' }), 'bad-text-field');
});

test('a missing text field surfaces from loadCalibData with file and line', () => {
  const file = put(dir, 'art.jsonl', jsonl([{ article: 'x' }]));
  throwsCode(
    () => loadCalibData(charTokenizer(), { dataset: file, calibSize: 1 }),
    'missing-text-field',
    `${file}:1`,
    '"text"',
  );
  const set = loadCalibData(charTokenizer(), {
    dataset: file,
    calibSize: 1,
    textField: 'article',
    calibSeq: 4,
  });
  assert.deepEqual(set.samples.map(arr), [[1, ...chars('x')]]);
});
