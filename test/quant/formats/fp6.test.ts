import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  E2M3,
  E3M2,
  decodeE2M3,
  decodeE3M2,
  encodeE2M3,
  encodeE3M2,
} from '../../../src/quant/formats/fp6.js';
import { encodeFast, encodeReference } from '../../../src/quant/formats/minifloat.js';
import { fround } from '../../../src/quant/formats/float32.js';
import { rng } from '../quantizer/attr-cfg.js';

test('E3M2 grid is the spec list (0, 1/16 ... 28)', () => {
  const grid = [
    0, 0.0625, 0.125, 0.1875, 0.25, 0.3125, 0.375, 0.4375, 0.5, 0.625, 0.75, 0.875, 1, 1.25, 1.5, 1.75, 2,
    2.5, 3, 3.5, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28,
  ];
  assert.deepEqual(
    Array.from({ length: 32 }, (_, c) => decodeE3M2(c)),
    grid,
  );
});

test('E2M3 grid: multiples of 1/8 to 2, of 1/4 to 4, of 1/2 to 7.5', () => {
  const grid: number[] = [];
  for (let v = 0; v < 2; v += 0.125) grid.push(v);
  for (let v = 2; v < 4; v += 0.25) grid.push(v);
  for (let v = 4; v <= 7.5; v += 0.5) grid.push(v);
  assert.deepEqual(
    Array.from({ length: 32 }, (_, c) => decodeE2M3(c)),
    grid,
  );
});

for (const fmt of [E2M3, E3M2]) {
  test(`${fmt.name}: codes round-trip, midpoints tie to even, saturation, random agreement`, () => {
    for (let c = 0; c < 64; c++) assert.equal(encodeFast(fmt, fmt.table[c]!), c);
    for (let c = 0; c < fmt.maxCode; c++) {
      const mid = (fmt.table[c]! + fmt.table[c + 1]!) / 2;
      assert.equal(encodeFast(fmt, mid), c % 2 === 0 ? c : c + 1);
      assert.equal(encodeReference(fmt, mid), c % 2 === 0 ? c : c + 1);
    }
    assert.equal(encodeFast(fmt, 1e9), fmt.maxCode);
    assert.equal(encodeFast(fmt, -Infinity), fmt.maxCode | 0x20);
    const r = rng(5);
    for (let i = 0; i < 5000; i++) {
      const v = fround((r() * 2 - 1) * 40);
      assert.equal(encodeFast(fmt, v), encodeReference(fmt, v), `${fmt.name} ${v}`);
    }
  });
}

test('FP6 encoders: 7.0 -> 0x1E in E2M3, 28 -> 0x1F in E3M2', () => {
  assert.equal(encodeE2M3(7.0), 0x1e);
  assert.equal(encodeE3M2(28), 0x1f);
  assert.equal(encodeE3M2(-0.0625), 0x21);
});
