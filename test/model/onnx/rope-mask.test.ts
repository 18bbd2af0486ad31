import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forwardArch } from '../../../src/model/forward/arch.js';
import { RopeTable } from '../../../src/model/forward/rope.js';
import { measureOrtGemmPeak } from '../../../src/model/onnx/gemm-peak.js';
import { additiveCausalMask, MASK_MIN, ropeTables } from '../../../src/model/onnx/rope-mask.js';
import { synthConfig } from '../../../src/model/synth.js';

test('RoPE tables equal the reference RopeTable, repeated over both halves (llama3 scaling)', () => {
  const arch = forwardArch(synthConfig('llama', 'tiny'));
  const positions = Int32Array.of(0, 1, 2, 200, 5, 9);
  const t = ropeTables(arch.invFreq, arch.ropeAttentionScaling, positions, 2);
  assert.deepEqual(t.dims, [2, 3, arch.headDim]);
  const [cos, sin] = new RopeTable(arch.invFreq, arch.ropeAttentionScaling).ensure(201);
  const half = arch.headDim / 2;
  positions.forEach((p, row) => {
    for (let i = 0; i < half; i++) {
      for (const j of [i, i + half]) {
        assert.equal(t.cos[row * arch.headDim + j], cos[p * half + i]);
        assert.equal(t.sin[row * arch.headDim + j], sin[p * half + i]);
      }
    }
  });
  assert.throws(() => ropeTables(arch.invFreq, 1, positions, 4), {
    code: 'bad-positions',
    message: /6 positions do not split into 4 rows/,
  });
});

test('additive mask: causal, key padding and sliding window', () => {
  const m = additiveCausalMask(1, 4, [0, 1, 1, 1], 2);
  const visible = (q: number, k: number): boolean => m[q * 4 + k] === 0;
  const grid = [0, 1, 2, 3].map((q) => [0, 1, 2, 3].map((k) => (visible(q, k) ? 1 : 0)).join(''));
  assert.deepEqual(grid, ['0000', '0100', '0110', '0011']);
  assert.equal(m[3], MASK_MIN);
  const full = additiveCausalMask(2, 3);
  assert.deepEqual(
    [...full.subarray(9, 18)].map((v) => (v === 0 ? 1 : 0)),
    [1, 0, 0, 1, 1, 0, 1, 1, 1],
  );
  assert.throws(() => additiveCausalMask(2, 3, [1, 1]), {
    code: 'bad-attention-mask',
    message: /2 entries, expected batch 2 × seq 3/,
  });
});

test('GEMM peak helper times an n³ MatMul and reports GFLOP/s', async () => {
  const r = await measureOrtGemmPeak({ size: 128, runs: 3, intraOpNumThreads: 1 });
  assert.equal(r.size, 128);
  assert.ok(r.medianMs > 0 && Number.isFinite(r.gflops) && r.gflops > 0);
  assert.ok(Math.abs(r.gflops - (2 * 128 ** 3) / (r.medianMs * 1e6)) < 1e-9);
});
