import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MoptError } from '../../../src/errors.js';
import { fround } from '../../../src/quant/formats/float32.js';
import { decodeE4M3 } from '../../../src/quant/formats/fp8.js';
import {
  mxElement,
  mxElementForNumBits,
  mxFakeQuant,
  mxfp4Export,
  mxfp8Export,
  type MxElement,
} from '../../../src/quant/formats/mx.js';

function fake(el: MxElement, head: number[], n = 32): number[] {
  const x = new Float32Array(n);
  head.forEach((v, i) => (x[i] = fround(v)));
  const out = new Float32Array(n);
  mxFakeQuant(x, out, 1, n, mxElement(el));
  return [...out.slice(0, head.length)];
}

test('MX fake quant vectors T46, T51, T53', () => {
  assert.deepEqual(fake('E2M1', [5, -2.6, 0.3]), [4, -3, 0.5]); // T46
  assert.deepEqual(fake('E4M3', [1.0, 0.3, -0.01]), [1.0, 0.3125, -0.009765625]); // T51
  assert.deepEqual(fake('INT8', [1.0, 0.3, -0.5]), [1.0, 0.296875, -0.5]); // T53
});

test('MX fake quant: fmax per element format, no clipping, zero block unscale 1', () => {
  assert.equal(mxElement('E3M2').max, 28);
  assert.equal(mxElement('E2M3').max, 7.5);
  assert.equal(mxElement('E5M2').max, 57344);
  assert.deepEqual(fake('E3M2', [28, 1]), [28, 1]);
  assert.deepEqual(fake('E2M3', [7.5, 0.1]), [7.5, 0.125]);
  assert.deepEqual(fake('E5M2', [57344, 3]), [57344, 3]);
  assert.deepEqual(fake('E2M1', [0, 0]), [0, 0]);
  assert.deepEqual(fake('E2M1', [6.5, 1]), [6, 1], 'block max 6.5 -> k = 1: 3.25 -> 3, 0.5 -> 0.5');
});

test('MX fake quant: each 32-block has its own exponent; partial blocks', () => {
  const x = new Float32Array(40);
  x[0] = 6;
  x[32] = 0.75;
  x[33] = 0.1;
  const out = new Float32Array(40);
  mxFakeQuant(x, out, 1, 40, mxElement('E2M1'));
  assert.equal(out[0], 6);
  assert.equal(out[32], 0.75);
  assert.equal(out[33], 0.125);
});

test('MXFP4 export T49/T50: E8M0 bytes and tie-down codes', () => {
  const x = new Float32Array(64);
  x.set([6, 0.75, -0.75, 0, 2.5, -5, 1.3].map(fround), 0); // block amax 6 -> e = 0
  x[32] = 0.75; // block amax 0.75 -> e = -3
  const e = mxfp4Export(x, 1, 64);
  assert.deepEqual([...e.scales], [127, 124]);
  assert.deepEqual([...e.codes.slice(0, 7)], [7, 1, 9, 8, 4, 14, 3]);
  assert.equal(e.codes[32], 7, '0.75 / 2^-3 = 6');
  assert.equal(e.codes[40], 8, 'zeros encode as 0x8');
  const z = mxfp4Export(new Float32Array(32), 1, 32);
  assert.equal(z.scales[0], 0, 'all-zero block -> -127');
});

test('MXFP8 export T51/T52: scale byte and fp8 codes', () => {
  const x = new Float32Array(64);
  x.set([1.0, 0.3, -0.01].map(fround));
  const e = mxfp8Export(x, 1, 64);
  assert.deepEqual([...e.scales], [119, 0]);
  assert.deepEqual([...e.codes.slice(0, 3)].map(decodeE4M3), [256, 80, -2.5]);
  const big = new Float32Array(32);
  big[0] = 448;
  assert.equal(mxfp8Export(big, 1, 32).scales[0], 127);
});

test('MX element from num_bits; unsupported tuples are MoptErrors', () => {
  assert.equal(mxElementForNumBits([2, 1]), 'E2M1');
  assert.equal(mxElementForNumBits(8), 'INT8');
  assert.equal(mxElementForNumBits([3, 2]), 'E3M2');
  assert.throws(
    () => mxElementForNumBits(4),
    (e: unknown) => e instanceof MoptError && e.code === 'QUANT_FORMAT',
  );
  assert.throws(() => mxElementForNumBits([1, 2]), MoptError);
});

test('MX fake quant block max follows the kernel: NaN ignored, Inf counted as FLT_MAX', () => {
  const x = new Float32Array(32);
  x[0] = NaN;
  x[1] = 3;
  x[2] = 0.5;
  const out = new Float32Array(32);
  mxFakeQuant(x, out, 1, 32, mxElement('E2M1'));
  assert.ok(Number.isNaN(out[0]!));
  assert.deepEqual([out[1], out[2]], [3, 0.5], 'amax 3 -> k = -1, not unscale 1');
  const y = new Float32Array(32);
  y[0] = Infinity;
  y[1] = 1;
  mxFakeQuant(y, out, 1, 32, mxElement('E4M3'));
  assert.equal(
    out[0],
    Infinity,
    'FLT_MAX / 448 -> k = 120; Inf saturates to 448, and 448 * 2^120 overflows float32',
  );
  assert.equal(out[1], 0, '1 / 2^120 underflows the E4M3 grid');
});
