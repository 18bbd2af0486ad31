import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openCheckpoint } from '../../src/model/checkpoint.js';
import { SpmBpeTokenizer } from '../../src/model/spm-bpe.js';
import { hfTensorSpecs, synthCheckpoint, synthConfig } from '../../src/model/synth.js';
import { NormalRng, normalQuantile } from '../../src/model/synth-random.js';
import { SYNTH_ARCHS, SYNTH_PRESETS } from '../../src/model/synth-presets.js';
import { scratchDir } from './helpers.js';

const { dir, cleanup } = scratchDir('synth');
after(cleanup);

const bytesOf = (d: string): Buffer => readFileSync(join(d, 'model.safetensors'));

test('the same seed gives byte-identical files; another seed does not', () => {
  const a = synthCheckpoint({ arch: 'qwen3', preset: 'tiny', outDir: join(dir, 'a'), seed: 7 });
  synthCheckpoint({ arch: 'qwen3', preset: 'tiny', outDir: join(dir, 'b'), seed: 7 });
  synthCheckpoint({ arch: 'qwen3', preset: 'tiny', outDir: join(dir, 'c'), seed: 8 });
  assert.ok(bytesOf(join(dir, 'a')).equals(bytesOf(join(dir, 'b'))));
  assert.ok(!bytesOf(join(dir, 'a')).equals(bytesOf(join(dir, 'c'))));
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
    assert.equal(readFileSync(join(dir, 'a', f), 'utf8'), readFileSync(join(dir, 'b', f), 'utf8'), f);
  }
  assert.deepEqual(a.files, ['model.safetensors']);
});

test('weights look like N(0, 0.02) and norms are ones', () => {
  const ckpt = openCheckpoint(join(dir, 'a'));
  const w = ckpt.readTensorF32('model.layers.0.mlp.gate_proj.weight');
  const mean = w.reduce((s, x) => s + x, 0) / w.length;
  const std = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / w.length);
  assert.ok(Math.abs(mean) < 0.002, `mean ${mean}`);
  assert.ok(Math.abs(std - 0.02) < 0.001, `std ${std}`);
  assert.ok(ckpt.readTensorF32('model.layers.1.self_attn.q_norm.weight').every((x) => x === 1));
  assert.ok(ckpt.readTensorF32('model.norm.weight').every((x) => x === 1));
  assert.equal(ckpt.tensor('model.norm.weight').dtype, 'BF16');
  ckpt.close();
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306) < 1e-8);
  assert.equal(normalQuantile(0.5), 0);
  const one = new NormalRng(3);
  const filled = new Float32Array(7);
  new NormalRng(3).fill(filled, 1);
  assert.deepEqual(
    [...filled],
    Array.from({ length: 7 }, () => Math.fround(one.normal())),
  );
  const rng = new NormalRng(1);
  const first = [rng.nextU32(), rng.nextU32()];
  const again = new NormalRng(1);
  assert.deepEqual([again.nextU32(), again.nextU32()], first);
});

test('every architecture writes its HF tensor names and config keys', () => {
  const expectName: Record<string, string> = {
    llama: 'model.layers.1.mlp.down_proj.weight',
    qwen2: 'model.layers.0.self_attn.k_proj.bias',
    qwen3: 'model.layers.0.self_attn.k_norm.weight',
    mistral: 'lm_head.weight',
    mixtral: 'model.layers.1.block_sparse_moe.experts.3.w2.weight',
    qwen3_moe: 'model.layers.0.mlp.experts.2.up_proj.weight',
  };
  for (const arch of SYNTH_ARCHS) {
    const out = join(dir, `arch-${arch}`);
    synthCheckpoint({ arch, preset: 'tiny', outDir: out, seed: 1 });
    const ckpt = openCheckpoint(out);
    assert.ok(ckpt.tensors.has(expectName[arch]!), `${arch}: ${expectName[arch]}`);
    assert.equal(ckpt.config.model_type, arch);
    assert.equal(ckpt.config.torch_dtype, 'bfloat16');
    const real = Object.values(SYNTH_PRESETS[arch]).find((c) => c !== SYNTH_PRESETS[arch].tiny)!;
    assert.deepEqual(Object.keys(ckpt.config).sort(), Object.keys(real).sort(), `${arch} keys`);
    assert.equal(ckpt.tensors.has('lm_head.weight'), ckpt.config.tie_word_embeddings !== true);
    ckpt.close();
  }
  const mixtral = openCheckpoint(join(dir, 'arch-mixtral'));
  assert.deepEqual(mixtral.tensor('model.layers.0.block_sparse_moe.gate.weight').shape, [4, 64]);
  mixtral.close();
  const moe = openCheckpoint(join(dir, 'arch-qwen3_moe'));
  assert.deepEqual(moe.tensor('model.layers.0.mlp.experts.0.down_proj.weight').shape, [64, 32]);
  assert.deepEqual(moe.tensor('model.layers.0.mlp.gate.weight').shape, [4, 64]);
  assert.deepEqual(moe.tensor('model.layers.0.self_attn.q_proj.weight').shape, [64, 64]);
  moe.close();
});

