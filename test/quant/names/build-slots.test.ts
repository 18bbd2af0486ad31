import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildQuantizerSlots } from '../../../src/quant/names/index.js';
import { MoptError } from '../../../src/errors.js';
import {
  H,
  I,
  VOCAB,
  denseConfig,
  denseTensors,
  mixtralTensors,
  qwen3MoeFusedTensors,
  qwen3MoeTensors,
} from './fixtures.js';

const names = (cfg: unknown, tensors: Parameters<typeof buildQuantizerSlots>[1], opts = {}): string[] =>
  buildQuantizerSlots(cfg, tensors, opts).slots.map((s) => s.name);

const LLAMA_ONE_LAYER = [
  'model.embed_tokens.weight_quantizer',
  'model.embed_tokens.input_quantizer',
  'model.embed_tokens.output_quantizer',
  'model.layers.0.self_attn.q_proj.input_quantizer',
  'model.layers.0.self_attn.q_proj.output_quantizer',
  'model.layers.0.self_attn.q_proj.weight_quantizer',
  'model.layers.0.self_attn.k_proj.input_quantizer',
  'model.layers.0.self_attn.k_proj.output_quantizer',
  'model.layers.0.self_attn.k_proj.weight_quantizer',
  'model.layers.0.self_attn.v_proj.input_quantizer',
  'model.layers.0.self_attn.v_proj.output_quantizer',
  'model.layers.0.self_attn.v_proj.weight_quantizer',
  'model.layers.0.self_attn.o_proj.input_quantizer',
  'model.layers.0.self_attn.o_proj.output_quantizer',
  'model.layers.0.self_attn.o_proj.weight_quantizer',
  'model.layers.0.self_attn.q_bmm_quantizer',
  'model.layers.0.self_attn.k_bmm_quantizer',
  'model.layers.0.self_attn.v_bmm_quantizer',
  'model.layers.0.self_attn.p_bmm_quantizer',
  'model.layers.0.mlp.gate_proj.input_quantizer',
  'model.layers.0.mlp.gate_proj.output_quantizer',
  'model.layers.0.mlp.gate_proj.weight_quantizer',
  'model.layers.0.mlp.up_proj.input_quantizer',
  'model.layers.0.mlp.up_proj.output_quantizer',
  'model.layers.0.mlp.up_proj.weight_quantizer',
  'model.layers.0.mlp.down_proj.input_quantizer',
  'model.layers.0.mlp.down_proj.output_quantizer',
  'model.layers.0.mlp.down_proj.weight_quantizer',
  'lm_head.input_quantizer',
  'lm_head.output_quantizer',
  'lm_head.weight_quantizer',
];

test('llama: every quantizer in named_modules order', () => {
  assert.deepEqual(names(denseConfig('llama', 1), denseTensors(1)), LLAMA_ONE_LAYER);
});

test('2-layer dense models: 25 per layer + 3 embedding + 3 lm_head (806 for 32 layers)', () => {
  for (const mt of ['llama', 'mistral', 'qwen2']) {
    const slots = buildQuantizerSlots(denseConfig(mt, 2), denseTensors(2)).slots;
    assert.equal(slots.length, 2 * 25 + 6, mt);
    assert.equal(slots[28]?.name, 'model.layers.1.self_attn.q_proj.input_quantizer');
  }
  assert.equal(buildQuantizerSlots(denseConfig('llama', 32), denseTensors(32)).slots.length, 806);
});

test('slot metadata: kinds, parents, weight tensors, shapes', () => {
  const m = buildQuantizerSlots(denseConfig('llama', 1), denseTensors(1));
  assert.equal(m.architecture, 'LlamaForCausalLM');
  assert.equal(m.expertLayout, null);
  const by = new Map(m.slots.map((s) => [s.name, s]));
  const k = by.get('model.layers.0.self_attn.k_proj.weight_quantizer');
  assert.deepEqual(
    {
      kind: k?.kind,
      module: k?.module,
      parent: k?.parentClass,
      keys: k?.parentKeys,
      t: k?.weightTensors,
      shape: k?.shape,
      layer: k?.layer,
      type: k?.layerType,
    },
    {
      kind: 'weight',
      module: 'model.layers.0.self_attn.k_proj',
      parent: 'nn.Linear',
      keys: ['nn.Linear'],
      t: ['model.layers.0.self_attn.k_proj.weight'],
      shape: [4, H],
      layer: 0,
      type: 'self_attn.k_proj',
    },
  );
  const kv = by.get('model.layers.0.self_attn.k_bmm_quantizer');
  assert.equal(kv?.kind, 'k_bmm');
  assert.equal(kv?.parentClass, 'LlamaAttention');
  assert.equal(kv?.module, 'model.layers.0.self_attn');
  assert.equal(by.get('model.embed_tokens.input_quantizer')?.alwaysDisabled, true);
  assert.equal(by.get('model.embed_tokens.weight_quantizer')?.parentClass, 'nn.Embedding');
  assert.deepEqual(by.get('lm_head.weight_quantizer')?.shape, [VOCAB, H]);
});

