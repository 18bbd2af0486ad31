/**
 * What the reference forward needs to know about a Llama-family model, read from config.json with clear
 * errors: sizes, attention options (bias, per-head q/k norms, sliding window), RoPE, and the MLP kind per
 * layer (dense SwiGLU, Mixtral block_sparse_moe, Qwen3-MoE mlp).
 */
import { MoptError } from '../../errors.js';
import { ropeInvFreq } from './rope.js';

export const FORWARD_MODEL_TYPES = ['llama', 'mistral', 'qwen2', 'qwen3', 'mixtral', 'qwen3_moe'] as const;
export type ForwardModelType = (typeof FORWARD_MODEL_TYPES)[number];

/** The sparse-MoE block of one layer. */
export interface MoeArch {
  /** Module path below `model.layers.<i>`: `block_sparse_moe` (Mixtral) or `mlp` (Qwen3-MoE). */
  block: string;
  numExperts: number;
  topK: number;
  /** Divide the top-k probabilities by their sum (always for Mixtral, `norm_topk_prob` for Qwen3-MoE). */
  normTopK: boolean;
  intermediate: number;
  /** Expert linear names: [gate, up, down]. */
  projections: [string, string, string];
}

export interface ForwardArch {
  modelType: ForwardModelType;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  intermediate: number;
  rmsEps: number;
  tieWordEmbeddings: boolean;
  /** q/k/v projections carry a bias (Qwen2 always; Llama/Qwen3 with attention_bias). */
  qkvBias: boolean;
  /** o_proj carries a bias (attention_bias on Llama/Qwen3). */
  oBias: boolean;
  /** gate/up/down carry a bias (Llama mlp_bias). */
  mlpBias: boolean;
  /** Per-head RMSNorm of q and k over head_dim, before RoPE (Qwen3, Qwen3-MoE). */
  qkNorm: boolean;
  /** float32 inverse frequencies, head_dim/2 of them, as HF computes them for the rope type. */
  invFreq: Float32Array;
  ropeType: string;
  /** Factor applied to cos/sin (1 for the supported rope types). */
  ropeAttentionScaling: number;
  /** Positions must stay below this, or null (set for 'dynamic' rope). */
  ropeMaxPositions: number | null;
  /** Per layer: the attention window in tokens (a key is visible when q - k < window), or null. */
  slidingWindow: (number | null)[];
  /** Per layer: the sparse MoE block, or null for the dense SwiGLU MLP at `mlp`. */
  moe: (MoeArch | null)[];
}

type Config = Record<string, unknown>;

const bad = (msg: string): MoptError => new MoptError('bad-config', `config.json: ${msg}`);

