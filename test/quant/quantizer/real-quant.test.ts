import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MoptError } from '../../../src/errors.js';
import { fround } from '../../../src/quant/formats/float32.js';
import { decodeE4M3 } from '../../../src/quant/formats/fp8.js';
import { realQuant } from '../../../src/quant/quantizer/real-quant.js';
import {
  attrCfg,
  FP8,
  FP8_2D,
  FP8_PER_CHANNEL,
  INT4_BLOCK,
  INT8_PER_CHANNEL,
  mx,
  NVFP4,
  NVFP4_46,
  NVFP4_BS32,
  NVFP4_STATIC,
} from './attr-cfg.js';

const f32 = (a: number[]) => Float32Array.from(a);
const row = (head: number[], n: number) => f32([...head, ...Array(n - head.length).fill(0)]);

test('NVFP4 export T40: weight_scale_2 1.0, weight_scale 0x40, packed bytes', () => {
  const r = realQuant(row([12, -5, 0.9, 2.2], 16), [1, 16], NVFP4, 2688);
  assert.deepEqual(r.weight_scale_2, { dtype: 'F32', shape: [], data: f32([1]) });
  assert.deepEqual(r.weight_scale, { dtype: 'F8_E4M3', shape: [1, 1], data: Uint8Array.of(0x40) });
  assert.deepEqual(r.weight, {
    dtype: 'U8',
    shape: [1, 8],
    data: Uint8Array.of(0xc7, 0x21, 0, 0, 0, 0, 0, 0),
  });
});

test('W4A8_NVFP4_FP8 export T44: weight_scale_2 = w_amax/448, block scale 72 (group 32)', () => {
  const r = realQuant(row([4.48], 32), [1, 32], NVFP4_BS32, fround(4.48), { scale2Divisor: 448 });
  assert.ok(Math.abs((r.weight_scale_2!.data[0] as number) - 0.01) < 1e-9);
  assert.equal(decodeE4M3(r.weight_scale.data[0]!), 72);
  assert.deepEqual(r.weight_scale.shape, [1, 1]);
});

test('NVFP4 static export: stored block amax, global amax = max, 3-D leading dims kept', () => {
  const w = new Float32Array(2 * 2 * 16);
  w[0] = 12;
  w[16] = 6;
  const amax = f32([12, 6, 0, 0]);
  const r = realQuant(w, [2, 2, 16], NVFP4_STATIC, amax);
  assert.deepEqual(r.weight_scale_2!.data, f32([fround(12 / 2688)]));
  assert.deepEqual(r.weight_scale.shape, [2, 2, 1]);
  assert.deepEqual(r.weight.shape, [2, 2, 8]);
  // amax/6 * 448 / (g/6): 12 -> 448, 6 -> 224, zero amax -> 1.0 -> 224
  assert.deepEqual([...r.weight_scale.data].map(decodeE4M3), [448, 224, 224, 224]);
  assert.equal(r.weight.data[0], 0x7);
  const fos = realQuant(w, [2, 2, 16], NVFP4_46, amax);
  assert.deepEqual(fos.weight_scale_2!.data, f32([fround(12 / 1536)]));
  assert.equal(decodeE4M3(fos.weight_scale.data[0]!), 256);
});

test('FP8 per-tensor export: weight_scale = amax/448 (0-d), codes = fp8(W / ws); zero amax gives scale 0', () => {
  const r = realQuant(f32([1, -2, 0.3, 448]), [2, 2], FP8, 448);
  assert.deepEqual(r.weight_scale, { dtype: 'F32', shape: [], data: f32([1]) });
  assert.deepEqual([...r.weight.data], [0x38, 0xc0, 0x2a, 0x7e]);
  assert.equal(r.weight.dtype, 'F8_E4M3');
  const z = realQuant(new Float32Array(4), [2, 2], FP8, 0);
  assert.equal(z.weight_scale.data[0], 0);
});

test('FP8 per-channel and 2-D block export scale shapes', () => {
  const pc = realQuant(f32([1, 2, 3, 4]), [2, 2], FP8_PER_CHANNEL, f32([2, 4]));
  assert.deepEqual(pc.weight_scale.shape, [2]);
  assert.deepEqual(pc.weight_scale.data, f32([fround(2 / 448), fround(4 / 448)]));
  const w = new Float32Array(256 * 256);
  const bl = realQuant(w, [256, 256], FP8_2D, f32([1, 2, 3, 4]));
  assert.deepEqual(bl.weight_scale.shape, [2, 1, 2, 1]);
  assert.equal(bl.weight_scale.data[3], fround(4 / 448));
});

