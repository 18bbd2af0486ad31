import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildQuantizerSlots } from '../../../src/quant/names/index.js';
import {
  attributeLabel,
  planReport,
  summarizeExcludeModules,
  weightBytes,
} from '../../../src/quant/plan/index.js';
import { denseConfig, denseTensors, qwen3MoeTensors } from '../names/fixtures.js';
import {
  DEFAULT_DISABLED,
  DENY_ALL,
  FP8,
  INT4_B128,
  MXFP4,
  NVFP4,
  attrs,
  blocks,
  entry,
  nvfp4Recipe,
} from './helpers.js';

const llama = (layers = 1) => buildQuantizerSlots(denseConfig('llama', layers), denseTensors(layers));

test('format labels', () => {
  const cases: [Parameters<typeof attrs>[0], string][] = [
    [{ num_bits: [4, 3] }, 'FP8 per-tensor'],
    [{ num_bits: [4, 3], axis: 0 }, 'FP8 per-channel'],
    [{ num_bits: [4, 3], type: 'dynamic', block_sizes: blocks([-1, null]) }, 'FP8 per-token (dynamic)'],
    [{ num_bits: [4, 3], block_sizes: blocks([-1, 128], [-2, 128]) }, 'FP8 block 128x128'],
    [{ num_bits: [4, 3], use_constant_amax: true }, 'FP8 per-tensor (constant amax)'],
    [
      { num_bits: [2, 1], block_sizes: blocks([-1, 16], ['type', 'dynamic'], ['scale_bits', [4, 3]]) },
      'NVFP4 (block 16, dynamic)',
    ],
    [
      {
        num_bits: [2, 1],
        block_sizes: blocks([-1, 16], ['type', 'static'], ['scale_bits', [4, 3]], ['four_over_six', 1]),
      },
      'NVFP4 (block 16, static, 4/6)',
    ],
    [
      { num_bits: [2, 1], block_sizes: blocks([-1, 32], ['type', 'dynamic'], ['scale_bits', [4, 3]]) },
      'NVFP4 (block 32, dynamic)',
    ],
    [
      { num_bits: [2, 1], block_sizes: blocks([-1, 32], ['type', 'dynamic'], ['scale_bits', [8, 0]]) },
      'MXFP4',
    ],
    [
      { num_bits: [4, 3], block_sizes: blocks([-1, 32], ['type', 'dynamic'], ['scale_bits', [8, 0]]) },
      'MXFP8',
    ],
    [
      { num_bits: [3, 2], block_sizes: blocks([-1, 32], ['type', 'dynamic'], ['scale_bits', [8, 0]]) },
      'MXFP6 (E3M2)',
    ],
    [{ num_bits: 8, block_sizes: blocks([-1, 32], ['type', 'dynamic'], ['scale_bits', [8, 0]]) }, 'MXINT8'],
    [{ num_bits: 4, block_sizes: blocks([-1, 128], ['type', 'static']) }, 'INT4 block128'],
    [{ num_bits: 8, axis: 0 }, 'INT8 per-channel'],
    [{ num_bits: 8 }, 'INT8 per-tensor'],
    [{ num_bits: 'fp8_custom' }, "custom 'fp8_custom'"],
  ];
  for (const [over, label] of cases) assert.equal(attributeLabel(attrs(over)), label);
});

