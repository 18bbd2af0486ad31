import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bf16ToF32,
  bf16ToNumber,
  decodeToF32,
  dtypeBytes,
  E4M3_TABLE,
  E5M2_TABLE,
  e8m0ToNumber,
  encodeFromF32,
  f16ToF32,
  f16ToNumber,
  f32ToBf16,
  f32ToF16,
  isDtype,
  numberToBf16,
  numberToF16,
} from '../../src/model/dtypes.js';

const ALL16 = Uint16Array.from({ length: 65536 }, (_, i) => i);

function f32BitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** Deterministic pseudo-random u32 stream for sampling f32 bit patterns. */
function* randomU32(seed: number, count: number): Generator<number> {
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    yield (t ^ (t >>> 14)) >>> 0;
  }
}

/** Nearest value in a sorted list of non-negative grid values, ties to the even index (= even mantissa). */
function roundToGrid(grid: number[], v: number): number {
  let lo = 0;
  let hi = grid.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (grid[mid]! <= v) lo = mid;
    else hi = mid;
  }
  const dLo = v - grid[lo]!;
  const dHi = grid[hi]! - v;
  if (dLo < dHi) return lo;
  if (dHi < dLo) return hi;
  return lo % 2 === 0 ? lo : hi;
}

test('dtype table sizes', () => {
  assert.equal(dtypeBytes('BF16'), 2);
  assert.equal(dtypeBytes('F8_E4M3'), 1);
  assert.equal(dtypeBytes('I64'), 8);
  assert.equal(dtypeBytes('F32'), 4);
  assert.ok(isDtype('F8_E5M2'));
  assert.ok(!isDtype('F4'));
  assert.ok(!isDtype('toString'));
});

test('bf16 → f32 is exact on all 65536 patterns and round-trips', () => {
  const f32 = bf16ToF32(ALL16, new Float32Array(65536));
  const bits = f32BitsOf(f32);
  const back = f32ToBf16(f32, new Uint16Array(65536));
  for (let h = 0; h < 65536; h++) {
    assert.equal(bits[h], h * 65536);
    const isNaN = (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;
    if (isNaN) assert.ok(Number.isNaN(bf16ToNumber(back[h]!)) && (back[h]! & 0x40) !== 0, `NaN ${h}`);
    else assert.equal(back[h], h, `pattern ${h}`);
  }
});

test('f32 → bf16 rounds to nearest even (sampled patterns against an exact reference)', () => {
  const probe = new Float32Array(1);
  const probeBits = f32BitsOf(probe);
  for (const x of randomU32(1, 20000)) {
    probeBits[0] = x;
    const v = probe[0]!;
    const got = numberToBf16(v);
    if (Number.isNaN(v)) {
      assert.ok(Number.isNaN(bf16ToNumber(got)));
      continue;
    }
    const lo = x >>> 16;
    const hi = lo + 1;
    const dLo = Math.abs(v - bf16ToNumber(lo));
    const dHi = Math.abs(bf16ToNumber(hi) - v);
    const want = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
    if (!Number.isFinite(v)) assert.equal(got, lo);
    else assert.equal(got, want & 0xffff, `bits ${x.toString(16)}`);
  }
  assert.equal(numberToBf16(1 + 2 ** -8), 0x3f80); // tie goes to even
  assert.equal(numberToBf16(1 + 3 * 2 ** -8), 0x3f82); // tie goes up to even
  assert.equal(numberToBf16(3.4028234663852886e38), 0x7f80); // f32 max rounds to inf
});

test('f16 → f32 matches the IEEE formula on all 65536 patterns and round-trips', () => {
  const f32 = f16ToF32(ALL16, new Float32Array(65536));
  const back = f32ToF16(f32, new Uint16Array(65536));
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >>> 10) & 31;
    const m = h & 1023;
    const want =
      e === 0
        ? sign * m * 2 ** -24
        : e === 31
          ? m
            ? NaN
            : sign * Infinity
          : sign * 2 ** (e - 15) * (1 + m / 1024);
    assert.ok(Object.is(f32[h], want) || (Number.isNaN(want) && Number.isNaN(f32[h])), `pattern ${h}`);
    if (Number.isNaN(want)) assert.ok(Number.isNaN(f16ToNumber(back[h]!)));
    else assert.equal(back[h], h);
  }
});

