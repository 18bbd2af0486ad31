import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCheckpoint, unravelIndex, validateTensorFinite } from '../../src/model/checkpoint.js';
import { encodeFromF32 } from '../../src/model/dtypes.js';
import { hfHubCacheDir, resolveModelPath } from '../../src/model/hf-cache.js';
import { type TensorSpec, writeShardedSafetensors } from '../../src/model/safetensors-writer.js';
import { scratchDir } from './helpers.js';

const { dir, cleanup } = scratchDir('ckpt');
after(cleanup);

function makeCheckpoint(name: string, maxShardBytes?: number): string {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'config.json'), JSON.stringify({ model_type: 'llama', hidden_size: 4 }));
  const specs: TensorSpec[] = [
    { name: 'model.embed_tokens.weight', dtype: 'BF16', shape: [3, 4] },
    { name: 'model.norm.weight', dtype: 'F16', shape: [4] },
    { name: 'lm_head.weight', dtype: 'F32', shape: [3, 4] },
  ];
  writeShardedSafetensors(
    out,
    specs,
    (spec) => {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: n }, (_, i) => i - 2);
      return spec.dtype === 'F32'
        ? encodeFromF32(values, 'F32')
        : encodeFromF32(values, spec.dtype as 'BF16' | 'F16');
    },
    maxShardBytes === undefined ? {} : { maxShardBytes },
  );
  return out;
}

test('opens a single-file checkpoint lazily and decodes tensors to f32', () => {
  const ckpt = openCheckpoint(makeCheckpoint('single'));
  assert.equal(ckpt.config.model_type, 'llama');
  assert.equal(ckpt.generationConfig, undefined);
  assert.deepEqual(ckpt.weightFiles, ['model.safetensors']);
  assert.deepEqual(ckpt.tensor('model.norm.weight'), {
    name: 'model.norm.weight',
    dtype: 'F16',
    shape: [4],
    byteLength: 8,
    file: 'model.safetensors',
  });
  assert.deepEqual([...ckpt.readTensorF32('model.norm.weight')], [-2, -1, 0, 1]);
  assert.deepEqual([...ckpt.readTensorF32('model.embed_tokens.weight')].slice(0, 3), [-2, -1, 0]);
  assert.equal(ckpt.readTensor('lm_head.weight').byteLength, 48);
  const buf = new Uint8Array(8);
  const part = ckpt.readTensorRange('lm_head.weight', 4, 8, buf);
  assert.deepEqual([...new Float32Array(part.slice().buffer)], [-1, 0]);
  assert.throws(() => ckpt.readTensorRange('lm_head.weight', 44, 8), { code: 'bad-range' });
  assert.throws(() => ckpt.readTensor('missing'), /no tensor "missing"/);
  ckpt.close();
});

test('opens a sharded checkpoint and lists tensors across shards', () => {
  const out = makeCheckpoint('sharded', 30);
  writeFileSync(join(out, 'generation_config.json'), '{"bos_token_id": 1}');
  writeFileSync(join(out, 'tokenizer.json'), '{}');
  const ckpt = openCheckpoint(out);
  assert.equal(ckpt.weightFiles.length, 3);
  assert.equal(ckpt.tensor('lm_head.weight').file, 'model-00003-of-00003.safetensors');
  assert.deepEqual([...ckpt.readTensorF32('lm_head.weight')].slice(-2), [8, 9]);
  assert.deepEqual(ckpt.generationConfig, { bos_token_id: 1 });
  assert.deepEqual(ckpt.tokenizerFiles, ['tokenizer.json']);
  ckpt.close();
});