test('real presets have the published shapes', () => {
  const llama = synthConfig('llama', '1b');
  assert.equal(llama.hidden_size, 2048);
  assert.equal(llama.num_key_value_heads, 8);
  assert.equal(llama.tie_word_embeddings, true);
  const specs = hfTensorSpecs(llama, 'BF16');
  const params = specs.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
  assert.equal(params, 1235814400); // Llama-3.2-1B parameter count
  const q = hfTensorSpecs(synthConfig('qwen3', '0.6b'), 'BF16');
  assert.deepEqual(q.find((t) => t.name === 'model.layers.0.self_attn.q_proj.weight')!.shape, [2048, 1024]);
  const qwen2 = hfTensorSpecs(synthConfig('qwen2', '0.5b'), 'BF16');
  assert.deepEqual(qwen2.find((t) => t.name === 'model.layers.0.self_attn.k_proj.weight')!.shape, [128, 896]);
  assert.equal(synthConfig('mixtral', '8x7b', 2).num_hidden_layers, 2);
  assert.equal(synthConfig('qwen3_moe', '30b-a3b').num_experts, 128);
  assert.throws(() => synthConfig('gpt2', 'tiny'), { code: 'unknown-arch' });
  assert.throws(() => synthConfig('llama', '70b'), /no preset "70b"; choose one of tiny, 1b/);
  assert.throws(() => synthConfig('llama', 'tiny', 0), { code: 'bad-layers' });
});

test('large models shard, and sparse zero fill serves header-only planning', () => {
  const sharded = synthCheckpoint({
    arch: 'llama',
    preset: 'tiny',
    outDir: join(dir, 'sharded'),
    maxShardBytes: 40000,
    dtype: 'f32',
  });
  assert.ok(sharded.files.length > 1);
  const ckpt = openCheckpoint(join(dir, 'sharded'));
  assert.equal(ckpt.tensors.size, sharded.tensors.length);
  assert.equal(ckpt.tensor('model.embed_tokens.weight').dtype, 'F32');
  ckpt.close();
  const big = synthCheckpoint({
    arch: 'mixtral',
    preset: '8x7b',
    outDir: join(dir, 'mixtral'),
    layers: 1,
    fill: 'zeros',
  });
  const planned = openCheckpoint(join(dir, 'mixtral'));
  assert.deepEqual(
    planned.tensor('model.layers.0.block_sparse_moe.experts.7.w1.weight').shape,
    [14336, 4096],
  );
  assert.equal(statSync(join(dir, 'mixtral', big.files[0]!)).size > 1e9, true);
  assert.ok(planned.readTensorF32('model.layers.0.block_sparse_moe.gate.weight').every((x) => x === 0));
  planned.close();
});

test('the synthetic tokenizer encodes and decodes text', () => {
  const tok = SpmBpeTokenizer.fromJson(JSON.parse(readFileSync(join(dir, 'a', 'tokenizer.json'), 'utf8')));
  const ids = tok.encode('the cat and the dog, Ünïcode!');
  assert.equal(ids[0], 1);
  assert.ok(ids.every((id) => id < 384));
  assert.ok(ids.includes(tok.pieces.indexOf('▁the')));
  assert.equal(tok.decode(ids), 'the cat and the dog, Ünïcode!');
});

test('a non-empty output folder is refused unless overwrite, which clears old shards', () => {
  const out = join(dir, 'reuse');
  synthCheckpoint({ arch: 'llama', preset: 'tiny', outDir: out, maxShardBytes: 40000 });
  assert.throws(() => synthCheckpoint({ arch: 'llama', preset: 'tiny', outDir: out }), {
    code: 'output-exists',
  });
  synthCheckpoint({ arch: 'llama', preset: 'tiny', outDir: out, overwrite: true });
  assert.deepEqual(
    readdirSync(out).filter((f) => f.includes('safetensors')),
    ['model.safetensors'],
  );
  openCheckpoint(out).close();
});
