/**
 * `mopt quantize` and `mopt convert llama2c` end to end through the built bin: a data-free export that reads
 * back, and every bad input (unsupported algorithm, missing dataset, bad flags) — clear error, non-zero exit,
 * no stack trace, no output folder, source untouched.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openCheckpoint } from '../../src/model/checkpoint.js';
import { hashDir, writeCustomModel } from '../export/helpers.js';
import { hasStackTrace, REPO_ROOT, runCli } from './run-cli.js';

const STORIES = resolve(REPO_ROOT, '../shared/assets/stories260K');
const W4A16 = 'general/ptq/nvfp4_weight_only-kv_fp8_cast';
let dir: string;
let model: string;
let sourceHash: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mopt-quantize-cli-'));
  model = join(dir, 'llama');
  assert.equal(runCli(['synth', '--arch', 'llama', '--preset', 'tiny', model]).status, 0);
  sourceHash = hashDir(model);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function expectUserError(args: string[], source: string, message: RegExp, target: string): void {
  const before = hashDir(source);
  const r = runCli(args);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^mopt: error: /m);
  assert.match(r.stderr, message);
  assert.equal(hasStackTrace(r.stderr), false, r.stderr);
  assert.ok(!existsSync(target) || statSync(target).isDirectory(), 'no partial output');
  assert.equal(hashDir(source), before, 'source untouched');
}

describe('mopt quantize', () => {
  it('exports a W4A16 NVFP4 checkpoint with progress on stderr and a summary on stdout', () => {
    const out = join(dir, 'out');
    const r = runCli(['quantize', '--model', model, '--recipe', W4A16, '--export_path', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^quantize: 20\/20 tensors, .* GB\/s, ETA 0 s$/m);
    assert.match(r.stdout, /^exported .*out in \d+\.\d s$/m);
    assert.match(r.stdout, /^ {2}formats: W4A16_NVFP4 \(14 modules\); kv cache: FP8$/m);
    const ck = openCheckpoint(out);
    assert.equal(ck.tensor('model.layers.0.mlp.up_proj.weight').dtype, 'U8');
    ck.close();
    const hf = JSON.parse(readFileSync(join(out, 'hf_quant_config.json'), 'utf8')) as {
      quantization: { quant_algo: string };
    };
    assert.equal(hf.quantization.quant_algo, 'W4A16_NVFP4');
    assert.equal(hashDir(model), sourceHash);
    const again = runCli(['quantize', '--model', model, '--recipe', W4A16, '--export_path', out]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /is not empty\n {2}hint: pass --force/);
    assert.equal(
      runCli(['quantize', '--model', model, '--recipe', W4A16, '--export_path', out, '--force']).status,
      0,
    );
  });

  it('converts stories260K with `mopt convert llama2c` and quantizes it to FP8 2-D blocks', () => {
    const conv = join(dir, 'stories');
    const c = runCli([
      'convert',
      'llama2c',
      join(STORIES, 'stories260K.bin'),
      join(STORIES, 'tok512.bin'),
      conv,
      '--dtype',
      'bf16',
    ]);
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout, /: 47 tensors, dim 64, 5 layers, 8\/4 heads, vocab 512 \(bf16\)/);
    const out = join(dir, 'stories-fp8-2d');
    const r = runCli([
      'quantize',
      '--model',
      conv,
      '--recipe',
      'configs/ptq/presets/model/fp8_2d_blockwise_weight_only',
      '--export_path',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const ck = openCheckpoint(out);
    // 172 rows pad to two 128-row blocks (ModelOpt's 2-D block export)
    assert.deepEqual(ck.tensor('model.layers.4.mlp.gate_proj.weight').shape, [172, 64]);
    assert.deepEqual(ck.tensor('model.layers.4.mlp.gate_proj.weight_scale').shape, [2, 1, 1, 1]);
    ck.close();
  });

  it('refuses every bad input with a clear error and no output', () => {
    const out = join(dir, 'bad-out');
    const q = (m: string, recipe = W4A16, target = out): string[] => [
      'quantize',
      '--model',
      m,
      '--recipe',
      recipe,
      '--export_path',
      target,
    ];
    expectUserError(
      q(model, 'general/ptq/nvfp4_default-kv_none-gptq'),
      model,
      /calibration algorithm 'gptq' is not supported yet/,
      out,
    );
    expectUserError(
      [...q(model, 'general/ptq/nvfp4_default-kv_fp8'), '--dataset', join(dir, 'missing.txt')],
      model,
      /not found|does not exist/,
      out,
    );
    expectUserError([...q(model), '--engine', 'gpu'], model, /--engine gpu: expected onnx or reference/, out);
    expectUserError(['quantize', '--model', model], model, /give both --model and --recipe/, out);
    expectUserError(q(model, W4A16, join(model, 'inside')), model, /inside it/, join(model, 'inside'));
    expectUserError(
      [...q(model), '--export_fmt', 'onnx'],
      model,
      /--export_fmt 'onnx' is not supported/,
      out,
    );

    const trunc = join(dir, 'trunc');
    writeCustomModel(trunc);
    truncateSync(join(trunc, 'model.safetensors'), 200);
    expectUserError(q(trunc), trunc, /model\.safetensors: .*past the end/, out);

    const noConfig = join(dir, 'noconfig');
    writeCustomModel(noConfig);
    rmSync(join(noConfig, 'config.json'));
    expectUserError(q(noConfig), noConfig, /has no config\.json/, out);

    const gpt = join(dir, 'gpt2');
    writeCustomModel(gpt, { model_type: 'gpt2' });
    expectUserError(q(gpt), gpt, /model_type 'gpt2' .*is not supported/, out);

    const nan = join(dir, 'nan');
    writeCustomModel(nan, {}, (name, v) => {
      if (name === 'model.layers.0.self_attn.v_proj.weight') v[7] = NaN;
    });
    expectUserError(
      q(nan),
      nan,
      /"model\.layers\.0\.self_attn\.v_proj\.weight" holds NaN at index \[0, 7\]/,
      out,
    );

    const busy = join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'x'), 'x');
    expectUserError(q(model, W4A16, busy), model, /not empty/, busy);
    assert.equal(readFileSync(join(busy, 'x'), 'utf8'), 'x');
    assert.ok(!existsSync(out));
  });
});
