import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MoptError } from '../../../src/errors.js';
import { fround } from '../../../src/quant/formats/float32.js';
import { fp8FakeQuantWithAmax } from '../../../src/quant/formats/fp8.js';
import { fakeQuant } from '../../../src/quant/quantizer/fake-quant.js';
import {
  attrCfg,
  blocks,
  FP8,
  FP8_2D,
  FP8_PER_TOKEN,
  INT4_BLOCK,
  INT8,
  INT8_PER_CHANNEL,
  mx,
  NVFP4,
  NVFP4_STATIC,
} from './attr-cfg.js';

const f32 = (a: number[]) => Float32Array.from(a);

test('FP8 per-tensor through fakeQuant: T1-T10 with the stored amax', () => {
  const x = f32([1.0, 0.3, 500, 2 ** -10, 3 * 2 ** -10]);
  assert.deepEqual([...fakeQuant(x, [5], FP8, 448)], [1, 0.3125, 448, 0, 2 ** -8]);
  assert.deepEqual([...fakeQuant(f32([1.7, -2.5]), [2], FP8, 2)], [fround(384 * fround(1 / 224)), -2]);
  assert.deepEqual([...fakeQuant(f32([0.3]), [1], FP8, 0)], [fround(128 * fround(1 / 448))]);
});

test('KV cast T13: use_constant_amax forces amax 448 (plain saturating cast)', () => {
  const cast = attrCfg({ num_bits: [4, 3], use_constant_amax: true });
  assert.deepEqual([...fakeQuant(f32([1.0, 0.3, 1000]), [3], cast, 7)], [1.0, 0.3125, 448]);
});

test('INT8 / INT4 through fakeQuant: T14-T24', () => {
  assert.deepEqual([...fakeQuant(f32([1.4, 2.5, 3.5, -200]), [4], INT8, 127)], [1, 2, 4, -128]);
  assert.deepEqual([...fakeQuant(f32([-200]), [1], attrCfg({ narrow_range: true }), 127)], [-127]);
  assert.deepEqual([...fakeQuant(f32([300]), [1], attrCfg({ unsigned: true }), 255)], [255]);
  assert.deepEqual([...fakeQuant(f32([-7.6]), [1], attrCfg({ num_bits: 4 }), 7)], [-8]);
  assert.deepEqual([...fakeQuant(f32([0.3]), [1], INT8, 0)], [0]);
});

test('static amax missing -> computed on the fly from the tensor', () => {
  assert.deepEqual(
    [...fakeQuant(f32([1, -0.5, 0.25]), [3], INT8)],
    [...fakeQuant(f32([1, -0.5, 0.25]), [3], INT8, 1)],
  );
});

test('per-channel axis 0: each row uses its own amax (keepdims [out, 1])', () => {
  const x = f32([1, 0.5, 100, 50]);
  const y = fakeQuant(x, [2, 2], INT8_PER_CHANNEL, f32([1, 100]));
  assert.deepEqual([...y], [1, fround(64 / fround(127 / 1)), 100, fround(64 / fround(127 / 100))]);
  assert.throws(
    () => fakeQuant(x, [2, 2], INT8_PER_CHANNEL, f32([1, 2, 3])),
    (e: unknown) => e instanceof MoptError && e.code === 'QUANT_AMAX_SHAPE' && /needs 2/.test(e.message),
  );
});

test('FP8 per-token dynamic {-1: None} on [B, T, H]: one amax per (b, t), ignores the stored amax', () => {
  const x = f32([448, 1, 2, 0.5, 1, 2]);
  const y = fakeQuant(x, [1, 2, 3], FP8_PER_TOKEN, 1e9);
  assert.deepEqual([...y], [448, 1, 2, 0.5, 1, 2]);
  const per = fakeQuant(f32([3, 0.3]), [2, 1], FP8_PER_TOKEN);
  assert.deepEqual(
    [...per],
    [3, 0.3].map((v) => fp8FakeQuantWithAmax(fround(v), fround(v))),
  );
});

test('FP8 2-D 128x128 blocks: amax [R/128, 1, C/128, 1] row-major', () => {
  const x = new Float32Array(256 * 128);
  x[0] = 1;
  x[128 * 128] = 1;
  const y = fakeQuant(x, [256, 128], FP8_2D, f32([448, 2]));
  assert.equal(y[0], 1);
  assert.equal(y[128 * 128], fround(224 * fround(1 / 224)), 'second tile: amax 2 -> scale 224');
  assert.throws(() => fakeQuant(x, [256, 128], FP8_2D, f32([1, 2, 3])), MoptError);
});

test('INT4 static blocks of 128 along the last axis, last block zero-padded', () => {
  const x = new Float32Array(2 * 200);
  x[0] = 7;
  x[1] = 1.2;
  x[128] = 0.7;
  x[129] = 0.1;
  const y = fakeQuant(x, [2, 200], INT4_BLOCK);
  assert.equal(y[1], 1);
  assert.equal(y[129], fround(0.1), 'second block of row 0 (72 elements): amax 0.7, step 0.1');
  const amax = f32([7, 0.7, 0, 0]);
  assert.deepEqual([...fakeQuant(x, [2, 200], INT4_BLOCK, amax)], [...y]);
});

test('NVFP4 dynamic T35 through fakeQuant (per-tensor amax given or computed)', () => {
  const x = f32([12, -5, 0.9, 2.2, ...Array(12).fill(0)]);
  assert.deepEqual([...fakeQuant(x, [1, 16], NVFP4, 2688)].slice(0, 4), [12, -4, 1, 2]);
  // computed amax 12 -> gs = 12/2688; the block scale fp8(448) * gs = 2 (up to float32 rounding)
  const y = fakeQuant(x, [1, 16], NVFP4);
  assert.ok(Math.abs(y[0]! - 12) < 1e-5 && Math.abs(y[1]! + 4) < 1e-5);
});

