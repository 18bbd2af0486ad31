/** Tiny synthetic configs and tensor lists (names + shapes) for the slot-builder and planner tests. */
import type { TensorInfo } from '../../../src/quant/names/types.js';

export const H = 8;
export const VOCAB = 32;
export const I = 16;

export function denseConfig(
  modelType: string,
  layers: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    model_type: modelType,
    num_hidden_layers: layers,
    hidden_size: H,
    vocab_size: VOCAB,
    intermediate_size: I,
    ...extra,
  };
}

function attention(layer: number, norms: boolean): TensorInfo[] {
  const p = `model.layers.${layer}.self_attn`;
  const out: TensorInfo[] = [
    { name: `${p}.q_proj.weight`, shape: [H, H] },
    { name: `${p}.k_proj.weight`, shape: [4, H] },
    { name: `${p}.v_proj.weight`, shape: [4, H] },
    { name: `${p}.o_proj.weight`, shape: [H, H] },
  ];
  if (norms) out.push({ name: `${p}.q_norm.weight`, shape: [2] }, { name: `${p}.k_norm.weight`, shape: [2] });
  return out;
}

function norms(layer: number): TensorInfo[] {
  return [
    { name: `model.layers.${layer}.input_layernorm.weight`, shape: [H] },
    { name: `model.layers.${layer}.post_attention_layernorm.weight`, shape: [H] },
  ];
}

function denseMlp(layer: number): TensorInfo[] {
  const p = `model.layers.${layer}.mlp`;
  return [
    { name: `${p}.gate_proj.weight`, shape: [I, H] },
    { name: `${p}.up_proj.weight`, shape: [I, H] },
    { name: `${p}.down_proj.weight`, shape: [H, I] },
  ];
}

function outer(tied: boolean): TensorInfo[] {
  const out: TensorInfo[] = [
    { name: 'model.embed_tokens.weight', shape: [VOCAB, H] },
    { name: 'model.norm.weight', shape: [H] },
  ];
  if (!tied) out.push({ name: 'lm_head.weight', shape: [VOCAB, H] });
  return out;
}

export function denseTensors(layers: number, opts: { qkNorm?: boolean; tied?: boolean } = {}): TensorInfo[] {
  const out = outer(opts.tied ?? false);
  for (let l = 0; l < layers; l += 1)
    out.push(...attention(l, opts.qkNorm ?? false), ...denseMlp(l), ...norms(l));
  return out;
}

export function mixtralTensors(layers: number, experts: number): TensorInfo[] {
  const out = outer(false);
  for (let l = 0; l < layers; l += 1) {
    const b = `model.layers.${l}.block_sparse_moe`;
    out.push(...attention(l, false), ...norms(l), { name: `${b}.gate.weight`, shape: [experts, H] });
    for (let e = 0; e < experts; e += 1) {
      out.push(
        { name: `${b}.experts.${e}.w1.weight`, shape: [I, H] },
        { name: `${b}.experts.${e}.w2.weight`, shape: [H, I] },
        { name: `${b}.experts.${e}.w3.weight`, shape: [I, H] },
      );
    }
  }
  return out;
}

/** Qwen3-MoE with per-expert hub tensors; layers listed in `denseLayers` keep a dense MLP. */
export function qwen3MoeTensors(layers: number, experts: number, denseLayers: number[] = []): TensorInfo[] {
  const out = outer(false);
  for (let l = 0; l < layers; l += 1) {
    out.push(...attention(l, true), ...norms(l));
    if (denseLayers.includes(l)) {
      out.push(...denseMlp(l));
      continue;
    }
    const b = `model.layers.${l}.mlp`;
    out.push({ name: `${b}.gate.weight`, shape: [experts, H] });
    for (let e = 0; e < experts; e += 1) {
      out.push(
        { name: `${b}.experts.${e}.gate_proj.weight`, shape: [I, H] },
        { name: `${b}.experts.${e}.up_proj.weight`, shape: [I, H] },
        { name: `${b}.experts.${e}.down_proj.weight`, shape: [H, I] },
      );
    }
  }
  return out;
}

/** Qwen3-MoE as transformers 5 saves it: 3-D fused expert tensors. */
export function qwen3MoeFusedTensors(layers: number, experts: number): TensorInfo[] {
  const out = outer(false);
  for (let l = 0; l < layers; l += 1) {
    const b = `model.layers.${l}.mlp`;
    out.push(
      ...attention(l, true),
      ...norms(l),
      { name: `${b}.gate.weight`, shape: [experts, H] },
      { name: `${b}.experts.gate_up_proj`, shape: [experts, 2 * I, H] },
      { name: `${b}.experts.down_proj`, shape: [experts, H, I] },
    );
  }
  return out;
}
