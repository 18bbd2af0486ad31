import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeE8M0, encodeE8M0, mxExportExponent, mxFakeExponent } from '../../../src/quant/formats/e8m0.js';
import { fround } from '../../../src/quant/formats/float32.js';

test('E8M0 bytes are k + 127; 0xFF is NaN', () => {
  assert.equal(encodeE8M0(-127), 0);
  assert.equal(encodeE8M0(0), 127);
  assert.equal(decodeE8M0(119), 2 ** -8);
  assert.equal(decodeE8M0(0), 2 ** -127);
  assert.ok(Number.isNaN(decodeE8M0(255)));
});

test('export exponents T49: amax 0.75 / 5 / 6.1 / 0 with fmax 6 -> bytes 124 / 127 / 128 / 0', () => {
  assert.deepEqual(
    [0.75, 5, 6.1, 0].map((a) => encodeE8M0(mxExportExponent(fround(a), 6))),
    [124, 127, 128, 0],
  );
});

test('MXFP8 exponents T51/T52: 1.0 -> -8 (byte 119); 448 -> 0; 0 -> export byte 0, fake unscale 1', () => {
  assert.equal(mxFakeExponent(1, 448), -8);
  assert.equal(encodeE8M0(mxExportExponent(1, 448)), 119);
  assert.equal(mxFakeExponent(448, 448), 0);
  assert.equal(encodeE8M0(mxExportExponent(448, 448)), 127);
  assert.equal(encodeE8M0(mxExportExponent(0, 448)), 0);
  assert.equal(mxFakeExponent(0, 448), 0);
});

test('fake exponent: exact powers of two are not bumped; non-finite amax means unscale 1; clamps', () => {
  assert.equal(mxFakeExponent(6, 6), 0);
  assert.equal(mxFakeExponent(fround(6 * (1 + 2 ** -23)), 6), 1);
  assert.equal(mxFakeExponent(1, 127), -6); // T53
  assert.equal(mxFakeExponent(Infinity, 6), 0);
  assert.equal(mxFakeExponent(NaN, 6), 0);
  assert.equal(mxFakeExponent(3e38, 2 ** -10), 127);
  assert.equal(mxFakeExponent(2 ** -140, 448), -127);
});

test('export exponent uses a float32 log2: a ratio one ulp above 2^k can round down to k', () => {
  const r = fround(16 * (1 + 2 ** -23)); // log2 = 4 + 1.7e-7, below half a float32 ulp at 4
  assert.equal(mxFakeExponent(r * 2, 2), 5);
  assert.equal(mxExportExponent(r * 2, 2), 4);
});
