/**
 * Activation calibration equals a brute-force pass (AmaxObserver over whole-model forwards, padding included) on
 * both engines, matches ModelOpt's own calibration of stories260K, and collects per-channel amax when asked.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrateActivations } from '../../src/calib/calibrate.js';
import { activationTargets } from '../../src/calib/targets.js';
import { calibBatches, loadCalibData, padBatch, type CalibBatch } from '../../src/calib/data/index.js';
import { AmaxObserver, ReferenceModel } from '../../src/model/forward/index.js';
import { loadTokenizer } from '../../src/model/tokenizer.js';
import { calibGoldens, remakeInput } from '../model/fidelity/goldens.js';
import { planFor, scratch, storiesModel, tinyModel } from './helpers.js';

const tmp = scratch('calibrate');
after(() => tmp.cleanup());
const stories = storiesModel(tmp.dir);
const llama = tinyModel(tmp.dir, 'llama');

function bruteForce(dir: string, batches: readonly CalibBatch[]): AmaxObserver {
  const model = ReferenceModel.open(dir);
  const obs = new AmaxObserver({ includePadding: true, names: (n) => !n.endsWith('weight_quantizer') });
  try {
    for (const b of batches)
      model.forward(b.ids, { batch: b.batch, seq: b.seq, attentionMask: b.attentionMask, observer: obs });
  } finally {
    model.close();
  }
  return obs;
}

/** Three left-padded rows of different lengths in two batches. */
function paddedBatches(vocab: number): CalibBatch[] {
  const row = (n: number, k: number): Int32Array =>
    Int32Array.from({ length: n }, (_, i) => ((i * 7 + k * 13) % (vocab - 3)) + 3);
  const samples = [row(24, 1), row(17, 2), row(9, 3)];
  return [padBatch(samples.slice(0, 2), 24, 2, 0), padBatch(samples.slice(2), 24, 2, 2)];
}

for (const engine of ['reference', 'onnx'] as const) {
  test(`tiny llama, ${engine}: every calibrated amax equals the brute-force pass, padding included`, async () => {
    const plan = planFor(llama, 'general/ptq/fp8_default-kv_fp8');
    const batches = paddedBatches(384);
    const r = await calibrateActivations({ modelDir: llama, plan, batches, engine });
    assert.equal(r.engine, engine);
    const targets = activationTargets(plan);
    assert.equal(targets.length, 2 * (7 + 2), 'q/k/v/o/gate/up/down inputs and k/v_bmm of 2 layers');
    assert.equal(r.stats.amax.size, targets.length);
    assert.equal(r.stats.tokens, 3 * 24);
    assert.equal(r.stats.realTokens, 24 + 17 + 9);
    const brute = bruteForce(llama, batches);
    for (const t of targets) {
      const want = brute.amax(t.name)!;
      const got = r.stats.amax.get(t.name)!;
      if (engine === 'reference') assert.equal(got, want, t.name);
      else assert.ok(Math.abs(got - want) <= 1e-5 * want, `${t.name}: ${got} vs ${want}`);
    }
  });
}

test('stories260K on the built-in text: amaxes equal the brute-force pass; onnx within 1e-5', async () => {
  const plan = planFor(stories, 'general/ptq/nvfp4_default-kv_fp8');
  const set = loadCalibData(loadTokenizer(stories), { calibSize: 4, calibSeq: 64 });
  const brute = bruteForce(stories, [...calibBatches(set, 2)]);
  const ref = await calibrateActivations({
    modelDir: stories,
    plan,
    batches: calibBatches(set, 2),
    engine: 'reference',
  });
  const ort = await calibrateActivations({ modelDir: stories, plan, batches: calibBatches(set, 2) });
  assert.equal(ref.stats.amax.size, 5 * 9);
  for (const [name, v] of ref.stats.amax) {
    assert.equal(v, brute.amax(name), name);
    const o = ort.stats.amax.get(name)!;
    assert.ok(Math.abs(o - v) <= 1e-5 * v, `${name}: onnx ${o} vs ${v}`);
  }
});

test('stories260K: calibrated amaxes within 8 float32 ulps of ModelOpt 0.47 (golden, padded row included)', async () => {
  const goldens = calibGoldens().filter((g) => g.make.kind === 'llama2c');
  assert.equal(goldens.length, 3);
  const f32 = new Float32Array(1);
  const bits = new Int32Array(f32.buffer);
  const toBits = (x: number): number => ((f32[0] = x), bits[0]!);
  for (const g of goldens) {
    const dir = remakeInput(g, `${tmp.dir}/golden-${g.recipe}-${g.calib.left_padding_last_row}`);
    const ids = g.calib.input_ids;
    const seq = ids[0]!.length;
    const mask = Array.isArray(g.calib.attention_mask)
      ? Uint8Array.from(g.calib.attention_mask.flat())
      : new Uint8Array(ids.length * seq).fill(1);
    const batch: CalibBatch = {
      ids: Int32Array.from(ids.flat()),
      attentionMask: mask,
      lengths: Int32Array.from(
        ids.map((_, r) => mask.subarray(r * seq, (r + 1) * seq).reduce((a, b) => a + b, 0)),
      ),
      batch: ids.length,
      seq,
      first: 0,
    };
    const plan = planFor(dir, `general/ptq/${g.recipe}`);
    const r = await calibrateActivations({ modelDir: dir, plan, batches: [batch], engine: 'reference' });
    let n = 0;
    for (const [name, rec] of Object.entries(g.quantizers.enabled)) {
      if (name.endsWith('weight_quantizer')) continue;
      const got = r.stats.amax.get(name);
      assert.ok(got !== undefined, `${g.recipe}: ${name} not calibrated`);
      assert.ok(
        Math.abs(toBits(got) - toBits(rec.amax![0]!)) <= 8,
        `${g.recipe} ${name}: ${got} vs ModelOpt ${rec.amax![0]}`,
      );
      n++;
    }
    assert.equal(n, r.stats.amax.size, `${g.recipe}: mopt calibrated quantizers ModelOpt did not`);
  }
});

test('per-channel activation quantizers (axis -1) get the max per channel', async () => {
  const plan = planFor(llama, 'general/ptq/fp8_default-kv_fp8');
  for (const p of plan.slots)
    if (p.slot.kind === 'input' && p.attributes && p.enabled) p.attributes = { ...p.attributes, axis: -1 };
  const batches = paddedBatches(384);
  const r = await calibrateActivations({ modelDir: llama, plan, batches, engine: 'reference' });
  const brute = bruteForce(llama, batches);
  const name = 'model.layers.1.mlp.down_proj.input_quantizer';
  assert.deepEqual(r.stats.channelAmax!.get(name), brute.stats.get(name)!.channelAmax);
  assert.equal(r.stats.amax.get(name), brute.amax(name));
});

test('a recipe without calibrated activations runs no forward', async () => {
  const plan = planFor(llama, 'general/ptq/nvfp4_weight_only-kv_fp8_cast');
  const r = await calibrateActivations({ modelDir: llama, plan, batches: paddedBatches(384) });
  assert.equal(r.stats.amax.size, 0);
  assert.equal(r.stats.tokens, 0);
});
