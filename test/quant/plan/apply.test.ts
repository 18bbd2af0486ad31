import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildQuantizerSlots } from '../../../src/quant/names/index.js';
import { planQuantization, type PlannedSlot } from '../../../src/quant/plan/index.js';
import { MoptError, type SourceRef } from '../../../src/errors.js';
import { denseConfig, denseTensors } from '../names/fixtures.js';
import { DENY_ALL, FP8, INT4_B128, attrs, entry, nvfp4Recipe } from './helpers.js';

const llama = (layers = 1) => buildQuantizerSlots(denseConfig('llama', layers), denseTensors(layers));
const bySlot = (slots: PlannedSlot[]) => new Map(slots.map((p) => [p.slot.name, p]));
const src = (line: number): SourceRef => ({ file: 'r.yaml', line, col: 3, chain: [] });

test('insertion state: inputs, weights and bmm enabled with INT8 defaults; outputs and embedding input disabled', () => {
  const p = bySlot(planQuantization(llama().slots, []).slots);
  const qw = p.get('model.layers.0.self_attn.q_proj.weight_quantizer');
  assert.equal(qw?.enabled, true);
  assert.equal(qw?.attributes?.num_bits, 8);
  assert.equal(qw?.attributes?.axis, 0, 'QuantLinear weights default to per-row INT8');
  assert.equal(p.get('model.layers.0.self_attn.q_proj.input_quantizer')?.attributes?.axis, null);
  assert.equal(p.get('model.layers.0.self_attn.q_proj.output_quantizer')?.enabled, false);
  assert.equal(p.get('model.layers.0.self_attn.k_bmm_quantizer')?.enabled, true);
  assert.equal(p.get('model.embed_tokens.input_quantizer')?.enabled, false);
  assert.equal(p.get('model.embed_tokens.weight_quantizer')?.attributes?.axis, null);
  assert.equal(qw?.attributesFrom, null);
  assert.equal(qw?.enabledFrom, null);
});

test('deny-all disables every slot and is recorded as the enabled-flag source', () => {
  const plan = planQuantization(llama().slots, [DENY_ALL], { entrySource: () => src(2) });
  for (const p of plan.slots) {
    assert.equal(p.enabled, false, p.slot.name);
    assert.equal(p.enabledFrom, 0);
    assert.equal(p.attributesFrom, null);
    assert.deepEqual(p.enabledSource, src(2));
  }
  assert.deepEqual(plan.unmatchedEntries, []);
});

test('standard NVFP4 recipe: formats, provenance, exclusions by name and by parent_class', () => {
  const entries = nvfp4Recipe();
  const plan = planQuantization(llama().slots, entries, { entrySource: (_e, i) => src(10 + i) });
  const p = bySlot(plan.slots);
  const qw = p.get('model.layers.0.self_attn.q_proj.weight_quantizer');
  assert.equal(qw?.enabled, true);
  assert.deepEqual(qw?.attributes?.num_bits, [2, 1]);
  assert.equal(qw?.attributesFrom, 1);
  assert.equal(qw?.enabledFrom, 1);
  assert.deepEqual(qw?.attributesSource, src(11));
  assert.equal(p.get('model.layers.0.mlp.down_proj.input_quantizer')?.attributesFrom, 2);
  const k = p.get('model.layers.0.self_attn.k_bmm_quantizer');
  assert.equal(k?.attributes?.use_constant_amax, true);
  assert.equal(p.get('model.layers.0.self_attn.q_bmm_quantizer')?.enabled, false);
  const lm = p.get('lm_head.weight_quantizer');
  assert.equal(lm?.enabled, false);
  assert.equal(lm?.attributesFrom, 1, 'an enable-only entry keeps the attributes of the cfg entry');
  assert.equal(lm?.enabledFrom, 4 + 5, '*lm_head* is the 6th default-disabled entry');
  const emb = p.get('model.embed_tokens.weight_quantizer');
  assert.equal(emb?.enabled, false);
  assert.equal(emb?.enabledFrom, entries.length - 1, 'disabled by the parent_class nn.Embedding entry');
  const unmatched = plan.unmatchedEntries.map((u) => u.quantizer_name);
  assert.ok(unmatched.includes('*mlp.gate.*') && unmatched.includes('mtp.*'));
  assert.ok(!unmatched.includes('*lm_head*'));
  assert.deepEqual(plan.unmatchedEntries.find((u) => u.quantizer_name === 'mtp.*')?.source, src(10 + 4 + 12));
  assert.equal(plan.unmatchedEntries.filter((u) => u.parent_class === 'nn.BatchNorm1d').length, 1);
});

test('later entries win; enable-only toggles keep attributes', () => {
  const plan = planQuantization(llama().slots, [
    DENY_ALL,
    entry('*q_proj.weight_quantizer', { cfg: FP8 }),
    entry('*weight_quantizer', { cfg: INT4_B128 }),
    entry('*q_proj*', { enable: false }),
    entry('*q_proj.weight_quantizer', { enable: true }),
  ]);
  const q = bySlot(plan.slots).get('model.layers.0.self_attn.q_proj.weight_quantizer');
  assert.equal(q?.attributes?.num_bits, 4);
  assert.equal(q?.attributesFrom, 2);
  assert.equal(q?.enabled, true);
  assert.equal(q?.enabledFrom, 4);
  const qi = bySlot(plan.slots).get('model.layers.0.self_attn.q_proj.input_quantizer');
  assert.equal(qi?.enabled, false);
  assert.equal(qi?.enabledFrom, 3);
});

