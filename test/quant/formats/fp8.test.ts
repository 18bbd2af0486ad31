import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  castE4M3Torch,
  decodeE4M3,
  E4M3,
  E4M3_TABLE,
  E5M2,
  encodeE4M3,
  encodeE4M3Reference,
  encodeE5M2,
  fp8FakeQuantWithAmax,
  roundE4M3,
} from '../../../src/quant/formats/fp8.js';
import { encodeFast, encodeReference, type MiniFloat } from '../../../src/quant/formats/minifloat.js';
import { fround } from '../../../src/quant/formats/float32.js';
import { rng } from '../quantizer/attr-cfg.js';

test('E4M3 byte encodings from spec §7', () => {
  const cases: Array<[number, number]> = [
    [448, 0x7e],
    [1.0, 0x38],
    [0.5, 0x30],
    [-2, 0xc0],
    [2 ** -9, 0x01],
    [2 ** -6, 0x08],
    [2, 0x40],
    [224, 0x76],
    [112, 0x6e],
    [3.25, 0x45],
    [288, 0x79],
    [384, 0x7c],
    [128, 0x70],
    [44, 0x63],
    [0.3125, 0x2a],
    [-448, 0xfe],
  ];
  for (const [v, byte] of cases) {
    assert.equal(encodeE4M3(v), byte, `fast ${v}`);
    assert.equal(encodeE4M3Reference(v), byte, `reference ${v}`);
    assert.equal(decodeE4M3(byte), v);
  }
});

test('E4M3 decode table: max, min normal, min subnormal, NaN codes', () => {
  assert.equal(E4M3_TABLE[0x7e], 448);
  assert.equal(E4M3_TABLE[0x08], 2 ** -6);
  assert.equal(E4M3_TABLE[0x01], 2 ** -9);
  assert.ok(Number.isNaN(E4M3_TABLE[0x7f]!) && Number.isNaN(E4M3_TABLE[0xff]!));
  assert.ok(Object.is(E4M3_TABLE[0x80], -0));
});

function allFinite(fmt: MiniFloat): number[] {
  const codes: number[] = [];
  for (let c = 0; c < fmt.signBit * 2; c++) if ((c & (fmt.signBit - 1)) <= fmt.maxCode) codes.push(c);
  return codes;
}

for (const fmt of [E4M3, E5M2]) {
  test(`${fmt.name}: every code round-trips through both encoders`, () => {
    for (const c of allFinite(fmt)) {
      assert.equal(encodeFast(fmt, fmt.table[c]!), c, `fast code ${c.toString(16)}`);
      assert.equal(encodeReference(fmt, fmt.table[c]!), c, `reference code ${c.toString(16)}`);
    }
  });

  test(`${fmt.name}: every midpoint ties to the even code; one float32 ulp either side goes to the nearer`, () => {
    for (let c = 0; c < fmt.maxCode; c++) {
      const lo = fmt.table[c]!;
      const hi = fmt.table[c + 1]!;
      const mid = (lo + hi) / 2;
      assert.equal(fround(mid), mid, 'midpoints are exact float32');
      const even = c % 2 === 0 ? c : c + 1;
      for (const sign of [1, -1]) {
        const sb = sign < 0 ? fmt.signBit : 0;
        assert.equal(encodeFast(fmt, sign * mid), even | sb, `mid ${mid}`);
        assert.equal(encodeReference(fmt, sign * mid), even | sb);
        const below = sign * (mid - mid * 2 ** -23);
        const above = sign * (mid + mid * 2 ** -23);
        assert.equal(encodeFast(fmt, fround(below)), c | sb, `below ${mid}`);
        assert.equal(encodeFast(fmt, fround(above)), (c + 1) | sb, `above ${mid}`);
      }
    }
  });
}

test('E4M3 saturates at ±448 (satfinite); NaN -> 0x7F with its sign; -0 -> 0x80', () => {
  assert.equal(encodeE4M3(449), 0x7e);
  assert.equal(encodeE4M3(1e30), 0x7e);
  assert.equal(encodeE4M3(Infinity), 0x7e);
  assert.equal(encodeE4M3(-Infinity), 0xfe);
  assert.equal(encodeE4M3(NaN) & 0x7f, 0x7f);
  assert.equal(encodeE4M3(-0), 0x80);
  assert.equal(encodeE4M3(2 ** -11), 0x00, 'below a quarter step rounds to zero');
  assert.equal(encodeE4M3(-(2 ** -11)), 0x80, 'keeps the sign when flushing');
  assert.equal(encodeE4M3(2 ** -130), 0x00, 'float32 subnormal input');
  assert.ok(Number.isNaN(roundE4M3(NaN)));
  assert.equal(encodeE5M2(1e6), 0x7b);
  assert.equal(encodeE5M2(-Infinity), 0xfb);
});

test('torch-style E4M3 cast: above 464 becomes NaN; 464 itself ties to 448', () => {
  assert.equal(castE4M3Torch(464), 0x7e);
  assert.equal(castE4M3Torch(fround(464.01)), 0x7f);
  assert.equal(castE4M3Torch(-500), 0xff);
  assert.equal(castE4M3Torch(Infinity), 0x7f);
  assert.equal(castE4M3Torch(3.25), 0x45);
});

test('fast and reference E4M3/E5M2 encoders agree on random float32 values', () => {
  const r = rng(7);
  for (let i = 0; i < 20000; i++) {
    const v = fround((r() * 2 - 1) * 2 ** Math.floor(r() * 40 - 22));
    assert.equal(encodeE4M3(v), encodeE4M3Reference(v), `E4M3 ${v}`);
    assert.equal(encodeE5M2(v), encodeReference(E5M2, v), `E5M2 ${v}`);
  }
});

test('FP8 fake quant vectors T1-T10 (fp32 scale, fp32 reciprocal)', () => {
  const f = (x: number, amax: number) => fp8FakeQuantWithAmax(fround(x), amax);
  assert.equal(f(1.0, 448), 1.0); // T1
  assert.equal(f(0.3, 448), 0.3125); // T2
  assert.equal(f(500, 448), 448); // T3
  assert.equal(f(2 ** -10, 448), 0); // T4
  assert.equal(f(3 * 2 ** -10, 448), 2 ** -8); // T5
  assert.equal(f(0.5, 1.0), 0.5); // T6
  assert.equal(f(1.7, 2.0), fround(384 * fround(1 / 224))); // T8
  assert.ok(Math.abs(f(1.7, 2.0) - 1.7142857) < 1e-6);
  assert.equal(f(-2.5, 2.0), -2.0); // T9
  assert.equal(f(0.3, 0), fround(128 * fround(1 / 448))); // T10: amax 0 treated as 1
  assert.ok(Math.abs(f(0.3, 0) - 0.2857142857) < 1e-7);
  assert.equal(f(1.0, 2 ** -24), fround(448 * fround(1 / 448)), 'amax exactly 2^-24 counts as zero');
});
