import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32ToBf16 } from '../../../src/model/dtypes.js';
import {
  applyByteTable,
  bf16Amax,
  bf16BlockAmax,
  bf16Decode,
  bf16FirstNonFinite,
  bf16RunAmax,
  fp8CodeTableBf16,
  fp8CodeTableBf16Reference,
  numberToBf16Bits,
} from '../../../src/quant/formats/bf16-bits.js';
import { castE4M3Torch } from '../../../src/quant/formats/fp8.js';
import { reduceAmax } from '../../../src/quant/quantizer/amax.js';
import { fp8EncodeRange } from '../../../src/quant/quantizer/pack-kernels.js';
import { randomTensor, rng } from '../quantizer/attr-cfg.js';

function randomBits(n: number, seed: number, specials = false): Uint16Array {
  const r = rng(seed);
  const out = Uint16Array.from({ length: n }, () => Math.floor(r() * 0x7f00) | (r() < 0.5 ? 0x8000 : 0));
  if (specials)
    for (const [i, b] of [
      [5, 0x7f80],
      [9, 0xffc1],
    ] as const)
      out[i] = b;
  return out;
}

test('numberToBf16Bits rounds like the model layer f32ToBf16 (ties to even)', () => {
  const x = randomTensor(20000, 3, 1e3);
  const ref = f32ToBf16(x, new Uint16Array(x.length));
  for (let i = 0; i < x.length; i++) assert.equal(numberToBf16Bits(x[i]!), ref[i], `x=${x[i]}`);
  assert.equal(numberToBf16Bits(1 + 2 ** -8), 0x3f80); // tie to even (down)
  assert.equal(numberToBf16Bits(1 + 3 * 2 ** -8), 0x3f82); // tie to even (up)
  assert.equal(numberToBf16Bits(NaN), 0x7fc0);
});

test('bf16 amax, block amax and run amax equal reduceAmax on the decoded floats', () => {
  for (const specials of [false, true]) {
    const bits = randomBits(32 * 48, 7, specials);
    const w = bf16Decode(bits);
    const same = (a: Float32Array, b: Float32Array) =>
      assert.deepEqual([...a].map(String), [...b].map(String));
    same(Float32Array.of(bf16Amax(bits)), reduceAmax(w, [32, 48], { kind: 'tensor' }));
    same(
      bf16BlockAmax(bits, 32, 48, 16, new Float32Array(96)),
      reduceAmax(w, [32, 48], { kind: 'block', size: 16 }),
    );
    same(
      bf16BlockAmax(bits, 32, 48, 20, new Float32Array(96)),
      reduceAmax(w, [32, 48], { kind: 'block', size: 20 }),
    );
    same(bf16RunAmax(bits, 48, new Float32Array(32)), reduceAmax(w, [32, 48], { kind: 'axis', keep: [0] }));
  }
  assert.throws(() => bf16BlockAmax(new Uint16Array(32), 2, 16, 16, new Float32Array(1)), /too small/);
});

test('bf16FirstNonFinite finds the first Inf or NaN pattern', () => {
  const bits = randomBits(1000, 1);
  assert.equal(bf16FirstNonFinite(bits), -1);
  bits[700] = 0xff80; // -Inf
  bits[900] = 0x7fc0;
  assert.equal(bf16FirstNonFinite(bits), 700);
});

test('the FP8 code table is castE4M3Torch of every quotient, fast encoder or not', () => {
  const f = bf16Decode(Uint16Array.from({ length: 65536 }, (_, i) => i));
  for (const ws of [0.01, 1, 2 ** -12, 0]) {
    const ref = fp8CodeTableBf16Reference(ws);
    for (let b = 0; b < 65536; b += 7) assert.equal(ref[b], castE4M3Torch(Math.fround(f[b]! / ws)));
    assert.deepEqual(fp8CodeTableBf16(ws, 'f32', fp8EncodeRange), ref, `ws ${ws}`);
  }
  assert.deepEqual(
    fp8CodeTableBf16(0.5, 'bf16-intermediate', fp8EncodeRange),
    fp8CodeTableBf16Reference(0.5, 'bf16-intermediate'),
  );
});

test('the 32-bit fast loops agree with the plain loops at any alignment', () => {
  const all = randomBits(4099, 13);
  all[2000] = 0x7f7f; // the largest finite magnitude sits in the middle
  for (const off of [0, 1, 2, 3]) {
    const bits = all.subarray(off);
    let m = 0;
    for (let i = 5; i < 3001; i++) m = Math.max(m, bits[i]! & 0x7fff);
    assert.equal(bf16Amax(bits, 5, 3001), bf16Decode(Uint16Array.of(m))[0]);
    const t = fp8CodeTableBf16(0.003);
    const codes = new Uint8Array(bits.length + 1).subarray(off % 2);
    applyByteTable(bits, t, codes);
    for (let i = 0; i < bits.length; i++) assert.equal(codes[i], t[bits[i]!]);
  }
});
