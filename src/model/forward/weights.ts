/**
 * Loads one decoder layer's weights from a checkpoint as float32 (bf16/f16/f32 decoded), checking every
 * shape against the architecture and passing each linear weight through the optional WeightTransform.
 */
import { MoptError } from '../../errors.js';
import type { Checkpoint } from '../checkpoint.js';
import type { ForwardArch, MoeArch } from './arch.js';
import type { WeightTransform } from './observer.js';

export interface LinearWeights {
  /** Module path, e.g. `model.layers.0.self_attn.q_proj` (quantizer names append `.input_quantizer`...). */
  module: string;
  weight: Float32Array;
  bias: Float32Array | null;
  outDim: number;
  inDim: number;
}

export interface AttentionWeights {
  q: LinearWeights;
  k: LinearWeights;
  v: LinearWeights;
  o: LinearWeights;
  qNorm: Float32Array | null;
  kNorm: Float32Array | null;
}

export interface GatedMlpWeights {
  gate: LinearWeights;
  up: LinearWeights;
  down: LinearWeights;
}

export interface MoeWeights {
  arch: MoeArch;
  router: LinearWeights;
  experts: GatedMlpWeights[];
}

export interface LayerWeights {
  layer: number;
  inputNorm: Float32Array;
  postNorm: Float32Array;
  attn: AttentionWeights;
  /** Exactly one of mlp / moe is set. */
  mlp: GatedMlpWeights | null;
  moe: MoeWeights | null;
}

export function readVector(ckpt: Checkpoint, name: string, length: number): Float32Array {
  const t = ckpt.tensor(name);
  if (t.shape.length !== 1 || t.shape[0] !== length)
    throw new MoptError(
      'tensor-shape',
      `${ckpt.dir}: tensor "${name}" has shape [${t.shape.join(', ')}], expected [${length}]`,
    );
  return ckpt.readTensorF32(name);
}

export function readLinear(
  ckpt: Checkpoint,
  module: string,
  outDim: number,
  inDim: number,
  hasBias: boolean,
  layer: number,
  transform: WeightTransform | null,
  expert?: number,
): LinearWeights {
  const name = `${module}.weight`;
  const t = ckpt.tensor(name);
  if (t.shape.length !== 2 || t.shape[0] !== outDim || t.shape[1] !== inDim)
    throw new MoptError(
      'tensor-shape',
      `${ckpt.dir}: tensor "${name}" has shape [${t.shape.join(', ')}], expected [${outDim}, ${inDim}]`,
    );
  let weight = ckpt.readTensorF32(name);
  if (transform) {
    const info = {
      tensor: name,
      quantizer: `${module}.weight_quantizer`,
      shape: [outDim, inDim] as [number, number],
      layer,
    };
    weight = checkedTransform(
      transform(weight, expert === undefined ? info : { ...info, expert }),
      weight,
      name,
    );
  }
  const bias = hasBias ? readVector(ckpt, `${module}.bias`, outDim) : null;
  return { module, weight, bias, outDim, inDim };
}

export function checkedTransform(
  replaced: Float32Array | undefined,
  original: Float32Array,
  name: string,
): Float32Array {
  if (replaced === undefined) return original;
  if (replaced.length !== original.length)
    throw new MoptError(
      'weight-transform',
      `weight transform for "${name}" returned ${replaced.length} values, expected ${original.length}`,
      { exitCode: 1 },
    );
  return replaced;
}

function gated(
  ckpt: Checkpoint,
  prefix: string,
  names: readonly [string, string, string],
  hidden: number,
  inter: number,
  bias: boolean,
  layer: number,
  transform: WeightTransform | null,
  expert?: number,
): GatedMlpWeights {
  return {
    gate: readLinear(ckpt, `${prefix}.${names[0]}`, inter, hidden, bias, layer, transform, expert),
    up: readLinear(ckpt, `${prefix}.${names[1]}`, inter, hidden, bias, layer, transform, expert),
    down: readLinear(ckpt, `${prefix}.${names[2]}`, hidden, inter, bias, layer, transform, expert),
  };
}

/** Everything decoder layer `l` needs, freshly read (drop the object to release it). */
export function loadLayer(
  ckpt: Checkpoint,
  arch: ForwardArch,
  l: number,
  transform: WeightTransform | null = null,
): LayerWeights {
  const p = `model.layers.${l}`;
  const { hidden: H, heads, kvHeads, headDim: hd } = arch;
  const lin = (m: string, o: number, i: number, bias: boolean): LinearWeights =>
    readLinear(ckpt, `${p}.${m}`, o, i, bias, l, transform);
  const attn: AttentionWeights = {
    q: lin('self_attn.q_proj', heads * hd, H, arch.qkvBias),
    k: lin('self_attn.k_proj', kvHeads * hd, H, arch.qkvBias),
    v: lin('self_attn.v_proj', kvHeads * hd, H, arch.qkvBias),
    o: lin('self_attn.o_proj', H, heads * hd, arch.oBias),
    qNorm: arch.qkNorm ? readVector(ckpt, `${p}.self_attn.q_norm.weight`, hd) : null,
    kNorm: arch.qkNorm ? readVector(ckpt, `${p}.self_attn.k_norm.weight`, hd) : null,
  };
  const moeArch = arch.moe[l] ?? null;
  let moe: MoeWeights | null = null;
  let mlp: GatedMlpWeights | null = null;
  if (moeArch) {
    const block = `${p}.${moeArch.block}`;
    moe = {
      arch: moeArch,
      router: readLinear(ckpt, `${block}.gate`, moeArch.numExperts, H, false, l, transform),
      experts: Array.from({ length: moeArch.numExperts }, (_, e) =>
        gated(
          ckpt,
          `${block}.experts.${e}`,
          moeArch.projections,
          H,
          moeArch.intermediate,
          false,
          l,
          transform,
          e,
        ),
      ),
    };
  } else {
    mlp = gated(
      ckpt,
      `${p}.mlp`,
      ['gate_proj', 'up_proj', 'down_proj'],
      H,
      arch.intermediate,
      arch.mlpBias,
      l,
      transform,
    );
  }
  return {
    layer: l,
    inputNorm: readVector(ckpt, `${p}.input_layernorm.weight`, H),
    postNorm: readVector(ckpt, `${p}.post_attention_layernorm.weight`, H),
    attn,
    mlp,
    moe,
  };
}