function int(cfg: Config, key: string, fallback?: number): number {
  const v = cfg[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw bad(`"${key}" must be a positive integer, got ${JSON.stringify(cfg[key])}`);
  return v;
}

function num(cfg: Config, key: string, fallback?: number): number {
  const v = cfg[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw bad(`"${key}" must be a number, got ${JSON.stringify(cfg[key])}`);
  return v;
}

function bool(cfg: Config, key: string, fallback: boolean): boolean {
  const v = cfg[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw bad(`"${key}" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** Reads config.json into the forward's architecture description. */
export function forwardArch(config: Config): ForwardArch {
  const modelType = config.model_type;
  if (typeof modelType !== 'string' || !(FORWARD_MODEL_TYPES as readonly string[]).includes(modelType)) {
    throw new MoptError(
      'unsupported-arch',
      `config.json: model_type ${JSON.stringify(modelType)} has no reference forward; supported: ${FORWARD_MODEL_TYPES.join(', ')}`,
    );
  }
  const type = modelType as ForwardModelType;
  const act = config.hidden_act ?? 'silu';
  if (act !== 'silu')
    throw bad(`hidden_act ${JSON.stringify(act)} is not supported (only "silu", as in SwiGLU)`);
  const hidden = int(config, 'hidden_size');
  const heads = int(config, 'num_attention_heads');
  const kvHeads = int(config, 'num_key_value_heads', heads);
  if (heads % kvHeads !== 0)
    throw bad(`num_attention_heads ${heads} is not a multiple of num_key_value_heads ${kvHeads}`);
  const headDim = config.head_dim == null ? hidden / heads : int(config, 'head_dim');
  if (!Number.isInteger(headDim) || headDim % 2 !== 0)
    throw bad(`head_dim ${headDim} (head_dim or hidden_size / num_attention_heads) must be an even integer`);
  const layers = int(config, 'num_hidden_layers');
  const attentionBias = bool(config, 'attention_bias', false);
  const rope = ropeInvFreq(config, headDim);
  return {
    modelType: type,
    hidden,
    layers,
    heads,
    kvHeads,
    headDim,
    vocab: int(config, 'vocab_size'),
    intermediate: int(config, 'intermediate_size'),
    rmsEps: num(config, 'rms_norm_eps', 1e-6),
    tieWordEmbeddings: bool(config, 'tie_word_embeddings', false),
    qkvBias: type === 'qwen2' || attentionBias,
    oBias: type !== 'qwen2' && attentionBias,
    mlpBias: type === 'llama' && bool(config, 'mlp_bias', false),
    qkNorm: type === 'qwen3' || type === 'qwen3_moe',
    invFreq: rope.invFreq,
    ropeType: rope.type,
    ropeAttentionScaling: rope.attentionScaling,
    ropeMaxPositions: rope.maxPositions,
    slidingWindow: slidingWindows(config, type, layers),
    moe: Array.from({ length: layers }, (_, l) => moeForLayer(config, type, l)),
  };
}

/**
 * Per-layer attention windows as HF applies them: Mistral/Mixtral use `sliding_window` on every layer
 * (a number; with a sequence no longer than the window it changes nothing); Qwen2/Qwen3 only when
 * `use_sliding_window` is true, and then on layers >= `max_window_layers`. An explicit `layer_types` wins.
 */
function slidingWindows(config: Config, type: ForwardModelType, layers: number): (number | null)[] {
  const w = config.sliding_window;
  if (w === undefined || w === null) return new Array<null>(layers).fill(null);
  const window = int(config, 'sliding_window');
  if (Array.isArray(config.layer_types)) {
    const types = config.layer_types as unknown[];
    if (types.length !== layers) throw bad(`layer_types has ${types.length} entries for ${layers} layers`);
    return types.map((t) => (t === 'sliding_attention' ? window : null));
  }
  if (type === 'mistral' || type === 'mixtral') return new Array<number>(layers).fill(window);
  if (type === 'llama' || !bool(config, 'use_sliding_window', false))
    return new Array<null>(layers).fill(null);
  const from = int(config, 'max_window_layers', layers);
  return Array.from({ length: layers }, (_, l) => (l >= from ? window : null));
}

function moeForLayer(config: Config, type: ForwardModelType, layer: number): MoeArch | null {
  if (type === 'mixtral') {
    return {
      block: 'block_sparse_moe',
      numExperts: int(config, 'num_local_experts'),
      topK: int(config, 'num_experts_per_tok', 2),
      normTopK: true,
      intermediate: int(config, 'intermediate_size'),
      projections: ['w1', 'w3', 'w2'],
    };
  }
  if (type !== 'qwen3_moe') return null;
  const onlyMlp = config.mlp_only_layers ?? [];
  if (!Array.isArray(onlyMlp)) throw bad('"mlp_only_layers" must be a list of layer indices');
  const step = int(config, 'decoder_sparse_step', 1);
  const experts = int(config, 'num_experts');
  if (onlyMlp.includes(layer) || (layer + 1) % step !== 0) return null;
  return {
    block: 'mlp',
    numExperts: experts,
    topK: int(config, 'num_experts_per_tok'),
    normTopK: bool(config, 'norm_topk_prob', false),
    intermediate: int(config, 'moe_intermediate_size'),
    projections: ['gate_proj', 'up_proj', 'down_proj'],
  };
}
