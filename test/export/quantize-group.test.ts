/** One fusion group quantized: spec vectors T40/T44, shared scales across siblings, FP8 siblings kept apart. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ModuleExport } from '../../src/export/export-plan.js';
import { moduleFormat, weightOutputs } from '../../src/export/index.js';
import { quantizeGroup, quantizeGroupPooled } from '../../src/export/quantize-group.js';
import { closeQuantPool } from '../../src/quant/quantizer/pool.js';
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

/** bf16 patterns of a spread of magnitudes (a few zeros and negatives), deterministic. */
function bf16Weights(n: number, seed: number): Uint16Array {
  const bits = new Uint16Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const exp = 0x75 + ((s >>> 8) % 13); // magnitudes 2^-10 .. 2^3
    bits[i] = i % 97 === 0 ? 0 : ((s >>> 31) << 15) | (exp << 7) | ((s >>> 12) & 0x7f);
  }
  return bits;
}
const decode = (bits: Uint16Array): Float32Array =>
  new Float32Array(Uint32Array.from(bits, (b) => b << 16).buffer);

describe('quantizeGroup from bf16 bits', () => {
  const fp8Channel = attrs({ num_bits: [4, 3], axis: 0 });
  const int4Block = attrs({ num_bits: 4 }, [[-1, 16]]);
  const nvfp4Static = attrs({ num_bits: [2, 1] }, [
    [-1, 16],
    ['type', 'static'],
    ['scale_bits', [4, 3]],
  ]);
  const cases: Array<[string, QuantizerAttributeConfig, QuantizerAttributeConfig | null]> = [
    ['FP8 per-tensor', fp8, null],
    ['FP8 per-channel', fp8Channel, null],
    ['INT4 blockwise', int4Block, null],
    ['NVFP4 dynamic', nvfp4(), null],
    ['NVFP4 static', nvfp4Static, null],
    ['W4A8 NVFP4-FP8', nvfp4(32), fp8],
  ];
  const mse = { method: 'mse' as const, options: {} };
  for (const [label, weight, input] of cases) {
    for (const dtype of ['BF16', undefined] as const) {
      for (const c of [calib, mse]) {
        it(`${label}, model dtype ${dtype ?? 'unset'}, ${c.method}: the same bytes as from float32`, () => {
          const members = [member('q', [4, 64], weight, input), member('k', [2, 64], weight, input)];
          const bits = new Map([
            ['q.weight', bf16Weights(256, 7)],
            ['k.weight', bf16Weights(128, 11)],
          ]);
          const fromBits = quantizeGroup(members, (t) => bits.get(t)!, c, dtype);
          const fromFloats = quantizeGroup(members, (t) => decode(bits.get(t)!), c, dtype);
          assert.deepEqual([...fromBits.keys()], [...fromFloats.keys()]);
          for (const [k, v] of fromFloats) assert.deepEqual(fromBits.get(k), v, k);
        });
      }
    }
  }

  it('FP8 per-tensor of a bf16 model rounds W / scale to bf16 before the cast (ModelOpt bytes)', () => {
    // 1.015625 / (3/448) = 151.67: as bf16 it is 152, the tie between E4M3 144 and 160 (even: 160)
    const bits = new Uint16Array(16);
    bits[0] = 0x3f82; // 1.015625
    bits[1] = 0x4040; // 3.0, the amax
    const p = [member('p', [1, 16], fp8)];
    assert.equal(quantizeGroup(p, () => bits, calib, 'BF16').get('p.weight')![0], encodeE4M3(160));
    assert.equal(quantizeGroup(p, () => bits, calib).get('p.weight')![0], encodeE4M3(144));
  });

  it('a NaN or Inf among the bits is found whatever the layout (amax groups, or no amax at all)', () => {
    const mxfp4 = attrs({ num_bits: [2, 1] }, [
      [-1, 32],
      ['type', 'dynamic'],
      ['scale_bits', [8, 0]],
    ]);
    const layouts = [
      fp8,
      attrs({ num_bits: [4, 3], axis: 0 }),
      attrs({ num_bits: 4 }, [[-1, 16]]),
      nvfp4(),
      mxfp4,
    ];
    for (const weight of layouts) {
      for (const [pattern, text] of [
        [0x7fc0, 'NaN'],
        [0xff80, '-inf'],
      ] as const) {
        const bits = bf16Weights(64, 3);
        bits[45] = pattern;
        assert.throws(
          () => quantizeGroup([member('p', [2, 32], weight)], () => bits, calib, 'BF16'),
          new RegExp(`"p\\.weight" holds ${text} at index \\[1, 13\\]`),
        );
      }
    }
  });

  it('a NaN among the bits is refused with the same message as from float32', () => {
    const bits = bf16Weights(32, 3);
    bits[19] = 0x7fc0;
    assert.throws(
      () => quantizeGroup([member('p', [2, 16], fp8)], () => bits, calib, 'BF16'),
      /"p\.weight" holds NaN at index \[1, 3\]/,
    );
  });
});

describe('quantizeGroupPooled', () => {
  after(() => closeQuantPool());
  it('splits every member across two workers and gives quantizeGroup bytes (shared and copied bits)', async () => {
    const nvfp4Static = attrs({ num_bits: [2, 1] }, [
      [-1, 16],
      ['type', 'static'],
      ['scale_bits', [4, 3]],
    ]);
    for (const weight of [fp8, nvfp4(), nvfp4Static, attrs({ num_bits: 4 }, [[-1, 16]])]) {
      const members = [member('q', [8, 64], weight), member('k', [4, 64], weight)];
      const shared = new Uint16Array(new SharedArrayBuffer(8 * 64 * 2));
      shared.set(bf16Weights(512, 5));
      const bits = new Map([
        ['q.weight', shared],
        ['k.weight', bf16Weights(256, 9)],
      ]);
      const read = (t: string): Uint16Array => bits.get(t)!;
      const pool = { threads: 2, minElements: 1 };
      const pooled = await quantizeGroupPooled(members, read, calib, 'BF16', pool);
      const plain = quantizeGroup(members, read, calib, 'BF16');
      assert.deepEqual([...pooled.keys()], [...plain.keys()]);
      for (const [k, v] of plain) assert.deepEqual(new Uint8Array(pooled.get(k)!), new Uint8Array(v), k);
    }
  });
});