test('qwen3: q_norm/k_norm are required and own no quantizer', () => {
  const list = names(denseConfig('qwen3', 1), denseTensors(1, { qkNorm: true }));
  assert.equal(list.length, 31);
  assert.ok(!list.some((n) => n.includes('_norm')));
  assert.throws(
    () => buildQuantizerSlots(denseConfig('qwen3', 1), denseTensors(1)),
    (e: unknown) =>
      e instanceof MoptError &&
      e.code === 'E_TENSOR_LAYOUT' &&
      e.message.includes('model.layers.0.self_attn.q_norm.weight'),
  );
  assert.throws(
    () => buildQuantizerSlots(denseConfig('llama', 1), denseTensors(1, { qkNorm: true })),
    (e: unknown) =>
      e instanceof MoptError &&
      e.message.includes("'model.layers.0.self_attn.q_norm.weight'") &&
      e.message.includes('llama layout'),
  );
});

test('qwen2 attention biases are accepted', () => {
  const t = denseTensors(1);
  t.push({ name: 'model.layers.0.self_attn.q_proj.bias', shape: [H] });
  assert.equal(buildQuantizerSlots(denseConfig('qwen2', 1), t).slots.length, 31);
});

test('tied embeddings: lm_head quantizes the embedding table', () => {
  const m = buildQuantizerSlots(
    denseConfig('llama', 1, { tie_word_embeddings: true }),
    denseTensors(1, { tied: true }),
  );
  assert.equal(m.tiedEmbeddings, true);
  assert.deepEqual(m.slots.at(-1)?.weightTensors, ['model.embed_tokens.weight']);
  assert.throws(
    () => buildQuantizerSlots(denseConfig('llama', 1), denseTensors(1, { tied: true })),
    /lm_head\.weight.*tie_word_embeddings/,
  );
});

const MIXTRAL_LAYER_MOE = [
  'model.layers.0.block_sparse_moe.gate.input_quantizer',
  'model.layers.0.block_sparse_moe.gate.output_quantizer',
  'model.layers.0.block_sparse_moe.gate.weight_quantizer',
  ...[0, 1].flatMap((e) =>
    ['w1', 'w2', 'w3'].flatMap((w) =>
      ['input', 'output', 'weight'].map(
        (k) => `model.layers.0.block_sparse_moe.experts.${e}.${w}.${k}_quantizer`,
      ),
    ),
  ),
];

test('mixtral (sequential experts): router then experts w1, w2, w3', () => {
  const list = names({ ...denseConfig('mixtral', 1), num_local_experts: 2 }, mixtralTensors(1, 2));
  assert.deepEqual(list.slice(19, 19 + MIXTRAL_LAYER_MOE.length), MIXTRAL_LAYER_MOE);
  assert.equal(list.length, 3 + 16 + 3 + 18 + 3);
  const slot = buildQuantizerSlots(
    { ...denseConfig('mixtral', 1), num_local_experts: 2 },
    mixtralTensors(1, 2),
  ).slots[39];
  assert.equal(slot?.layerType, 'block_sparse_moe.experts.*.w3');
  assert.equal(slot?.expert, 1);
});

