import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32FromBits, f32Bits } from '../../../src/quant/formats/float32.js';
import { E2M1_BOUNDS, e2m1NibbleRNE, e2m1NibbleTiesDown } from '../../../src/quant/formats/fp4.js';
import { castE4M3Torch, E4M3_TABLE } from '../../../src/quant/formats/fp8.js';
import { intBounds, intCodeFromStep } from '../../../src/quant/formats/int.js';
import {
  absMaxRange,
  fp8EncodeRange,
  intEncodeRange,
  mxfp4PackRow,
  nvfp4PackRow,
} from '../../../src/quant/quantizer/pack-kernels.js';
import { randomTensor } from './attr-cfg.js';

/** Edge values: every E4M3 value, the midpoints between neighbours, one float32 ulp either side, specials. */
function edgeValues(): Float32Array {
  const out: number[] = [
    0,
    -0,
    Infinity,
    -Infinity,
    NaN,
    448,
    449,
    464,
    465,
    2 ** -10,
    2 ** -11,
    3 * 2 ** -11,
  ];
  const codes = [...E4M3_TABLE.slice(0, 0x7f)];
  const mags = [...codes];
  for (let i = 0; i + 1 < codes.length; i++) mags.push((codes[i]! + codes[i + 1]!) / 2);
  for (const b of [...E2M1_BOUNDS, 0.5, 1, 6, 6.5]) mags.push(b);
  for (let k = -130; k <= 130; k++) mags.push(k + 0.5, k);
  for (const m of mags) {
    const b = f32Bits(m);
    for (const v of [m, f32FromBits(b + 1), b > 0 ? f32FromBits(b - 1) : 0]) out.push(v, -v);
  }
  return Float32Array.from([...out, ...randomTensor(4096, 11, 300)]);
}

test('fp8EncodeRange equals castE4M3Torch on ties, ulp neighbours, subnormals and specials', () => {
  const x = edgeValues();
  for (const ws of [1, 0.5, 3, 2 ** -9, 0]) {
    const codes = new Uint8Array(x.length);
    fp8EncodeRange(x, 0, x.length, ws, codes, 0);
    for (let i = 0; i < x.length; i++)
      assert.equal(codes[i], castE4M3Torch(Math.fround(x[i]! / ws)), `x=${x[i]} ws=${ws}`);
  }
});

test('intEncodeRange equals intCodeFromStep (ties to even, clamps, NaN to 0)', () => {
  const x = edgeValues();
  for (const [bits, step] of [
    [8, 1],
    [4, 0.5],
    [8, 0.03125],
    [4, 0],
  ] as const) {
    const b = intBounds(bits, false, false);
    const out = new Int8Array(x.length);
    intEncodeRange(x, 0, x.length, step, b.minBound, b.maxBound, out, 0);
    const ref = Int8Array.from(x, (v) => intCodeFromStep(v, step, b));
    assert.deepEqual(out, ref, `bits ${bits} step ${step}`);
  }
});

test('nvfp4PackRow and mxfp4PackRow equal the scalar nibble rules, packed low-first', () => {
  const x0 = edgeValues();
  const x = x0.subarray(0, x0.length & ~1);
  for (const d of [1, 0.5, 2 ** -6]) {
    const a = new Uint8Array(x.length / 2);
    const b = new Uint8Array(x.length / 2);
    const divs = new Float64Array(x.length / 2).fill(d);
    nvfp4PackRow(x, 0, x.length, 2, divs, 0, a, 0);
    mxfp4PackRow(x, 0, x.length, 2, divs, 0, b, 0);
    for (let i = 0; i < x.length; i += 2) {
      const q = (v: number) => Math.fround(v / d);
      assert.equal(a[i / 2], e2m1NibbleRNE(q(x[i]!)) | (e2m1NibbleRNE(q(x[i + 1]!)) << 4), `nvfp4 ${x[i]}`);
      assert.equal(
        b[i / 2],
        e2m1NibbleTiesDown(q(x[i]!)) | (e2m1NibbleTiesDown(q(x[i + 1]!)) << 4),
        `mxfp4 ${x[i]}`,
      );
    }
  }
});

test('absMaxRange propagates NaN and ignores the sign of zero', () => {
  assert.equal(absMaxRange(Float32Array.of(-0, 0), 0, 2), 0);
  assert.equal(absMaxRange(Float32Array.of(1, -3, 2), 0, 3), 3);
  assert.ok(Number.isNaN(absMaxRange(Float32Array.of(1, NaN, 5), 0, 3)));
  assert.equal(absMaxRange(Float32Array.of(1, NaN, 5), 2, 3), 5);
});
