import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MoptError } from '../../../src/errors.js';
import {
  maxCalibrateWeight,
  shareNvfp4GlobalAmax,
  type WeightAmax,
} from '../../../src/quant/calib-weights/max.js';
import {
  attrCfg,
  FP8,
  FP8_2D,
  FP8_PER_CHANNEL,
  FP8_PER_TOKEN,
  INT4_BLOCK,
  INT8_PER_CHANNEL,
  mx,
  NVFP4,
  NVFP4_STATIC,
} from '../quantizer/attr-cfg.js';

const W = Float32Array.from([1, -3, 0.5, 2, -0.25, 0, 7, -8]);

test('max calibration: per-tensor scalar, per-channel keepdims [out, 1]', () => {
  assert.deepEqual(maxCalibrateWeight(W, [2, 4], FP8), { amax: Float32Array.of(8), shape: [] });
  assert.deepEqual(maxCalibrateWeight(W, [2, 4], FP8_PER_CHANNEL), {
    amax: Float32Array.of(3, 8),
    shape: [2, 1],
  });
  assert.deepEqual(maxCalibrateWeight(W, [2, 4], INT8_PER_CHANNEL), {
    amax: Float32Array.of(3, 8),
    shape: [2, 1],
  });
});

test('max calibration: static blocks [num_blocks, 1], 2-D tiles [R/128, 1, C/128, 1]', () => {
  const w = new Float32Array(2 * 256);
  w[1] = -5;
  w[200] = 2;
  w[300] = 9;
  assert.deepEqual(maxCalibrateWeight(w, [2, 256], INT4_BLOCK), {
    amax: Float32Array.of(5, 2, 9, 0),
    shape: [4, 1],
  });
  const t = new Float32Array(256 * 128);
  t[128 * 128 + 5] = -4;
  assert.deepEqual(maxCalibrateWeight(t, [256, 128], FP8_2D), {
    amax: Float32Array.of(0, 4),
    shape: [2, 1, 1, 1],
  });
});

test('max calibration: NVFP4 dynamic keeps a per-tensor amax; static keeps block amaxes and their max', () => {
  const w = new Float32Array(32);
  w[3] = -6;
  w[20] = 1.5;
  assert.deepEqual(maxCalibrateWeight(w, [1, 32], NVFP4), { amax: Float32Array.of(6), shape: [] });
  assert.deepEqual(maxCalibrateWeight(w, [1, 32], NVFP4_STATIC), {
    amax: Float32Array.of(6, 1.5),
    shape: [2, 1],
    globalAmax: 6,
  });
});

test('max calibration stores nothing for MX, dynamic per-token, constant-amax or disabled quantizers', () => {
  assert.equal(maxCalibrateWeight(W, [2, 4], mx([2, 1]) && attrCfg({ ...mx([2, 1]) })), null);
  assert.equal(maxCalibrateWeight(W, [2, 4], FP8_PER_TOKEN), null);
  assert.equal(maxCalibrateWeight(W, [2, 4], attrCfg({ num_bits: [4, 3], use_constant_amax: true })), null);
  assert.equal(maxCalibrateWeight(W, [2, 4], attrCfg({ enable: false })), null);
});

test('sequential weights: every stage is calibrated on the raw weight', () => {
  const w = new Float32Array(2 * 128);
  w[0] = 7.3;
  w[200] = -1;
  const r = maxCalibrateWeight(w, [2, 128], [INT4_BLOCK, FP8]) as WeightAmax[];
  assert.deepEqual(r[0]!.amax, Float32Array.of(7.3, 1));
  assert.deepEqual(r[1]!.amax, Float32Array.of(7.3));
});

test('NVFP4 shared global amax over a q/k/v group', () => {
  const q = { amax: Float32Array.of(1, 2), shape: [2, 1], globalAmax: 2 };
  const k = { amax: Float32Array.of(5), shape: [1, 1], globalAmax: 5 };
  assert.equal(shareNvfp4GlobalAmax([q, k]), 5);
  assert.equal(q.globalAmax, 5);
  assert.throws(() => shareNvfp4GlobalAmax([]), MoptError);
});

test('shape mismatch is a MoptError naming the weight', () => {
  assert.throws(
    () => maxCalibrateWeight(W, [3, 3], FP8),
    (e: unknown) => e instanceof MoptError && /weight has 8 elements/.test(e.message),
  );
});