test('a cfg entry fully replaces attributes and takes the entry-level enable, not cfg.enable', () => {
  const plan = planQuantization(llama().slots, [
    entry('*down_proj.weight_quantizer', { cfg: attrs({ num_bits: 4, axis: 0 }) }),
    entry('*down_proj.weight_quantizer', { cfg: attrs({ num_bits: [4, 3], enable: false }) }),
    entry('*up_proj.weight_quantizer', { cfg: FP8, enable: false }),
  ]);
  const p = bySlot(plan.slots);
  const d = p.get('model.layers.0.mlp.down_proj.weight_quantizer');
  assert.equal(d?.enabled, true);
  assert.equal(d?.attributes?.axis, null, 'nothing survives from the earlier cfg');
  assert.equal(d?.attributes?.enable, true);
  assert.equal(p.get('model.layers.0.mlp.up_proj.weight_quantizer')?.enabled, false);
});

test('parent_class filters on the registered class of the immediate parent', () => {
  const slots = llama().slots;
  const plan = planQuantization(slots, [entry('*', { enable: false, parent_class: 'LlamaAttention' })]);
  const off = plan.slots.filter((p) => !p.enabled && p.enabledFrom === 0).map((p) => p.slot.name);
  assert.deepEqual(
    off,
    ['q', 'k', 'v', 'p'].map((x) => `model.layers.0.self_attn.${x}_bmm_quantizer`),
  );
  const lin = planQuantization(slots, [DENY_ALL, entry('*', { enable: true, parent_class: 'nn.Linear' })]);
  assert.equal(
    lin.slots.filter((p) => p.enabled).length,
    8 * 3,
    'enable-only reaches the output quantizers of all 8 linears too',
  );
  const empty = planQuantization(slots, [entry('*weight_quantizer', { enable: false, parent_class: '' })]);
  assert.equal(
    empty.slots.filter((p) => p.slot.kind === 'weight' && p.enabled).length,
    0,
    "'' means no filter",
  );
  const conv = planQuantization(slots, [entry('*', { enable: false, parent_class: 'nn.Conv2d' })]);
  assert.deepEqual(
    conv.unmatchedEntries.map((u) => u.parent_class),
    ['nn.Conv2d'],
  );
});

test('an unregistered parent_class fails at application time even when nothing matches', () => {
  assert.throws(
    () =>
      planQuantization(
        llama().slots,
        [DENY_ALL, entry('no_such_name', { enable: false, parent_class: 'nn.Foo' })],
        { entrySource: (_e, i) => src(i + 1) },
      ),
    (e: unknown) =>
      e instanceof MoptError &&
      e.code === 'E_PARENT_CLASS' &&
      e.message ===
        "parent_class 'nn.Foo' not found in QuantModuleRegistry. Make sure the class has a registered quantized equivalent." &&
      e.source?.line === 2,
  );
  const mixtralOnly = planQuantization(
    llama().slots,
    [entry('*', { enable: false, parent_class: 'MixtralAttention' })],
    { registryKeys: ['MixtralAttention'] },
  );
  assert.equal(mixtralOnly.unmatchedEntries.length, 1);
});

test('list cfg makes a sequential quantizer; children match through norm(); list cfgs apply to the slot only', () => {
  const W4A8 = [INT4_B128, FP8];
  const plan = planQuantization(llama().slots, [
    DENY_ALL,
    entry('*weight_quantizer', { cfg: W4A8 }),
    entry('*mlp.gate_proj.weight_quantizer.1', { enable: false }),
    entry('*up_proj.weight_quantizer.0', { cfg: attrs({ num_bits: 4, axis: 0 }) }),
    entry('*down_proj.weight_quantizer', { enable: false }),
    entry('*o_proj.weight_quantizer', { cfg: FP8 }),
    entry('*k_proj.weight_quantizer', { cfg: [FP8] }),
  ]);
  const p = bySlot(plan.slots);
  const q = p.get('model.layers.0.self_attn.q_proj.weight_quantizer');
  assert.equal(q?.attributes, null);
  assert.deepEqual(
    q?.sequential?.map((c) => [c.enabled, c.attributes.num_bits]),
    [
      [true, 4],
      [true, [4, 3]],
    ],
  );
  const gate = p.get('model.layers.0.mlp.gate_proj.weight_quantizer');
  assert.deepEqual(
    gate?.sequential?.map((c) => c.enabled),
    [true, false],
  );
  assert.equal(gate?.enabled, true);
  assert.equal(gate?.enabledFrom, 2);
  const up = p.get('model.layers.0.mlp.up_proj.weight_quantizer');
  assert.deepEqual(
    up?.sequential?.map((c) => c.attributes.axis),
    [0, null],
  );
  assert.equal(up?.attributesFrom, 3);
  const down = p.get('model.layers.0.mlp.down_proj.weight_quantizer');
  assert.deepEqual(
    down?.sequential?.map((c) => c.enabled),
    [false, false],
  );
  assert.equal(down?.enabled, false);
  const o = p.get('model.layers.0.self_attn.o_proj.weight_quantizer');
  assert.equal(o?.sequential, null, 'a dict cfg downgrades a sequential slot');
  assert.deepEqual(o?.attributes?.num_bits, [4, 3]);
  const k = p.get('model.layers.0.self_attn.k_proj.weight_quantizer');
  assert.deepEqual(
    k?.sequential?.map((c) => c.attributes.num_bits),
    [
      [4, 3],
      [4, 3],
    ],
    'length mismatch: only the first child is set',
  );
  assert.equal(k?.attributesFrom, 6);
  assert.equal(plan.warnings.length, 1);
  assert.match(
    plan.warnings[0]?.message ?? '',
    /k_proj\.weight_quantizer' already holds 2 .* gives 1, so only the first 1 are set \(partial assignment\)/,
  );
});
