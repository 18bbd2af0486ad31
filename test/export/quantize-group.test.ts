/** One fusion group quantized: spec vectors T40/T44, shared scales across siblings, FP8 siblings kept apart. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModuleExport } from '../../src/export/export-plan.js';
import { moduleFormat, weightOutputs } from '../../src/export/index.js';
import { quantizeGroup } from '../../src/export/quantize-group.js';
import { encodeE4M3 } from '../../src/quant/formats/fp8.js';
import { defaultAttributes } from '../../src/quant/plan/index.js';
import type { QuantizerAttributeConfig } from '../../src/recipe/types.js';

const attrs = (
  over: Partial<QuantizerAttributeConfig>,
  blocks?: Array<[number | string, unknown]>,
): QuantizerAttributeConfig => ({
  ...defaultAttributes(),
  ...over,
  block_sizes: blocks ? new Map(blocks as Array<[number | string, never]>) : null,
});
const nvfp4 = (bs = 16): QuantizerAttributeConfig =>
  attrs({ num_bits: [2, 1] }, [
    [-1, bs],
    ['type', 'dynamic'],
    ['scale_bits', [4, 3]],
  ]);
const fp8 = attrs({ num_bits: [4, 3] });

function member(
  module: string,
  shape: [number, number],
  weight: QuantizerAttributeConfig,
  input: QuantizerAttributeConfig | null = null,
): ModuleExport {
  return {
    module,
    tensor: `${module}.weight`,
    shape,
    weight,
    format: moduleFormat(weight, input),
    inputScale: null,
    group: 'g',
    outputs: weightOutputs(module, `${module}.weight`, shape, weight),
  };
}
const f32 = (b: Uint8Array | undefined): Float32Array => new Float32Array(b!.slice().buffer);
const calib = { method: 'max' as const };

describe('quantizeGroup', () => {
  it('T40: NVFP4 export bytes, block scale and weight_scale_2 with the tensor amax from another row', () => {
    const w = new Float32Array(32);
    w.set([12, -5, 0.9, 2.2]);
    w[16] = 2688;
    const out = quantizeGroup([member('p', [2, 16], nvfp4())], () => w, calib);
    assert.deepEqual([...out.get('p.weight')!.subarray(0, 8)], [0xc7, 0x21, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...out.get('p.weight_scale')!], [0x40, 0x7e]);
    assert.equal(f32(out.get('p.weight_scale_2'))[0], 1);
  });

  it('T44: W4A8 NVFP4-FP8 uses w_amax/448 for weight_scale_2 and rounds the block scale 74.67 to 72', () => {
    const w = new Float32Array(32);
    w[0] = 4.48;
    const out = quantizeGroup([member('p', [1, 32], nvfp4(32), fp8)], () => w, calib);
    assert.equal(f32(out.get('p.weight_scale_2'))[0], Math.fround(Math.fround(4.48) / 448));
    assert.deepEqual([...out.get('p.weight_scale')!], [encodeE4M3(72)]);
  });

  it('NVFP4 siblings share weight_scale_2 (the group max); FP8 per-tensor siblings keep their own scales', () => {
    const small = new Float32Array(16).fill(0.5);
    const big = new Float32Array(16).fill(2);
    const read = (t: string): Float32Array => (t.startsWith('q') ? small : big);
    const nv = quantizeGroup([member('q', [1, 16], nvfp4()), member('k', [1, 16], nvfp4())], read, calib);
    assert.equal(f32(nv.get('q.weight_scale_2'))[0], f32(nv.get('k.weight_scale_2'))[0]);
    assert.equal(f32(nv.get('q.weight_scale_2'))[0], Math.fround(2 / 2688));
    const f8 = quantizeGroup([member('q', [1, 16], fp8), member('k', [1, 16], fp8)], read, calib);
    assert.equal(f32(f8.get('q.weight_scale'))[0], Math.fround(0.5 / 448));
    assert.equal(f32(f8.get('k.weight_scale'))[0], Math.fround(2 / 448));
  });

  it('an infinite weight is refused with its tensor name and index', () => {
    const w = new Float32Array(32);
    w[17] = -Infinity;
    assert.throws(
      () => quantizeGroup([member('p', [2, 16], nvfp4())], () => w, calib),
      /"p\.weight" holds -inf at index \[1, 1\]/,
    );
  });
});
