import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Checkpoint, openCheckpoint } from '../../src/model/checkpoint.js';
import { numberToBf16, bf16ToNumber } from '../../src/model/dtypes.js';
import { convertLlama2c, permuteHeadRows, rotateHalfRowOrder } from '../../src/model/llama2c.js';
import { readLlama2cVocab } from '../../src/model/llama2c-tokenizer.js';
import { SpmBpeTokenizer } from '../../src/model/spm-bpe.js';
import { scratchDir, STORIES_BIN, TOK512_BIN } from './helpers.js';
import { greedyGenerate } from './hf-llama-greedy.js';
import { llama2cEncode } from './llama2c-reference.js';

const { dir, cleanup } = scratchDir('l2c');
let ckpt: Checkpoint;
const bin = readFileSync(STORIES_BIN);
const floatsAt = (byteOffset: number, count: number): Float32Array =>
  new Float32Array(bin.buffer.slice(bin.byteOffset + byteOffset, bin.byteOffset + byteOffset + 4 * count));

before(() => {
  convertLlama2c({ modelFile: STORIES_BIN, tokenizerFile: TOK512_BIN, outDir: join(dir, 'f32') });
  ckpt = openCheckpoint(join(dir, 'f32'));
});
after(() => {
  ckpt.close();
  cleanup();
});

test('rotate-half row order matches HF permute (view(h, hs/2, 2, d).transpose(1, 2))', () => {
  assert.deepEqual(rotateHalfRowOrder(8), [0, 2, 4, 6, 1, 3, 5, 7]);
  // Explicit view/transpose: new index (j, i) <- old index (i, j) with i < hs/2, j < 2.
  const hs = 6;
  const expected: number[] = [];
  for (let j = 0; j < 2; j++) for (let i = 0; i < hs / 2; i++) expected.push(2 * i + j);
  assert.deepEqual(rotateHalfRowOrder(hs), expected);
});

test('stories260K converts to an HF Llama config with tied embeddings', () => {
  const c = ckpt.config;
  assert.equal(c.model_type, 'llama');
  assert.deepEqual(c.architectures, ['LlamaForCausalLM']);
  assert.equal(c.hidden_size, 64);
  assert.equal(c.intermediate_size, 172);
  assert.equal(c.num_hidden_layers, 5);
  assert.equal(c.num_attention_heads, 8);
  assert.equal(c.num_key_value_heads, 4);
  assert.equal(c.head_dim, 8);
  assert.equal(c.vocab_size, 512);
  assert.equal(c.max_position_embeddings, 512);
  assert.equal(c.rms_norm_eps, 1e-5);
  assert.equal(c.rope_theta, 10000);
  assert.equal(c.tie_word_embeddings, true);
  assert.equal(c.torch_dtype, 'float32');
  assert.equal(c.bos_token_id, 1);
  assert.equal(c.eos_token_id, 2);
  assert.equal(ckpt.tensors.size, 2 + 5 * 9);
  assert.ok(!ckpt.tensors.has('lm_head.weight'));
  assert.deepEqual(ckpt.tensor('model.layers.0.self_attn.q_proj.weight').shape, [64, 64]);
  assert.deepEqual(ckpt.tensor('model.layers.4.self_attn.k_proj.weight').shape, [32, 64]);
  assert.deepEqual(ckpt.tensor('model.layers.2.mlp.down_proj.weight').shape, [64, 172]);
  assert.deepEqual(ckpt.tensor('model.layers.2.mlp.gate_proj.weight').shape, [172, 64]);
  assert.deepEqual(ckpt.tensor('model.embed_tokens.weight').shape, [512, 64]);
  assert.deepEqual(ckpt.readTensorF32('model.embed_tokens.weight'), floatsAt(28, 512 * 64));
  assert.deepEqual(ckpt.tokenizerFiles, ['tokenizer.json', 'tokenizer_config.json']);
});

test('q/k rows are permuted per head; undoing the permutation recovers the llama2.c rows', () => {
  const L = 5;
  const dim = 64;
  const wqStart = 28 + 4 * (512 * 64 + L * dim);
  const wkStart = wqStart + 4 * L * dim * dim;
  const order = rotateHalfRowOrder(8);
  const inverse = order.map((_, i) => order.indexOf(i));
  for (const layer of [0, 3]) {
    const q = ckpt.readTensorF32(`model.layers.${layer}.self_attn.q_proj.weight`);
    assert.deepEqual(
      permuteHeadRows(q, 8, 8, dim, inverse),
      floatsAt(wqStart + 4 * layer * dim * dim, dim * dim),
    );
    const k = ckpt.readTensorF32(`model.layers.${layer}.self_attn.k_proj.weight`);
    assert.deepEqual(
      permuteHeadRows(k, 4, 8, dim, inverse),
      floatsAt(wkStart + 4 * layer * 32 * dim, 32 * dim),
    );
    assert.notDeepEqual(q, floatsAt(wqStart + 4 * layer * dim * dim, dim * dim));
  }
  const wvStart = wkStart + 4 * L * 32 * dim;
  assert.deepEqual(
    ckpt.readTensorF32('model.layers.1.self_attn.v_proj.weight'),
    floatsAt(wvStart + 4 * 32 * dim, 32 * dim),
  );
});

