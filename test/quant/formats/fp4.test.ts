import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MoptError } from '../../../src/errors.js';
import {
  decodeE2M1,
  E2M1,
  e2m1Index,
  e2m1IndexReference,
  e2m1NibbleRNE,
  e2m1NibbleTiesDown,
  e2m1RoundMagnitude,
  packNibbles,
  unpackNibbles,
} from '../../../src/quant/formats/fp4.js';
import { encodeFast, encodeReference } from '../../../src/quant/formats/minifloat.js';
import { fround } from '../../../src/quant/formats/float32.js';
import { rng } from '../quantizer/attr-cfg.js';

function e2m1(v: number): number {
  const m = e2m1RoundMagnitude(Math.abs(v));
  return v >= 0 ? m : -m;
}

test('E2M1 rounding vectors T25-T34 (value and NVFP4 nibble)', () => {
  const cases: Array<[number, number, number]> = [
    [0.25, 0, 0x0],
    [0.75, 1, 0x2],
    [1.25, 1, 0x2],
    [1.75, 2, 0x4],
    [-2.5, -2, 0xc],
    [3.5, 4, 0x6],
    [5.0, 4, 0x6],
    [5.5, 6, 0x7],
    [7.0, 6, 0x7],
    [0.3, 0.5, 0x1],
    [2.9, 3, 0x5],
  ];
  for (const [v, q, nib] of cases) {
    assert.equal(e2m1(v), q, `value ${v}`);
    assert.equal(e2m1NibbleRNE(v), nib, `nibble ${v}`);
  }
  assert.ok(Object.is(e2m1(-0.1), -0)); // T34
  assert.equal(e2m1NibbleRNE(-0.1), 0x8);
});

test('E2M1 nearest-even index agrees with the search reference and the generic minifloat encoder', () => {
  const r = rng(11);
  const probes: number[] = [];
  for (let i = 0; i < 8; i++) probes.push(E2M1.table[i]!);
  for (const b of [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5])
    probes.push(b, fround(b * (1 + 2 ** -23)), fround(b * (1 - 2 ** -24)));
  for (let i = 0; i < 5000; i++) probes.push(fround(r() * 8));
  for (const a of probes) {
    assert.equal(e2m1Index(a), e2m1IndexReference(a), `index ${a}`);
    assert.equal(encodeFast(E2M1, a), e2m1Index(a), `minifloat ${a}`);
    assert.equal(encodeReference(E2M1, a), e2m1Index(a));
  }
});

test('E2M1 NaN follows the kernel comparison chain (falls through to 6)', () => {
  assert.equal(e2m1RoundMagnitude(NaN), 6);
});

test('MXFP4 export nibbles T50: strictly-greater count, ties down, zero is 0x8', () => {
  const v = [6, 0.75, -0.75, 0, 2.5, -5, 1.3];
  assert.deepEqual(v.map(e2m1NibbleTiesDown), [7, 1, 9, 8, 4, 14, 3]);
  assert.equal(e2m1NibbleTiesDown(-0), 8);
});

test('nibble packing: even element in the low nibble, unpack inverts it', () => {
  const codes = Uint8Array.from([7, 0xc, 1, 2, 0, 0, 0xf, 0x8]);
  const packed = packNibbles(codes, 2, 4);
  assert.deepEqual([...packed], [0xc7, 0x21, 0x00, 0x8f]);
  assert.deepEqual([...unpackNibbles(packed, 2, 4)], [...codes]);
  assert.equal(decodeE2M1(0xc), -2);
  assert.throws(
    () => packNibbles(codes, 8, 1),
    (e: unknown) => e instanceof MoptError && e.code === 'QUANT_SHAPE',
  );
});