test('f32 → f16 rounds to nearest even, including subnormals, midpoints and overflow', () => {
  const grid: number[] = [];
  for (let h = 0; h < 0x7c00; h++) grid.push(f16ToNumber(h));
  grid.push(65536); // the next step above 65504: values at or past the midpoint 65520 go to infinity
  const check = (v: number): void => {
    const got = numberToF16(v);
    const idx = roundToGrid(grid, Math.abs(v));
    const want = (idx === 0x7c00 ? 0x7c00 : idx) | (v < 0 || Object.is(v, -0) ? 0x8000 : 0);
    assert.equal(got, want, `value ${v}`);
  };
  const probe = new Float32Array(1);
  const probeBits = f32BitsOf(probe);
  for (const x of randomU32(2, 20000)) {
    // keep exponents near the f16 range so most samples land on interesting cases
    probeBits[0] = (x & 0x807fffff) | ((((x >>> 23) & 63) + 96) << 23);
    check(probe[0]!);
  }
  for (let h = 0; h < 0x7bff; h++) {
    const mid = Math.fround((grid[h]! + grid[h + 1]!) / 2);
    check(mid);
    check(-mid);
    probe[0] = mid;
    probeBits[0] = probeBits[0]! + 1;
    check(probe[0]!);
  }
  assert.equal(numberToF16(65519), 0x7bff);
  assert.equal(numberToF16(65520), 0x7c00);
  assert.equal(numberToF16(2 ** -25), 0);
  assert.equal(numberToF16(Math.fround(2 ** -25 * (1 + 2 ** -20))), 1);
  assert.ok(Number.isNaN(f16ToNumber(numberToF16(NaN))));
  assert.equal(numberToF16(-Infinity), 0xfc00);
});

test('fp8 tables decode all 256 codes', () => {
  for (let c = 0; c < 256; c++) {
    const sign = c & 0x80 ? -1 : 1;
    const e4 = (c >>> 3) & 15;
    const m3 = c & 7;
    const want4 =
      e4 === 15 && m3 === 7
        ? NaN
        : e4 === 0
          ? sign * (m3 / 8) * 2 ** -6
          : sign * (1 + m3 / 8) * 2 ** (e4 - 7);
    assert.ok(
      Object.is(E4M3_TABLE[c], want4) || (Number.isNaN(want4) && Number.isNaN(E4M3_TABLE[c])),
      `e4m3 ${c}`,
    );
    const e5 = (c >>> 2) & 31;
    const m2 = c & 3;
    const want5 =
      e5 === 31
        ? m2
          ? NaN
          : sign * Infinity
        : e5 === 0
          ? sign * (m2 / 4) * 2 ** -14
          : sign * (1 + m2 / 4) * 2 ** (e5 - 15);
    assert.ok(
      Object.is(E5M2_TABLE[c], want5) || (Number.isNaN(want5) && Number.isNaN(E5M2_TABLE[c])),
      `e5m2 ${c}`,
    );
  }
  assert.equal(E4M3_TABLE[0x7e], 448);
  assert.equal(E4M3_TABLE[0x38], 1);
  assert.equal(E5M2_TABLE[0x7b], 57344);
  assert.equal(e8m0ToNumber(127), 1);
  assert.ok(Number.isNaN(e8m0ToNumber(255)));
});

test('decodeToF32 handles every dtype and misaligned views', () => {
  const raw = new Uint8Array([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]); // f32 [1, -2]
  assert.deepEqual([...decodeToF32(raw, 'F32')], [1, -2]);
  const shifted = new Uint8Array(9);
  shifted.set(raw, 1);
  assert.deepEqual([...decodeToF32(shifted.subarray(1), 'F32')], [1, -2]);
  assert.deepEqual([...decodeToF32(encodeFromF32(Float32Array.of(1.5, -3), 'BF16'), 'BF16')], [1.5, -3]);
  assert.deepEqual(
    [...decodeToF32(encodeFromF32(Float32Array.of(0.25, 65504), 'F16'), 'F16')],
    [0.25, 65504],
  );
  assert.deepEqual([...decodeToF32(Uint8Array.of(0x38, 0xb8), 'F8_E4M3')], [1, -1]);
  assert.deepEqual([...decodeToF32(new Uint8Array(Int8Array.of(-5, 7).buffer), 'I8')], [-5, 7]);
  assert.deepEqual([...decodeToF32(new Uint8Array(BigInt64Array.of(-3n, 9n).buffer), 'I64')], [-3, 9]);
  assert.deepEqual([...decodeToF32(new Uint8Array(Int32Array.of(-70000).buffer), 'I32')], [-70000]);
  assert.deepEqual([...decodeToF32(new Uint8Array(Float64Array.of(0.5).buffer), 'F64')], [0.5]);
  assert.deepEqual([...decodeToF32(Uint8Array.of(1, 0), 'BOOL')], [1, 0]);
  assert.throws(() => decodeToF32(Uint8Array.of(1, 2, 3), 'F16'), { code: 'bad-tensor-bytes' });
  assert.throws(() => decodeToF32(new Uint8Array(8), 'F32', new Float32Array(1)), {
    code: 'buffer-too-small',
  });
});
