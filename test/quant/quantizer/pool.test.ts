import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeQuant } from '../../../src/quant/quantizer/fake-quant.js';
import { closeQuantPool, fakeQuantPooled } from '../../../src/quant/quantizer/pool.js';
import type { QuantizerAttributeConfig } from '../../../src/recipe/types.js';
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
  randomTensor,
  sameBits,
} from './attr-cfg.js';

after(() => closeQuantPool());

const POOL = { threads: 2, minElements: 1000 };

const CASES: Array<[string, QuantizerAttributeConfig, number[], Float32Array | number | undefined]> = [
  ['fp8 per-tensor (live amax)', FP8, [96, 64], undefined],
  ['fp8 per-tensor (stored amax)', FP8, [96, 64], 0.5],
  ['fp8 dynamic per-tensor', attrCfg({ num_bits: [4, 3], type: 'dynamic' }), [96, 64], undefined],
  ['fp8 per-channel', FP8_PER_CHANNEL, [96, 64], undefined],
  ['fp8 per-token 3-D', FP8_PER_TOKEN, [5, 19, 64], undefined],
  ['fp8 2-D blocks', FP8_2D, [384, 256], undefined],
  ['int8 per-channel', INT8_PER_CHANNEL, [96, 64], undefined],
  ['int8 per-column (axis -1)', attrCfg({ num_bits: 8, axis: -1 }), [96, 64], undefined],
  ['int4 blocks', INT4_BLOCK, [32, 384], undefined],
  ['nvfp4 dynamic', NVFP4, [96, 64], 3],
  ['nvfp4 static', NVFP4_STATIC, [96, 64], undefined],
  ['mxfp4 3-D', mx([2, 1]), [3, 32, 64], undefined],
  ['mxfp4 1-D (stays on one thread)', mx([2, 1]), [4000], undefined],
  ['int8 1-D per-tensor', attrCfg({ num_bits: 8 }), [4000], undefined],
];

for (const [name, cfg, shape, amax] of CASES) {
  test(`pooled fake quant equals single-thread bit for bit: ${name}`, async () => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = randomTensor(n, n + 5);
    const pooled = await fakeQuantPooled(x, shape, cfg, amax, {}, POOL);
    assert.ok(sameBits(pooled, fakeQuant(x, shape, cfg, amax)));
  });
}

test('small tensors and disabled quantizers stay on the calling thread with the same result', async () => {
  const x = randomTensor(64, 3);
  assert.ok(sameBits(await fakeQuantPooled(x, [8, 8], FP8), fakeQuant(x, [8, 8], FP8)));
  assert.deepEqual(
    [...(await fakeQuantPooled(x, [8, 8], attrCfg({ enable: false }), undefined, {}, POOL))],
    [...x],
  );
});