test('qwen3_moe (sequential): router mlp.gate, experts, and dense layers beside sparse ones', () => {
  const cfg = { ...denseConfig('qwen3_moe', 2), num_experts: 2 };
  const list = names(cfg, qwen3MoeTensors(2, 2, [0]));
  assert.ok(list.includes('model.layers.0.mlp.gate_proj.weight_quantizer'));
  assert.ok(list.includes('model.layers.1.mlp.gate.weight_quantizer'));
  assert.ok(list.includes('model.layers.1.mlp.experts.1.down_proj.output_quantizer'));
  assert.ok(!list.includes('model.layers.0.mlp.gate.weight_quantizer'));
  assert.equal(list.length, 3 + (16 + 9) + (16 + 3 + 18) + 3);
});

const QWEN3_MOE_FUSED_LAYER = [
  'model.layers.0.mlp.experts.gate_up_proj_input_quantizer',
  'model.layers.0.mlp.experts.gate_up_proj_weight_quantizers.0',
  'model.layers.0.mlp.experts.gate_up_proj_weight_quantizers.1',
  'model.layers.0.mlp.experts.gate_up_proj_weight_quantizers.2',
  'model.layers.0.mlp.experts.down_proj_input_quantizer',
  'model.layers.0.mlp.experts.down_proj_weight_quantizers.0',
  'model.layers.0.mlp.experts.down_proj_weight_quantizers.1',
  'model.layers.0.mlp.experts.down_proj_weight_quantizers.2',
];

test('qwen3_moe fused experts from hub tensors: no router quantizer, per-expert weight lists', () => {
  const cfg = { ...denseConfig('qwen3_moe', 1), num_experts: 3 };
  const m = buildQuantizerSlots(cfg, qwen3MoeTensors(1, 3), { expertLayout: 'fused' });
  assert.equal(m.expertLayout, 'fused');
  assert.deepEqual(
    m.slots.slice(19, 27).map((s) => s.name),
    QWEN3_MOE_FUSED_LAYER,
  );
  assert.deepEqual(m.quantizerlessExcluded, ['model.layers.0.mlp.gate']);
  const w1 = m.slots[21];
  assert.deepEqual(w1?.weightTensors, [
    'model.layers.0.mlp.experts.1.gate_proj.weight',
    'model.layers.0.mlp.experts.1.up_proj.weight',
  ]);
  assert.deepEqual(w1?.shape, [2 * I, H]);
  assert.deepEqual(w1?.exportModules, [
    'model.layers.0.mlp.experts.1.gate_proj',
    'model.layers.0.mlp.experts.1.up_proj',
  ]);
  assert.equal(w1?.parentClass, 'nn.ModuleList');
  assert.deepEqual(w1?.parentKeys, []);
  assert.equal(m.slots[19]?.parentClass, 'Qwen3MoeExperts');
  assert.equal(m.slots[19]?.exportModules.length, 6);
});

test('qwen3_moe fused 3-D tensors on disk select the fused layout', () => {
  const cfg = { ...denseConfig('qwen3_moe', 1), num_experts: 3 };
  const m = buildQuantizerSlots(cfg, qwen3MoeFusedTensors(1, 3));
  assert.equal(m.expertLayout, 'fused');
  assert.deepEqual(
    m.slots.slice(19, 27).map((s) => s.name),
    QWEN3_MOE_FUSED_LAYER,
  );
  assert.deepEqual(m.slots[26]?.weightTensors, ['model.layers.0.mlp.experts.down_proj']);
  assert.equal(m.slots[26]?.expert, 2);
  assert.throws(
    () => buildQuantizerSlots(cfg, qwen3MoeFusedTensors(1, 3), { expertLayout: 'sequential' }),
    /fused 3-D expert tensors/,
  );
  assert.throws(
    () => buildQuantizerSlots({ ...cfg, num_experts: 4 }, qwen3MoeFusedTensors(1, 3)),
    /declares 4 experts/,
  );
});

test('mixtral fused layout renames the block to mlp but exports hub names', () => {
  const cfg = { ...denseConfig('mixtral', 1), num_local_experts: 2 };
  const m = buildQuantizerSlots(cfg, mixtralTensors(1, 2), { expertLayout: 'fused' });
  const gu = m.slots.find((s) => s.name === 'model.layers.0.mlp.experts.gate_up_proj_weight_quantizers.0');
  assert.deepEqual(gu?.exportModules, [
    'model.layers.0.block_sparse_moe.experts.0.w1',
    'model.layers.0.block_sparse_moe.experts.0.w3',
  ]);
  assert.deepEqual(m.quantizerlessExcluded, ['model.layers.0.block_sparse_moe.gate']);
});

