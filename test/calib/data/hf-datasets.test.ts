import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadCalibData, planSources } from '../../../src/calib/data/index.js';
import { isMoptError } from '../../../src/errors.js';
import { charTokenizer, chars, jsonl, put, scratchDir } from './helpers.js';

const scratch = scratchDir('hfcache');
after(() => scratch.cleanup());
const hub = join(scratch.dir, 'hub');
const env = { HF_HUB_CACHE: hub };

function throwsCode(fn: () => unknown, code: string, ...parts: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isMoptError(err), `expected a MoptError, got ${String(err)}`);
    assert.equal(err.code, code);
    for (const p of parts)
      assert.ok(`${err.message} ${err.hint ?? ''}`.includes(p), `"${err.message}" lacks "${p}"`);
    return true;
  });
}

/** A cached dataset repo: files under snapshots/<commit>/, refs/main naming the commit. */
function cacheRepo(
  cacheRoot: string,
  repo: string,
  files: Record<string, string>,
  commit = 'c0ffee',
): string {
  const repoDir = join(cacheRoot, `datasets--${repo.replace('/', '--')}`);
  mkdirSync(join(repoDir, 'snapshots', commit), { recursive: true });
  for (const [rel, text] of Object.entries(files)) put(join(repoDir, 'snapshots', commit), rel, text);
  put(repoDir, 'refs/main', `${commit}\n`);
  return join(repoDir, 'snapshots', commit);
}

const articles = (prefix: string, n: number): string =>
  jsonl(Array.from({ length: n }, (_, i) => ({ article: `${prefix}${i}`, highlights: 'h', id: String(i) })));

cacheRepo(hub, 'abisee/cnn_dailymail', {
  '3.0.0/train-00000-of-00002.jsonl': articles('a', 2),
  '3.0.0/train-00001-of-00002.jsonl': articles('b', 2),
  '3.0.0/validation-00000-of-00001.jsonl': articles('v', 2),
  '1.0.0/train-00000-of-00001.jsonl': articles('old', 2),
});
const turns = (split: string, n: number): string =>
  jsonl(
    Array.from({ length: n }, (_, i) => ({
      messages: [
        { role: 'user', content: `${split}${i}` },
        { role: 'assistant', content: 'ok' },
      ],
    })),
  );
cacheRepo(hub, 'nvidia/Nemotron-Post-Training-Dataset-v2', {
  'data/stem-00000-of-00001.jsonl': turns('s', 5),
  'data/chat-00000-of-00001.jsonl': turns('c', 5),
  'data/math-00000-of-00001.jsonl': turns('m', 5),
  'data/code-00000-of-00001.jsonl': turns('k', 5),
});

test('cnn_dailymail resolves to abisee/cnn_dailymail 3.0.0 train shards, field "article", in file order', () => {
  const set = loadCalibData(charTokenizer(), { dataset: 'cnn_dailymail', calibSize: 3, calibSeq: 8, env });
  assert.deepEqual(
    set.samples.map((s) => Array.from(s)),
    [
      [1, ...chars('a0')],
      [1, ...chars('a1')],
      [1, ...chars('b0')],
    ],
  );
  const byRepo = planSources('abisee/cnn_dailymail', 1, { env });
  assert.equal(byRepo[0]!.files.length, 2);
});

test('a multi-split dataset gives n // k per split and the remainder to the last split (hf_ptq)', () => {
  const plans = planSources('nemotron-post-training-dataset-v2', 10, { env });
  assert.deepEqual(
    plans.map((p) => [p.name, p.calibSize]),
    [
      ['nemotron-post-training-dataset-v2[stem]', 2],
      ['nemotron-post-training-dataset-v2[chat]', 2],
      ['nemotron-post-training-dataset-v2[math]', 2],
      ['nemotron-post-training-dataset-v2[code]', 4],
    ],
  );
  assert.deepEqual([...plans[0]!.read()].slice(0, 1), ['s0\nok']);
});

