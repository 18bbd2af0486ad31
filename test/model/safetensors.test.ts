import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SafetensorsFile, firstDuplicateTopLevelKey } from '../../src/model/safetensors.js';
import {
  encodeHeader,
  planShards,
  readSafetensorsIndex,
  SafetensorsWriter,
  type TensorSpec,
  writeSafetensors,
  writeShardedSafetensors,
} from '../../src/model/safetensors-writer.js';
import { scratchDir } from './helpers.js';

const { dir, cleanup } = scratchDir('st');
after(cleanup);

/** Writes a file from a header (object or raw text), data bytes, and an optional lying header length. */
function rawFile(name: string, header: unknown, data = new Uint8Array(0), lenOverride?: bigint): string {
  const json =
    header instanceof Uint8Array
      ? Buffer.from(header)
      : Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lenOverride ?? BigInt(json.length));
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([len, json, data]));
  return file;
}

function expectBad(file: string, pattern: RegExp): void {
  assert.throws(
    () => SafetensorsFile.open(file),
    (err: Error & { code?: string }) => {
      assert.equal(err.name, 'MoptError');
      assert.ok(err.message.includes(file), `message names the file: ${err.message}`);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

const f32 = (...v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);

test('write then read back tensors, metadata and alignment', () => {
  const file = join(dir, 'rt.safetensors');
  const specs: TensorSpec[] = [
    { name: 'a', dtype: 'F32', shape: [2, 2] },
    { name: 'b', dtype: 'BF16', shape: [3] },
    { name: 'empty', dtype: 'F32', shape: [0, 4] },
    { name: 'c', dtype: 'U8', shape: [5] },
  ];
  writeSafetensors(file, specs, (spec) => {
    if (spec.name === 'a') return f32(1, 2, 3, 4);
    if (spec.name === 'b') return [Uint8Array.of(1, 2), Uint8Array.of(3, 4, 5, 6)]; // streamed in chunks
    if (spec.name === 'c') return Uint8Array.of(9, 8, 7, 6, 5);
    return new Uint8Array(0);
  });
  assert.ok(!existsSync(`${file}.partial`));
  const headerLen = Number(readFileSync(file).readBigUInt64LE(0));
  assert.equal(headerLen % 8, 0);
  const st = SafetensorsFile.open(file);
  assert.deepEqual(st.metadata, { format: 'pt' });
  assert.deepEqual([...st.tensors.keys()], ['a', 'b', 'empty', 'c']);
  assert.deepEqual(new Float32Array(st.readTensor('a').buffer), Float32Array.of(1, 2, 3, 4));
  assert.deepEqual([...st.readTensor('b')], [1, 2, 3, 4, 5, 6]);
  assert.equal(st.readTensor('empty').byteLength, 0);
  const reuse = new Uint8Array(64);
  const view = st.readTensor('c', reuse);
  assert.equal(view.buffer, reuse.buffer);
  assert.deepEqual([...view], [9, 8, 7, 6, 5]);
  assert.deepEqual([...st.readRange(st.info('c'), 1, 2)], [8, 7]);
  assert.throws(() => st.readTensor('nope'), { code: 'tensor-not-found' });
  assert.throws(() => st.readTensor('a', new Uint8Array(4)), { code: 'buffer-too-small' });
  st.close();
});

test('writer rejects wrong sizes, wrong order and missing tensors, leaving no file', () => {
  const file = join(dir, 'bad-write.safetensors');
  const specs: TensorSpec[] = [{ name: 'x', dtype: 'F32', shape: [2] }];
  assert.throws(() => writeSafetensors(file, specs, () => f32(1)), /needs 8 bytes, got 4/);
  assert.ok(!existsSync(file) && !existsSync(`${file}.partial`));
  const w = new SafetensorsWriter(file, specs);
  assert.throws(() => w.writeTensor('y', f32(1, 2)), { code: 'writer-order' });
  assert.throws(() => w.finish(), { code: 'writer-incomplete' });
  w.abort();
  assert.throws(() => encodeHeader([specs[0]!, specs[0]!]), { code: 'duplicate-tensor' });
});

test('reader rejects every malformed header with the file and tensor named', () => {
  const ok = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  expectBad(rawFile('len-past-end.st', ok, new Uint8Array(8), 1000n), /header length 1000 runs past the end/);
  const short = join(dir, 'tiny.st');
  writeFileSync(short, Buffer.from([1, 2, 3]));
  expectBad(short, /too short/);
  expectBad(rawFile('not-json.st', '{"x": nope}'), /not valid JSON/);
  expectBad(rawFile('not-utf8.st', Uint8Array.of(0x7b, 0xff, 0x7d)), /not valid UTF-8/);
  expectBad(rawFile('array.st', '[1,2]'), /not a JSON object/);
  expectBad(
    rawFile('past-end.st', { x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)),
    /"x".*past the end/,
  );
  expectBad(
    rawFile(
      'overlap.st',
      {
        x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        y: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      new Uint8Array(12),
    ),
    /"y".*overlaps tensor "x"/,
  );
  expectBad(
    rawFile('dtype.st', { x: { dtype: 'F4', shape: [2], data_offsets: [0, 1] } }, new Uint8Array(1)),
    /"x": unknown dtype "F4"/,
  );
  expectBad(
    rawFile('size.st', { x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
    /"x".*needs 12 bytes but data_offsets span 8/,
  );
  expectBad(
    rawFile('negdim.st', { x: { dtype: 'F32', shape: [-2], data_offsets: [0, 0] } }),
    /"x".*non-negative integer/,
  );
  expectBad(
    rawFile('fracdim.st', { x: { dtype: 'F32', shape: [1.5], data_offsets: [0, 6] } }, new Uint8Array(6)),
    /"x".*non-negative integer/,
  );
  expectBad(
    rawFile('reversed.st', { x: { dtype: 'U8', shape: [0], data_offsets: [4, 2] } }, new Uint8Array(4)),
    /"x".*end before they begin/,
  );
  expectBad(
    rawFile('offsets.st', { x: { dtype: 'U8', shape: [1], data_offsets: [0] } }, new Uint8Array(1)),
    /"x": data_offsets/,
  );
  expectBad(
    rawFile('noshape.st', { x: { dtype: 'U8', data_offsets: [0, 1] } }, new Uint8Array(1)),
    /"x": shape is not a list/,
  );
  expectBad(rawFile('entry.st', { x: 5 }), /"x": entry is not an object/);
  expectBad(
    rawFile('meta.st', { __metadata__: { format: 1 } }),
    /__metadata__ value "format" is not a string/,
  );
  const dup =
    '{"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"x":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}';
  expectBad(rawFile('dup.st', dup, new Uint8Array(2)), /"x" appears twice/);
  assert.throws(() => SafetensorsFile.open(join(dir, 'missing.st')), { code: 'file-not-found' });
});

test('gaps between tensors are accepted', () => {
  const file = rawFile(
    'gap.st',
    {
      a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] },
      b: { dtype: 'U8', shape: [2], data_offsets: [6, 8] },
    },
    Uint8Array.of(1, 2, 0, 0, 0, 0, 3, 4),
  );
  const st = SafetensorsFile.open(file);
  assert.deepEqual([...st.readTensor('b')], [3, 4]);
  st.close();
});

test('duplicate-key scan only looks at the top level and understands escapes', () => {
  assert.equal(firstDuplicateTopLevelKey('{"a":{"b":1,"b":2},"c":"a"}'), undefined);
  assert.equal(firstDuplicateTopLevelKey('{"a\\"":1,"b":[{"a\\"":2}],"a\\"":3}'), 'a"');
});

test('sharded write plans shards by size and writes an index that reads back', () => {
  const shardDir = join(dir, 'sharded');
  mkdirSync(shardDir);
  const specs: TensorSpec[] = Array.from({ length: 5 }, (_, i) => ({
    name: `t${i}`,
    dtype: 'F32',
    shape: [4],
  }));
  assert.deepEqual(
    planShards(specs, 40).map((s) => s.map((t) => t.name)),
    [['t0', 't1'], ['t2', 't3'], ['t4']],
  );
  assert.equal(planShards([{ name: 'big', dtype: 'F32', shape: [100] }], 8).length, 1);
  const written = writeShardedSafetensors(
    shardDir,
    specs,
    (spec, i) => f32(i, i, i, Number(spec.name.slice(1))),
    { maxShardBytes: 40 },
  );
  assert.deepEqual(written.files, [
    'model-00001-of-00003.safetensors',
    'model-00002-of-00003.safetensors',
    'model-00003-of-00003.safetensors',
  ]);
  assert.equal(written.indexFile, 'model.safetensors.index.json');
  const index = JSON.parse(readFileSync(join(shardDir, 'model.safetensors.index.json'), 'utf8'));
  assert.equal(index.metadata.total_size, 80);
  const map = readSafetensorsIndex(join(shardDir, 'model.safetensors.index.json'));
  assert.equal(map.get('t3'), 'model-00002-of-00003.safetensors');
  const st = SafetensorsFile.open(join(shardDir, map.get('t4')!));
  assert.deepEqual(new Float32Array(st.readTensor('t4').buffer), Float32Array.of(4, 4, 4, 4));
  st.close();
  const single = join(dir, 'single');
  mkdirSync(single);
  assert.deepEqual(writeShardedSafetensors(single, specs, () => f32(0, 0, 0, 0)).files, [
    'model.safetensors',
  ]);
  assert.deepEqual(readdirSync(single), ['model.safetensors']);
});

test('index files with bad content are rejected', () => {
  const bad = join(dir, 'bad-index.json');
  writeFileSync(bad, '{"weight_map": {"a": "../escape.safetensors"}}');
  assert.throws(() => readSafetensorsIndex(bad), /not a file name in the same folder/);
  writeFileSync(bad, '{"metadata": {}}');
  assert.throws(() => readSafetensorsIndex(bad), /no "weight_map"/);
  writeFileSync(bad, '{oops');
  assert.throws(() => readSafetensorsIndex(bad), /not valid JSON/);
  assert.throws(() => readSafetensorsIndex(join(dir, 'nope.json')), /file not found/);
});
