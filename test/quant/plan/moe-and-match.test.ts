import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildQuantizerSlots } from '../../../src/quant/names/index.js';
import {
  normQuantizerName,
  nameMatches,
  planQuantization,
  planReport,
} from '../../../src/quant/plan/index.js';
import { denseConfig, mixtralTensors, qwen3MoeTensors } from '../names/fixtures.js';
import { DENY_ALL, FP8, NVFP4, entry, nvfp4Recipe } from './helpers.js';

test('norm() drops the index after (weight|input)_quantizer[s]', () => {
  assert.equal(
    normQuantizerName('model.layers.3.mlp.experts.gate_up_proj_weight_quantizers.7'),
    'model.layers.3.mlp.experts.gate_up_proj_weight_quantizer',
  );
  assert.equal(normQuantizerName('x.down_proj_input_quantizers.12'), 'x.down_proj_input_quantizer');
  assert.equal(normQuantizerName('x.weight_quantizer.0'), 'x.weight_quantizer');
  assert.equal(normQuantizerName('x.weight_quantizer.0.y'), 'x.weight_quantizer.y');
  assert.equal(
    normQuantizerName('x.weight_quantizers.7a'),
    'x.weight_quantizers.7a',
    'digits must end the segment',
  );
  assert.equal(normQuantizerName('x.output_quantizers.1'), 'x.output_quantizers.1');
  assert.equal(normQuantizerName('x.weight_quantizer'), 'x.weight_quantizer');
  assert.ok(nameMatches('m.experts.gate_up_proj_weight_quantizers.7', '*.experts.*weight_quantizer'));
  assert.ok(
    nameMatches('m.experts.gate_up_proj_weight_quantizers.7', '*weight_quantizers.7'),
    'raw name still matches',
  );
  assert.ok(!nameMatches('m.experts.gate_up_proj_weight_quantizers.7', '*weight_quantizers'));
});

const qwenFused = () =>
  buildQuantizerSlots({ ...denseConfig('qwen3_moe', 1), num_experts: 2 }, qwen3MoeTensors(1, 2), {
    expertLayout: 'fused',
  });

test('fused expert lists follow *weight_quantizer / *input_quantizer patterns through norm()', () => {
  const plan = planQuantization(qwenFused().slots, nvfp4Recipe());
  const experts = plan.slots.filter((p) => p.slot.module === 'model.layers.0.mlp.experts');
  assert.equal(experts.length, 6);
  for (const p of experts) {
    assert.equal(p.enabled, true, p.slot.name);
    assert.deepEqual(p.attributes?.num_bits, [2, 1]);
  }
  assert.ok(
    plan.unmatchedEntries.some((u) => u.quantizer_name === '*mlp.gate.*'),
    'the fused router has no quantizer',
  );
});

test('nvfp4_experts_only-style patterns: *.experts.* vs sequential and fused layouts', () => {
  const entries = [
    DENY_ALL,
    entry('*.experts.*weight_quantizer', { cfg: NVFP4 }),
    entry('*.experts.*input_quantizer', { cfg: NVFP4 }),
  ];
  const fused = planQuantization(qwenFused().slots, entries);
  assert.deepEqual(
    fused.slots.filter((p) => p.enabled).map((p) => p.slot.name),
    [
      'model.layers.0.mlp.experts.gate_up_proj_input_quantizer',
      'model.layers.0.mlp.experts.gate_up_proj_weight_quantizers.0',
      'model.layers.0.mlp.experts.gate_up_proj_weight_quantizers.1',
      'model.layers.0.mlp.experts.down_proj_input_quantizer',
      'model.layers.0.mlp.experts.down_proj_weight_quantizers.0',
      'model.layers.0.mlp.experts.down_proj_weight_quantizers.1',
    ],
  );
  const mixtral = buildQuantizerSlots(
    { ...denseConfig('mixtral', 1), num_local_experts: 2 },
    mixtralTensors(1, 2),
  );
  const seq = planQuantization(mixtral.slots, [
    ...entries,
    entry('*block_sparse_moe.gate*', { enable: false }),
  ]);
  const on = seq.slots.filter((p) => p.enabled).map((p) => p.slot.name);
  assert.equal(on.length, 12);
  assert.ok(on.every((n) => n.includes('.experts.') && !n.includes('output')));
});

test('parent_class of fused quantizers: the experts class for inputs, an unregistered ModuleList for weight lists', () => {
  const slots = qwenFused().slots;
  const byClass = planQuantization(slots, [
    DENY_ALL,
    entry('*', { cfg: FP8, parent_class: 'Qwen3MoeExperts' }),
  ]);
  assert.deepEqual(
    byClass.slots.filter((p) => p.enabled).map((p) => p.slot.name),
    [
      'model.layers.0.mlp.experts.gate_up_proj_input_quantizer',
      'model.layers.0.mlp.experts.down_proj_input_quantizer',
    ],
  );
  assert.throws(
    () => planQuantization(slots, [entry('*', { enable: false, parent_class: 'nn.ModuleList' })]),
    /not found in QuantModuleRegistry/,
  );
});

test('plugin classes registered for the model are valid parent_class keys even without slots under them', () => {
  const mixtral = buildQuantizerSlots(
    { ...denseConfig('mixtral', 1), num_local_experts: 2 },
    mixtralTensors(1, 2),
  );
  assert.deepEqual(mixtral.registryKeys, ['MixtralAttention', 'MixtralSparseMoeBlock']);
  const r = planReport(mixtral, [entry('*', { enable: false, parent_class: 'MixtralSparseMoeBlock' })]);
  assert.deepEqual(
    r.unmatchedEntries.map((u) => u.parent_class),
    ['MixtralSparseMoeBlock'],
  );
  assert.deepEqual(qwenFused().registryKeys, ['Qwen3MoeAttention', 'Qwen3MoeExperts']);
  assert.throws(
    () => planReport(qwenFused(), [entry('*', { enable: false, parent_class: 'MixtralSparseMoeBlock' })]),
    /MixtralSparseMoeBlock/,
  );
});
