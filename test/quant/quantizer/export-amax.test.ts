import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MoptError } from '../../../src/errors.js';
import { F32_MAX, F32_TINY, fround } from '../../../src/quant/formats/float32.js';
import { activationScale, exportAmax } from '../../../src/quant/quantizer/export-amax.js';
import { quantSpec } from '../../../src/quant/quantizer/spec.js';
import { attrCfg, FP8, INT4_BLOCK, INT8_PER_CHANNEL, mx, NVFP4, NVFP4_STATIC } from './attr-cfg.js';

test('export_amax: zero and NaN become the max bound, the rest clamps to [tiny, max]', () => {
  const fp8 = exportAmax(Float32Array.of(0), quantSpec(FP8, [4]), [4]);
  assert.deepEqual(fp8, { data: Float32Array.of(448), shape: [1] });
  const int8 = exportAmax(Float32Array.of(NaN, 1e-45, Infinity), quantSpec(INT8_PER_CHANNEL, [3, 2]), [3, 2]);
  assert.deepEqual(int8.data, Float32Array.of(127, F32_TINY, F32_MAX));
  assert.deepEqual(int8.shape, [3], 'single-axis per-channel amax is squeezed to 1-D');
  const nv = exportAmax(Float32Array.of(0, 2), quantSpec(NVFP4_STATIC, [1, 32]), [1, 32]);
  assert.deepEqual(nv, { data: Float32Array.of(6, 2), shape: [1, 2] });
});

test('export_amax: static int4 blocks reshape to [*lead, last/bs]; dynamic NVFP4 returns the raw amax', () => {
  assert.deepEqual(
    exportAmax(new Float32Array(6).fill(1), quantSpec(INT4_BLOCK, [2, 3, 256]), [2, 3, 256]).shape,
    [2, 3, 2],
  );
  const raw = exportAmax(Float32Array.of(0), quantSpec(NVFP4, [1, 16]), [1, 16]);
  assert.deepEqual(raw.data, Float32Array.of(0));
  assert.throws(() => exportAmax(Float32Array.of(1), quantSpec(mx([2, 1]), [1, 32]), [1, 32]), MoptError);
});

test('activation scales: KV T55 (7/448), NVFP4 input T43 (10.752/2688, constant 2688 -> 1), zero -> 1', () => {
  assert.equal(activationScale(7, quantSpec(FP8, [1])), 0.015625);
  const nvIn = activationScale(fround(10.752), quantSpec(NVFP4, [1, 16]));
  assert.ok(Math.abs(nvIn - 0.004) < 1e-9);
  assert.equal(activationScale(5, quantSpec(attrCfg({ ...NVFP4, constant_amax: 2688 }), [1, 16])), 1);
  assert.equal(activationScale(0, quantSpec(FP8, [1])), 1, 'input_scale of a zero amax: 448/448');
  assert.equal(activationScale(127, quantSpec(attrCfg({ num_bits: 8 }), [1])), 1);
});
