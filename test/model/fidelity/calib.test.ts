/**
 * Max calibration against ModelOpt 0.47.0's mtq.quantize (float32 checkpoints): an AmaxObserver pass over the
 * same calibration batch reproduces every enabled input_quantizer and k/v_bmm_quantizer amax, and every
 * per-tensor weight amax is max |W| exactly. Covers stories260K (two recipes, and a batch with a padded row)
 * and the tiny Qwen3-MoE and Mixtral (fused experts, see modelopt-names.ts).
 * Activation amaxes agree to a few float32 ulps, not bit for bit: torch's CPU kernels sum in float32 in their
 * own blocked order (sgemm, the RMSNorm mean) and its float32 cos/sin are 1 ulp off in places, while the
 * reference sums in float64 and rounds once, so activations differ by ulps from layer 0 on (measured 0–6).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { AmaxObserver, ReferenceModel } from '../../../src/model/forward/index.js';
import { scratchDir } from '../helpers.js';
import { calibGoldens, inputDir, ulps, type CalibGolden } from './goldens.js';
import { mapQuantizer } from './modelopt-names.js';

const MAX_ULPS = 8;
const scratch = scratchDir('fidelity-calib');
after(() => scratch.cleanup());

const goldens = calibGoldens();
const labelOf = (g: CalibGolden): string =>
  `${g.model} ${g.recipe}${g.calib.left_padding_last_row ? ' (padded row)' : ''}`;

function open(g: CalibGolden): ReferenceModel {
  return ReferenceModel.open(inputDir(g, scratch.dir));
}

function calibrate(
  model: ReferenceModel,
  g: CalibGolden,
  includePadding: boolean,
  moeAllExperts = false,
): AmaxObserver {
  const ids = g.calib.input_ids;
  const mask = Array.isArray(g.calib.attention_mask) ? Uint8Array.from(g.calib.attention_mask.flat()) : null;
  const observer = new AmaxObserver({
    includePadding,
    names: (n) => n.endsWith('input_quantizer') || n.endsWith('bmm_quantizer'),
  });
  model.forward(ids.flat(), {
    batch: ids.length,
    seq: ids[0]!.length,
    attentionMask: mask,
    observer,
    moeAllExperts,
  });
  return observer;
}

const isWeight = (name: string): boolean => /weight_quantizers?(\.\d+)?$/.test(name);

/** Each activation quantizer's ulp distance from ModelOpt (throws on one the forward never visited). */
function activationUlps(model: ReferenceModel, g: CalibGolden, observer: AmaxObserver): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, rec] of Object.entries(g.quantizers.enabled)) {
    if (isWeight(name)) continue;
    assert.deepEqual(rec.amax_shape, [], `${name}: expected a per-tensor amax`);
    const seen = mapQuantizer(name, model.arch).points.map((p) => observer.amax(p));
    assert.ok(
      seen.some((a) => a !== undefined),
      `${name}: the reference forward visited none of its points`,
    );
    const got = Math.max(...seen.map((a) => a ?? 0));
    out.set(name, ulps(got, rec.amax![0]!));
  }
  return out;
}

/** Activation quantizers a layer should have: q/k/v/o inputs, k/v_bmm, and the MLP's (3 dense, 2 fused MoE). */
function expectedActivations(model: ReferenceModel): number {
  return model.arch.moe.reduce((n, moe) => n + 6 + (moe ? 2 : 3), 0);
}

test('calibration goldens: stories260K with two recipes and a padded row, two MoE models', () => {
  assert.deepEqual(
    goldens.map((g) => [g.model, g.recipe, g.calib.left_padding_last_row]),
    [
      ['mixtral-tiny-f32', 'fp8_default-kv_fp8', 0],
      ['qwen3_moe-tiny-f32', 'fp8_default-kv_fp8', 0],
      ['stories260K', 'fp8_default-kv_fp8', 16],
      ['stories260K', 'fp8_default-kv_fp8', 0],
      ['stories260K', 'nvfp4_default-kv_fp8', 0],
    ],
  );
});

for (const g of goldens) {
  test(`${labelOf(g)}: activation amaxes within ${MAX_ULPS} ulps of ModelOpt, padding included`, (t) => {
    const model = open(g);
    try {
      const found = activationUlps(model, g, calibrate(model, g, true));
      assert.equal(found.size, expectedActivations(model));
      const worst = Math.max(...found.values());
      const exact = [...found.values()].filter((u) => u === 0).length;
      t.diagnostic(`${found.size} quantizers: ${exact} bit-exact, worst ${worst} ulps`);
      for (const [name, u] of found) assert.ok(u <= MAX_ULPS, `${name}: ${u} ulps from ModelOpt`);
    } finally {
      model.close();
    }
  });

  test(`${labelOf(g)}: per-tensor weight amaxes are max |W| exactly`, () => {
    const model = open(g);
    try {
      let n = 0;
      for (const [name, rec] of Object.entries(g.quantizers.enabled)) {
        if (!isWeight(name)) continue;
        let m = 0;
        for (const tensor of mapQuantizer(name, model.arch).tensors)
          for (const v of model.checkpoint.readTensorF32(tensor)) m = Math.max(m, Math.abs(v));
        assert.equal(m, rec.amax![0], name);
        n++;
      }
      assert.ok(n >= 7 * model.arch.layers);
    } finally {
      model.close();
    }
  });
}

test('ModelOpt counts padding tokens: skipping them moves amaxes far off', () => {
  const g = goldens.find((x) => x.calib.left_padding_last_row > 0)!;
  const model = open(g);
  try {
    const off = [...activationUlps(model, g, calibrate(model, g, false)).values()].filter(
      (u) => u > MAX_ULPS,
    );
    assert.ok(off.length > 0, 'without padding every amax still matched: the padded case tests nothing');
  } finally {
    model.close();
  }
});

test('ModelOpt calibrates each expert on its routed tokens only: an all-experts pass moves amaxes off', () => {
  for (const g of goldens.filter((x) => x.model !== 'stories260K')) {
    const model = open(g);
    try {
      const u = activationUlps(model, g, calibrate(model, g, true, true));
      const off = [...u].filter(([n, d]) => n.includes('.experts.') && d > MAX_ULPS);
      assert.ok(off.length > 0, `${g.model}: running every expert on every token changed no expert amax`);
    } finally {
      model.close();
    }
  }
});