test('bad inputs give clear MoptErrors', () => {
  const code = (c: string, text: string | RegExp) => (e: unknown) =>
    e instanceof MoptError &&
    e.code === c &&
    e.exitCode === 2 &&
    (typeof text === 'string' ? e.message.includes(text) : text.test(e.message));
  assert.throws(
    () => buildQuantizerSlots({ ...denseConfig('gemma', 1), architectures: ['GemmaForCausalLM'] }, []),
    code(
      'E_UNSUPPORTED_ARCH',
      "model_type 'gemma' (GemmaForCausalLM) is not supported; supported model types: llama, mistral, qwen2, qwen3, mixtral, qwen3_moe",
    ),
  );
  assert.throws(() => buildQuantizerSlots({}, []), code('E_CONFIG', 'model_type'));
  assert.throws(() => buildQuantizerSlots([], []), code('E_CONFIG', 'JSON object'));
  assert.throws(
    () => buildQuantizerSlots({ ...denseConfig('llama', 1), hidden_size: 0 }, []),
    code('E_CONFIG', "'hidden_size'"),
  );
  assert.throws(
    () => buildQuantizerSlots({ ...denseConfig('llama', 1), tie_word_embeddings: 'yes' }, []),
    code('E_CONFIG', 'tie_word_embeddings'),
  );
  assert.throws(
    () => buildQuantizerSlots(denseConfig('llama', 2), denseTensors(1)),
    code('E_TENSOR_LAYOUT', 'decoder layer 1'),
  );
  assert.throws(
    () => buildQuantizerSlots(denseConfig('llama', 1), denseTensors(2)),
    code('E_TENSOR_LAYOUT', 'model.layers.1.'),
  );
  const missing = denseTensors(1).filter((t) => !t.name.endsWith('mlp.up_proj.weight'));
  assert.throws(
    () => buildQuantizerSlots(denseConfig('llama', 1), missing),
    code('E_TENSOR_LAYOUT', "missing tensor 'model.layers.0.mlp.up_proj.weight'"),
  );
  const wrongRank = denseTensors(1).map((t) =>
    t.name.endsWith('o_proj.weight') ? { ...t, shape: [H * H] } : t,
  );
  assert.throws(
    () => buildQuantizerSlots(denseConfig('llama', 1), wrongRank),
    code('E_TENSOR_LAYOUT', 'o_proj.weight'),
  );
  const wrongHidden = denseTensors(1).map((t) =>
    t.name.endsWith('down_proj.weight') ? { ...t, shape: [H + 1, I] } : t,
  );
  assert.throws(
    () => buildQuantizerSlots(denseConfig('llama', 1), wrongHidden),
    code('E_TENSOR_LAYOUT', 'hidden_size 8'),
  );
  assert.throws(
    () => buildQuantizerSlots({ ...denseConfig('llama', 1), vocab_size: 33 }, denseTensors(1)),
    code('E_TENSOR_LAYOUT', 'vocab_size 33'),
  );
  const dup = [...denseTensors(1), { name: 'model.norm.weight', shape: [H] }];
  assert.throws(
    () => buildQuantizerSlots(denseConfig('llama', 1), dup),
    code('E_TENSOR_LAYOUT', 'appears twice'),
  );
  assert.throws(
    () => buildQuantizerSlots({ ...denseConfig('mixtral', 1), num_local_experts: 1 }, mixtralTensors(1, 2)),
    code('E_TENSOR_LAYOUT', 'router'),
  );
  assert.throws(
    () => buildQuantizerSlots({ ...denseConfig('mixtral', 1) }, mixtralTensors(1, 2)),
    code('E_CONFIG', "'num_local_experts'"),
  );
  const extraExpert = qwen3MoeTensors(1, 2).map((t) =>
    t.name === 'model.layers.0.mlp.gate.weight' ? { ...t, shape: [2, H] } : t,
  );
  extraExpert.push({ name: 'model.layers.0.mlp.experts.2.gate_proj.weight', shape: [I, H] });
  assert.throws(
    () => buildQuantizerSlots({ ...denseConfig('qwen3_moe', 1), num_experts: 2 }, extraExpert),
    code('E_TENSOR_LAYOUT', 'expert 2'),
  );
});
