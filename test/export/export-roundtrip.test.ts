/** Data-free exports of every supported weight format, read back: names, dtypes, shapes, JSON configs, dequantized values. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportCheckpoint, loadQuantizeInput, type ExportSummary } from '../../src/export/index.js';
import { openCheckpoint } from '../../src/model/checkpoint.js';
import { dequantize, readJson, relError, scratch, writeCustomModel, writeRecipe } from './helpers.js';

const SHAPES = {
  hidden_size: 128,
  intermediate_size: 256,
  num_attention_heads: 4,
  num_key_value_heads: 4,
  head_dim: 32,
};
const LINEARS: Array<[string, [number, number]]> = [
  ['self_attn.q_proj', [128, 128]],
  ['self_attn.k_proj', [128, 128]],
  ['self_attn.v_proj', [128, 128]],
  ['self_attn.o_proj', [128, 128]],
  ['mlp.gate_proj', [256, 128]],
  ['mlp.up_proj', [256, 128]],
  ['mlp.down_proj', [128, 256]],
];

let work: { dir: string; cleanup: () => void };
let model: string;

before(() => {
  work = scratch('roundtrip');
  model = join(work.dir, 'model');
  writeCustomModel(model, SHAPES);
});
after(() => work.cleanup());

function run(recipe: string, name: string): { out: string; summary: ExportSummary } {
  const out = join(work.dir, name);
  const summary = exportCheckpoint({
    modelDir: model,
    quantize: loadQuantizeInput(recipe).quantize,
    exportPath: out,
  });
  return { out, summary };
}

function f32Scalar(ck: ReturnType<typeof openCheckpoint>, name: string): number {
  return new Float32Array(ck.readTensor(name).slice().buffer)[0]!;
}

/** Checks every linear of layer 0 and 1 dequantizes close to the source, with the given tensors per module. */
function checkModules(
  out: string,
  suffixes: Record<string, string>,
  maxErr: number,
  only?: (m: string) => boolean,
): void {
  const src = openCheckpoint(model);
  const ck = openCheckpoint(out);
  try {
    for (const layer of [0, 1]) {
      for (const [rel, shape] of LINEARS) {
        const m = `model.layers.${layer}.${rel}`;
        if (only && !only(rel)) {
          assert.equal(ck.tensor(`${m}.weight`).dtype, 'BF16', `${m} stays bf16`);
          assert.ok(!ck.tensors.has(`${m}.weight_scale`));
          continue;
        }
        for (const [suffix, desc] of Object.entries(suffixes)) {
          const t = ck.tensor(`${m}.${suffix}`);
          const expected = desc.replace('R', String(shape[0])).replace('C', String(shape[1]));
          const [dtype, dims] = expected.split(' ');
          const want = dims!
            .split('x')
            .filter((d) => d !== '')
            .map((d) => (d.includes('/') ? Number(d.split('/')[0]) / Number(d.split('/')[1]) : Number(d)));
          assert.equal(t.dtype, dtype, `${m}.${suffix} dtype`);
          assert.deepEqual(t.shape, want, `${m}.${suffix} shape`);
        }
        const err = relError(src.readTensorF32(`${m}.weight`), dequantize(ck, m, shape));
        assert.ok(err < maxErr, `${m}: relative error ${err} >= ${maxErr}`);
      }
    }
    assert.equal(ck.tensor('model.embed_tokens.weight').dtype, 'BF16');
    assert.ok(!ck.tensors.has('lm_head.weight'), 'tied lm_head is not duplicated');
    assert.equal(ck.tensor('model.norm.weight').dtype, 'BF16');
    assert.ok(
      existsSync(join(out, 'tokenizer_config.json')) && existsSync(join(out, 'generation_config.json')),
    );
  } finally {
    src.close();
    ck.close();
  }
}

function quantCfgOf(out: string): Record<string, unknown> {
  return (readJson(join(out, 'config.json')).quantization_config ?? {}) as Record<string, unknown>;
}

const EXCLUDE = ['lm_head', 'model.embed_tokens'];
const PRODUCER = { name: 'modelopt', version: '0.47.0' };

