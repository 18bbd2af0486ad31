import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bf16Decode, numberToBf16Bits } from '../../../src/quant/formats/bf16-bits.js';
import { maxCalibrateWeight } from '../../../src/quant/calib-weights/max.js';
import { maxCalibrateWeightBf16 } from '../../../src/quant/calib-weights/max-bf16.js';
import {
  FP8,
  FP8_2D,
  FP8_PER_CHANNEL,
  FP8_PER_TOKEN,
  INT4_BLOCK,
  INT8_PER_CHANNEL,
  mx,
  NVFP4,
  NVFP4_STATIC,
  randomTensor,
} from '../quantizer/attr-cfg.js';

test('maxCalibrateWeightBf16 equals maxCalibrateWeight on the decoded weight', () => {
  const shape = [256, 256];
  const w0 = randomTensor(256 * 256, 21, 4);
  const bits = Uint16Array.from(w0, numberToBf16Bits);
  const w = bf16Decode(bits);
  for (const cfg of [
    FP8,
    FP8_PER_CHANNEL,
    FP8_2D,
    FP8_PER_TOKEN,
    INT8_PER_CHANNEL,
    INT4_BLOCK,
    NVFP4,
    NVFP4_STATIC,
    mx([2, 1]),
    [INT4_BLOCK, FP8],
  ]) {
    assert.deepEqual(maxCalibrateWeightBf16(bits, shape, cfg), maxCalibrateWeight(w, shape, cfg));
  }
  assert.equal(maxCalibrateWeightBf16(bits, shape, { ...FP8, enable: false }), null);
  assert.throws(() => maxCalibrateWeightBf16(bits, [3], FP8), /has 65536 elements/);
});
