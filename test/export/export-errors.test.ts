/** Every bad input to the export stops with a clear MoptError, leaves no partial output and never touches the source. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, truncateSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MoptError } from '../../src/errors.js';
import { exportCheckpoint, loadQuantizeInput } from '../../src/export/index.js';
import { openCheckpoint } from '../../src/model/checkpoint.js';
import { hashDir, readJson, scratch, writeCustomModel } from './helpers.js';

let work: { dir: string; cleanup: () => void };
let model: string;
let sourceHash: string;
const W4A16 = 'general/ptq/nvfp4_weight_only-kv_fp8_cast';

before(() => {
  work = scratch('errors');
  model = join(work.dir, 'model');
  writeCustomModel(model);
  sourceHash = hashDir(model);
});
after(() => work.cleanup());

/** Runs an export expected to fail; checks the error, the absent target and no staging leftovers. */
function expectFailure(
  opts: {
    recipe?: string;
    modelDir?: string;
    exportPath?: string;
    force?: boolean;
    writeHook?: (n: string) => void;
  },
  code: string,
  pattern: RegExp,
): MoptError {
  const exportPath = opts.exportPath ?? join(work.dir, 'out', 'target');
  const before = existsSync(exportPath) ? hashDir(exportPath) : null;
  let caught: unknown;
  try {
    exportCheckpoint({
      modelDir: opts.modelDir ?? model,
      quantize: loadQuantizeInput(opts.recipe ?? W4A16).quantize,
      exportPath,
      force: opts.force ?? false,
      ...(opts.writeHook ? { writeHook: opts.writeHook } : {}),
    });
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof MoptError, `expected a MoptError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.match(caught.message, pattern);
  if (before === null) assert.ok(!existsSync(exportPath), 'no partial target is left');
  else assert.equal(hashDir(exportPath), before, 'the existing target is unchanged');
  const parent = join(exportPath, '..');
  if (existsSync(parent))
    assert.deepEqual(
      readdirSync(parent).filter((f) => f.includes('mopt-partial')),
      [],
    );
  assert.equal(hashDir(model), sourceHash, 'the source is untouched');
  return caught;
}

describe('export refuses bad inputs', () => {
  it('a recipe whose activation quantizers need data names them and asks for --dataset', () => {
    const err = expectFailure({ recipe: 'general/ptq/nvfp4_default-kv_fp8' }, 'E_NEEDS_DATA', /--dataset/);
    assert.match(err.message, /input quantizers \(NVFP4 \(block 16, dynamic\)\) of self_attn\.q_proj, /);
    assert.match(err.message, /k_bmm quantizers \(FP8 per-tensor\) of self_attn/);
  });

  it('an algorithm other than max/mse is not supported yet', () => {
    expectFailure(
      { recipe: 'general/ptq/nvfp4_default-kv_none-gptq' },
      'E_ALGORITHM_UNSUPPORTED',
      /'gptq' is not supported yet/,
    );
  });

  it('export path equal to, inside, or containing the source', () => {
    expectFailure({ exportPath: model, force: true }, 'E_EXPORT_PATH', /source checkpoint or inside it/);
    expectFailure({ exportPath: join(model, 'quant') }, 'E_EXPORT_PATH', /inside it/);
    expectFailure({ exportPath: work.dir, force: true }, 'E_EXPORT_PATH', /contains the source/);
  });

  it('a non-empty target without force; with force it is replaced', () => {
    const target = join(work.dir, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'x');
    expectFailure({ exportPath: target }, 'E_EXPORT_EXISTS', /not empty/);
    exportCheckpoint({
      modelDir: model,
      quantize: loadQuantizeInput(W4A16).quantize,
      exportPath: target,
      force: true,
    });
    assert.ok(!existsSync(join(target, 'keep.txt')));
    assert.ok(existsSync(join(target, 'hf_quant_config.json')));
    assert.deepEqual(
      readdirSync(work.dir).filter((f) => f.startsWith('.')),
      [],
    );
  });

  it('a full disk (ENOSPC from the writer) removes the staged folder', () => {
    let calls = 0;
    const err = expectFailure(
      {
        writeHook: () => {
          calls += 1;
          if (calls === 5)
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
      },
      'E_DISK_FULL',
      /no space left/,
    );
    assert.equal(err.exitCode, 1);
    rmSync(join(work.dir, 'out'), { recursive: true, force: true });
  });

  it('a NaN weight names the tensor and index', () => {
    const bad = join(work.dir, 'nan-model');
    writeCustomModel(bad, {}, (name, v) => {
      if (name === 'model.layers.1.mlp.up_proj.weight') v[64 * 3 + 5] = NaN;
    });
    const h = hashDir(bad);
    let caught: unknown;
    try {
      exportCheckpoint({
        modelDir: bad,
        quantize: loadQuantizeInput(W4A16).quantize,
        exportPath: join(work.dir, 'nan-out'),
      });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof MoptError);
    assert.match(caught.message, /"model\.layers\.1\.mlp\.up_proj\.weight" holds NaN at index \[3, 5\]/);
    assert.ok(!existsSync(join(work.dir, 'nan-out')));
    assert.equal(hashDir(bad), h);
  });

  it('truncated safetensors, missing config.json and an unsupported architecture', () => {
    const trunc = join(work.dir, 'trunc');
    writeCustomModel(trunc);
    truncateSync(join(trunc, 'model.safetensors'), statSync(join(trunc, 'model.safetensors')).size - 100);
    expectFailure({ modelDir: trunc }, 'bad-safetensors', /past the end/);
    const noConfig = join(work.dir, 'noconfig');
    writeCustomModel(noConfig);
    rmSync(join(noConfig, 'config.json'));
    expectFailure({ modelDir: noConfig }, 'missing-config', /no config\.json/);
    const gpt = join(work.dir, 'gpt2');
    writeCustomModel(gpt, { model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] });
    const err = expectFailure(
      { modelDir: gpt },
      'E_UNSUPPORTED_ARCH',
      /model_type 'gpt2'.* is not supported/,
    );
    assert.equal(err.exitCode, 2);
  });

  it('a source that is already quantized', () => {
    const done = join(work.dir, 'done');
    writeCustomModel(done, { quantization_config: { quant_method: 'modelopt' } });
    expectFailure({ modelDir: done }, 'E_ALREADY_QUANTIZED', /already has a quantization_config/);
  });

  it('a weight whose input dimension does not fit the NVFP4 block is refused before any work', () => {
    const odd = join(work.dir, 'odd');
    writeCustomModel(odd, { intermediate_size: 120 });
    expectFailure({ modelDir: odd }, 'E_EXPORT_SHAPE', /down_proj\.weight.*multiple of the block size 16/);
  });
});

describe('edge values', () => {
  it('an all-zero weight exports finite scales and decodes to zeros (FP8 and NVFP4)', () => {
    const zero = join(work.dir, 'zero');
    writeCustomModel(zero, {}, (name, v) => {
      if (name.endsWith('layers.0.self_attn.o_proj.weight') || name.endsWith('layers.0.mlp.down_proj.weight'))
        v.fill(0);
    });
    const out = join(work.dir, 'zero-out');
    exportCheckpoint({ modelDir: zero, quantize: loadQuantizeInput(W4A16).quantize, exportPath: out });
    const ck = openCheckpoint(out);
    const o = 'model.layers.0.self_attn.o_proj';
    assert.deepEqual([...new Set(ck.readTensor(`${o}.weight`))], [0]);
    assert.deepEqual([...new Set(ck.readTensorF32(`${o}.weight_scale`))], [1]);
    assert.equal(ck.readTensorF32(`${o}.weight_scale_2`)[0], 1);
    ck.close();
    const fp8 = join(work.dir, 'zero-fp8');
    exportCheckpoint({
      modelDir: zero,
      quantize: loadQuantizeInput('configs/ptq/presets/model/fp8_per_channel_per_token').quantize,
      exportPath: fp8,
    });
    const c2 = openCheckpoint(fp8);
    assert.deepEqual(
      [...new Set(c2.readTensor('model.layers.0.mlp.down_proj.weight'))],
      [0],
      'no NaN codes for a zero scale',
    );
    assert.deepEqual([...new Set(c2.readTensorF32('model.layers.0.mlp.down_proj.weight_scale'))], [0]);
    c2.close();
    assert.equal(
      (readJson(join(fp8, 'config.json')).quantization_config as { quant_algo: string }).quant_algo,
      'FP8_PER_CHANNEL_PER_TOKEN',
    );
  });
});
