import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeQuant } from '../../../src/quant/quantizer/fake-quant.js';
import { fakeQuantReference } from '../../../src/quant/quantizer/fake-quant-reference.js';
import { reduceAmax } from '../../../src/quant/quantizer/amax.js';
import { quantSpec } from '../../../src/quant/quantizer/spec.js';
import type { QuantizerAttributeConfig } from '../../../src/recipe/types.js';
import {
  attrCfg,
  blocks,
  FP8,
  FP8_2D,
  FP8_PER_CHANNEL,
  FP8_PER_TOKEN,
  INT4_BLOCK,
  INT8,
  INT8_PER_CHANNEL,
  mx,
  NVFP4,
  NVFP4_46,
  NVFP4_BS32,
  NVFP4_STATIC,
  randomTensor,
  rng,
  sameBits,
} from './attr-cfg.js';

const CASES: Array<[string, QuantizerAttributeConfig, number[]]> = [
  ['fp8 per-tensor', FP8, [24, 40]],
  ['fp8 per-channel', FP8_PER_CHANNEL, [24, 40]],
  ['fp8 per-token 3-D', FP8_PER_TOKEN, [3, 8, 40]],
  ['fp8 2-D blocks (padded)', FP8_2D, [200, 130]],
  ['int8 per-tensor', INT8, [24, 40]],
  ['int8 per-channel', INT8_PER_CHANNEL, [24, 40]],
  ['int8 axis (0, 2)', attrCfg({ num_bits: 8, axis: [0, 2] }), [3, 4, 5]],
  ['int8 axis -1', attrCfg({ num_bits: 8, axis: -1 }), [6, 5]],
  ['uint8 narrow', attrCfg({ num_bits: 8, unsigned: true }), [100]],
  ['int4 blocks (padded)', INT4_BLOCK, [8, 300]],
  [
    'int3 narrow blocks',
    attrCfg({ num_bits: 3, narrow_range: true, block_sizes: blocks([[-1, 16]]) }),
    [4, 64],
  ],
  ['nvfp4 dynamic', NVFP4, [16, 72]],
  ['nvfp4 bs32', NVFP4_BS32, [4, 96]],
  ['nvfp4 static', NVFP4_STATIC, [16, 64]],
  ['nvfp4 four-over-six', NVFP4_46, [8, 64]],
  ['mxfp4', mx([2, 1]), [8, 80]],
  ['mxfp6 e3m2', mx([3, 2]), [8, 64]],
  ['mxfp6 e2m3', mx([2, 3]), [8, 64]],
  ['mxfp8 e4m3', mx([4, 3]), [8, 64]],
  ['mxfp8 e5m2', mx([5, 2]), [8, 64]],
  ['mxint8', mx(8), [8, 64]],
];

for (const [name, cfg, shape] of CASES) {
  test(`fast fakeQuant equals the reference bit for bit: ${name}`, () => {
    for (const seed of [1, 2, 3]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const raw = randomTensor(n, seed * 97 + n, 2 ** (seed * 3 - 6));
      const x = cfg.unsigned ? raw.map(Math.abs) : raw; // unsigned quantizers reject negative inputs
      const spec = quantSpec(cfg, shape);
      // a perturbed calibrated amax exercises clipping as well as the live-max path
      const r = rng(seed);
      const dynNvfp4 = spec.format.kind === 'nvfp4' && spec.format.dynamic;
      const amax = reduceAmax(x, shape, dynNvfp4 ? { kind: 'tensor' } : spec.granularity).map((a) =>
        Math.fround(a * (0.5 + r())),
      );
      for (const a of [undefined, amax]) {
        const fast = fakeQuant(x, shape, cfg, a);
        const ref = fakeQuantReference(x, shape, cfg, a);
        assert.ok(sameBits(fast, ref), `${name} seed ${seed} amax ${a ? 'given' : 'live'}`);
      }
    }
  });
}
