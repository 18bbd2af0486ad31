import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bf16Decode, numberToBf16Bits } from '../../../src/quant/formats/bf16-bits.js';
import type { QuantizerAttributeConfig } from '../../../src/recipe/types.js';
import { realQuant, type RealQuantResult } from '../../../src/quant/quantizer/real-quant.js';
import {
  FP8_TABLE_MIN_ELEMENTS,
  realQuantBf16,
  realQuantFast,
} from '../../../src/quant/quantizer/real-quant-fast.js';
import { fp8ReferenceBf16 } from '../../../src/quant/quantizer/real-quant-bf16-reference.js';
import { quantSpec } from '../../../src/quant/quantizer/spec.js';
import {
  FP8,
  FP8_2D,
  FP8_PER_CHANNEL,
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
} from './attr-cfg.js';

const CONFIGS: Array<[string, QuantizerAttributeConfig]> = [
  ['fp8', FP8],
  ['fp8 per-channel', FP8_PER_CHANNEL],
  ['fp8 2-D tiles (fallback)', FP8_2D],
  ['int8', INT8],
  ['int8 per-channel', INT8_PER_CHANNEL],
  ['int4 blocks', INT4_BLOCK],
  ['nvfp4', NVFP4],
  ['nvfp4 bs32', NVFP4_BS32],
  ['nvfp4 static', NVFP4_STATIC],
  ['nvfp4 four_over_six', NVFP4_46],
  ['mxfp4', mx([2, 1])],
  ['mxfp8 (fallback)', mx([4, 3])],
];

/** bf16 bits with a spread of magnitudes, exact zeros (both signs), ties and a few huge values. */
function randomBf16(n: number, seed: number): Uint16Array {
  const w = randomTensor(n, seed);
  const r = rng(seed + 1);
  const bits = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 0.01) bits[i] = 0x8000;
    else if (u < 0.02)
      bits[i] = Math.floor(r() * 0x7f80) | (r() < 0.5 ? 0x8000 : 0); // any finite pattern
    else bits[i] = numberToBf16Bits(w[i]!);
  }
  return bits;
}

function sameResult(a: RealQuantResult, b: RealQuantResult, what: string): void {
  for (const key of ['weight', 'weight_scale', 'weight_scale_2'] as const) {
    const x = a[key];
    const y = b[key];
    assert.equal(x === undefined, y === undefined, `${what}: ${key} presence`);
    if (!x || !y) continue;
    assert.equal(x.dtype, y.dtype, `${what}: ${key} dtype`);
    assert.deepEqual(x.shape, y.shape, `${what}: ${key} shape`);
    const bx = new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength);
    const by = new Uint8Array(y.data.buffer, y.data.byteOffset, y.data.byteLength);
    assert.ok(Buffer.from(bx).equals(Buffer.from(by)), `${what}: ${key} bytes differ`);
  }
}

const SHAPES = [
  [64, 256],
  [2, 8, 128],
  [1024, 512], // at least FP8_TABLE_MIN_ELEMENTS: the bf16 FP8 table path
];

test('realQuantFast and realQuantBf16 equal realQuant byte for byte (random bf16 weights, own amax)', () => {
  let seed = 1;
  for (const shape of SHAPES) {
    const n = shape.reduce((a, b) => a * b, 1);
    const bits = randomBf16(n, seed++);
    const w = bf16Decode(bits);
    for (const [name, cfg] of CONFIGS) {
      const ref = realQuant(w, shape, cfg);
      sameResult(realQuantFast(w, shape, cfg), ref, `${name} f32 [${shape}]`);
      sameResult(realQuantBf16(bits, shape, cfg), ref, `${name} bf16 [${shape}]`);
    }
  }
});

test('fast paths equal realQuant with stored amax, shared global amax and scale2 divisor', () => {
  const shape = [32, 128];
  const bits = randomBf16(32 * 128, 77);
  const w = bf16Decode(bits);
  const r = rng(5);
  const cases: Array<[string, QuantizerAttributeConfig, Float32Array | number, object]> = [
    ['fp8 scalar amax (clips)', FP8, 0.5, {}],
    ['fp8 per-channel stored', FP8_PER_CHANNEL, Float32Array.from({ length: 32 }, () => r() * 4), {}],
    ['int8 zero amax', INT8, 0, {}],
    [
      'int4 stored blocks',
      INT4_BLOCK,
      Float32Array.from({ length: 32 }, (_, i) => (i % 7 === 0 ? 0 : r() * 8)),
      {},
    ],
    ['nvfp4 amax + W4A8 divisor', NVFP4, 3.25, { scale2Divisor: 448 }],
    [
      'nvfp4 static global',
      NVFP4_STATIC,
      Float32Array.from({ length: 256 }, () => r() * 9),
      { globalAmax: 11 },
    ],
  ];
  for (const [name, cfg, amax, opts] of cases) {
    const ref = realQuant(w, shape, cfg, amax, opts);
    sameResult(realQuantFast(w, shape, cfg, amax, opts), ref, `${name} f32`);
    sameResult(realQuantBf16(bits, shape, cfg, amax, opts), ref, `${name} bf16`);
  }
  // a per-tensor FP8 big enough for the table, with a stored amax
  assert.ok(1024 * 512 >= FP8_TABLE_MIN_ELEMENTS);
  const big = randomBf16(1024 * 512, 9);
  sameResult(
    realQuantBf16(big, [1024, 512], FP8, 0.75),
    realQuant(bf16Decode(big), [1024, 512], FP8, 0.75),
    'fp8 table, stored amax',
  );
});

