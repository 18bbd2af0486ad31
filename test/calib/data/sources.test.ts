import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseCalibSizes, parseDatasetNames, planSources } from '../../../src/calib/data/index.js';
import { readRecordTexts } from '../../../src/calib/data/records.js';
import { listTextFiles, readParagraphs } from '../../../src/calib/data/text-files.js';
import { readLines } from '../../../src/calib/data/lines.js';
import { isMoptError } from '../../../src/errors.js';
import { jsonl, put, scratchDir } from './helpers.js';

const scratch = scratchDir('sources');
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

test('lines: LF, CRLF, no final newline, BOM, and chunk-spanning lines', () => {
  const long = 'x'.repeat((1 << 20) + 7);
  const file = put(dir, 'lines.txt', `\uFEFFa\r\nb\n\n${long}\nlast`);
  assert.deepEqual(
    [...readLines(file)].map((l) => [l.lineNo, l.line.length > 10 ? l.line.length : l.line]),
    [
      [1, 'a'],
      [2, 'b'],
      [3, ''],
      [4, long.length],
      [5, 'last'],
    ],
  );
});

test('.txt paragraphs: blank-line separated, inner line breaks kept, file end closes a paragraph', () => {
  const a = put(dir, 'para/a.txt', 'One\ntwo\n\n\n  \nThree\n');
  const b = put(dir, 'para/b.txt', 'Four');
  assert.deepEqual([...readParagraphs([a, b])], ['One\ntwo', 'Three', 'Four']);
});

test('a folder reads its .txt files in sorted name order and ignores others', () => {
  put(dir, 'folder/b.txt', 'B');
  put(dir, 'folder/a.txt', 'A');
  put(dir, 'folder/c.md', 'C');
  mkdirSync(join(dir, 'folder/sub.txt'), { recursive: true });
  assert.deepEqual(listTextFiles(join(dir, 'folder')), [
    join(dir, 'folder/a.txt'),
    join(dir, 'folder/b.txt'),
  ]);
  put(dir, 'nofolder/x.jsonl', '{}');
  throwsCode(
    () => listTextFiles(join(dir, 'nofolder')),
    'empty-dataset',
    'no .txt files',
    join(dir, 'nofolder'),
  );
});

test('.jsonl records: text field, null as empty, chat turns joined with newlines, blank lines skipped', () => {
  const file = put(
    dir,
    'r.jsonl',
    jsonl([{ text: 'a' }, { text: null }]) +
      '\n' +
      jsonl([{ text: [{ role: 'user', content: 'q' }, { content: 'r' }] }]),
  );
  assert.deepEqual(
    [...readRecordTexts(file, 'text')].map((r) => [r.text, r.where]),
    [
      ['a', `${file}:1`],
      ['', `${file}:2`],
      ['q\nr', `${file}:4`],
    ],
  );
});

test('.json records: an array, or an object with a data array', () => {
  const arr = put(dir, 'arr.json', JSON.stringify([{ body: 'x' }, { body: 'y' }]));
  const obj = put(dir, 'obj.json', JSON.stringify({ data: [{ body: 'z' }] }));
  assert.deepEqual(
    [...readRecordTexts(arr, 'body')].map((r) => r.text),
    ['x', 'y'],
  );
  assert.deepEqual(
    [...readRecordTexts(obj, 'body')].map((r) => r.text),
    ['z'],
  );
  throwsCode(
    () => [...readRecordTexts(put(dir, 'bad.json', '{"rows": []}'), 'body')],
    'bad-dataset-json',
    'bad.json',
  );
});

test('a missing text field names the file, the line, the field, and the fields there are', () => {
  const file = put(dir, 'nofield.jsonl', jsonl([{ text: 'ok' }, { article: 'x', id: 3 }]));
  assert.throws(
    () => [...readRecordTexts(file, 'text')],
    (err: unknown) =>
      isMoptError(err) &&
      err.code === 'missing-text-field' &&
      err.message === `${file}:2: no "text" field in the record` &&
      /"article", "id"/.test(err.hint ?? ''),
  );
  const json = put(dir, 'nofield.json', JSON.stringify([{ a: 1 }]));
  throwsCode(() => [...readRecordTexts(json, 'text')], 'missing-text-field', `${json}: record 0`, '"text"');
});

test('bad records: invalid JSON line, a non-object, a non-text field', () => {
  throwsCode(
    () => [...readRecordTexts(put(dir, 'badline.jsonl', '{"text": "a"}\n{oops\n'), 'text')],
    'bad-json',
    'badline.jsonl:2',
  );
  throwsCode(
    () => [...readRecordTexts(put(dir, 'num.jsonl', '[1]\n'), 'text')],
    'bad-record',
    'num.jsonl:1',
    'a list',
  );
  throwsCode(
    () => [...readRecordTexts(put(dir, 'int.jsonl', '{"text": 5}\n'), 'text')],
    'bad-text-field',
    '"text" is a number',
  );
});

test('--calib_size: comma lists, numbers; 0, negatives, fractions and words are refused', () => {
  assert.deepEqual(parseCalibSizes('64,32'), [64, 32]);
  assert.deepEqual(parseCalibSizes(' 8 '), [8]);
  assert.deepEqual(parseCalibSizes([4, 5]), [4, 5]);
  throwsCode(() => parseCalibSizes('0'), 'bad-calib-size', '--calib_size 0', 'at least 1');
  throwsCode(() => parseCalibSizes(0), 'bad-calib-size', '--calib_size 0');
  for (const bad of ['-1', '1.5', 'abc', '64,', '']) throwsCode(() => parseCalibSizes(bad), 'bad-calib-size');
});

test('--dataset: comma lists; empty names are refused', () => {
  assert.deepEqual(parseDatasetNames('a.txt, b.jsonl'), ['a.txt', 'b.jsonl']);
  throwsCode(() => parseDatasetNames('a.txt,,b.txt'), 'bad-dataset');
});

test('sizes per source: one value applies to all, missing ones repeat the last, extra ones are an error', () => {
  const a = put(dir, 'sz/a.txt', 'A');
  const b = put(dir, 'sz/b.jsonl', jsonl([{ text: 'b' }]));
  const c = put(dir, 'sz/c.json', '[]');
  assert.deepEqual(
    planSources(`${a},${b},${c}`, '5').map((p) => p.calibSize),
    [5, 5, 5],
  );
  assert.deepEqual(
    planSources(`${a},${b},${c}`, '5,2').map((p) => p.calibSize),
    [5, 2, 2],
  );
  assert.deepEqual(
    planSources([a, b], [3, 4]).map((p) => [p.name, p.kind, p.calibSize]),
    [
      ['a.txt', 'text', 3],
      ['b.jsonl', 'records', 4],
    ],
  );
  throwsCode(() => planSources(a, '1,2'), 'bad-calib-size', '2 values', '1 dataset');
});

test('local paths: unsupported file types and missing files are clear errors', () => {
  throwsCode(() => planSources(put(dir, 'x.csv', 'a,b'), 1), 'unsupported-dataset-file', 'x.csv');
  throwsCode(() => planSources(join(dir, 'missing.jsonl'), 1), 'dataset-not-found', 'missing.jsonl');
  throwsCode(() => planSources('./nope/x', 1), 'dataset-not-found');
});

test('the text field is used for local records', () => {
  const file = put(dir, 'field.jsonl', jsonl([{ body: 'hello' }]));
  const [plan] = planSources(file, 1, { textField: 'body' });
  assert.deepEqual([...plan!.read()], ['hello']);
});
