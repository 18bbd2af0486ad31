import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { numberToBf16Bits } from '../../../src/quant/formats/bf16-bits.js';
import { closeQuantPool } from '../../../src/quant/quantizer/pool.js';
import { realQuantBf16 } from '../../../src/quant/quantizer/real-quant-fast.js';
import { realQuantBf16Pooled } from '../../../src/quant/quantizer/real-quant-pool.js';
import type { RealQuantResult } from '../../../src/quant/quantizer/real-quant.js';
import type { QuantizerAttributeConfig } from '../../../src/recipe/types.js';
import {
  attrCfg,
  FP8,
  FP8_PER_CHANNEL,
  INT4_BLOCK,
  INT8_PER_CHANNEL,
  mx,
  NVFP4,
  NVFP4_STATIC,
  randomTensor,
} from './attr-cfg.js';

after(() => closeQuantPool());

const POOL = { threads: 2, minElements: 1000 };

function bf16(n: number, seed: number): Uint16Array {
  return Uint16Array.from(randomTensor(n, seed), numberToBf16Bits);
}

function assertSame(a: RealQuantResult, b: RealQuantResult, what: string): void {
  assert.deepEqual(a.weight, b.weight, `${what}: weight`);
  assert.deepEqual(a.weight_scale, b.weight_scale, `${what}: weight_scale`);
  assert.deepEqual(a.weight_scale_2, b.weight_scale_2, `${what}: weight_scale_2`);
}

const CASES: Array<[string, QuantizerAttributeConfig, number[], Float32Array | number | undefined, object]> =
  [
    ['fp8 per-tensor (table)', FP8, [512, 256], undefined, {}],
    ['fp8 per-tensor stored amax', FP8, [96, 64], 0.5, {}],
    ['fp8 bf16-intermediate', FP8, [512, 256], undefined, { fp8Divide: 'bf16-intermediate' }],
    ['fp8 dynamic (one thread)', attrCfg({ num_bits: [4, 3], type: 'dynamic' }), [96, 64], undefined, {}],
    ['fp8 per-channel', FP8_PER_CHANNEL, [97, 64], undefined, {}],
    ['int8 per-channel 3-D', INT8_PER_CHANNEL, [5, 12, 64], undefined, {}],
    ['int4 blocks (row pairs)', INT4_BLOCK, [34, 256], undefined, {}],
    ['nvfp4 dynamic', NVFP4, [96, 64], undefined, {}],
    ['nvfp4 dynamic W4A8 divisor', NVFP4, [96, 64], 3, { scale2Divisor: 448 }],
    ['nvfp4 static', NVFP4_STATIC, [96, 64], undefined, {}],
    ['nvfp4 static shared global', NVFP4_STATIC, [96, 64], undefined, { globalAmax: 9 }],
    ['mxfp4 3-D', mx([2, 1]), [3, 32, 64], undefined, {}],
  ];

test('realQuantBf16Pooled equals realQuantBf16 on every fast layout', async () => {
  let seed = 40;
  for (const [name, cfg, shape, amax, opts] of CASES) {
    const bits = bf16(
      shape.reduce((a, b) => a * b, 1),
      seed++,
    );
    const ref = realQuantBf16(bits, shape, cfg, amax, opts);
    assertSame(await realQuantBf16Pooled(bits, shape, cfg, amax, opts, POOL), ref, name);
    const sab = new Uint16Array(new SharedArrayBuffer(bits.byteLength));
    sab.set(bits);
    assertSame(await realQuantBf16Pooled(sab, shape, cfg, amax, opts, POOL), ref, `${name} (shared)`);
  }
});

test("realQuantBf16Pooled reports bad layouts with realQuant's errors", async () => {
  const bad = (re: RegExp) => (e: unknown) =>
    re.test((e as Error).message) && (e as { exitCode?: number }).exitCode === 2;
  await assert.rejects(
    realQuantBf16Pooled(new Uint16Array(3 * 24), [3, 24], NVFP4, undefined, {}, POOL),
    bad(/multiple of the block size 16/),
  );
  await assert.rejects(
    realQuantBf16Pooled(new Uint16Array(33 * 64), [33, 64], INT4_BLOCK, undefined, {}, POOL),
    bad(/even second-to-last/),
  );
});

test('per-tensor FP8 of shared bits is split into ranges of any length, into the weightOut buffer', async () => {
  let seed = 90;
  for (const shape of [
    [7, 1001],
    [3, 5, 333],
    [1025, 1],
  ]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const bits = new Uint16Array(new SharedArrayBuffer(n * 2));
    bits.set(bf16(n, seed++));
    for (const opts of [{ fp8Divide: 'bf16-intermediate' as const }, {}]) {
      const ref = realQuantBf16(bits, shape, FP8, undefined, opts);
      for (const threads of [2, 3]) {
        const weightOut = new Uint8Array(new SharedArrayBuffer(n)).fill(0xee);
        const pool = { threads, minElements: 1000 };
        const out = await realQuantBf16Pooled(bits, shape, FP8, undefined, { ...opts, weightOut }, pool);
        assertSame(out, ref, `${shape} ${JSON.stringify(opts)} threads ${threads}`);
        assert.equal(out.weight.data.buffer, weightOut.buffer, 'codes land in the given buffer');
        const plainOut = new Uint8Array(n);
        const plain = await realQuantBf16Pooled(
          bits,
          shape,
          FP8,
          undefined,
          { ...opts, weightOut: plainOut },
          pool,
        );
        assertSame(plain, ref, `${shape} unshared weightOut`);
      }
    }
  }
});

test('slices written by the workers straight into a shared weightOut give realQuantBf16 bytes', async () => {
  let seed = 120;
  for (const [name, cfg, shape, amax, opts] of CASES) {
    const n = shape.reduce((a, b) => a * b, 1);
    const bits = new Uint16Array(new SharedArrayBuffer(n * 2));
    bits.set(bf16(n, seed++));
    const ref = realQuantBf16(bits, shape, cfg, amax, opts);
    const weightOut = new Uint8Array(new SharedArrayBuffer(ref.weight.data.byteLength)).fill(0xee);
    const out = await realQuantBf16Pooled(bits, shape, cfg, amax, { ...opts, weightOut }, POOL);
    assertSame(out, ref, `${name} (shared weightOut)`);
    assert.equal(out.weight.data.buffer, weightOut.buffer, `${name}: written in place`);
  }
});
