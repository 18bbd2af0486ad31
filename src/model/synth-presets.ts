/**
 * config.json contents for synthetic checkpoints: real Hugging Face configs of well-known models (same keys and
 * values as published), plus a `tiny` variant of each architecture for fast tests.
 */

export const SYNTH_ARCHS = ['llama', 'qwen2', 'qwen3', 'mistral', 'mixtral', 'qwen3_moe'] as const;
export type SynthArch = (typeof SYNTH_ARCHS)[number];

type Config = Record<string, unknown>;

/** Llama-3.2-1B. */
const LLAMA_1B: Config = {
  architectures: ['LlamaForCausalLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  bos_token_id: 128000,
  eos_token_id: 128001,
  head_dim: 64,
  hidden_act: 'silu',
  hidden_size: 2048,
  initializer_range: 0.02,
  intermediate_size: 8192,
  max_position_embeddings: 131072,
  mlp_bias: false,
  model_type: 'llama',
  num_attention_heads: 32,
  num_hidden_layers: 16,
  num_key_value_heads: 8,
  pretraining_tp: 1,
  rms_norm_eps: 1e-5,
  rope_scaling: {
    factor: 32.0,
    high_freq_factor: 4.0,
    low_freq_factor: 1.0,
    original_max_position_embeddings: 8192,
    rope_type: 'llama3',
  },
  rope_theta: 500000.0,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  use_cache: true,
  vocab_size: 128256,
};

/** Qwen2.5-0.5B (q/k/v projections carry biases). */
const QWEN2_05B: Config = {
  architectures: ['Qwen2ForCausalLM'],
  attention_dropout: 0.0,
  bos_token_id: 151643,
  eos_token_id: 151643,
  hidden_act: 'silu',
  hidden_size: 896,
  initializer_range: 0.02,
  intermediate_size: 4864,
  max_position_embeddings: 32768,
  max_window_layers: 24,
  model_type: 'qwen2',
  num_attention_heads: 14,
  num_hidden_layers: 24,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  sliding_window: 32768,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  use_cache: true,
  use_sliding_window: false,
  vocab_size: 151936,
};

/** Qwen3-0.6B (per-head q_norm / k_norm). */
const QWEN3_06B: Config = {
  architectures: ['Qwen3ForCausalLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  bos_token_id: 151643,
  eos_token_id: 151645,
  head_dim: 128,
  hidden_act: 'silu',
  hidden_size: 1024,
  initializer_range: 0.02,
  intermediate_size: 3072,
  max_position_embeddings: 40960,
  max_window_layers: 28,
  model_type: 'qwen3',
  num_attention_heads: 16,
  num_hidden_layers: 28,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-6,
  rope_scaling: null,
  rope_theta: 1000000,
  sliding_window: null,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  use_cache: true,
  use_sliding_window: false,
  vocab_size: 151936,
};

/** Mistral-7B-v0.1. */
const MISTRAL_7B: Config = {
  architectures: ['MistralForCausalLM'],
  bos_token_id: 1,
  eos_token_id: 2,
  hidden_act: 'silu',
  hidden_size: 4096,
  initializer_range: 0.02,
  intermediate_size: 14336,
  max_position_embeddings: 32768,
  model_type: 'mistral',
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_theta: 10000.0,
  sliding_window: 4096,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  use_cache: true,
  vocab_size: 32000,
};

/** Mixtral-8x7B-v0.1 (block_sparse_moe with experts w1/w2/w3). */
const MIXTRAL_8X7B: Config = {
  architectures: ['MixtralForCausalLM'],
  attention_dropout: 0.0,
  bos_token_id: 1,
  eos_token_id: 2,
  hidden_act: 'silu',
  hidden_size: 4096,
  initializer_range: 0.02,
  intermediate_size: 14336,
  max_position_embeddings: 32768,
  model_type: 'mixtral',
  num_attention_heads: 32,
  num_experts_per_tok: 2,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  num_local_experts: 8,
  output_router_logits: false,
  rms_norm_eps: 1e-5,
  rope_theta: 1000000.0,
  router_aux_loss_coef: 0.02,
  sliding_window: null,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  use_cache: true,
  vocab_size: 32000,
};

/** Qwen3-30B-A3B (128 experts, 8 active, mlp.gate router). */
const QWEN3_MOE_30B: Config = {
  architectures: ['Qwen3MoeForCausalLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  bos_token_id: 151643,
  decoder_sparse_step: 1,
  eos_token_id: 151645,
  head_dim: 128,
  hidden_act: 'silu',
  hidden_size: 2048,
  initializer_range: 0.02,
  intermediate_size: 6144,
  max_position_embeddings: 40960,
  max_window_layers: 48,
  mlp_only_layers: [],
  model_type: 'qwen3_moe',
  moe_intermediate_size: 768,
  norm_topk_prob: true,
  num_attention_heads: 32,
  num_experts: 128,
  num_experts_per_tok: 8,
  num_hidden_layers: 48,
  num_key_value_heads: 4,
  output_router_logits: false,
  rms_norm_eps: 1e-6,
  rope_scaling: null,
  rope_theta: 1000000.0,
  router_aux_loss_coef: 0.001,
  sliding_window: null,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  use_cache: true,
  use_sliding_window: false,
  vocab_size: 151936,
};

/** Vocabulary of the synthetic tokenizer (synth-tokenizer.ts); tiny models use exactly this many ids. */
export const TINY_VOCAB = 384;

/** Shrinks a real config to a few-layer, 64-wide model while keeping every key of its model_type. */
function tiny(real: Config): Config {
  const out: Config = { ...real, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2 };
  Object.assign(out, {
    num_attention_heads: 4,
    num_key_value_heads: 2,
    vocab_size: TINY_VOCAB,
    max_position_embeddings: 256,
  });
  Object.assign(out, { bos_token_id: 1, eos_token_id: 2 });
  if ('head_dim' in real) out.head_dim = 16;
  if ('max_window_layers' in real) out.max_window_layers = 2;
  if ('num_local_experts' in real) out.num_local_experts = 4;
  if ('num_experts' in real)
    Object.assign(out, { num_experts: 4, num_experts_per_tok: 2, moe_intermediate_size: 32 });
  if (real.rope_scaling && typeof real.rope_scaling === 'object') {
    out.rope_scaling = { ...(real.rope_scaling as Config), original_max_position_embeddings: 64 };
  }
  if (typeof real.sliding_window === 'number') out.sliding_window = 256;
  return out;
}

/** The tiny Qwen3 widened so every linear holds whole 128-blocks (INT4 block 128, FP8 2-D): a quant-oracle input. */
const QWEN3_ORACLE_W256: Config = {
  ...tiny(QWEN3_06B),
  hidden_size: 256,
  intermediate_size: 512,
  head_dim: 64,
};

export const SYNTH_PRESETS: Record<SynthArch, Record<string, Config>> = {
  llama: { tiny: tiny(LLAMA_1B), '1b': LLAMA_1B },
  qwen2: { tiny: tiny(QWEN2_05B), '0.5b': QWEN2_05B },
  qwen3: { tiny: tiny(QWEN3_06B), '0.6b': QWEN3_06B, 'oracle-w256': QWEN3_ORACLE_W256 },
  mistral: { tiny: tiny(MISTRAL_7B), '7b': MISTRAL_7B },
  mixtral: { tiny: tiny(MIXTRAL_8X7B), '8x7b': MIXTRAL_8X7B },
  qwen3_moe: { tiny: tiny(QWEN3_MOE_30B), '30b-a3b': QWEN3_MOE_30B },
};