test('every bf16 pattern (Inf and NaN included) gives the reference FP8, NVFP4 and MXFP4 bytes', () => {
  const bits = new Uint16Array(65536);
  for (let b = 0; b < 65536; b++) bits[b] = b;
  const w = bf16Decode(bits);
  for (const [name, cfg, amax] of [
    ['fp8', FP8, 2.5],
    ['fp8 ws 0', FP8, 0],
    ['int8', INT8, 100],
    ['nvfp4', NVFP4, 7],
    ['mxfp4', mx([2, 1]), undefined],
  ] as const) {
    const ref = realQuant(w, [256, 256], cfg, amax);
    sameResult(realQuantFast(w, [256, 256], cfg, amax), ref, `${name} f32`);
    sameResult(realQuantBf16(bits, [256, 256], cfg, amax), ref, `${name} bf16`);
  }
});

test('FP8 bf16-intermediate mode: the table equals the scalar reference and differs from f32 mode', () => {
  const bits = randomBf16(1 << 17, 3);
  const shape = [128, 1024];
  for (const amax of [undefined, 1.7, 1e-3]) {
    const spec = quantSpec(FP8, shape);
    const fast = realQuantBf16(bits, shape, FP8, amax, { fp8Divide: 'bf16-intermediate' });
    sameResult(fast, fp8ReferenceBf16(bits, shape, spec, amax, 'bf16-intermediate'), `amax ${amax}`);
  }
  const f32Mode = realQuantBf16(bits, shape, FP8, 1.7);
  const bf16Mode = realQuantBf16(bits, shape, FP8, 1.7, { fp8Divide: 'bf16-intermediate' });
  assert.notDeepEqual(f32Mode.weight.data, bf16Mode.weight.data);
  // per-channel in bf16-intermediate mode takes the scalar reference
  const small = randomBf16(16 * 64, 4);
  const pc = realQuantBf16(small, [16, 64], FP8_PER_CHANNEL, undefined, { fp8Divide: 'bf16-intermediate' });
  sameResult(
    pc,
    fp8ReferenceBf16(small, [16, 64], quantSpec(FP8_PER_CHANNEL, [16, 64]), undefined, 'bf16-intermediate'),
    'per-channel',
  );
});

test("the fast paths raise realQuant's own errors on bad layouts", () => {
  const w = new Float32Array(3 * 24);
  const bits = new Uint16Array(3 * 24);
  assert.throws(() => realQuantFast(w, [3, 24], NVFP4), /multiple of the block size 16/);
  assert.throws(() => realQuantBf16(bits, [3, 24], NVFP4), /multiple of the block size 16/);
  assert.throws(() => realQuantFast(w, [3, 24], INT4_BLOCK), /even second-to-last dimension/);
  assert.throws(
    () => realQuantBf16(bits, [3, 24], FP8_PER_CHANNEL, new Float32Array(2)),
    /amax has 2 values/,
  );
  assert.throws(() => realQuantBf16(bits, [3, 25], FP8), /has 72 elements but shape \[3, 25\]/);
});

test('NVFP4 from bf16 with 65536+ blocks (scale bytes by table) equals realQuant, Inf/NaN blocks included', () => {
  const shape = [1024, 1024];
  const bits = randomBf16(1024 * 1024, 31);
  const withSpecials = bits.slice();
  withSpecials[100] = 0x7f80; // +Inf in block 6
  withSpecials[5000] = 0xffc0; // NaN in another block
  for (const b of [bits, withSpecials]) {
    const w = bf16Decode(b);
    for (const [name, cfg, amax, opts] of [
      ['dynamic', NVFP4, undefined, {}],
      ['dynamic W4A8', NVFP4, undefined, { scale2Divisor: 448 }],
      ['static', NVFP4_STATIC, undefined, {}],
      ['static four_over_six', NVFP4_46, undefined, { globalAmax: 3 }],
    ] as const) {
      sameResult(
        realQuantBf16(b, shape, cfg, amax, opts),
        realQuant(w, shape, cfg, amax, opts),
        `${name} (${b === bits ? 'finite' : 'Inf/NaN'})`,
      );
    }
  }
});

test('FP8 and INT8 rows whose length is no multiple of 16 (SIMD body, scalar tail) equal realQuant', () => {
  let seed = 70;
  for (const shape of [
    [6, 37],
    [4, 3, 50],
    [3, 15],
  ]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const bits = randomBf16(n, seed++);
    const w = bf16Decode(bits);
    for (const [name, cfg] of CONFIGS.filter(([label]) => /^(fp8|int8)/.test(label))) {
      const ref = realQuant(w, shape, cfg);
      sameResult(realQuantBf16(bits, shape, cfg), ref, `${name} bf16 [${shape}]`);
    }
  }
});
