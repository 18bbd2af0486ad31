/**
 * MoE calibration: tokens routed per expert, ModelOpt's expert input amax (matched against ModelOpt 0.47's fused
 * transformers-5 calibration of tiny Mixtral and Qwen3-MoE), and the fallback for experts that get no token.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrateActivations } from '../../src/calib/calibrate.js';
import { NO_TOKEN_FALLBACK_AMAX } from '../../src/calib/moe-fallback.js';
import { padBatch, type CalibBatch } from '../../src/calib/data/index.js';
import { loadQuantizeInput } from '../../src/export/index.js';
import { openCheckpoint } from '../../src/model/checkpoint.js';
import { buildQuantizerSlots } from '../../src/quant/names/index.js';
import { planQuantization } from '../../src/quant/plan/index.js';
import { calibGoldens, remakeInput } from '../model/fidelity/goldens.js';
import { planFor, scratch, tinyModel, zeroTensor } from './helpers.js';

const tmp = scratch('moe');
after(() => tmp.cleanup());

function batches(): CalibBatch[] {
  const row = (n: number, k: number): Int32Array =>
    Int32Array.from({ length: n }, (_, i) => ((i * 11 + k * 5) % 380) + 3);
  return [padBatch([row(20, 1), row(12, 2)], 20, 2, 0)];
}

test('a rigged router: experts 2 and 3 get no token, warned, and take the max of experts 0 and 1', async () => {
  const dir = tinyModel(tmp.dir, 'qwen3_moe');
  // all router logits 0 → uniform probabilities → top-2 ties go to the lowest indices, experts 0 and 1
  for (const l of [0, 1]) zeroTensor(dir, `model.layers.${l}.mlp.gate.weight`);
  const plan = planFor(dir, 'general/ptq/fp8_default-kv_fp8');
  const warnings: string[] = [];
  const r = await calibrateActivations({
    modelDir: dir,
    plan,
    batches: batches(),
    engine: 'reference',
    onWarning: (m) => warnings.push(m),
  });
  const tokens = Object.fromEntries(r.stats.expertTokens);
  assert.deepEqual(tokens, {
    'model.layers.0.mlp.experts.0': 40,
    'model.layers.0.mlp.experts.1': 40,
    'model.layers.0.mlp.experts.2': 0,
    'model.layers.0.mlp.experts.3': 0,
    'model.layers.1.mlp.experts.0': 40,
    'model.layers.1.mlp.experts.1': 40,
    'model.layers.1.mlp.experts.2': 0,
    'model.layers.1.mlp.experts.3': 0,
  });
  for (const proj of ['gate_proj', 'up_proj', 'down_proj']) {
    const name = (e: number): string => `model.layers.1.mlp.experts.${e}.${proj}.input_quantizer`;
    const seen = r.stats.amax.get(name(0))!;
    assert.ok(seen > 0);
    for (const e of [1, 2, 3]) assert.equal(r.stats.amax.get(name(e)), seen, `${name(e)} is max-synced`);
    assert.ok(r.stats.fallbacks.has(name(2)) && r.stats.fallbacks.has(name(3)));
    assert.ok(!r.stats.fallbacks.has(name(0)));
    assert.ok(
      warnings.some((w) => w.startsWith(name(3)) && w.includes('received no token')),
      warnings.join('\n'),
    );
  }
  assert.equal(r.stats.fallbacks.size, 2 * 3 * 2, '2 layers x 3 projections x 2 starved experts');
  const ort = await calibrateActivations({ modelDir: dir, plan, batches: batches() });
  assert.equal(ort.engine, 'onnx');
  assert.deepEqual(ort.stats.expertTokens, r.stats.expertTokens);
  for (const [name, v] of r.stats.amax) {
    const o = ort.stats.amax.get(name)!;
    assert.ok(Math.abs(o - v) <= 1e-5 * v, `${name}: onnx ${o} vs reference ${v}`);
  }
});

test('an MoE layer where no expert sees a token falls back to 0.5', async () => {
  const { finishExpertAmax } = await import('../../src/calib/moe-fallback.js');
  const t = (e: number) => ({
    name: `model.layers.0.mlp.experts.${e}.down_proj.input_quantizer`,
    kind: 'input' as const,
    module: '',
    layer: 0,
    expert: e,
    granularity: 'tensor' as const,
  });
  const amax = new Map<string, number>();
  const fb = finishExpertAmax([t(0), t(1)], amax, new Map());
  assert.equal(amax.get(t(1).name), NO_TOKEN_FALLBACK_AMAX);
  assert.match(fb.get(t(0).name)!.reason, /no expert of .* received a token; using 0\.5/);
});

for (const g of calibGoldens().filter((x) => x.make.kind === 'synth')) {
  test(`${g.model}: fused-expert input amaxes match ModelOpt 0.47 (routed tokens only)`, async () => {
    const dir = remakeInput(g, `${tmp.dir}/${g.model}`);
    const ck = openCheckpoint(dir);
    const slots = buildQuantizerSlots(ck.config, [...ck.tensors.values()], { expertLayout: 'fused' });
    ck.close();
    const quant = loadQuantizeInput(`general/ptq/${g.recipe}`).quantize;
    const plan = planQuantization(slots.slots, quant.quant_cfg, { registryKeys: slots.registryKeys });
    const ids = g.calib.input_ids;
    const seq = ids[0]!.length;
    const batch = padBatch(
      ids.map((r) => Int32Array.from(r)),
      seq,
      undefined,
    );
    const r = await calibrateActivations({ modelDir: dir, plan, batches: [batch], engine: 'reference' });
    let experts = 0;
    for (const [name, rec] of Object.entries(g.quantizers.enabled)) {
      if (name.includes('weight_quantizer')) continue;
      const got = r.stats.amax.get(name)!;
      const want = rec.amax![0]!;
      assert.ok(Math.abs(got - want) <= 1e-5 * want, `${name}: ${got} vs ModelOpt ${want}`);
      if (name.includes('experts')) experts++;
    }
    assert.equal(experts, 4, 'gate_up and down input quantizers of 2 layers');
  });
}
