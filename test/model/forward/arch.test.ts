import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardArch, ropeInvFreq } from '../../../src/model/forward/index.js';
import { synthConfig } from '../../../src/model/synth.js';

const base = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...synthConfig('llama', 'tiny', undefined, 'f32'),
  ...over,
});

test('sizes, GQA and head_dim (explicit or hidden / heads)', () => {
  const a = forwardArch(base());
  assert.deepEqual([a.hidden, a.heads, a.kvHeads, a.headDim, a.layers, a.vocab], [64, 4, 2, 16, 2, 384]);
  assert.equal(forwardArch(base({ head_dim: undefined })).headDim, 16);
  assert.equal(forwardArch(base({ head_dim: 8 })).headDim, 8);
  assert.equal(forwardArch(base({ num_key_value_heads: undefined })).kvHeads, 4);
  assert.equal(a.rmsEps, 1e-5);
  assert.equal(a.tieWordEmbeddings, true);
  assert.equal(forwardArch(base({ tie_word_embeddings: undefined })).tieWordEmbeddings, false);
});

test('per-architecture options: biases, q/k norms, MoE blocks, sliding windows', () => {
  const qwen2 = forwardArch(synthConfig('qwen2', 'tiny'));
  assert.deepEqual([qwen2.qkvBias, qwen2.oBias, qwen2.qkNorm], [true, false, false]);
  assert.deepEqual(qwen2.slidingWindow, [null, null], 'use_sliding_window false');
  const q2sw = forwardArch({
    ...synthConfig('qwen2', 'tiny'),
    use_sliding_window: true,
    max_window_layers: 1,
    sliding_window: 8,
  });
  assert.deepEqual(q2sw.slidingWindow, [null, 8]);
  assert.deepEqual(
    forwardArch({
      ...synthConfig('qwen3', 'tiny'),
      layer_types: ['sliding_attention', 'full_attention'],
      sliding_window: 4,
    }).slidingWindow,
    [4, null],
  );
  const llamaBias = forwardArch(base({ attention_bias: true, mlp_bias: true }));
  assert.deepEqual([llamaBias.qkvBias, llamaBias.oBias, llamaBias.mlpBias], [true, true, true]);
  assert.equal(forwardArch(synthConfig('qwen3', 'tiny')).qkNorm, true);
  const mistral = forwardArch(synthConfig('mistral', 'tiny'));
  assert.deepEqual(mistral.slidingWindow, [256, 256]);
  const mixtral = forwardArch(synthConfig('mixtral', 'tiny'));
  assert.deepEqual(mixtral.moe[0], {
    block: 'block_sparse_moe',
    numExperts: 4,
    topK: 2,
    normTopK: true,
    intermediate: 128,
    projections: ['w1', 'w3', 'w2'],
  });
  assert.deepEqual(mixtral.slidingWindow, [null, null]);
  const qmoe = forwardArch(synthConfig('qwen3_moe', 'tiny'));
  assert.deepEqual(qmoe.moe[1], {
    block: 'mlp',
    numExperts: 4,
    topK: 2,
    normTopK: true,
    intermediate: 32,
    projections: ['gate_proj', 'up_proj', 'down_proj'],
  });
  assert.equal(
    forwardArch({ ...synthConfig('qwen3_moe', 'tiny'), norm_topk_prob: false }).moe[0]!.normTopK,
    false,
  );
  assert.deepEqual(
    forwardArch({ ...synthConfig('qwen3_moe', 'tiny'), decoder_sparse_step: 2 }).moe.map((m) => m !== null),
    [false, true],
  );
});

test('default RoPE: inv_freq = theta^(-2i/d) in float32', () => {
  const r = ropeInvFreq({ rope_theta: 10000 }, 8);
  assert.equal(r.type, 'default');
  assert.deepEqual(r.invFreq, Float32Array.of(1, 0.1, 0.01, 0.001));
  assert.equal(ropeInvFreq({}, 4).invFreq[1], Math.fround(0.01), 'theta defaults to 10000');
});

