/**
 * How mopt lays out exported files like ModelOpt + safetensors + Python's json: tensor order inside a
 * file and across shards (tensors are produced in state-dict order and land at their offsets),
 * Python-style JSON text, and the bf16 double rounding of FP8 per-tensor weights.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fp8PerTensorCodes } from '../../src/export/fp8-cast.js';
import { MoptError } from '../../src/errors.js';
import { pyJsonDumps } from '../../src/export/py-json.js';
import { safetensorsOrder, writeExportShards } from '../../src/export/safetensors-order.js';
import type { TensorSpec } from '../../src/model/safetensors-writer.js';
import { castE4M3Torch } from '../../src/quant/formats/fp8.js';
import { readJson, scratch } from './helpers.js';

let work: { dir: string; cleanup: () => void };
before(() => {
  work = scratch('layout');
});
after(() => work.cleanup());

const spec = (name: string, dtype: TensorSpec['dtype'], shape: number[] = [2]): TensorSpec => ({
  name,
  dtype,
  shape,
});

function header(file: string): { n: number; h: Record<string, { data_offsets: [number, number] }> } {
  const b = readFileSync(file);
  const n = Number(b.readBigUInt64LE(0));
  return {
    n,
    h: JSON.parse(b.subarray(8, 8 + n).toString('utf8')) as Record<
      string,
      { data_offsets: [number, number] }
    >,
  };
}
const headerNames = (file: string): string[] => Object.keys(header(file).h).slice(1);
function tensorBytes(file: string, name: string): Uint8Array {
  const { n, h } = header(file);
  const [a, b] = h[name]!.data_offsets;
  return new Uint8Array(readFileSync(file).subarray(8 + n + a, 8 + n + b));
}

describe('safetensors tensor order', () => {
  it('sorts by the safetensors dtype enum (highest first), then by name bytes', () => {
    const specs = [
      spec('b.weight', 'U8'),
      spec('a.weight', 'F8_E4M3'),
      spec('z.scale', 'F32'),
      spec('a.scale', 'F32'),
      spec('norm', 'BF16'),
      spec('half', 'F16'),
      spec('q', 'I8'),
      spec('B.upper', 'U8'),
    ];
    assert.deepEqual(
      safetensorsOrder(specs).map((s) => s.name),
      ['a.scale', 'z.scale', 'norm', 'half', 'a.weight', 'q', 'B.upper', 'b.weight'],
    );
  });

  it('fills shards in the given order, writes each tensor at its sorted offset and a sorted weight map', () => {
    const dir = join(work.dir, 'shards');
    mkdirSync(dir);
    const specs = [
      spec('m.b', 'U8', [8]),
      spec('m.a', 'F32', [2]),
      spec('n.b', 'U8', [8]),
      spec('n.a', 'F32', [2]),
    ];
    const bytesOf = (name: string): Uint8Array =>
      new Uint8Array(8).fill(name.charCodeAt(0) + name.charCodeAt(2));
    const asked: string[] = [];
    const written = writeExportShards(
      dir,
      specs,
      (s) => {
        asked.push(s.name);
        return bytesOf(s.name);
      },
      16,
    );
    assert.deepEqual(written.files, ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    assert.deepEqual(asked, ['m.b', 'm.a', 'n.b', 'n.a']);
    assert.deepEqual(headerNames(join(dir, written.files[0]!)), ['m.a', 'm.b']);
    for (const [i, file] of written.files.entries()) {
      for (const s of specs.slice(2 * i, 2 * i + 2))
        assert.deepEqual(tensorBytes(join(dir, file), s.name), bytesOf(s.name), s.name);
    }
    const index = readJson(join(dir, written.indexFile!)) as { weight_map: Record<string, string> };
    assert.deepEqual(Object.keys(index.weight_map), ['m.a', 'm.b', 'n.a', 'n.b']);
  });

  it('refuses a produced tensor of the wrong size and leaves no partial file', () => {
    const dir = join(work.dir, 'short');
    mkdirSync(dir);
    assert.throws(
      () => writeExportShards(dir, [spec('a', 'F32', [2])], () => new Uint8Array(4), 100),
      (e: unknown) => e instanceof MoptError && /"a" \(F32 \[2\]\) needs 8 bytes, got 4/.test(e.message),
    );
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('Python json.dump(indent=4) text', () => {
  it('writes floats in repr form, escapes non-ASCII and keeps empty containers inline', () => {
    assert.equal(pyJsonDumps(1e-6), '1e-06');
    assert.equal(pyJsonDumps(1.5e-5), '1.5e-05');
    assert.equal(pyJsonDumps(0.0001), '0.0001');
    assert.equal(pyJsonDumps(1e16), '1e+16');
    assert.equal(pyJsonDumps(1e-7), '1e-07');
    assert.equal(pyJsonDumps(1000000), '1000000');
    assert.equal(pyJsonDumps('é\u007f'), '"\\u00e9\u007f"');
    assert.equal(
      pyJsonDumps({ a: [], b: {}, c: [1, null] }),
      '{\n    "a": [],\n    "b": {},\n    "c": [\n        1,\n        null\n    ]\n}',
    );
  });
});

describe('FP8 per-tensor bytes of a bf16 weight', () => {
  // 1 / ws = 1.0655 lies above the E4M3 midpoint 1.0625, but bf16 rounds it onto the midpoint (ties to even: 1.0)
  const ws = Math.fround(1 / 1.0655);
  it('rounds the quotient to bf16 before the E4M3 cast (per element and through the 16-bit table)', () => {
    assert.equal(castE4M3Torch(Math.fround(1 / ws)), 0x39);
    assert.deepEqual(
      [...fp8PerTensorCodes(Float32Array.of(1, -1), ws, 'BF16', new Uint8Array(2))],
      [0x38, 0xb8],
    );
    const big = fp8PerTensorCodes(new Float32Array(70000).fill(1), ws, 'BF16', new Uint8Array(70000));
    assert.ok(big.every((c) => c === 0x38));
  });
  it('rounds through fp16 for an fp16 model (1.0655 is kept: fp16 has 10 mantissa bits)', () => {
    assert.deepEqual([...fp8PerTensorCodes(Float32Array.of(1), ws, 'F16', new Uint8Array(1))], [0x39]);
  });
});
