/**
 * Export with calibrated activation statistics: scales from the amaxes (zero rule, 448 / 2688 divisors, group
 * max for NVFP4 siblings, bf16 amax), missing statistics named, and an interrupted async export that leaves
 * neither the target nor a staging folder behind.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isMoptError } from '../../src/errors.js';
import {
  exportCheckpoint,
  exportCheckpointAsync,
  loadQuantizeInput,
  planModel,
} from '../../src/export/index.js';
import { activationTargets } from '../../src/calib/targets.js';
import { openCheckpoint } from '../../src/model/checkpoint.js';
import { hashDir, scratch, writeCustomModel } from './helpers.js';

const FP8 = 'general/ptq/fp8_default-kv_fp8';
const NVFP4 = 'general/ptq/nvfp4_default-kv_fp8';
let work: { dir: string; cleanup: () => void };
let model: string;

before(() => {
  work = scratch('calibrated');
  model = join(work.dir, 'llama');
  writeCustomModel(model);
});
after(() => work.cleanup());

/** Every data-needing quantizer of the recipe gets `value(name)`. */
function statsFor(recipe: string, value: (name: string) => number): { amax: Map<string, number> } {
  const planned = planModel(model, loadQuantizeInput(recipe).quantize);
  planned.checkpoint.close();
  return { amax: new Map(activationTargets(planned.plan).map((t) => [t.name, value(t.name)])) };
}

const scalar = (dir: string, name: string): number => {
  const ck = openCheckpoint(dir);
  try {
    return ck.readTensorF32(name)[0]!;
  } finally {
    ck.close();
  }
};

describe('export with calibrated activations', () => {
  it('FP8: input_scale = amax/448 per module, zero amax gives 1, k/v scales = amax/448', () => {
    const out = join(work.dir, 'fp8');
    const stats = statsFor(FP8, (n) =>
      n.includes('q_proj') ? 0 : n.includes('k_proj') ? 4.5 : n.includes('k_bmm') ? 7 : 8.96,
    );
    exportCheckpoint({
      modelDir: model,
      quantize: loadQuantizeInput(FP8).quantize,
      exportPath: out,
      activationStats: stats,
    });
    assert.equal(scalar(out, 'model.layers.0.self_attn.q_proj.input_scale'), 1);
    assert.equal(scalar(out, 'model.layers.0.self_attn.k_proj.input_scale'), Math.fround(4.5 / 448));
    assert.equal(scalar(out, 'model.layers.0.self_attn.k_proj.k_scale'), 7 / 448);
    // 8.96 is not a bf16 value: the amax is held in the model dtype first (8.9375)
    assert.equal(scalar(out, 'model.layers.0.self_attn.v_proj.v_scale'), Math.fround(8.9375 / 448));
  });

  it('NVFP4: input_scale = amax/2688 with one group max for q/k/v and gate/up', () => {
    const out = join(work.dir, 'nvfp4');
    const stats = statsFor(NVFP4, (n) => (n.includes('k_proj') ? 26.88 : n.includes('up_proj') ? 2688 : 1.5));
    exportCheckpoint({
      modelDir: model,
      quantize: loadQuantizeInput(NVFP4).quantize,
      exportPath: out,
      activationStats: stats,
    });
    const qkv = Math.fround(26.875 / 2688);
    for (const p of ['q_proj', 'k_proj', 'v_proj'])
      assert.equal(scalar(out, `model.layers.1.self_attn.${p}.input_scale`), qkv, p);
    assert.equal(scalar(out, 'model.layers.1.mlp.gate_proj.input_scale'), 1);
    assert.equal(scalar(out, 'model.layers.1.self_attn.o_proj.input_scale'), Math.fround(1.5 / 2688));
  });

  it('names a quantizer the statistics lack, before writing anything', () => {
    const out = join(work.dir, 'missing');
    const stats = statsFor(FP8, () => 1);
    stats.amax.delete('model.layers.1.mlp.down_proj.input_quantizer');
    assert.throws(
      () =>
        exportCheckpoint({
          modelDir: model,
          quantize: loadQuantizeInput(FP8).quantize,
          exportPath: out,
          activationStats: stats,
        }),
      (e: unknown) =>
        isMoptError(e) &&
        e.code === 'E_MISSING_CALIBRATION' &&
        e.message.includes('model.layers.1.mlp.down_proj.input_quantizer'),
    );
    assert.ok(!existsSync(out));
  });

  it('an aborted async export removes the staging folder and writes no target', async () => {
    const parent = join(work.dir, 'aborted');
    const out = join(parent, 'export');
    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(
      exportCheckpointAsync({
        modelDir: model,
        quantize: loadQuantizeInput(FP8).quantize,
        exportPath: out,
        activationStats: statsFor(FP8, () => 1),
        signal: controller.signal,
        onProgress: () => {
          seen += 1;
          if (seen === 3) controller.abort();
        },
      }),
      (e: unknown) => isMoptError(e) && e.code === 'E_INTERRUPTED',
    );
    assert.equal(seen, 3, 'stopped at the next tensor');
    assert.ok(!existsSync(out));
    assert.deepEqual(existsSync(parent) ? readdirSync(parent) : [], []);
  });

  it('the async export writes the same bytes as the blocking one', async () => {
    const a = join(work.dir, 'sync');
    const b = join(work.dir, 'async');
    const opts = {
      modelDir: model,
      quantize: loadQuantizeInput(FP8).quantize,
      activationStats: statsFor(FP8, () => 2),
    };
    exportCheckpoint({ ...opts, exportPath: a });
    await exportCheckpointAsync({ ...opts, exportPath: b });
    assert.equal(hashDir(a), hashDir(b));
  });
});
