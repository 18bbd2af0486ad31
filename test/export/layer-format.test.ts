/** Format derivation (get_quantization_format), per-layer JSON, KV algorithm and the two quantization config forms. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MoptError } from '../../src/errors.js';
import {
  buildHfQuantConfig,
  configJsonQuantization,
  hasQuantization,
  kvCacheQuantAlgo,
  layerConfig,
  moduleFormat,
} from '../../src/export/index.js';
import { defaultAttributes } from '../../src/quant/plan/index.js';
import type { QuantizerAttributeConfig } from '../../src/recipe/types.js';

function q(
  over: Partial<QuantizerAttributeConfig>,
  blocks?: Array<[number | string, unknown]>,
): QuantizerAttributeConfig {
  return {
    ...defaultAttributes(),
    ...over,
    block_sizes: blocks ? new Map(blocks as Array<[number | string, never]>) : null,
  };
}
const fp8 = q({ num_bits: [4, 3] });
const nvfp4 = q({ num_bits: [2, 1] }, [
  [-1, 16],
  ['type', 'dynamic'],
  ['scale_bits', [4, 3]],
]);
const mxfp4 = q({ num_bits: [2, 1] }, [
  [-1, 32],
  ['type', 'dynamic'],
  ['scale_bits', [8, 0]],
]);
const mxfp8 = q({ num_bits: [4, 3] }, [
  [-1, 32],
  ['type', 'dynamic'],
  ['scale_bits', [8, 0]],
]);
const int4 = q({ num_bits: 4 }, [
  [-1, 128],
  ['type', 'static'],
]);

describe('moduleFormat', () => {
  it('derives the ModelOpt format from weight and input quantizers', () => {
    assert.equal(moduleFormat(null, fp8), 'none');
    assert.equal(moduleFormat(fp8, fp8), 'fp8');
    assert.equal(moduleFormat(fp8, null), 'fp8');
    assert.equal(moduleFormat(q({ num_bits: [4, 3], axis: 0 }), null), 'fp8_pc_pt');
    assert.equal(
      moduleFormat(
        q({ num_bits: [4, 3] }, [
          [-1, 128],
          [-2, 128],
        ]),
        null,
      ),
      'fp8_pb_wo',
    );
    assert.equal(moduleFormat(mxfp8, mxfp8), 'mxfp8');
    assert.equal(moduleFormat(int4, null), 'int4_awq');
    assert.equal(moduleFormat([int4, fp8], fp8), 'w4a8_awq');
    assert.equal(moduleFormat(q({ num_bits: 8, axis: 0 }), null), 'int8_wo');
    assert.equal(moduleFormat(q({ num_bits: 8, axis: 0 }), q({})), 'int8_sq');
    assert.equal(moduleFormat(nvfp4, nvfp4), 'nvfp4');
    assert.equal(moduleFormat(nvfp4, null), 'w4a16_nvfp4');
    assert.equal(moduleFormat(nvfp4, fp8), 'w4a8_nvfp4_fp8');
    assert.equal(moduleFormat(mxfp4, null), 'mxfp4');
    assert.equal(moduleFormat(mxfp4, fp8), 'w4a8_mxfp4_fp8');
  });

  it('per-layer JSON carries group_size and the AWQ flags in ModelOpt order', () => {
    assert.deepEqual(Object.entries(layerConfig('int4_awq', int4)), [
      ['quant_algo', 'W4A16_AWQ'],
      ['group_size', 128],
      ['has_zero_point', false],
      ['pre_quant_scale', true],
    ]);
    assert.deepEqual(layerConfig('nvfp4', nvfp4), { quant_algo: 'NVFP4', group_size: 16 });
    assert.deepEqual(layerConfig('mxfp8', mxfp8), { quant_algo: 'MXFP8', group_size: 32 });
    assert.deepEqual(layerConfig('fp8_pb_wo', fp8), { quant_algo: 'fp8_pb_wo' });
    assert.deepEqual(layerConfig('mxfp4', mxfp4), { quant_algo: 'mxfp4' });
    assert.deepEqual(layerConfig('int8_wo', q({ num_bits: 8 })), { quant_algo: 'W8A16' });
  });

  it('kv_cache_quant_algo from the k/v bmm quantizers; mixed formats are refused', () => {
    assert.equal(kvCacheQuantAlgo([]), null);
    assert.equal(kvCacheQuantAlgo([fp8, fp8]), 'FP8');
    assert.equal(kvCacheQuantAlgo([nvfp4]), 'NVFP4');
    assert.equal(kvCacheQuantAlgo([q({ num_bits: [2, 1], bias: new Map([[-2, null]]) })]), 'NVFP4_AFFINE');
    assert.equal(kvCacheQuantAlgo([q({ num_bits: 8 })]), 'INT8');
    assert.throws(
      () => kvCacheQuantAlgo([fp8, nvfp4]),
      (e: unknown) => e instanceof MoptError && e.code === 'E_KV_MIXED',
    );
  });
});

describe('quantization config files', () => {
  it('hoists one shared config with keys in ModelOpt order', () => {
    const layers = new Map([
      ['a', layerConfig('nvfp4', nvfp4)],
      ['b', layerConfig('nvfp4', nvfp4)],
    ]);
    const hf = buildHfQuantConfig(layers, 'FP8', ['lm_head']);
    assert.deepEqual(Object.keys(hf.quantization), [
      'quant_algo',
      'kv_cache_quant_algo',
      'group_size',
      'exclude_modules',
    ]);
    assert.equal(JSON.stringify(hf).startsWith('{"producer":{"name":"modelopt","version":'), true);
    assert.deepEqual(Object.keys(configJsonQuantization(hf)), [
      'config_groups',
      'ignore',
      'quant_algo',
      'kv_cache_scheme',
      'producer',
      'quant_method',
    ]);
  });

  it('KV-only quantization still writes the file (quant_algo null, no config groups)', () => {
    const hf = buildHfQuantConfig(new Map(), 'FP8', ['lm_head']);
    assert.equal(hasQuantization(hf), true);
    assert.deepEqual(hf.quantization, {
      quant_algo: null,
      kv_cache_quant_algo: 'FP8',
      exclude_modules: ['lm_head'],
    });
    const flat = configJsonQuantization(hf);
    assert.deepEqual(Object.keys(flat), ['ignore', 'kv_cache_scheme', 'producer', 'quant_method']);
    assert.equal(hasQuantization(buildHfQuantConfig(new Map(), null, [])), false);
  });

  it('MIXED_PRECISION groups layers by identical config, NVFP4 KV passes through as a string', () => {
    const layers = new Map([
      ['m.b', layerConfig('fp8', fp8)],
      ['m.a', layerConfig('fp8', fp8)],
      ['m.c', layerConfig('int4_awq', int4)],
    ]);
    const flat = configJsonQuantization(buildHfQuantConfig(layers, 'NVFP4', ['x']));
    assert.deepEqual(flat.config_groups, {
      group_0: {
        input_activations: { dynamic: false, num_bits: 8, type: 'float' },
        weights: { dynamic: false, num_bits: 8, type: 'float' },
        targets: ['m.a', 'm.b'],
      },
      group_1: { weights: { dynamic: false, num_bits: 4, type: 'int', group_size: 128 }, targets: ['m.c'] },
    });
    assert.equal(flat.kv_cache_scheme, 'NVFP4');
    assert.deepEqual(flat.ignore, []);
  });
});