test('checkpoint errors are clear', () => {
  assert.throws(() => openCheckpoint(join(dir, 'nowhere')), { code: 'checkpoint-not-found' });
  const noConfig = join(dir, 'no-config');
  mkdirSync(noConfig);
  assert.throws(
    () => openCheckpoint(noConfig),
    (e: Error & { code: string }) => e.code === 'missing-config' && e.message.includes(noConfig),
  );
  writeFileSync(join(noConfig, 'config.json'), '{bad');
  assert.throws(() => openCheckpoint(noConfig), /config.json: not valid JSON/);
  writeFileSync(join(noConfig, 'config.json'), '{}');
  writeFileSync(join(noConfig, 'pytorch_model.bin'), '');
  assert.throws(
    () => openCheckpoint(noConfig),
    (e: Error & { code: string; hint?: string }) =>
      e.code === 'missing-weights' && /safe_serialization/.test(e.hint ?? ''),
  );

  const sharded = makeCheckpoint('broken-shards', 30);
  renameSync(join(sharded, 'model-00002-of-00003.safetensors'), join(sharded, 'other.safetensors'));
  assert.throws(
    () => openCheckpoint(sharded),
    /names shard model-00002-of-00003.safetensors, which is not in/,
  );
  renameSync(join(sharded, 'other.safetensors'), join(sharded, 'model-00002-of-00003.safetensors'));
  writeFileSync(
    join(sharded, 'model.safetensors.index.json'),
    JSON.stringify({
      weight_map: {
        'model.norm.weight': 'model-00001-of-00003.safetensors',
        'model.embed_tokens.weight': 'model-00001-of-00003.safetensors',
      },
    }),
  );
  assert.throws(
    () => openCheckpoint(sharded),
    /"model.norm.weight" is mapped to model-00001-of-00003.safetensors but that shard does not hold it/,
  );

  const dup = makeCheckpoint('dup');
  rmSync(join(dup, 'config.json'));
  writeFileSync(join(dup, 'config.json'), '{}');
  renameSync(join(dup, 'model.safetensors'), join(dup, 'a.safetensors'));
  makeCheckpoint('dup-src');
  renameSync(join(dir, 'dup-src', 'model.safetensors'), join(dup, 'b.safetensors'));
  assert.throws(() => openCheckpoint(dup), /is in both a.safetensors and b.safetensors/);
});

test('validateTensorFinite names the tensor and the first bad index', () => {
  validateTensorFinite('ok', Float32Array.of(1, 2, 3));
  assert.throws(
    () => validateTensorFinite('w', Float32Array.of(0, 1, NaN, Infinity), [2, 2]),
    /tensor "w" holds NaN at index \[1, 0\] \(flat 2\)/,
  );
  assert.throws(
    () => validateTensorFinite('v', Float32Array.of(0, -Infinity)),
    /tensor "v" holds -inf at index 1/,
  );
  assert.deepEqual(unravelIndex(23, [2, 3, 4]), [1, 2, 3]);
});

test('resolveModelPath: directories, cache snapshots and helpful misses', () => {
  const plain = makeCheckpoint('plain');
  assert.equal(resolveModelPath(plain), plain);
  const cache = join(dir, 'hub');
  const env = { HF_HUB_CACHE: cache };
  assert.equal(hfHubCacheDir(env), cache);
  assert.equal(hfHubCacheDir({ HF_HOME: '/x' }), join('/x', 'hub'));
  assert.equal(hfHubCacheDir({ XDG_CACHE_HOME: '/c' }), join('/c', 'huggingface', 'hub'));

  assert.throws(
    () => resolveModelPath('org/model', env),
    (e: Error & { code: string; hint?: string }) =>
      e.code === 'model-not-cached' &&
      (e.hint ?? '').includes(join(cache, 'models--org--model', 'snapshots', '<commit>')),
  );
  const repo = join(cache, 'models--org--model');
  const snapA = join(repo, 'snapshots', 'aaaa');
  mkdirSync(snapA, { recursive: true });
  writeFileSync(join(snapA, 'config.json'), '{}');
  assert.equal(resolveModelPath('org/model', env), snapA);
  const snapB = join(repo, 'snapshots', 'bbbb');
  mkdirSync(snapB);
  writeFileSync(join(snapB, 'config.json'), '{}');
  assert.throws(() => resolveModelPath('org/model', env), { code: 'ambiguous-snapshot' });
  mkdirSync(join(repo, 'refs'));
  writeFileSync(join(repo, 'refs', 'main'), 'bbbb\n');
  assert.equal(resolveModelPath('org/model', env), snapB);
  writeFileSync(join(repo, 'refs', 'main'), 'cccc');
  assert.throws(() => resolveModelPath('org/model', env), /refs\/main points to/);
  assert.throws(() => resolveModelPath(join(plain, 'config.json'), env), { code: 'not-a-directory' });
  assert.throws(() => resolveModelPath('./no/such/dir/here', env), { code: 'model-not-found' });
});