test('the default combo splits its size evenly, first members taking the remainder', () => {
  const plans = planSources('default', 7, { env });
  assert.deepEqual(
    plans.map((p) => [p.name, p.calibSize]),
    [
      ['cnn_dailymail', 4],
      ['nemotron-post-training-dataset-v2[stem]', 0],
      ['nemotron-post-training-dataset-v2[chat]', 0],
      ['nemotron-post-training-dataset-v2[math]', 0],
      ['nemotron-post-training-dataset-v2[code]', 3],
    ].filter(([, n]) => n !== 0),
  );
  assert.deepEqual(
    planSources('cnn_nemotron_v2_mix', 8, { env }).map((p) => p.calibSize),
    [4, 1, 1, 1, 1],
  );
});

test('an unregistered org/name uses --text_field and its train files; HF_HOME/hub is searched too', () => {
  const home = join(scratch.dir, 'home');
  cacheRepo(join(home, 'hub'), 'someone/notes', {
    'train.jsonl': jsonl([{ body: 'n1' }]),
    'test.jsonl': jsonl([{ body: 'bad' }]),
  });
  const set = loadCalibData(charTokenizer(), {
    dataset: 'someone/notes',
    calibSize: 5,
    calibSeq: 8,
    textField: 'body',
    env: { HF_HOME: home },
  });
  assert.deepEqual(
    set.samples.map((s) => Array.from(s)),
    [[1, ...chars('n1')]],
  );
});

test('a repo without split-named files reads all its data files as train; symlinked blobs are followed', () => {
  const snap = cacheRepo(hub, 'someone/flat', {});
  put(join(scratch.dir, 'blobs'), 'abc', jsonl([{ text: 'blob' }]));
  symlinkSync(join(scratch.dir, 'blobs', 'abc'), join(snap, 'corpus.jsonl'));
  const set = loadCalibData(charTokenizer(), { dataset: 'someone/flat', calibSize: 1, calibSeq: 8, env });
  assert.deepEqual(
    set.samples.map((s) => Array.from(s)),
    [[1, ...chars('blob')]],
  );
});

test('a dataset not in the cache: the error says where to put the files', () => {
  throwsCode(
    () => planSources('cnn_dailymail', 1, { env: { HF_HUB_CACHE: join(scratch.dir, 'empty-hub') } }),
    'dataset-not-cached',
    'abisee/cnn_dailymail',
    join(scratch.dir, 'empty-hub', 'datasets--abisee--cnn_dailymail', 'snapshots', '<commit>', '3.0.0'),
  );
});

test('Parquet-only snapshots are refused with a conversion hint', () => {
  cacheRepo(hub, 'someone/parq', { 'data/train-00000-of-00001.parquet': 'PAR1' });
  throwsCode(
    () => planSources('someone/parq', 1, { env }),
    'dataset-format',
    'train-00000-of-00001.parquet',
    '.jsonl',
    'to_json',
  );
});

test('several snapshots and no refs/main is ambiguous', () => {
  const repoDir = join(hub, 'datasets--someone--twice');
  mkdirSync(join(repoDir, 'snapshots', 'a'), { recursive: true });
  mkdirSync(join(repoDir, 'snapshots', 'b'), { recursive: true });
  throwsCode(() => planSources('someone/twice', 1, { env }), 'ambiguous-snapshot', 'refs/main');
});

test('a local copy of a dataset repo: its folder name picks the registered config (hf_ptq)', () => {
  const local = join(scratch.dir, 'hf-local', 'abisee', 'cnn_dailymail');
  put(local, '3.0.0/train-00000-of-00001.jsonl', articles('L', 3));
  put(local, '3.0.0/test-00000-of-00001.jsonl', articles('T', 3));
  const set = loadCalibData(charTokenizer(), { dataset: local, calibSize: 2, calibSeq: 8 });
  assert.deepEqual(
    set.samples.map((s) => Array.from(s)),
    [
      [1, ...chars('L0')],
      [1, ...chars('L1')],
    ],
  );
  const parquet = join(scratch.dir, 'hf-local', 'pq');
  put(parquet, 'train.parquet', 'PAR1');
  throwsCode(() => planSources(parquet, 1), 'empty-dataset', 'no .txt files');
});

test('--text_field overrides a registered dataset field', () => {
  const set = loadCalibData(charTokenizer(), {
    dataset: 'cnn_dailymail',
    calibSize: 1,
    calibSeq: 8,
    textField: 'highlights',
    env,
  });
  assert.deepEqual(
    set.samples.map((s) => Array.from(s)),
    [[1, ...chars('h')]],
  );
});