test('attention scores agree: interleaved RoPE on llama2.c rows == rotate-half RoPE on HF rows', () => {
  const hs = 8;
  const order = rotateHalfRowOrder(hs);
  const q = Array.from({ length: hs }, (_, i) => Math.sin(i + 1));
  const k = Array.from({ length: hs }, (_, i) => Math.cos(3 * i + 2));
  const theta = (i: number, pos: number): number => pos * 10000 ** ((-2 * i) / hs);
  const interleaved = (v: number[], pos: number): number[] => {
    const out = v.slice();
    for (let i = 0; i < hs / 2; i++) {
      const [c, s] = [Math.cos(theta(i, pos)), Math.sin(theta(i, pos))];
      out[2 * i] = v[2 * i]! * c - v[2 * i + 1]! * s;
      out[2 * i + 1] = v[2 * i]! * s + v[2 * i + 1]! * c;
    }
    return out;
  };
  const rotateHalf = (v: number[], pos: number): number[] => {
    const out = v.slice();
    for (let i = 0; i < hs / 2; i++) {
      const [c, s] = [Math.cos(theta(i, pos)), Math.sin(theta(i, pos))];
      out[i] = v[i]! * c - v[i + hs / 2]! * s;
      out[i + hs / 2] = v[i + hs / 2]! * c + v[i]! * s;
    }
    return out;
  };
  const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
  const permute = (v: number[]): number[] => order.map((o) => v[o]!);
  const ref = dot(interleaved(q, 5), interleaved(k, 2));
  const hf = dot(rotateHalf(permute(q), 5), rotateHalf(permute(k), 2));
  assert.ok(Math.abs(ref - hf) < 1e-12, `${ref} vs ${hf}`);
});

test('the converted checkpoint generates the known stories260K text (greedy, HF layout)', () => {
  const tok = SpmBpeTokenizer.fromJson(JSON.parse(readFileSync(join(dir, 'f32', 'tokenizer.json'), 'utf8')));
  const text = tok.decode(greedyGenerate(ckpt, 1, 24));
  assert.ok(text.startsWith('Once upon a time, there was a little girl named Lily. She loved to play'), text);
});

test('bf16 output rounds every weight and says bfloat16', () => {
  convertLlama2c({
    modelFile: STORIES_BIN,
    tokenizerFile: TOK512_BIN,
    outDir: join(dir, 'bf16'),
    dtype: 'bf16',
  });
  const b = openCheckpoint(join(dir, 'bf16'));
  assert.equal(b.config.torch_dtype, 'bfloat16');
  assert.equal(b.tensor('model.norm.weight').dtype, 'BF16');
  const f = ckpt.readTensorF32('model.layers.1.mlp.up_proj.weight');
  const g = b.readTensorF32('model.layers.1.mlp.up_proj.weight');
  for (let i = 0; i < f.length; i += 97) assert.equal(g[i], bf16ToNumber(numberToBf16(f[i]!)));
  const tok = SpmBpeTokenizer.fromJson(JSON.parse(readFileSync(join(dir, 'bf16', 'tokenizer.json'), 'utf8')));
  assert.ok(
    tok.decode(greedyGenerate(b, 1, 16)).startsWith('Once upon a time, there was a little girl named Lily.'),
  );
  b.close();
});

test('tokenizer.json is a SentencePiece-style BPE with byte fallback', () => {
  const tj = JSON.parse(readFileSync(join(dir, 'f32', 'tokenizer.json'), 'utf8'));
  assert.equal(tj.model.type, 'BPE');
  assert.equal(tj.model.byte_fallback, true);
  assert.equal(tj.model.fuse_unk, true);
  assert.equal(tj.model.unk_token, '<unk>');
  assert.equal(Object.keys(tj.model.vocab).length, 512);
  assert.equal(tj.model.vocab['<s>'], 1);
  assert.equal(tj.model.vocab['<0x41>'], 3 + 0x41);
  assert.equal(tj.model.vocab['▁t'], 259);
  assert.ok(!Object.keys(tj.model.vocab).some((p) => p.includes(' ')));
  assert.equal(tj.model.merges.length, 165);
  assert.equal(tj.model.merges[0], '▁ t');
  assert.deepEqual(
    tj.added_tokens.map((t: { id: number; content: string }) => [t.id, t.content]),
    [
      [0, '<unk>'],
      [1, '<s>'],
      [2, '</s>'],
    ],
  );
  assert.deepEqual(
    tj.normalizer.normalizers.map((n: { type: string }) => n.type),
    ['Prepend', 'Replace'],
  );
  assert.equal(tj.pre_tokenizer, null);
  assert.deepEqual(
    tj.decoder.decoders.map((d: { type: string }) => d.type),
    ['Replace', 'ByteFallback', 'Fuse', 'Strip'],
  );
  const cfg = JSON.parse(readFileSync(join(dir, 'f32', 'tokenizer_config.json'), 'utf8'));
  assert.equal(cfg.bos_token, '<s>');
  assert.equal(cfg.add_bos_token, true);
  assert.equal(cfg.model_max_length, 512);
});

test('the BPE tokenizer gives the same ids as llama2.c encoding and decodes back', () => {
  const tok = SpmBpeTokenizer.fromJson(JSON.parse(readFileSync(join(dir, 'f32', 'tokenizer.json'), 'utf8')));
  const vocab = readLlama2cVocab(TOK512_BIN, 512);
  const once = tok.encode('Once upon a time');
  assert.deepEqual(once, llama2cEncode(vocab, 'Once upon a time'));
  assert.equal(once[0], 1);
  const samples = [
    'Once upon a time, there was a little girl named Lily.',
    'She loved to play outside in the park.\nOne day, she saw a big, red ball!',
    '  double  spaces and trailing ',
    'Zoë ate crème brûlée ☃ 🙂 日本',
    'a',
    '',
  ];
  for (const s of samples) {
    assert.deepEqual(tok.encode(s), llama2cEncode(vocab, s), JSON.stringify(s));
    assert.equal(tok.decode(tok.encode(s)), s);
  }
  assert.deepEqual(tok.encode('', { addBos: false }), []);
});