test('NVFP4 report on a 1-layer llama: slots, rows, sizes, calibration, KV, exclusions', () => {
  const r = planReport(llama(), nvfp4Recipe());
  assert.equal(r.quantizerCount, 31);
  assert.equal(r.enabledCount, 7 * 2 + 2);
  const q = r.slots.find((s) => s.name === 'model.layers.0.self_attn.q_proj.input_quantizer');
  assert.equal(q?.format, 'NVFP4 (block 16, dynamic)');
  assert.equal(q?.scaling, 'static', 'dynamic blocks still calibrate the global amax');
  assert.equal(q?.needsCalibrationData, true);
  const w = r.slots.find((s) => s.name === 'model.layers.0.self_attn.q_proj.weight_quantizer');
  assert.equal(w?.needsCalibrationData, false, 'weights never need data');
  assert.deepEqual(w?.attributes?.['block_sizes'], { '-1': 16, type: 'dynamic', scale_bits: [4, 3] });
  const k = r.slots.find((s) => s.name === 'model.layers.0.self_attn.k_bmm_quantizer');
  assert.equal(k?.scaling, 'constant');
  assert.equal(k?.needsCalibrationData, false);
  assert.equal(r.kvCacheFormat, 'FP8 per-tensor (constant amax)');
  assert.equal(r.needsCalibrationData, true);
  assert.equal(r.calibratedActivationQuantizers, 7);
  assert.deepEqual(r.excludeModules, ['lm_head', 'model.embed_tokens']);
  assert.deepEqual(
    r.layers.find((row) => row.layerType === 'mlp.down_proj' && row.kind === 'weight'),
    {
      layerType: 'mlp.down_proj',
      kind: 'weight',
      format: 'NVFP4 (block 16, dynamic)',
      scaling: 'static',
      needsCalibrationData: false,
      count: 1,
    },
  );
  const byFormat = Object.fromEntries(r.formats.map((f) => [f.format, [f.parameters, f.bytes]]));
  assert.deepEqual(byFormat, {
    disabled: [512, 1024],
    'NVFP4 (block 16, dynamic)': [576, 380],
    'other tensors': [24, 48],
  });
  assert.deepEqual(
    { ...r.totals, bitsPerWeight: Number(r.totals.bitsPerWeight.toFixed(4)) },
    {
      parameters: 1112,
      quantizedParameters: 576,
      originalBytes: 2224,
      projectedBytes: 1480,
      activationScaleBytes: 28,
      bitsPerWeight: 10.6475,
      approximate: false,
    },
  );
  assert.deepEqual(r.flags, []);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'the report is plain JSON');
});

test('weight bytes per format (bits per weight on a 256 x 1024 weight)', () => {
  const bpw = (a: ReturnType<typeof attrs> | null, seq: ReturnType<typeof attrs>[] | null = null) =>
    (weightBytes(true, a, seq ? seq.map((x) => ({ enabled: true, attributes: x })) : null, [256, 1024], 2)
      .bytes *
      8) /
    (256 * 1024);
  assert.equal(bpw(NVFP4), 4 + 8 / 16 + 32 / (256 * 1024));
  assert.equal(bpw(INT4_B128), 4 + 32 / 128);
  assert.equal(bpw(FP8), 8 + 32 / (256 * 1024));
  assert.equal(bpw(MXFP4), 4 + 8 / 32);
  assert.equal(bpw(attrs({ num_bits: 8, axis: 0 })), 8 + 32 / 1024);
  assert.equal(bpw(null, [INT4_B128, FP8]), 4 + 32 / 128 + 32 / (256 * 1024));
  assert.equal(weightBytes(false, NVFP4, null, [256, 1024], 2).bytes, 256 * 1024 * 2);
  assert.deepEqual(weightBytes(true, attrs({ num_bits: 'x' }), null, [2, 2], 2), { bytes: 8, known: false });
});

test('exclude_modules examples from quant-engine.md §4.7 (12-layer llama)', () => {
  const model = llama(12);
  const mlpOnly = [
    DENY_ALL,
    entry('*mlp*weight_quantizer', { cfg: NVFP4 }),
    entry('*mlp*input_quantizer', { cfg: NVFP4 }),
    ...DEFAULT_DISABLED,
  ];
  const order = [0, 1, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9];
  assert.deepEqual(planReport(model, mlpOnly).excludeModules, [
    'lm_head',
    'model.embed_tokens',
    ...order.map((l) => `model.layers.${l}.self_attn*`),
  ]);
  const layer0Off = [
    ...nvfp4Recipe(),
    entry('model.layers.0.*', { enable: false }),
    entry('model.layers.1.self_attn.*', { enable: false }),
  ];
  assert.deepEqual(planReport(model, layer0Off).excludeModules, [
    'lm_head',
    'model.embed_tokens',
    'model.layers.0*',
    'model.layers.1.self_attn*',
  ]);
  const layer1Off = [...nvfp4Recipe(), entry('model.layers.1.*', { enable: false })];
  assert.deepEqual(planReport(model, layer1Off).excludeModules, [
    'lm_head',
    'model.embed_tokens',
    'model.layers.1.*',
  ]);
});

