/**
 * What a Llama-family decoder layer looks like, read from config.json: sizes, biases, per-head q/k norms,
 * RMSNorm eps, RoPE parameters and the sliding window. The ONNX layer graph and its feeds are built from this.
 */
import { MoptError } from '../../errors.js';

export const DENSE_FAMILIES = ['llama', 'mistral', 'qwen2', 'qwen3'] as const;
export type DenseFamily = (typeof DENSE_FAMILIES)[number];

export interface RopeSpec {
  theta: number;
  /** rope_scaling.rope_type (or 'default'). */
  type: 'default' | 'linear' | 'llama3' | 'dynamic';
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositions: number;
  maxPositions: number;
}

export interface DecoderArch {
  family: DenseFamily;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  layers: number;
  vocab: number;
  eps: number;
  /** q/k/v projections carry biases (Qwen2, or attention_bias). */
  qkvBias: boolean;
  /** o_proj carries a bias (attention_bias on Llama). */
  oBias: boolean;
  mlpBias: boolean;
  /** Per-head RMSNorm on q and k before RoPE (Qwen3). */
  qkNorm: boolean;
  tieEmbeddings: boolean;
  /** Keys further back than this many positions are masked; undefined = full causal attention. */
  slidingWindow: number | undefined;
  rope: RopeSpec;
}

function need(config: Record<string, unknown>, key: string): number {
  const v = config[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new MoptError('bad-config', `config.json: "${key}" must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function ropeSpec(config: Record<string, unknown>): RopeSpec {
  const scaling = (config.rope_scaling ?? null) as Record<string, unknown> | null;
  const type = String(scaling?.rope_type ?? scaling?.type ?? 'default');
  if (!['default', 'linear', 'llama3', 'dynamic'].includes(type)) {
    throw new MoptError(
      'unsupported-rope',
      `config.json: rope_scaling.rope_type "${type}" is not supported (supported: default, linear, llama3, dynamic)`,
    );
  }
  const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);
  const maxPositions = num(config.max_position_embeddings, 2048);
  return {
    theta: num(config.rope_theta, 10000),
    type: type as RopeSpec['type'],
    factor: num(scaling?.factor, 1),
    lowFreqFactor: num(scaling?.low_freq_factor, 1),
    highFreqFactor: num(scaling?.high_freq_factor, 4),
    originalMaxPositions: num(scaling?.original_max_position_embeddings, maxPositions),
    maxPositions,
  };
}

function slidingWindow(config: Record<string, unknown>, family: DenseFamily): number | undefined {
  const w = config.sliding_window;
  if (typeof w !== 'number') return undefined;
  // Qwen2/Qwen3 only slide when use_sliding_window is set; Mistral slides whenever a window is given.
  if ((family === 'qwen2' || family === 'qwen3') && config.use_sliding_window !== true) return undefined;
  return w;
}

export function decoderArchFromConfig(config: Record<string, unknown>): DecoderArch {
  const family = config.model_type;
  if (!(DENSE_FAMILIES as readonly unknown[]).includes(family)) {
    throw new MoptError(
      'unsupported-arch',
      `config.json: model_type ${JSON.stringify(family)} has no ONNX layer graph (supported: ${DENSE_FAMILIES.join(', ')})`,
    );
  }
  const f = family as DenseFamily;
  const hidden = need(config, 'hidden_size');
  const heads = need(config, 'num_attention_heads');
  const kvHeads = typeof config.num_key_value_heads === 'number' ? config.num_key_value_heads : heads;
  const headDim = typeof config.head_dim === 'number' ? config.head_dim : hidden / heads;
  if (!Number.isInteger(headDim) || heads % kvHeads !== 0) {
    throw new MoptError(
      'bad-config',
      `config.json: head_dim ${headDim} and heads ${heads}/${kvHeads} (attention/key-value) do not divide evenly`,
    );
  }
  const attentionBias = config.attention_bias === true;
  return {
    family: f,
    hidden,
    heads,
    kvHeads,
    headDim,
    intermediate: need(config, 'intermediate_size'),
    layers: need(config, 'num_hidden_layers'),
    vocab: need(config, 'vocab_size'),
    eps: typeof config.rms_norm_eps === 'number' ? config.rms_norm_eps : 1e-6,
    qkvBias: f === 'qwen2' || attentionBias,
    oBias: f !== 'qwen2' && attentionBias,
    mlpBias: config.mlp_bias === true,
    qkNorm: f === 'qwen3',
    tieEmbeddings: config.tie_word_embeddings === true,
    slidingWindow: slidingWindow(config, f),
    rope: ropeSpec(config),
  };
}
