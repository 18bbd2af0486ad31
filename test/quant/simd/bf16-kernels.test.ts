/**
 * The SIMD kernels against the scalar code they replace: every bf16 pattern under many FP8 scales
 * (both divide modes), and magnitude maxima over ranges of every alignment with Inf and NaN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bf16Simd, SIMD_WINDOW } from '../../../src/quant/simd/bf16-kernels.js';
import {
  bf16Decode,
  bf16MaxMagnitude,
  fp8CodeTableBf16Reference,
  numberToBf16Bits,
} from '../../../src/quant/formats/bf16-bits.js';
import { mxfp4PackRow, nvfp4PackRow } from '../../../src/quant/quantizer/pack-kernels.js';
import { rng } from '../quantizer/attr-cfg.js';

const kernels = bf16Simd();

test('WebAssembly SIMD is available on Node 20 (the fast path is what runs)', () => {
  assert.ok(kernels, 'bf16Simd() returned null');
});

const ALL = Uint16Array.from({ length: 65536 }, (_, i) => i);

test('fp8Codes equals castE4M3Torch of every bf16 pattern, for many scales and both divide modes', () => {
  const r = rng(11);
  const scales = [1, 0.5, 1 / 448, 2 ** -20, 2 ** -133, 1e-45, 3.4e38, 0, 7.1234e-3, 448, 1 / 3];
  for (let k = 0; k < 40; k++) scales.push(2 ** (r() * 60 - 40) * (1 + r()));
  for (const raw of scales) {
    const ws = Math.fround(raw);
    for (const mode of ['f32', 'bf16-intermediate'] as const) {
      const ref = fp8CodeTableBf16Reference(ws, mode);
      const out = new Uint8Array(65536);
      kernels!.fp8Codes(ALL, 0, 65536, ws, mode === 'bf16-intermediate', out);
      for (let b = 0; b < 65536; b++)
        if (out[b] !== ref[b])
          assert.fail(`ws ${ws} ${mode}: pattern 0x${b.toString(16)} gives ${out[b]}, expected ${ref[b]}`);
    }
  }
});

test('fp8Codes writes exactly [start, start + n) across window boundaries', () => {
  const r = rng(5);
  const n = SIMD_WINDOW * 2 + 48;
  const bits = Uint16Array.from(
    { length: n + 40 },
    () => Math.floor(r() * 0x3f00) | (r() < 0.5 ? 0x8000 : 0),
  );
  const ws = Math.fround(0.05 / 448);
  const table = fp8CodeTableBf16Reference(ws, 'bf16-intermediate');
  const out = new Uint8Array(bits.length).fill(0xaa);
  kernels!.fp8Codes(bits, 8, n, ws, true, out);
  for (let i = 0; i < out.length; i++) {
    const want = i >= 8 && i < 8 + n ? table[bits[i]!] : 0xaa;
    if (out[i] !== want) assert.fail(`index ${i}: ${out[i]} != ${want}`);
  }
});

test('maxMagnitude and bf16MaxMagnitude equal a plain loop for every offset, length and special value', () => {
  const r = rng(7);
  const bits = Uint16Array.from({ length: SIMD_WINDOW * 3 + 50 }, () => Math.floor(r() * 0x3c00));
  const plain = (s: number, e: number) => {
    let m = 0;
    for (let i = s; i < e; i++) m = Math.max(m, bits[i]! & 0x7fff);
    return m;
  };
  const cases: Array<[number, number]> = [];
  for (let k = 0; k < 30; k++) {
    const s = Math.floor(r() * 100);
    cases.push([s, s + 4096 + Math.floor(r() * (bits.length - s - 4096))]);
  }
  cases.push([0, bits.length], [1, bits.length], [3, 4099]);
  for (const special of [0, 0xbf80, 0x7f80, 0xff81, 0x7fff]) {
    const at = Math.floor(r() * bits.length);
    const old = bits[at]!;
    if (special) bits[at] = special;
    for (const [s, e] of cases) {
      assert.equal(bf16MaxMagnitude(bits, s, e), plain(s, e), `[${s}, ${e}) special ${special}`);
      const n8 = (e - s) & ~7;
      assert.equal(kernels!.maxMagnitude(bits, s, n8), plain(s, s + n8));
    }
    bits[at] = old;
  }
});

test('blockMaxMagnitude equals the per-block loop for block sizes 8 to 128, across windows', () => {
  const r = rng(21);
  const n = SIMD_WINDOW * 2 + 384;
  const bits = Uint16Array.from({ length: n + 8 }, () => Math.floor(r() * 65536));
  for (const bs of [8, 16, 32, 128]) {
    const m = Math.floor(n / bs) * bs;
    const out = new Uint16Array(m / bs + 2).fill(0xeeee);
    kernels!.blockMaxMagnitude(bits, 8, m, bs, out, 1);
    assert.equal(out[0], 0xeeee);
    assert.equal(out[m / bs + 1], 0xeeee);
    for (let b = 0; b < m / bs; b++) {
      let want = 0;
      for (let i = 8 + b * bs; i < 8 + (b + 1) * bs; i++) want = Math.max(want, bits[i]! & 0x7fff);
      if (out[b + 1] !== want) assert.fail(`bs ${bs} block ${b}: ${out[b + 1]} != ${want}`);
    }
  }
});

test('fp4Pack equals the scalar NVFP4 and MXFP4 nibble packing: decision points, signs, zeros, NaN, odd denominators', () => {
  const r = rng(33);
  const n = SIMD_WINDOW * 2 + 16 * 9;
  const points = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 1e-30, 1e30];
  const bits = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const pick = r();
    if (pick < 0.4)
      bits[i] = numberToBf16Bits(points[Math.floor(r() * points.length)]! * (r() < 0.5 ? -1 : 1));
    else if (pick < 0.42) bits[i] = [0x7f80, 0xff80, 0x7fc0, 0xffc1, 0x8000][Math.floor(r() * 5)]!;
    else bits[i] = Math.floor(r() * 65536);
  }
  const denoms = Float32Array.from({ length: n / 16 }, () => {
    const pick = r();
    if (pick < 0.4) return 1;
    if (pick < 0.45) return [0, -0, Infinity, NaN, 2 ** -140][Math.floor(r() * 5)]!;
    return Math.fround(2 ** (r() * 40 - 20) * (1 + r()));
  });
  const x = bf16Decode(bits);
  for (const [rule, scalar] of [
    ['nvfp4', nvfp4PackRow],
    ['mxfp4', mxfp4PackRow],
  ] as const) {
    const want = new Uint8Array(n / 2);
    scalar(x, 0, n, 16, denoms, 0, want, 0);
    const got = new Uint8Array(n / 2 + 2).fill(0xee);
    kernels!.fp4Pack(rule, bits, 0, n, denoms, 0, got, 1);
    assert.equal(got[0], 0xee);
    assert.equal(got[n / 2 + 1], 0xee);
    for (let i = 0; i < n / 2; i++)
      if (got[i + 1] !== want[i])
        assert.fail(
          `${rule} byte ${i}: ${got[i + 1]} != ${want[i]} (x ${x[2 * i]}, ${x[2 * i + 1]}; denom ${denoms[i >> 3]})`,
        );
  }
});

test('int4Pack equals clamp(rint(x / ws)) nibbles of row pairs: ties, NaN, Inf, zero scales, many windows', () => {
  const r = rng(44);
  const rint = (v: number) => {
    const f = Math.floor(v);
    const d = v - f;
    return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
  };
  for (const [rows, cols, run, lo, hi] of [
    [70, 1024, 128, -8, 7],
    [6, 32768, 32768, -8, 7],
    [10, 48, 8, -7, 7],
  ] as const) {
    const n = rows * cols;
    const bits = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const pick = r();
      if (pick < 0.3) bits[i] = numberToBf16Bits((Math.floor(r() * 40) / 2 - 10) * (r() < 0.5 ? 0.25 : 1));
      else if (pick < 0.31) bits[i] = [0x7f80, 0xff80, 0x7fc0, 0x8000][Math.floor(r() * 4)]!;
      else bits[i] = numberToBf16Bits((r() - 0.5) * 0.2);
    }
    const perRow = cols / run;
    const ws = Float32Array.from({ length: rows * perRow }, () => {
      const pick = r();
      return pick < 0.3 ? 0.25 : pick < 0.33 ? 0 : Math.fround(0.1 / 7 + r() * 0.01);
    });
    const x = bf16Decode(bits);
    const code = (row: number, c: number) => {
      const v = Math.fround(x[row * cols + c]! / ws[row * perRow + Math.floor(c / run)]!);
      return v !== v ? 0 : rint(v < lo ? lo : v > hi ? hi : v);
    };
    const got = new Uint8Array(n / 2);
    kernels!.int4Pack(bits, rows, cols, run, ws, lo, hi, got);
    for (let p = 0; p < rows / 2; p++)
      for (let c = 0; c < cols; c++) {
        const want = (code(2 * p, c) & 0xf) | ((code(2 * p + 1, c) & 0xf) << 4);
        if (got[p * cols + c] !== want)
          assert.fail(`[${rows}, ${cols}] pair ${p} col ${c}: ${got[p * cols + c]} != ${want}`);
      }
  }
});
