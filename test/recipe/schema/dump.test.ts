/** Sparse and full dumps (pydantic exclude_unset / model_dump) and the validate(dumpFull(x)) round trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PyFloat, PyTuple, type PyValue } from '../../../src/recipe/pyvalue.js';
import { dumpFull, dumpSparse, validate } from '../../../src/recipe/schema/index.js';
import { fl, ok, py, schema, tup } from './helpers.js';

const keys = (v: PyValue) => [...(v as Map<unknown, unknown>).keys()];

test('sparse dump keeps only given fields, in schema order (not input order)', () => {
  const c = ok('QuantizerAttributeConfig', { axis: null, num_bits: 8 });
  assert.deepEqual(dumpSparse(c), py({ num_bits: 8, axis: null }));
  assert.deepEqual(keys(dumpSparse(c)), ['num_bits', 'axis']);
});

test('full dump has every field in schema order', () => {
  const full = dumpFull(ok('QuantizerAttributeConfig', {}));
  assert.equal(keys(full).length, 19);
  assert.equal(keys(full)[0], 'enable');
  assert.equal(keys(full)[18], 'constant_amax');
});

test('tuples dump as PyTuple, float fields as PyFloat even from an int, int keys as numbers', () => {
  const c = ok('QuantizerAttributeConfig', {
    num_bits: [2, 1],
    effective_bits: fl(4.5),
    constant_amax: 2688,
    block_sizes: { '-1': 16, type: 'static', scale_bits: [4, 3] },
  });
  const d = dumpSparse(c) as Map<unknown, PyValue>;
  assert.deepEqual(d.get('num_bits'), tup(2, 1));
  assert.deepEqual(d.get('constant_amax'), new PyFloat(2688));
  assert.deepEqual(d.get('effective_bits'), new PyFloat(4.5));
  const blocks = d.get('block_sizes') as Map<unknown, PyValue>;
  assert.deepEqual([...blocks.keys()], [-1, 'type', 'scale_bits']);
  assert.ok(blocks.get('scale_bits') instanceof PyTuple);
  assert.ok(
    (dumpFull(ok('QuantizerAttributeConfig', { axis: [0, 1] })) as Map<string, PyValue>).get(
      'axis',
    ) instanceof PyTuple,
  );
  assert.ok(
    (dumpFull(ok('QuantizerAttributeConfig', { calibrator: ['C'] })) as Map<string, PyValue>).get(
      'calibrator',
    ) instanceof PyTuple,
  );
});

test('the default QuantizeConfig entry sparse-dumps as quantizer_name + cfg {num_bits, axis}', () => {
  const q = ok('QuantizeConfig', {});
  assert.deepEqual(dumpSparse(q), new Map());
  assert.deepEqual(dumpSparse(q.quant_cfg), py([{ quantizer_name: '*', cfg: { num_bits: 8, axis: null } }]));
});

test('validator rewrites and legacy conversion count as set', () => {
  const e = ok('QuantizerCfgEntry', { quantizer_name: '*', cfg: {}, enable: false });
  assert.deepEqual(dumpSparse(e), py({ quantizer_name: '*', cfg: null, enable: false }));
  const q = ok('QuantizeConfig', { quant_cfg: { '*lm_head*': { enable: false } } });
  assert.deepEqual(
    dumpSparse(q),
    py({ quant_cfg: [{ quantizer_name: '*lm_head*', cfg: null, enable: false }] }),
  );
});

test('algorithm mappings dump verbatim (floats stay PyFloat, lists stay lists)', () => {
  const q = ok('QuantizeConfig', { algorithm: { method: 'awq_lite', alpha_step: fl(0.5) } });
  const algo = (dumpSparse(q) as Map<string, PyValue>).get('algorithm') as Map<string, PyValue>;
  assert.deepEqual(algo.get('alpha_step'), new PyFloat(0.5));
});

test('nested sparse dump of a recipe recurses into nested models', () => {
  const r = ok('ModelOptPTQRecipe', {
    metadata: { recipe_type: 'ptq' },
    quantize: { quant_cfg: [{ quantizer_name: '*', enable: false }] },
  });
  assert.deepEqual(
    dumpSparse(r),
    py({
      metadata: { recipe_type: 'ptq' },
      quantize: { quant_cfg: [{ quantizer_name: '*', enable: false }] },
    }),
  );
  const full = dumpFull(r) as Map<string, Map<string, PyValue>>;
  assert.deepEqual(keys(full.get('metadata')!), ['recipe_type', 'description']);
  assert.deepEqual(keys(full.get('quantize')!), ['quant_cfg', 'algorithm', 'effective_bits']);
});

test('training extras dump after the known fields', () => {
  const r = ok('ModelOptEagleRecipe', { training: { zeta: 1, training_seq_len: 2048 }, eagle: {} });
  assert.deepEqual(keys((dumpSparse(r) as Map<string, PyValue>).get('training')!), [
    'training_seq_len',
    'zeta',
  ]);
  const full = (dumpFull(r) as Map<string, PyValue>).get('training')!;
  assert.deepEqual(keys(full).slice(-2), ['dp_shard_size', 'zeta']);
});

function roundTrip(name: string, data: unknown): void {
  const first = ok(name, data);
  const full = dumpFull(first);
  const again = validate(schema(name), full);
  assert.ok(
    again.ok,
    `re-validating the full dump of ${name} failed: ${JSON.stringify(again.ok ? [] : again.issues)}`,
  );
  assert.deepEqual(dumpFull(again.value), full);
  assert.equal(
    keys(dumpSparse(again.value)).length,
    keys(full).length,
    'a full dump makes every field explicit',
  );
}

test('validate(dumpFull(x)) round-trips for every recipe family', () => {
  const nvfp4 = {
    num_bits: [2, 1],
    block_sizes: { '-1': 16, type: 'dynamic', scale_bits: [4, 3] },
    effective_bits: fl(4.5),
  };
  const quantize = {
    quant_cfg: [
      { quantizer_name: '*', enable: false },
      { quantizer_name: '*weight_quantizer', cfg: nvfp4 },
      {
        quantizer_name: '*input_quantizer',
        cfg: [{ num_bits: 4, block_sizes: { '-1': 128 } }, { num_bits: [4, 3] }],
      },
      {
        quantizer_name: '*[kv]_bmm_quantizer',
        cfg: { num_bits: [4, 3], bias: { '-2': null, type: 'static' }, constant_amax: 2688 },
      },
      {
        quantizer_name: '*',
        parent_class: 'nn.BatchNorm1d',
        cfg: { rotate: { enable: true, block_size: 64 } },
        enable: false,
      },
    ],
    algorithm: { method: 'mse', layerwise: { enable: true } },
    effective_bits: 5,
  };
  roundTrip('ModelOptPTQRecipe', { metadata: { recipe_type: 'ptq' }, quantize });
  roundTrip('ModelOptAutoQuantizeRecipe', {
    auto_quantize: {
      constraints: { cost: { active_moe_expert_ratio: fl(0.5) } },
      candidate_formats: [quantize],
      disabled_layers: ['*lm_head*'],
    },
  });
  roundTrip('ModelOptEagleRecipe', {
    data: { offline_data_path: '/d' },
    training: { extra: [1, 2] },
    eagle: {},
  });
  roundTrip('ModelOptDFlashRecipe', { dflash: { dflash_swa_window_size: 16 } });
  roundTrip('ModelOptMedusaRecipe', {});
  roundTrip('QuantizerCfgListConfig', quantize.quant_cfg);
});

test('dumps of a list are lists of dumps; plain data passes through', () => {
  const list = ok('QuantizerCfgListConfig', [{ quantizer_name: '*', enable: false }]);
  assert.deepEqual(
    dumpFull(list),
    py([{ quantizer_name: '*', parent_class: null, cfg: null, enable: false }]),
  );
  assert.deepEqual(dumpSparse(py({ a: [1] })), py({ a: [1] }));
});

test('float fields of speculative sections dump as PyFloat; dict defaults verbatim', () => {
  const full = dumpFull(ok('EagleConfig', {})) as Map<string, PyValue>;
  assert.deepEqual(full.get('eagle_loss_decay_factor'), new PyFloat(0.9));
  assert.deepEqual(full.get('eagle_base_lora_alpha'), new PyFloat(16));
  const rope = full.get('eagle_export_rope_scaling') as Map<string, PyValue>;
  assert.deepEqual(rope.get('factor'), new PyFloat(32));
  assert.equal(rope.get('original_max_position_embeddings'), 2048);
});

test('sparse dump of an empty recipe section is an empty mapping', () => {
  assert.deepEqual(dumpSparse(ok('QuantizerAttributeConfig', {})), new Map());
  assert.deepEqual(dumpSparse(ok('RotateConfig', {})), new Map());
});

test('the derived data.mode dumps with the recomputed value', () => {
  const r = ok('ModelOptEagleRecipe', { data: { mode: 'streaming' }, eagle: {} });
  const data = (dumpSparse(r) as Map<string, PyValue>).get('data') as Map<string, PyValue>;
  assert.equal(data.get('mode'), 'online');
});

test('a round trip keeps int keys apart from str keys', () => {
  const c = ok('QuantizerAttributeConfig', {
    backend: 'b',
    backend_extra_args: new Map<unknown, unknown>([
      [-1, 1],
      ['-1', 2],
    ]),
  });
  const full = dumpFull(c);
  const again = validate(schema('QuantizerAttributeConfig'), full);
  assert.ok(again.ok);
  const extra = (dumpFull(again.value) as Map<string, PyValue>).get('backend_extra_args') as Map<
    unknown,
    PyValue
  >;
  assert.deepEqual([...extra.keys()], [-1, '-1']);
});
