/** Exports of the stories260K conversion (f32 source) and a synthetic Qwen3-MoE (per-expert tensors, routers excluded). */
import assert from 'node:assert/strict';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MoptError } from '../../src/errors.js';
import { exportCheckpoint, loadQuantizeInput } from '../../src/export/index.js';
import { openCheckpoint } from '../../src/model/checkpoint.js';
import { convertLlama2c } from '../../src/model/llama2c.js';
import { synthCheckpoint } from '../../src/model/synth.js';
import { repoRoot } from '../model/helpers.js';
import { dequantize, hashDir, readJson, relError, scratch, writeRecipe } from './helpers.js';

const STORIES = resolve(repoRoot(), '../shared/assets/stories260K');
let work: { dir: string; cleanup: () => void };

before(() => {
  work = scratch('models');
});
after(() => work.cleanup());

describe('stories260K (llama2.c conversion, float32)', () => {
  let model: string;
  before(() => {
    model = join(work.dir, 'stories');
    convertLlama2c({
      modelFile: join(STORIES, 'stories260K.bin'),
      tokenizerFile: join(STORIES, 'tok512.bin'),
      outDir: model,
    });
  });

  it('INT4 blockwise is refused like ModelOpt: the 64-wide inputs would need partial 128 blocks', () => {
    const h = hashDir(model);
    const out = join(work.dir, 'stories-int4');
    assert.throws(
      () =>
        exportCheckpoint({
          modelDir: model,
          quantize: loadQuantizeInput('general/ptq/int4_blockwise_weight_only').quantize,
          exportPath: out,
        }),
      (e: unknown) =>
        e instanceof MoptError &&
        e.code === 'E_EXPORT_SHAPE' &&
        e.exitCode === 2 &&
        /"model\.layers\.0\.self_attn\.q_proj\.weight".*input dimension \(64\).*block size 128/.test(
          e.message,
        ) &&
        e.hint !== undefined,
    );
    assert.equal(existsSync(out), false);
    assert.equal(hashDir(model), h);
  });

  it('FP8 per-tensor round trip on every linear', () => {
    const recipe = writeRecipe(
      join(work.dir, 'fp8.yaml'),
      "    - quantizer_name: '*weight_quantizer'\n      cfg: {$import: fp8}",
    );
    const out = join(work.dir, 'stories-fp8');
    exportCheckpoint({ modelDir: model, quantize: loadQuantizeInput(recipe).quantize, exportPath: out });
    const src = openCheckpoint(model);
    const ck = openCheckpoint(out);
    for (const [m, shape] of [
      ['self_attn.q_proj', [64, 64]],
      ['mlp.gate_proj', [172, 64]],
      ['mlp.down_proj', [64, 172]],
    ] as const) {
      const name = `model.layers.3.${m}`;
      assert.deepEqual(ck.tensor(`${name}.weight_scale`).shape, []);
      assert.ok(relError(src.readTensorF32(`${name}.weight`), dequantize(ck, name, [...shape])) < 0.05);
    }
    src.close();
    ck.close();
  });

  it('writes unquantized tensors in the config dtype (bfloat16 from a float32 source)', () => {
    const bf = join(work.dir, 'stories-bf16-config');
    cpSync(model, bf, { recursive: true });
    writeFileSync(
      join(bf, 'config.json'),
      JSON.stringify({ ...readJson(join(model, 'config.json')), torch_dtype: 'bfloat16' }),
    );
    const out = join(work.dir, 'stories-bf16-out');
    exportCheckpoint({
      modelDir: bf,
      quantize: loadQuantizeInput('configs/ptq/presets/model/fp8_2d_blockwise_weight_only').quantize,
      exportPath: out,
    });
    const src = openCheckpoint(bf);
    const ck = openCheckpoint(out);
    assert.equal(ck.tensor('model.embed_tokens.weight').dtype, 'BF16');
    assert.equal(ck.tensor('model.norm.weight').dtype, 'BF16');
    const a = src.readTensorF32('model.embed_tokens.weight');
    const b = ck.readTensorF32('model.embed_tokens.weight');
    assert.ok(relError(a, b) < 4e-3 && relError(a, b) > 0, 'values are rounded to bf16');
    src.close();
    ck.close();
  });

  it('NVFP4 is refused for the 172-wide down_proj with a hint to exclude it', () => {
    assert.throws(
      () =>
        exportCheckpoint({
          modelDir: model,
          quantize: loadQuantizeInput('general/ptq/nvfp4_weight_only-kv_fp8_cast').quantize,
          exportPath: join(work.dir, 'no'),
        }),
      (e: unknown) =>
        e instanceof MoptError &&
        e.code === 'E_EXPORT_SHAPE' &&
        /model\.layers\.0\.mlp\.down_proj\.weight/.test(e.message) &&
        e.hint !== undefined,
    );
  });
});

describe('Qwen3-MoE (sequential experts)', () => {
  it('NVFP4 experts: per-expert tensors, gate/up share weight_scale_2, routers and attention excluded', () => {
    const model = join(work.dir, 'moe');
    synthCheckpoint({ arch: 'qwen3_moe', preset: 'tiny', outDir: model });
    const recipe = writeRecipe(
      join(work.dir, 'experts.yaml'),
      "    - quantizer_name: '*mlp.experts*weight_quantizer'\n      cfg: {$import: nvfp4}",
    );
    const out = join(work.dir, 'moe-out');
    exportCheckpoint({ modelDir: model, quantize: loadQuantizeInput(recipe).quantize, exportPath: out });
    const ck = openCheckpoint(out);
    const ws2 = (e: number, p: string): number =>
      ck.readTensorF32(`model.layers.1.mlp.experts.${e}.${p}.weight_scale_2`)[0]!;
    for (let e = 0; e < 4; e++) {
      assert.equal(ws2(e, 'gate_proj'), ws2(e, 'up_proj'));
      assert.deepEqual(ck.tensor(`model.layers.1.mlp.experts.${e}.down_proj.weight`).shape, [64, 16]);
    }
    assert.equal(ck.tensor('model.layers.0.mlp.gate.weight').dtype, 'BF16');
    ck.close();
    const q = readJson(join(out, 'hf_quant_config.json')).quantization as Record<string, unknown>;
    assert.equal(q.quant_algo, 'W4A16_NVFP4');
    assert.deepEqual(q.exclude_modules, [
      'lm_head',
      'model.embed_tokens',
      'model.layers.0.mlp.gate',
      'model.layers.0.self_attn*',
      'model.layers.1.mlp.gate',
      'model.layers.1.self_attn*',
    ]);
  });
});
