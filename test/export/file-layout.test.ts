/**
 * How mopt lays out exported files like ModelOpt + safetensors + Python's json: tensor order inside a
 * file and across shards, Python-style JSON text, the bf16 double rounding of FP8 per-tensor
 * weights, and that recomputing dropped outputs (a tiny keep budget) changes no byte.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fp8PerTensorCodes } from '../../src/export/fp8-cast.js';
import { exportCheckpoint, loadQuantizeInput } from '../../src/export/index.js';
import { pyJsonDumps } from '../../src/export/py-json.js';
import { safetensorsOrder, writeExportShards } from '../../src/export/safetensors-order.js';
import type { TensorSpec } from '../../src/model/safetensors-writer.js';
import { synthCheckpoint } from '../../src/model/synth.js';
import { castE4M3Torch } from '../../src/quant/formats/fp8.js';
import { hashDir, readJson, scratch } from './helpers.js';

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

function headerNames(file: string): string[] {
  const b = readFileSync(file);
  const n = Number(b.readBigUInt64LE(0));
  return Object.keys(JSON.parse(b.subarray(8, 8 + n).toString('utf8')) as object).slice(1);
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

  it('fills shards in the given order, sorts inside each shard and writes a sorted weight map', () => {
    const dir = join(work.dir, 'shards');
    mkdirSync(dir);
    const specs = [
      spec('m.b', 'U8', [8]),
      spec('m.a', 'F32', [2]),
      spec('n.b', 'U8', [8]),
      spec('n.a', 'F32', [2]),
    ];
    const asked: string[] = [];
    const written = writeExportShards(
      dir,
      specs,
      (s) => {
        asked.push(s.name);
        return new Uint8Array(8);
      },
      16,
    );
    assert.deepEqual(written.files, ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    assert.deepEqual(headerNames(join(dir, written.files[0]!)), ['m.a', 'm.b']);
    assert.deepEqual(asked, ['m.a', 'm.b', 'n.a', 'n.b']);
    const index = readJson(join(dir, written.indexFile!)) as { weight_map: Record<string, string> };
    assert.deepEqual(Object.keys(index.weight_map), ['m.a', 'm.b', 'n.a', 'n.b']);
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

describe('outputs dropped from the keep budget are recomputed', () => {
  it('gives the same files with a zero budget as with the default one', () => {
    const model = join(work.dir, 'qwen3');
    synthCheckpoint({ arch: 'qwen3', preset: 'tiny', outDir: model, seed: 3 });
    for (const recipe of [
      'general/ptq/nvfp4_weight_only-kv_fp8_cast',
      'configs/ptq/presets/model/fp8_2d_blockwise_weight_only',
    ]) {
      const quantize = loadQuantizeInput(recipe).quantize;
      const a = join(work.dir, `a-${readdirSync(work.dir).length}`);
      const b = join(work.dir, `b-${readdirSync(work.dir).length}`);
      exportCheckpoint({ modelDir: model, quantize, exportPath: a });
      exportCheckpoint({ modelDir: model, quantize, exportPath: b, pendingBudgetBytes: 0 });
      assert.equal(hashDir(a), hashDir(b), recipe);
    }
  });
});