test('NVFP4 static through fakeQuant: stored block amax and shared global amax', () => {
  const x = f32([12, -5, 0.9, 2.2, ...Array(12).fill(0)]);
  assert.deepEqual(
    [...fakeQuant(x, [1, 16], NVFP4_STATIC, f32([12]), { globalAmax: 2688 })].slice(0, 4),
    [12, -4, 1, 2],
  );
});

test('MX through fakeQuant (T46) ignores any amax', () => {
  const x = f32([5, -2.6, 0.3, ...Array(29).fill(0)]);
  assert.deepEqual([...fakeQuant(x, [32], mx([2, 1]), 123)].slice(0, 3), [4, -3, 0.5]);
});

test('SequentialQuantizer: FP8 of the INT4-fake-quantized weight, stage amaxes from the raw weight', () => {
  const w = new Float32Array(128);
  w[0] = 7;
  w[1] = 2.6;
  const y = fakeQuant(w, [1, 128], [INT4_BLOCK, FP8], [f32([7]), 7]);
  const int4 = fakeQuant(w, [1, 128], INT4_BLOCK, f32([7]));
  assert.deepEqual([...y], [...fakeQuant(int4, [1, 128], FP8, 7)]);
  assert.equal(y[1], 3);
});

test('disabled quantizer returns an unchanged copy', () => {
  const x = f32([0.3, -0]);
  const y = fakeQuant(x, [2], attrCfg({ enable: false, num_bits: [4, 3] }));
  assert.notEqual(y, x);
  assert.deepEqual([...y], [...x]);
});

test('all-zero tensors, negative zero, NaN and Inf', () => {
  assert.deepEqual([...fakeQuant(new Float32Array(4), [4], FP8)], [0, 0, 0, 0]);
  assert.deepEqual([...fakeQuant(new Float32Array(4), [4], INT8)], [0, 0, 0, 0]);
  assert.deepEqual([...fakeQuant(new Float32Array(32), [32], NVFP4)], Array(32).fill(0));
  assert.ok(Object.is(fakeQuant(f32([-0]), [1], FP8, 1)[0], -0));
  assert.ok(Object.is(fakeQuant(f32([-0.0001]), [1], INT8, 1)[0], -0));
  const y = fakeQuant(f32([NaN, Infinity, -Infinity, 1]), [4], FP8, 2);
  assert.ok(Number.isNaN(y[0]!));
  assert.deepEqual([...y.slice(1)], [2, -2, 1]);
  assert.ok(
    Number.isNaN(fakeQuant(f32([NaN, 1]), [2], INT8)[1]!),
    'NaN in the live amax poisons the tensor like torch.amax',
  );
});

test('bad configs and shapes are MoptErrors naming the problem', () => {
  const bad = (cfg: Parameters<typeof fakeQuant>[2], re: RegExp, shape = [4]) =>
    assert.throws(
      () => fakeQuant(new Float32Array(4), shape, cfg),
      (e: unknown) => e instanceof MoptError && re.test(e.message),
    );
  bad(attrCfg({ num_bits: [5, 2] }), /only supported inside MX blocks/);
  bad(attrCfg({ num_bits: 'nf4' }), /custom backend format/);
  bad(attrCfg({ backend: 'mybackend' }), /backend 'mybackend'/);
  bad(attrCfg({ axis: 3 }), /axis 3 is out of range/);
  bad(
    attrCfg({
      num_bits: [2, 1],
      block_sizes: blocks([
        [-1, 16],
        [-2, 16],
      ]),
    }),
    /exactly one block size/,
    [2, 2],
  );
  bad(attrCfg({ num_bits: 8, block_sizes: blocks([[0, 4]]) }), /last axis/, [4, 1]);
  bad(attrCfg({ num_bits: 8, block_sizes: blocks([[-1, 0]]) }), /positive integer/);
  bad(
    attrCfg({
      num_bits: [2, 1],
      block_sizes: blocks([
        [-1, 16],
        ['type', 'dynamic'],
        ['scale_bits', [4, 3]],
        ['four_over_six', 1],
      ]),
    }),
    /four_over_six/,
  );
  bad(
    attrCfg({
      num_bits: [2, 1],
      block_sizes: blocks([
        [-1, 16],
        ['type', 'dynamic'],
      ]),
    }),
    /scale_bits e4m3/,
    [1, 4],
  );
  bad(
    attrCfg({
      num_bits: [2, 1],
      block_sizes: blocks([
        ['type', 'dynamic'],
        ['scale_bits', [8, 0]],
      ]),
    }),
    /MX quantization needs a block size/,
    [1, 4],
  );
  assert.throws(
    () => fakeQuant(f32([1]), [1], FP8, -1),
    (e: unknown) => e instanceof MoptError && e.code === 'QUANT_AMAX_NEGATIVE',
  );
  assert.throws(
    () => fakeQuant(f32([-1]), [1], attrCfg({ unsigned: true }), 1),
    (e: unknown) => e instanceof MoptError && /unsigned quantizer got a negative input/.test(e.message),
  );
  assert.throws(
    () => fakeQuant(new Float32Array(3), [2, 2], INT8),
    (e: unknown) => e instanceof MoptError && e.code === 'QUANT_SHAPE' && /3 elements/.test(e.message),
  );
});

test('empty tensors pass through every format', () => {
  for (const cfg of [FP8, INT8, INT4_BLOCK, NVFP4, mx([2, 1]), FP8_PER_TOKEN]) {
    assert.equal(fakeQuant(new Float32Array(0), [0, 16], cfg).length, 0);
  }
});