test('linear and llama3 rope_scaling follow the HF inv_freq formulas', () => {
  const plain = ropeInvFreq({ rope_theta: 500000 }, 64).invFreq;
  const lin = ropeInvFreq({ rope_theta: 500000, rope_scaling: { type: 'linear', factor: 4 } }, 64);
  assert.equal(lin.type, 'linear');
  lin.invFreq.forEach((v, i) => assert.equal(v, Math.fround(plain[i]! / 4)));
  const scaling = {
    rope_type: 'llama3',
    factor: 32,
    low_freq_factor: 1,
    high_freq_factor: 4,
    original_max_position_embeddings: 8192,
  };
  const l3 = ropeInvFreq({ rope_theta: 500000, rope_scaling: scaling }, 64).invFreq;
  let [kept, divided, blended] = [0, 0, 0];
  plain.forEach((f, i) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < 8192 / 4) {
      assert.equal(l3[i], f);
      kept++;
    } else if (wavelen > 8192) {
      assert.ok(Math.abs(l3[i]! / (f / 32) - 1) < 1e-6);
      divided++;
    } else {
      const s = (8192 / wavelen - 1) / (4 - 1);
      assert.ok(Math.abs(l3[i]! / ((1 - s) * (f / 32) + s * f) - 1) < 1e-5, `i=${i}`);
      blended++;
    }
  });
  assert.ok(kept > 0 && divided > 0 && blended > 0, `${kept}/${divided}/${blended}`);
  // dynamic NTK: the default frequencies inside max_position_embeddings
  const dyn = ropeInvFreq(
    { rope_theta: 500000, max_position_embeddings: 256, rope_scaling: { rope_type: 'dynamic', factor: 2 } },
    64,
  );
  assert.deepEqual([dyn.type, dyn.maxPositions], ['dynamic', 256]);
  assert.deepEqual(dyn.invFreq, plain);
  // transformers 5 style rope_parameters carry theta and type together
  const v5 = ropeInvFreq({ rope_parameters: { rope_type: 'linear', factor: 4, rope_theta: 500000 } }, 64);
  assert.deepEqual(v5.invFreq, lin.invFreq);
});

test('bad configs are clear MoptErrors', () => {
  assert.throws(() => forwardArch({ ...base(), model_type: 'gpt2' }), {
    code: 'unsupported-arch',
    message: /gpt2.*supported: llama/,
  });
  assert.throws(() => forwardArch(base({ rope_scaling: { rope_type: 'yarn', factor: 4 } })), {
    code: 'unsupported-rope',
    message: /rope_scaling\.rope_type "yarn"/,
  });
  assert.throws(() => forwardArch(base({ rope_scaling: { rope_type: 'llama3', factor: 8 } })), {
    code: 'bad-config',
    message: /rope_scaling\.low_freq_factor/,
  });
  assert.throws(() => forwardArch(base({ hidden_act: 'gelu' })), {
    code: 'bad-config',
    message: /hidden_act "gelu"/,
  });
  assert.throws(() => forwardArch(base({ num_key_value_heads: 3 })), {
    code: 'bad-config',
    message: /multiple of num_key_value_heads 3/,
  });
  assert.throws(() => forwardArch(base({ hidden_size: '64' })), {
    code: 'bad-config',
    message: /"hidden_size" must be a positive integer/,
  });
  assert.throws(() => forwardArch(base({ head_dim: undefined, hidden_size: 36, num_attention_heads: 4 })), {
    code: 'bad-config',
    message: /head_dim 9/,
  });
  assert.throws(() => forwardArch(base({ tie_word_embeddings: 'yes' })), {
    code: 'bad-config',
    message: /tie_word_embeddings/,
  });
  assert.throws(() => forwardArch({ ...synthConfig('qwen3_moe', 'tiny'), mlp_only_layers: 3 }), {
    code: 'bad-config',
    message: /mlp_only_layers/,
  });
});
