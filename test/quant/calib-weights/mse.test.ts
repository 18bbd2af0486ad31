import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MoptError } from '../../../src/errors.js';
import { fp8SweepCandidates, mseMultipliers } from '../../../src/quant/calib-weights/grid.js';
import { maxCalibrateWeight, type WeightAmax } from '../../../src/quant/calib-weights/max.js';
import { mseCalibrateWeight } from '../../../src/quant/calib-weights/mse.js';
import { fround } from '../../../src/quant/formats/float32.js';
import { nvfp4ExportScaleStatic } from '../../../src/quant/formats/nvfp4.js';
import { fakeQuant } from '../../../src/quant/quantizer/fake-quant.js';
import { FP8, INT8_PER_CHANNEL, NVFP4, NVFP4_46, NVFP4_STATIC, randomTensor } from '../quantizer/attr-cfg.js';

test('T57: default grid has 39 float32 multipliers from 0.25 to 4.0', () => {
  const m = mseMultipliers(0.25, 4.0, 0.1);
  assert.equal(m.length, 39);
  assert.equal(m[0], 0.25);
  assert.equal(m[38], 4.0);
  assert.ok(Math.abs(m[1]! - 0.3486842) < 1e-7 && Math.abs(m[2]! - 0.4473684) < 1e-7);
  assert.ok(Math.abs(m[37]! - 3.9013158) < 2.4e-7, 'within one float32 ulp of the printed value');
  for (const v of m) assert.equal(fround(v), v);
});

test('T59: four-over-six grid is [1.0, 1.5]; bad grids are MoptErrors', () => {
  assert.deepEqual([...mseMultipliers(1.0, 1.5, 0.5)], [1.0, 1.5]);
  assert.throws(
    () => mseMultipliers(1, 2, 0),
    (e: unknown) => e instanceof MoptError && /step_size > 0/.test(e.message),
  );
  assert.throws(() => mseMultipliers(2, 1, 0.1), MoptError);
});

test('T58: 126 sweep candidates v/448 from 2^-9 to 448', () => {
  const c = fp8SweepCandidates();
  assert.equal(c.length, 126);
  assert.equal(c[0], fround(0.001953125 / 448));
  assert.equal(c[0x38 - 1], fround(1 / 448));
  assert.equal(c[125], 1);
});

test('multiplier search picks the per-channel argmin of the squared error', () => {
  const w = randomTensor(8 * 64, 42);
  const init = maxCalibrateWeight(w, [8, 64], INT8_PER_CHANNEL) as WeightAmax;
  const got = mseCalibrateWeight(w, [8, 64], INT8_PER_CHANNEL, init);
  const grid = mseMultipliers(0.25, 4, 0.1);
  for (let r = 0; r < 8; r++) {
    const rowW = w.subarray(r * 64, (r + 1) * 64);
    let best = Infinity;
    let bestAmax = NaN;
    for (const m of grid) {
      const a = fround(init.amax[r]! * m);
      const y = fakeQuant(rowW, [64], { ...INT8_PER_CHANNEL, axis: null }, a);
      let loss = 0;
      for (let i = 0; i < 64; i++) loss += (rowW[i]! - y[i]!) ** 2;
      if (loss < best) [best, bestAmax] = [loss, a];
    }
    assert.equal(got.amax[r], bestAmax, `row ${r}`);
  }
  assert.deepEqual(got.shape, [8, 1]);
});

test('ties keep the first candidate: an all-zero tensor keeps 0.25 x amax... of zero', () => {
  const w = new Float32Array(16);
  const got = mseCalibrateWeight(w, [16], FP8, { amax: Float32Array.of(2), shape: [] });
  assert.equal(got.amax[0], 0.5, 'all candidates give loss 0; the first (0.25 x 2) wins');
});

test('FP8 sweep on static NVFP4: per-block scale becomes the byte of the best v; zero block takes the first v', () => {
  const w = new Float32Array(32);
  w.set([3, 1.5, -3, 0.5]);
  const init = maxCalibrateWeight(w, [1, 32], NVFP4_STATIC) as WeightAmax;
  const g = 2688;
  const got = mseCalibrateWeight(
    w,
    [1, 32],
    NVFP4_STATIC,
    { ...init, globalAmax: g },
    { fp8_scale_sweep: true },
  );
  assert.equal(got.globalAmax, g, 'global amax unchanged');
  assert.equal(
    got.amax[0],
    fround(g * fround(0.5 / 448)),
    'smallest exact scale 0.5 wins the tie with 0.75 and 1.0',
  );
  assert.equal(nvfp4ExportScaleStatic(got.amax[0]!, g), 0x30);
  assert.equal(got.amax[1], fround(g * fround(2 ** -9 / 448)));
  assert.equal(nvfp4ExportScaleStatic(got.amax[1]!, g), 0x01);
});

test('sweep leaves non-NVFP4 quantizers at their max amax; four-over-six uses its own grid', () => {
  const w = randomTensor(4 * 64, 9);
  const init = maxCalibrateWeight(w, [4, 64], INT8_PER_CHANNEL) as WeightAmax;
  assert.deepEqual(
    mseCalibrateWeight(w, [4, 64], INT8_PER_CHANNEL, init, { fp8_scale_sweep: true }).amax,
    init.amax,
  );
  const i46 = maxCalibrateWeight(w, [4, 64], NVFP4_46) as WeightAmax;
  const got = mseCalibrateWeight(w, [4, 64], NVFP4_46, i46, {
    start_multiplier: 1.0,
    stop_multiplier: 1.5,
    step_size: 0.5,
  });
  got.amax.forEach((a, k) => assert.ok(a === i46.amax[k] || a === fround(i46.amax[k]! * 1.5)));
});

test('mse refuses dynamic quantizers', () => {
  const w = new Float32Array(16);
  assert.throws(
    () => mseCalibrateWeight(w, [1, 16], NVFP4, { amax: Float32Array.of(1), shape: [] }),
    (e: unknown) => e instanceof MoptError && e.code === 'QUANT_CALIB',
  );
});
