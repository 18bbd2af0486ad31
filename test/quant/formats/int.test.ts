import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MoptError } from '../../../src/errors.js';
import { ceilLog2, floorLog2, fround, rint } from '../../../src/quant/formats/float32.js';
import { intBounds, intCodeFromStep, intFakeQuantValue, intScale } from '../../../src/quant/formats/int.js';

function fq(x: number, amax: number, bits = 8, unsigned = false, narrow = false): number {
  const b = intBounds(bits, unsigned, narrow);
  return intFakeQuantValue(fround(x), intScale(fround(amax), b.maxBound), b);
}

test('rint rounds half to even and keeps the sign of zero', () => {
  assert.deepEqual(
    [0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 1.4, -1.6].map(rint),
    [0, 2, 2, 4, -0, -2, -2, 1, -2],
  );
  assert.ok(Object.is(rint(-0.3), -0));
  assert.ok(Object.is(rint(-0), -0));
  assert.ok(Object.is(rint(0.3), 0));
  assert.ok(Number.isNaN(rint(NaN)));
  assert.equal(rint(Infinity), Infinity);
  assert.equal(rint(-Infinity), -Infinity);
  assert.equal(rint(2 ** 52 + 1), 2 ** 52 + 1);
});

test('exact log2 helpers', () => {
  assert.equal(floorLog2(1), 0);
  assert.equal(floorLog2(0.75), -1);
  assert.equal(floorLog2(2 ** -1074), -1074);
  assert.equal(ceilLog2(1 / 448), -8);
  assert.equal(ceilLog2(0.125), -3);
  assert.equal(ceilLog2(fround(1 + 2 ** -23)), 1);
});

test('integer bounds: int8 [-128,127], narrow [-127,127], uint8 [0,255], int4 [-8,7]', () => {
  assert.deepEqual(intBounds(8, false, false), { maxBound: 127, minBound: -128 });
  assert.deepEqual(intBounds(8, false, true), { maxBound: 127, minBound: -127 });
  assert.deepEqual(intBounds(8, true, false), { maxBound: 255, minBound: 0 });
  assert.deepEqual(intBounds(4, false, false), { maxBound: 7, minBound: -8 });
});

test('bad num_bits is a MoptError', () => {
  assert.throws(
    () => intBounds(0, false, false),
    (e: unknown) => e instanceof MoptError && e.code === 'QUANT_NUM_BITS' && /num_bits 0/.test(e.message),
  );
  assert.throws(() => intBounds(2.5, false, false), MoptError);
});

test('integer fake quant vectors T14-T24', () => {
  assert.equal(fq(1.4, 127), 1.0); // T14
  assert.equal(fq(2.5, 127), 2.0); // T15
  assert.equal(fq(3.5, 127), 4.0); // T16
  assert.equal(fq(-200, 127), -128); // T17
  assert.equal(fq(-200, 127, 8, false, true), -127); // T18
  assert.equal(fq(0.5, 1.0), fround(64 / 127)); // T19
  assert.ok(Math.abs(fq(0.5, 1.0) - 0.503937) < 1e-6);
  assert.equal(fq(300, 255, 8, true), 255); // T20
  assert.equal(fq(-7.6, 7, 4), -8); // T21
  assert.equal(fq(0.5, 1.4, 4), fround(2 / fround(7 / fround(1.4)))); // T22
  assert.ok(Math.abs(fq(0.5, 1.4, 4) - 0.4) < 1e-6);
  assert.ok(Math.abs(fq(-1.4, 1.4, 4) + 1.4) < 1e-6); // T23
  assert.equal(fq(0.3, 0), 0); // T24
  assert.equal(fq(0.3, 2 ** -25), 0, 'amax below the epsilon counts as zero');
  assert.equal(fq(0.3, 2 ** -24), 2 ** -24, 'amax at the epsilon is used (CUDA kernel: amax < eps)');
});

test('integer fake quant: NaN stays NaN, Inf clamps, negative zero survives', () => {
  assert.ok(Number.isNaN(fq(NaN, 1)));
  assert.equal(fq(Infinity, 1), 1);
  assert.equal(fq(-Infinity, 1), fround(-128 / 127));
  assert.ok(Object.is(fq(-0.001, 1), -0));
  assert.ok(Object.is(fq(-0.3, 0), 0), 'zero amax: the kernel returns +0 for every element');
  assert.ok(Object.is(fq(NaN, 0), 0), 'even for NaN');
});

test('export codes divide by the step (w / ws), clamp and round half to even', () => {
  const b = intBounds(4, false, false);
  assert.equal(intCodeFromStep(2.5, 1, b), 2);
  assert.equal(intCodeFromStep(-9, 1, b), -8);
  assert.equal(intCodeFromStep(100, 1, b), 7);
});
