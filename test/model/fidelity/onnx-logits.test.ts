/**
 * The ONNX Runtime engine against the same transformers goldens as the reference forward (logits.test.ts):
 * real tokens vs HF eager, every position (padding too) vs HF SDPA, max |diff| <= 1e-4 on every model,
 * and an AmaxObserver pass over the calibration batch that lands on ModelOpt's activation amaxes.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { AmaxObserver } from '../../../src/model/forward/index.js';
import { OnnxModel } from '../../../src/model/onnx/runner.js';
import { scratchDir } from '../helpers.js';
import { calibGoldens, decodeF32, inputDir, logitsGoldens, ulps } from './goldens.js';
import { mapQuantizer } from './modelopt-names.js';

const TOLERANCE = 1e-4;
const scratch = scratchDir('fidelity-onnx');
after(() => scratch.cleanup());

for (const g of logitsGoldens()) {
  test(`${g.model}: ONNX engine logits match transformers within ${TOLERANCE}`, async (t) => {
    const model = await OnnxModel.open(inputDir(g, scratch.dir));
    try {
      const [B, S, V] = g.forward.logits_shape;
      const mask = g.forward.attention_mask.flat();
      const got = await model.forward(g.forward.input_ids.flat(), {
        batch: B,
        seq: S,
        attentionMask: Uint8Array.from(mask),
        positionIds: Int32Array.from(g.forward.position_ids_effective.flat()),
      });
      const eager = decodeF32(g.forward.logits_f32_b64);
      const sdpa = decodeF32(g.forward.logits_sdpa_f32_b64);
      assert.equal(got.length, eager.length);
      let real = 0;
      let all = 0;
      for (let i = 0; i < got.length; i++) {
        all = Math.max(all, Math.abs(got[i]! - sdpa[i]!));
        if (mask[Math.floor(i / V)] === 1) real = Math.max(real, Math.abs(got[i]! - eager[i]!));
      }
      t.diagnostic(`max |diff| real tokens vs eager ${real}, all tokens vs sdpa ${all}`);
      assert.ok(real <= TOLERANCE, `real tokens: max |diff| ${real} vs HF eager`);
      assert.ok(all <= TOLERANCE, `all tokens: max |diff| ${all} vs HF sdpa`);
    } finally {
      await model.close();
    }
  });
}

test('ONNX engine: calibrated activation amaxes within 1e-5 relative of ModelOpt (padding included, MoE fused)', async (t) => {
  for (const g of calibGoldens()) {
    const model = await OnnxModel.open(inputDir(g, scratch.dir));
    try {
      const ids = g.calib.input_ids;
      const mask = Array.isArray(g.calib.attention_mask)
        ? Uint8Array.from(g.calib.attention_mask.flat())
        : null;
      const observer = new AmaxObserver({
        includePadding: true,
        names: (n) => n.endsWith('input_quantizer') || n.endsWith('bmm_quantizer'),
      });
      await model.forward(ids.flat(), {
        batch: ids.length,
        seq: ids[0]!.length,
        attentionMask: mask,
        observer,
      });
      let worst = 0;
      let worstUlps = 0;
      for (const [name, rec] of Object.entries(g.quantizers.enabled)) {
        if (/weight_quantizers?(\.\d+)?$/.test(name)) continue;
        const seen = mapQuantizer(name, model.arch).points.map((p) => observer.amax(p));
        assert.ok(
          seen.some((a) => a !== undefined),
          `${name}: the ONNX engine visited none of its points`,
        );
        const got = Math.max(...seen.map((a) => a ?? 0));
        const want = rec.amax![0]!;
        const rel = Math.abs(got - want) / want;
        worst = Math.max(worst, rel);
        worstUlps = Math.max(worstUlps, ulps(got, want));
        assert.ok(
          rel <= 1e-5,
          `${g.model} ${g.recipe} ${name}: ${got} vs ModelOpt ${want} (relative ${rel})`,
        );
      }
      t.diagnostic(
        `${g.model} ${g.recipe} pad ${g.calib.left_padding_last_row}: worst relative diff ${worst} (${worstUlps} ulps)`,
      );
    } finally {
      await model.close();
    }
  }
});
