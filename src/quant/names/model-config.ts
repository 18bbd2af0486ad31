/**
 * The few config.json fields that decide a causal LM's module tree, read with clear errors.
 */
import { MoptError } from '../../errors.js';
import { SUPPORTED_MODEL_TYPES, architectureFor, type ArchSpec } from './architectures.js';

export interface ModelShapeConfig {
  arch: ArchSpec;
  numLayers: number;
  hiddenSize: number;
  vocabSize: number;
  tieWordEmbeddings: boolean;
  /** Experts per MoE layer (0 for dense models). */
  numExperts: number;
}

export function readModelConfig(config: unknown): ModelShapeConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new MoptError('E_CONFIG', 'config.json must hold a JSON object');
  }
  const cfg = config as Record<string, unknown>;
  const modelType = cfg['model_type'];
  if (typeof modelType !== 'string') {
    throw new MoptError('E_CONFIG', "config.json has no string 'model_type'", {
      hint: `supported model types: ${SUPPORTED_MODEL_TYPES.join(', ')}`,
    });
  }
  const arch = architectureFor(modelType);
  if (!arch) {
    const archs = Array.isArray(cfg['architectures']) ? ` (${cfg['architectures'].join(', ')})` : '';
    throw new MoptError(
      'E_UNSUPPORTED_ARCH',
      `model_type '${modelType}'${archs} is not supported; supported model types: ${SUPPORTED_MODEL_TYPES.join(', ')}`,
    );
  }
  const numExperts = arch.moe ? firstPositiveInt(cfg, arch.moe.expertCountKeys) : 0;
  return {
    arch,
    numLayers: positiveInt(cfg, 'num_hidden_layers'),
    hiddenSize: positiveInt(cfg, 'hidden_size'),
    vocabSize: positiveInt(cfg, 'vocab_size'),
    tieWordEmbeddings: readBool(cfg, 'tie_word_embeddings', false),
    numExperts,
  };
}

function positiveInt(cfg: Record<string, unknown>, key: string): number {
  const v = cfg[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new MoptError(
      'E_CONFIG',
      `config.json '${key}' must be a positive integer, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function firstPositiveInt(cfg: Record<string, unknown>, keys: string[]): number {
  const key = keys.find((k) => cfg[k] !== undefined) ?? (keys[0] as string);
  return positiveInt(cfg, key);
}

function readBool(cfg: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = cfg[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') {
    throw new MoptError('E_CONFIG', `config.json '${key}' must be true or false, got ${JSON.stringify(v)}`);
  }
  return v;
}