test('INT8 per-channel export (W8A16 / SmoothQuant): I8 codes and F32 [out] scales', () => {
  const r = realQuant(f32([1.27, -2.54, 100, -200]), [2, 2], INT8_PER_CHANNEL, f32([1.27, 127]));
  assert.deepEqual(r.weight.dtype, 'I8');
  assert.deepEqual([...r.weight.data], [127, -128, 100, -128]);
  assert.deepEqual(r.weight_scale.shape, [2]);
  assert.deepEqual(r.weight_scale.data, f32([fround(fround(1.27) / 127), 1]));
});

test('INT4 AWQ export: block-128 scales [out, in/128] = amax/7, rows packed in pairs (even row low nibble)', () => {
  const w = new Float32Array(2 * 128);
  w.set([1, -8, 7]);
  w.set([-1, 3, -8], 128);
  const r = realQuant(w, [2, 128], INT4_BLOCK, f32([7, 7]));
  assert.deepEqual(r.weight_scale, { dtype: 'F32', shape: [2, 1], data: f32([1, 1]) });
  assert.deepEqual(r.weight.shape, [1, 128]);
  assert.deepEqual([...r.weight.data.slice(0, 4)], [0xf1, 0x38, 0x87, 0x00]);
  assert.throws(
    () => realQuant(new Float32Array(128), [1, 128], INT4_BLOCK),
    (e: unknown) => e instanceof MoptError && /even second-to-last/.test(e.message),
  );
});

test('INT4 export: a zero block amax exports as maxbound (scale 1), not a division by zero', () => {
  const r = realQuant(new Float32Array(256), [2, 128], INT4_BLOCK, f32([0, 0]));
  assert.deepEqual(r.weight_scale.data, f32([1, 1]));
  assert.deepEqual(
    [...r.weight.data].every((b) => b === 0),
    true,
  );
});

test('W4A8 AWQ: sequential [int4, fp8] adds weight_scale_2 = fp8-stage amax / 448', () => {
  const w = new Float32Array(2 * 128);
  w[0] = 7;
  const r = realQuant(w, [2, 128], [INT4_BLOCK, FP8], [f32([7, 7]), 7]);
  assert.deepEqual(r.weight_scale_2, { dtype: 'F32', shape: [], data: f32([fround(7 / 448)]) });
  assert.equal(r.weight.data[0], 0x07);
  assert.throws(() => realQuant(w, [2, 128], [INT4_BLOCK, FP8_PER_CHANNEL]), /FP8 per-tensor/);
});

test('MXFP4 / MXFP8 export: packed codes and E8M0 scales [out, in/32]', () => {
  const w = row([6, 0.75, -0.75, 0, 2.5, -5, 1.3], 64);
  const r4 = realQuant(w, [2, 32], mx([2, 1]));
  assert.deepEqual(r4.weight_scale, { dtype: 'U8', shape: [2, 1], data: Uint8Array.of(127, 0) });
  assert.deepEqual([...r4.weight.data.slice(0, 4)], [0x17, 0x89, 0xe4, 0x83]);
  assert.deepEqual(r4.weight.shape, [2, 16]);
  assert.equal(r4.weight.data[16], 0x88, 'all-zero row: zeros carry the sign bit');
  const r8 = realQuant(row([1.0, 0.3, -0.01], 32), [1, 32], mx([4, 3]));
  assert.deepEqual([...r8.weight_scale.data], [119]);
  assert.deepEqual([...r8.weight.data.slice(0, 3)].map(decodeE4M3), [256, 80, -2.5]);
  assert.throws(() => realQuant(w, [2, 32], mx([3, 2])), /no export layout/);
});

test('export errors: disabled quantizer, bad last dimension', () => {
  assert.throws(
    () => realQuant(new Float32Array(4), [2, 2], attrCfg({ enable: false })),
    (e: unknown) => e instanceof MoptError && e.code === 'QUANT_EXPORT',
  );
  assert.throws(() => realQuant(new Float32Array(24), [1, 24], NVFP4), /multiple of the block size 16/);
  assert.throws(() => realQuant(new Float32Array(48), [1, 48], mx([2, 1])), /multiple of 32/);
});