describe('data-free export formats', () => {
  it('FP8 per-tensor with constant input amax and constant-amax KV scales', () => {
    const recipe = writeRecipe(
      join(work.dir, 'fp8.yaml'),
      `    - quantizer_name: '*weight_quantizer'
      cfg: {$import: fp8}
    - quantizer_name: '*input_quantizer'
      cfg: {$import: fp8, constant_amax: 448.0}
    - quantizer_name: '*[kv]_bmm_quantizer'
      cfg: {$import: fp8, constant_amax: 7.0}`,
    );
    const { out, summary } = run(recipe, 'fp8');
    checkModules(out, { weight: 'F8_E4M3 RxC', weight_scale: 'F32 ', input_scale: 'F32 ' }, 0.05);
    const ck = openCheckpoint(out);
    assert.equal(f32Scalar(ck, 'model.layers.0.self_attn.q_proj.input_scale'), 1);
    assert.equal(f32Scalar(ck, 'model.layers.1.self_attn.k_proj.k_scale'), 0.015625);
    assert.equal(f32Scalar(ck, 'model.layers.1.self_attn.v_proj.v_scale'), 0.015625);
    // FP8 groups are not unified: q and k keep their own weight scales
    assert.notEqual(
      f32Scalar(ck, 'model.layers.0.self_attn.q_proj.weight_scale'),
      f32Scalar(ck, 'model.layers.0.self_attn.k_proj.weight_scale'),
    );
    ck.close();
    assert.deepEqual(readJson(join(out, 'hf_quant_config.json')), {
      producer: PRODUCER,
      quantization: { quant_algo: 'FP8', kv_cache_quant_algo: 'FP8', exclude_modules: EXCLUDE },
    });
    const float8 = { dynamic: false, num_bits: 8, type: 'float' };
    assert.deepEqual(quantCfgOf(out), {
      config_groups: { group_0: { input_activations: float8, weights: float8, targets: ['Linear'] } },
      ignore: EXCLUDE,
      quant_algo: 'FP8',
      kv_cache_scheme: float8,
      producer: PRODUCER,
      quant_method: 'modelopt',
    });
    assert.deepEqual(summary.formats, { FP8: 14 });
  });

  it('W4A16 NVFP4 (fp8 cast KV): packed nibbles, E4M3 block scales, shared weight_scale_2 across q/k/v and gate/up, no k_scale', () => {
    const { out } = run('general/ptq/nvfp4_weight_only-kv_fp8_cast', 'w4a16-nvfp4');
    checkModules(out, { weight: 'U8 RxC/2', weight_scale: 'F8_E4M3 RxC/16', weight_scale_2: 'F32 ' }, 0.13);
    const ck = openCheckpoint(out);
    const ws2 = (m: string): number => f32Scalar(ck, `model.layers.0.${m}.weight_scale_2`);
    assert.equal(ws2('self_attn.q_proj'), ws2('self_attn.k_proj'));
    assert.equal(ws2('self_attn.q_proj'), ws2('self_attn.v_proj'));
    assert.equal(ws2('mlp.gate_proj'), ws2('mlp.up_proj'));
    assert.ok(!ck.tensors.has('model.layers.0.self_attn.k_proj.k_scale'), 'fp8_cast exports no KV scales');
    assert.ok(!ck.tensors.has('model.layers.0.self_attn.q_proj.input_scale'));
    ck.close();
    assert.deepEqual(readJson(join(out, 'hf_quant_config.json')).quantization, {
      quant_algo: 'W4A16_NVFP4',
      kv_cache_quant_algo: 'FP8',
      group_size: 16,
      exclude_modules: EXCLUDE,
    });
    const q = quantCfgOf(out);
    assert.deepEqual(q.config_groups, {
      group_0: {
        weights: { dynamic: false, num_bits: 4, type: 'float', group_size: 16 },
        targets: ['Linear'],
      },
    });
    assert.equal(q.group_size, undefined, 'group_size is not copied to the top level');
  });

  it('NVFP4 W4A4 with a constant input amax of 2688 gives input_scale 1.0', () => {
    const recipe = writeRecipe(
      join(work.dir, 'nvfp4.yaml'),
      `    - quantizer_name: '*weight_quantizer'
      cfg: {$import: nvfp4}
    - quantizer_name: '*input_quantizer'
      cfg: {$import: nvfp4, constant_amax: 2688.0}`,
    );
    const { out } = run(recipe, 'nvfp4');
    checkModules(
      out,
      { weight: 'U8 RxC/2', weight_scale: 'F8_E4M3 RxC/16', weight_scale_2: 'F32 ', input_scale: 'F32 ' },
      0.13,
    );
    const ck = openCheckpoint(out);
    assert.equal(f32Scalar(ck, 'model.layers.0.mlp.down_proj.input_scale'), 1);
    ck.close();
    assert.deepEqual(readJson(join(out, 'hf_quant_config.json')).quantization, {
      quant_algo: 'NVFP4',
      kv_cache_quant_algo: null,
      group_size: 16,
      exclude_modules: EXCLUDE,
    });
    const gs = { dynamic: false, num_bits: 4, type: 'float', group_size: 16 };
    assert.deepEqual(quantCfgOf(out).config_groups, {
      group_0: { input_activations: gs, weights: gs, targets: ['Linear'] },
    });
    assert.equal(quantCfgOf(out).kv_cache_scheme, undefined);
  });

  it('NVFP4 static weights with mse fp8_scale_sweep share the group global amax', () => {
    const recipe = writeRecipe(
      join(work.dir, 'nvfp4-mse.yaml'),
      `    - quantizer_name: '*mlp*weight_quantizer'
      cfg: {$import: nvfp4_static}`,
      '{method: mse, fp8_scale_sweep: true}',
    );
    const { out } = run(recipe, 'nvfp4-mse');
    checkModules(
      out,
      { weight: 'U8 RxC/2', weight_scale: 'F8_E4M3 RxC/16', weight_scale_2: 'F32 ' },
      0.13,
      (m) => m.startsWith('mlp.'),
    );
    const ck = openCheckpoint(out);
    assert.equal(
      f32Scalar(ck, 'model.layers.1.mlp.gate_proj.weight_scale_2'),
      f32Scalar(ck, 'model.layers.1.mlp.up_proj.weight_scale_2'),
    );
    ck.close();
    const q = readJson(join(out, 'hf_quant_config.json')).quantization as Record<string, unknown>;
    assert.equal(q.quant_algo, 'W4A16_NVFP4');
    assert.deepEqual(q.exclude_modules, [
      'lm_head',
      'model.embed_tokens',
      'model.layers.0.self_attn*',
      'model.layers.1.self_attn*',
    ]);
  });

  it('INT4 blockwise (W4A16_AWQ): rows packed in pairs, F32 scale per 128 block', () => {
    const { out } = run('general/ptq/int4_blockwise_weight_only', 'int4');
    checkModules(out, { weight: 'U8 R/2xC', weight_scale: 'F32 RxC/128' }, 0.2);
    assert.deepEqual(readJson(join(out, 'hf_quant_config.json')).quantization, {
      quant_algo: 'W4A16_AWQ',
      kv_cache_quant_algo: null,
      group_size: 128,
      has_zero_point: false,
      pre_quant_scale: true,
      exclude_modules: EXCLUDE,
    });
    assert.equal(quantCfgOf(out).config_groups, undefined);
    assert.equal(quantCfgOf(out).quant_algo, 'W4A16_AWQ');
  });

  it('MXFP4 on the MLP only: U8 codes and E8M0 scales; attention excluded', () => {
    const { out } = run('general/ptq/mxfp4_mlp_weight_only', 'mxfp4');
    checkModules(out, { weight: 'U8 RxC/2', weight_scale: 'U8 RxC/32' }, 0.2, (m) => m.startsWith('mlp.'));
    assert.deepEqual(readJson(join(out, 'hf_quant_config.json')).quantization, {
      quant_algo: 'mxfp4',
      kv_cache_quant_algo: null,
      exclude_modules: [
        'lm_head',
        'model.embed_tokens',
        'model.layers.0.self_attn*',
        'model.layers.1.self_attn*',
      ],
    });
  });

  it('FP8 2-D block weight-only (fp8_pb_wo): F32 scales [out/128, 1, in/128, 1]', () => {
    const { out } = run('configs/ptq/presets/model/fp8_2d_blockwise_weight_only', 'fp8-block');
    checkModules(out, { weight: 'F8_E4M3 RxC' }, 0.05);
    const ck = openCheckpoint(out);
    assert.deepEqual(ck.tensor('model.layers.0.mlp.gate_proj.weight_scale').shape, [2, 1, 1, 1]);
    assert.deepEqual(ck.tensor('model.layers.0.mlp.down_proj.weight_scale').shape, [1, 1, 2, 1]);
    ck.close();
    assert.equal(
      (readJson(join(out, 'hf_quant_config.json')).quantization as Record<string, unknown>).quant_algo,
      'fp8_pb_wo',
    );
  });

  it('MXFP8, INT8 weight-only and FP8 per-channel presets', () => {
    const mx = run('configs/ptq/presets/model/mxfp8', 'mxfp8').out;
    checkModules(mx, { weight: 'F8_E4M3 RxC', weight_scale: 'U8 RxC/32' }, 0.05);
    assert.equal(
      (readJson(join(mx, 'hf_quant_config.json')).quantization as Record<string, unknown>).quant_algo,
      'MXFP8',
    );
    const i8 = run('configs/ptq/presets/model/int8_weight_only', 'int8').out;
    checkModules(i8, { weight: 'I8 RxC', weight_scale: 'F32 R' }, 0.02);
    assert.equal(
      (readJson(join(i8, 'hf_quant_config.json')).quantization as Record<string, unknown>).quant_algo,
      'W8A16',
    );
    const pc = run('configs/ptq/presets/model/fp8_per_channel_per_token', 'fp8-pc').out;
    checkModules(pc, { weight: 'F8_E4M3 RxC', weight_scale: 'F32 R' }, 0.05);
    assert.equal(
      (readJson(join(pc, 'hf_quant_config.json')).quantization as Record<string, unknown>).quant_algo,
      'FP8_PER_CHANNEL_PER_TOKEN',
    );
  });

  it('a sequential [INT4 block, FP8] weight quantizer exports as W4A8_AWQ with a shared FP8-stage weight_scale_2', () => {
    const recipe = writeRecipe(
      join(work.dir, 'w4a8.yaml'),
      `    - quantizer_name: '*weight_quantizer'
      cfg:
        - {num_bits: 4, block_sizes: {-1: 128, type: static}}
        - {num_bits: e4m3, axis: null}`,
    );
    const { out } = run(recipe, 'w4a8');
    checkModules(out, { weight: 'U8 R/2xC', weight_scale: 'F32 RxC/128', weight_scale_2: 'F32 ' }, 0.2);
    const ck = openCheckpoint(out);
    const ws2 = (m: string): number => f32Scalar(ck, `model.layers.0.${m}.weight_scale_2`);
    assert.equal(ws2('self_attn.q_proj'), ws2('self_attn.v_proj'));
    assert.equal(ws2('mlp.gate_proj'), ws2('mlp.up_proj'));
    ck.close();
    assert.deepEqual(readJson(join(out, 'hf_quant_config.json')).quantization, {
      quant_algo: 'W4A8_AWQ',
      kv_cache_quant_algo: null,
      group_size: 128,
      has_zero_point: false,
      pre_quant_scale: true,
      exclude_modules: EXCLUDE,
    });
  });

  it('mixed formats become MIXED_PRECISION with per-layer configs and config groups', () => {
    const recipe = writeRecipe(
      join(work.dir, 'mixed.yaml'),
      `    - quantizer_name: '*mlp*weight_quantizer'
      cfg: {$import: nvfp4}
    - quantizer_name: '*self_attn*weight_quantizer'
      cfg: {$import: fp8}`,
    );
    const { out } = run(recipe, 'mixed');
    const q = readJson(join(out, 'hf_quant_config.json')).quantization as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(q.quant_algo as unknown, 'MIXED_PRECISION');
    assert.equal(q.exclude_modules, undefined);
    assert.deepEqual(q.quantized_layers!['model.layers.0.self_attn.q_proj'], { quant_algo: 'FP8' });
    assert.deepEqual(q.quantized_layers!['model.layers.1.mlp.down_proj'], {
      quant_algo: 'W4A16_NVFP4',
      group_size: 16,
    });
    const flat = quantCfgOf(out) as Record<string, Record<string, Record<string, unknown>>>;
    assert.deepEqual(Object.keys(flat), [
      'config_groups',
      'quantized_layers',
      'ignore',
      'quant_algo',
      'producer',
      'quant_method',
    ]);
    assert.deepEqual(
      flat.config_groups!.group_0!.targets,
      [0, 1].flatMap((l) =>
        ['k_proj', 'o_proj', 'q_proj', 'v_proj'].map((p) => `model.layers.${l}.self_attn.${p}`),
      ),
    );
    assert.deepEqual(flat.ignore, [] as unknown);
  });
});
