/**
 * Builds every quantizer slot of a supported HF causal LM from its config.json and tensor list,
 * walking the module tree in `named_modules()` order: embed_tokens, each decoder layer
 * (self_attn projections, attention bmm quantizers, MLP or sparse-MoE block), then lm_head.
 */
import { MoptError } from '../../errors.js';
import { attentionProjections, denseMlpProjections, type ArchSpec } from './architectures.js';
import { readModelConfig, type ModelShapeConfig } from './model-config.js';
import { attentionSlots, embeddingSlots, linearSlots } from './module-slots.js';
import { moeBlockSlots } from './moe-slots.js';
import { TensorIndex } from './tensor-index.js';
import type { ExpertLayout, ModelSlots, QuantizerSlot, TensorInfo } from './types.js';

export interface BuildSlotsOptions {
  /**
   * Expert layout ModelOpt would see for per-expert (hub) checkpoints: `sequential` as with
   * transformers < 5 (default), `fused` as with transformers >= 5. Checkpoints that already store
   * fused 3-D expert tensors are always fused.
   */
  expertLayout?: ExpertLayout;
}

export function buildQuantizerSlots(
  config: unknown,
  tensors: readonly TensorInfo[],
  opts: BuildSlotsOptions = {},
): ModelSlots {
  const cfg = readModelConfig(config);
  const { arch } = cfg;
  const index = new TensorIndex(tensors, cfg.hiddenSize);
  const slots: QuantizerSlot[] = [];
  const quantizerless: string[] = [];

  const embedShape = index.require('model.embed_tokens.weight', 2, 'the embedding table [vocab, hidden]');
  checkVocab('model.embed_tokens.weight', embedShape, cfg);
  slots.push(
    ...embeddingSlots(
      'model.embed_tokens',
      { layerType: 'embed_tokens' },
      'model.embed_tokens.weight',
      embedShape,
    ),
  );

  let sawFused = false;
  for (let layer = 0; layer < cfg.numLayers; layer += 1) {
    const layerPath = `model.layers.${layer}`;
    if (!index.hasPrefix(`${layerPath}.`)) {
      throw new MoptError(
        'E_TENSOR_LAYOUT',
        `checkpoint has no tensors for decoder layer ${layer} ('${layerPath}.*'), but config.json declares ${cfg.numLayers} layers`,
      );
    }
    slots.push(...attentionBlock(index, arch, layerPath, layer));
    const moe = arch.moe;
    const sparse =
      moe &&
      (moe.allLayersSparse ||
        index.hasPrefix(`${layerPath}.${moe.hubBlock}.experts.`) ||
        index.hasPrefix(`${layerPath}.${moe.fusedBlock}.experts.`));
    if (moe && sparse) {
      const block = moeBlockSlots(
        index,
        moe,
        layerPath,
        layer,
        cfg.numExperts,
        opts.expertLayout ?? 'sequential',
      );
      if (block.quantizerless.length > 0) sawFused = true;
      slots.push(...block.slots);
      quantizerless.push(...block.quantizerless);
    } else {
      slots.push(...denseMlp(index, layerPath, layer));
    }
    index.require(`${layerPath}.input_layernorm.weight`, 1, 'input RMSNorm');
    index.require(`${layerPath}.post_attention_layernorm.weight`, 1, 'post-attention RMSNorm');
  }
  if (sawFused && opts.expertLayout === 'sequential') {
    throw new MoptError(
      'E_TENSOR_LAYOUT',
      'checkpoint stores fused 3-D expert tensors (experts.gate_up_proj); the sequential expert layout needs one tensor per expert',
    );
  }
  index.require('model.norm.weight', 1, 'final RMSNorm');
  index.claimIfPresent('model.rotary_emb.inv_freq');

  let lmHeadTensor = 'lm_head.weight';
  if (index.has(lmHeadTensor)) {
    const shape = index.linearWeight(lmHeadTensor, 'in');
    checkVocab(lmHeadTensor, shape, cfg);
  } else if (cfg.tieWordEmbeddings) {
    lmHeadTensor = 'model.embed_tokens.weight';
  } else {
    throw new MoptError(
      'E_TENSOR_LAYOUT',
      "checkpoint is missing tensor 'lm_head.weight' and config.json does not set tie_word_embeddings",
    );
  }
  slots.push(...linearSlots('lm_head', { layerType: 'lm_head' }, lmHeadTensor, embedShape));

  index.assertAllClaimed(arch.modelType);
  const expertLayout: ExpertLayout | null = arch.moe ? (sawFused ? 'fused' : 'sequential') : null;
  return {
    modelType: arch.modelType,
    architecture: arch.causalLmClass,
    expertLayout,
    slots,
    tensors: [...tensors],
    tiedEmbeddings: lmHeadTensor === 'model.embed_tokens.weight',
    quantizerlessExcluded: quantizerless,
    registryKeys: [
      arch.attentionClass,
      ...(arch.moe
        ? [expertLayout === 'fused' ? arch.moe.fusedExpertsClass : arch.moe.sparseBlockClass]
        : []),
    ],
  };
}

function checkVocab(name: string, shape: number[], cfg: ModelShapeConfig): void {
  if (shape[0] !== cfg.vocabSize || shape[1] !== cfg.hiddenSize) {
    throw new MoptError(
      'E_TENSOR_LAYOUT',
      `tensor '${name}' has shape [${shape.join(', ')}]; expected [vocab_size ${cfg.vocabSize}, hidden_size ${cfg.hiddenSize}]`,
    );
  }
}

function attentionBlock(
  index: TensorIndex,
  arch: ArchSpec,
  layerPath: string,
  layer: number,
): QuantizerSlot[] {
  const attn = `${layerPath}.self_attn`;
  const slots: QuantizerSlot[] = [];
  for (const proj of attentionProjections) {
    const module = `${attn}.${proj.name}`;
    const shape = index.linearWeight(`${module}.weight`, proj.hidden);
    index.claimIfPresent(`${module}.bias`);
    slots.push(
      ...linearSlots(module, { layerType: `self_attn.${proj.name}`, layer }, `${module}.weight`, shape),
    );
  }
  for (const norm of arch.attentionNorms) index.require(`${attn}.${norm}.weight`, 1, `attention ${norm}`);
  index.claimIfPresent(`${attn}.rotary_emb.inv_freq`);
  slots.push(...attentionSlots(attn, { layerType: 'self_attn', layer }, arch.attentionClass));
  return slots;
}

function denseMlp(index: TensorIndex, layerPath: string, layer: number): QuantizerSlot[] {
  const slots: QuantizerSlot[] = [];
  for (const proj of denseMlpProjections) {
    const module = `${layerPath}.mlp.${proj.name}`;
    const shape = index.linearWeight(`${module}.weight`, proj.hidden);
    index.claimIfPresent(`${module}.bias`);
    slots.push(...linearSlots(module, { layerType: `mlp.${proj.name}`, layer }, `${module}.weight`, shape));
  }
  return slots;
}