test('summarizeExcludeModules: exact names when no wildcard is safe, sorted by code point', () => {
  assert.deepEqual(summarizeExcludeModules(['a.b', 'a.c'], ['a.bc']), ['a.b', 'a.c']);
  assert.deepEqual(summarizeExcludeModules(['x'], []), ['x']);
  assert.deepEqual(summarizeExcludeModules(['b.x', 'B.x'], ['c.y']), ['B*', 'b*']);
  assert.deepEqual(summarizeExcludeModules([], ['a']), []);
});

test('MoE: fused experts export per-expert modules; routers are listed; unquantized experts are flagged', () => {
  const model = buildQuantizerSlots(
    { ...denseConfig('qwen3_moe', 1), num_experts: 2 },
    qwen3MoeTensors(1, 2),
    { expertLayout: 'fused' },
  );
  const r = planReport(model, nvfp4Recipe());
  assert.deepEqual(r.excludeModules, ['lm_head', 'model.embed_tokens', 'model.layers.0.mlp.gate']);
  const gu = r.formats.find((f) => f.format === 'NVFP4 (block 16, dynamic)');
  assert.ok(gu && gu.parameters === 64 + 32 + 32 + 64 + 2 * (2 * 16 * 8) + 2 * (8 * 16));
  assert.equal(r.calibratedActivationQuantizers, 4 + 2);
  assert.equal(r.totals.activationScaleBytes, 4 * (4 + 2 * 2 + 2), 'input_scale per split expert module');
  const off = planReport(model, [...nvfp4Recipe(), entry('*experts.down_proj*', { enable: false })]);
  assert.deepEqual(
    off.flags.map((f) => f.code),
    ['EXPERTS_UNQUANTIZED'],
  );
  assert.match(off.flags[0]?.message ?? '', /^2 of 4 MoE expert weight quantizers are disabled/);
  assert.deepEqual(off.excludeModules, [
    'lm_head',
    'model.embed_tokens',
    'model.layers.0.mlp.experts.0.down_proj',
    'model.layers.0.mlp.experts.1.down_proj',
    'model.layers.0.mlp.gate',
  ]);
  const seq = buildQuantizerSlots({ ...denseConfig('qwen3_moe', 1), num_experts: 2 }, qwen3MoeTensors(1, 2));
  assert.deepEqual(planReport(seq, nvfp4Recipe()).excludeModules, [
    'lm_head',
    'model.embed_tokens',
    'model.layers.0.mlp.gate',
  ]);
});

test('flags: nothing quantized, partially quantized layer types, insertion defaults', () => {
  assert.deepEqual(
    planReport(llama(), [DENY_ALL]).flags.map((f) => f.code),
    ['NOTHING_QUANTIZED'],
  );
  const partial = planReport(llama(2), [
    ...nvfp4Recipe(),
    entry('model.layers.1.self_attn.q_proj.*', { enable: false }),
  ]);
  assert.deepEqual(
    partial.flags.map((f) => [f.code, f.names]),
    [['PARTIALLY_QUANTIZED_LAYER', ['model.layers.1.self_attn.q_proj.weight_quantizer']]],
  );
  const noDeny = planReport(llama(), [entry('*weight_quantizer', { cfg: FP8 })]);
  const d = noDeny.flags.find((f) => f.code === 'INSERTION_DEFAULTS');
  assert.match(d?.message ?? '', /^12 quantizers stay enabled with the insertion defaults/);
  assert.ok(d?.names.includes('model.layers.0.self_attn.q_bmm_quantizer'));
});

test('tied lm_head is counted once and rotation is switched off by an enable-only disable', () => {
  const tied = buildQuantizerSlots(
    denseConfig('llama', 1, { tie_word_embeddings: true }),
    denseTensors(1, { tied: true }),
  );
  const r = planReport(tied, [DENY_ALL]);
  assert.equal(r.totals.parameters, 1112 - 256);
  const rot = planReport(llama(), [
    entry('*weight_quantizer', { cfg: attrs({ num_bits: [4, 3], rotate: true }) }),
    entry('*o_proj*', { enable: false }),
  ]);
  assert.equal(
    rot.slots.find((s) => s.name.endsWith('o_proj.weight_quantizer'))?.attributes?.['rotate'],
    false,
  );
  assert.equal(
    rot.slots.find((s) => s.name.endsWith('q_proj.weight_quantizer'))?.attributes?.['rotate'],
    true,
  );
});
