import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fround } from '../../../src/quant/formats/float32.js';
import { decodeE4M3 } from '../../../src/quant/formats/fp8.js';
import {
  nvfp4DynamicBlockScale,
  nvfp4ExportNibbles,
  nvfp4ExportScaleDynamic,
  nvfp4ExportScaleStatic,
  nvfp4FakeQuantDynamic,
  nvfp4FakeQuantStatic,
  nvfp4GlobalScale,
  nvfp4StaticBlockScale,
} from '../../../src/quant/formats/nvfp4.js';

function block(head: number[], n = 16): Float32Array {
  const x = new Float32Array(n);
  head.forEach((v, i) => (x[i] = v));
  return x;
}

function dyn(x: Float32Array, g: number): number[] {
  const out = new Float32Array(x.length);
  nvfp4FakeQuantDynamic(x, out, 1, x.length, 16, g);
  return [...out];
}

test('NVFP4 dynamic T35: g_amax 2688, block [12, -5, 0.9, 2.2] -> [12, -4, 1, 2]', () => {
  assert.equal(nvfp4GlobalScale(2688), 1);
  assert.equal(nvfp4DynamicBlockScale(12, 1), 2);
  assert.deepEqual(dyn(block([12, -5, fround(0.9), fround(2.2)]), 2688), [
    12,
    -4,
    1,
    2,
    ...Array(12).fill(0),
  ]);
});

test('NVFP4 dynamic T38/T39: tiny block scale flushes to 0 then becomes 1; zero block stays zero', () => {
  assert.equal(nvfp4DynamicBlockScale(fround(0.001), 1), 1);
  assert.deepEqual(dyn(block([fround(0.001)]), 2688), Array(16).fill(0));
  assert.deepEqual(dyn(block([]), 2688), Array(16).fill(0));
});

test('NVFP4 dynamic: block scale below 1e-5 is replaced by 1 (small tensors quantize with scale 1)', () => {
  const g = fround(1e-4);
  const gs = nvfp4GlobalScale(g);
  const bmax = fround(5e-5);
  const fp8Scale = fround(decodeE4M3(0x75) * gs); // bmax / (6 gs) = 224 -> 0x75 (208) or 0x76 (224)
  assert.ok(fp8Scale > 0 && fp8Scale < 1e-5);
  assert.equal(nvfp4DynamicBlockScale(bmax, gs), 1);
  const y = dyn(block([bmax, fround(-2e-5)]), g);
  assert.ok(Object.is(y[0], 0) && Object.is(y[1], -0));
});

test('NVFP4 dynamic: partial last block acts zero-padded, each block has its own scale', () => {
  const x = Float32Array.from([12, 1, ...Array(14).fill(0), 0.75, 0.25, 3]);
  const out = new Float32Array(x.length);
  nvfp4FakeQuantDynamic(x, out, 1, x.length, 16, 2688);
  // block 2: max 3 -> s = fp8(0.5) = 0.5; 0.75/0.5 = 1.5 exact; 0.25/0.5 = 0.5
  assert.deepEqual([...out.slice(16)], [0.75, 0.25, 3]);
  assert.equal(out[1], 1, 'scale 2: 1/2 = 0.5 -> 0.5 * 2');
});

test('NVFP4 global scale: g_amax / 2688, four-over-six / 1536; input_scale T43', () => {
  assert.equal(nvfp4GlobalScale(fround(10.752)), fround(fround(10.752) / 2688));
  assert.ok(Math.abs(nvfp4GlobalScale(fround(10.752)) - 0.004) < 1e-9);
  assert.equal(nvfp4GlobalScale(2688), 1);
  assert.equal(nvfp4GlobalScale(1536, 256), 1);
});

test('NVFP4 static: block scale is the FP8 fake quant of amax_b/6 under amax g/6', () => {
  // g = 2688 -> g/6 = 448 -> scale 1; amax_b = 12 -> 2 exactly
  assert.equal(nvfp4StaticBlockScale(12, 2688), 2);
  // rounding of the scale: amax_b = 6 * 74.667 under g = 2688 -> fp8(74.667) = 72
  assert.equal(nvfp4StaticBlockScale(fround(6 * 74.667), 2688), 72);
  const x = Float32Array.from(
    [12, -5, 0.9, 2.2, ...Array(12).fill(0), 1, 2, ...Array(14).fill(0)].map(fround),
  );
  const out = new Float32Array(32);
  nvfp4FakeQuantStatic(x, out, 1, 32, 16, Float32Array.of(12, 0), 2688);
  assert.deepEqual([...out.slice(0, 4)], [12, -4, 1, 2]);
  assert.deepEqual(
    [...out.slice(16)],
    Array(16).fill(0),
    'zero block scale -> all-zero block (no 1e-5 rule)',
  );
});

test('NVFP4 export scales T40/T44 and nibbles', () => {
  assert.equal(nvfp4ExportScaleDynamic(12, 1), 0x40);
  const ws2 = fround(fround(4.48) / 448);
  assert.ok(Math.abs(ws2 - 0.01) < 1e-9);
  assert.equal(decodeE4M3(nvfp4ExportScaleDynamic(fround(4.48), ws2)), 72); // T44
  assert.equal(nvfp4ExportScaleDynamic(0, 1), 0x38, 'zero block -> scale 1.0');
  assert.equal(nvfp4ExportScaleDynamic(1e-6, 1), 0x01, 'clamped up to 2^-9');
  assert.equal(nvfp4ExportScaleDynamic(1e6, 1), 0x7e, 'clamped to 448');
  assert.equal(nvfp4ExportScaleStatic(12, 2688), 0x40);
  assert.equal(nvfp4ExportScaleStatic(0, 2688), 0x38, 'zero amax -> 1.0 before the FP8 cast');
  const x = Float32Array.from([12, -5, 0.9, 2.2].map(fround));
  const codes = new Uint8Array(4);
  nvfp4ExportNibbles(x, codes, 0, 4, 0x40, 1);
  assert.deepEqual([...codes], [7, 0xc, 1, 2]);
});
