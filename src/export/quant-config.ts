/**
 * `hf_quant_config.json` (nested form) and `config.json["quantization_config"]` (flat form) from the
 * per-layer configs, KV-cache algorithm and exclude list (quant-engine.md §4.6).
 */
import type { LayerConfig } from './layer-format.js';

/**
 * The ModelOpt release whose export mopt matches byte for byte (test/oracle-goldens/quant); written as
 * `producer.version` in both JSON files so loaders see a ModelOpt unified checkpoint.
 */
export const MODELOPT_COMPAT_VERSION = '0.47.0';
export const PRODUCER = { name: 'modelopt', version: MODELOPT_COMPAT_VERSION } as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface HfQuantConfig {
  producer: { name: string; version: string };
  quantization: JsonObject;
}

const sameConfig = (a: LayerConfig, b: LayerConfig): boolean =>
  JSON.stringify(sortedEntries(a)) === JSON.stringify(sortedEntries(b));
const sortedEntries = (c: LayerConfig): [string, unknown][] =>
  Object.entries(c).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));

/**
 * The nested config: one shared layer config is hoisted (quant_algo, kv_cache_quant_algo, extras,
 * exclude_modules); several become MIXED_PRECISION with `quantized_layers`.
 */
export function buildHfQuantConfig(
  layers: ReadonlyMap<string, LayerConfig>,
  kvCacheQuantAlgo: string | null,
  excludeModules: readonly string[],
): HfQuantConfig {
  const configs = [...layers.values()];
  const first = configs[0];
  if (first && configs.some((c) => !sameConfig(c, first))) {
    const quantizedLayers: JsonObject = {};
    for (const [name, c] of layers) quantizedLayers[name] = { ...c };
    return {
      producer: { ...PRODUCER },
      quantization: {
        quant_algo: 'MIXED_PRECISION',
        kv_cache_quant_algo: kvCacheQuantAlgo,
        quantized_layers: quantizedLayers,
      },
    };
  }
  const { quant_algo: algo, ...extras } = first ?? { quant_algo: null };
  return {
    producer: { ...PRODUCER },
    quantization: {
      quant_algo: (algo as string | null) ?? null,
      kv_cache_quant_algo: kvCacheQuantAlgo,
      ...(extras as JsonObject),
      exclude_modules: [...excludeModules],
    },
  };
}

/** hf_quant_config.json is written only when something is quantized (weights or KV cache). */
export function hasQuantization(cfg: HfQuantConfig): boolean {
  return cfg.quantization.quant_algo !== null || cfg.quantization.kv_cache_quant_algo !== null;
}

const float = (bits: number, extra: JsonObject = {}): JsonObject => ({
  dynamic: false,
  num_bits: bits,
  type: 'float',
  ...extra,
});
const int = (bits: number, extra: JsonObject = {}): JsonObject => ({
  dynamic: false,
  num_bits: bits,
  type: 'int',
  ...extra,
});

/** compressed-tensors style group of one per-layer algorithm (MIXED_PRECISION groups). */
function groupFor(algo: string, groupSize: number | undefined): JsonObject {
  const gs = (d: number): JsonObject => ({ group_size: groupSize ?? d });
  switch (algo) {
    case 'FP8':
      return { input_activations: float(8), weights: float(8) };
    case 'FP8_PER_CHANNEL_PER_TOKEN':
      return { input_activations: float(8), weights: float(8, { strategy: 'channel' }) };
    case 'NVFP4':
      return { input_activations: float(4, gs(16)), weights: float(4, gs(16)) };
    case 'W4A16_AWQ':
      return { weights: int(4, gs(128)) };
    case 'W4A16_NVFP4':
      return { weights: float(4, gs(16)) };
    case 'NVFP4_AWQ':
    case 'W4A8_AWQ':
      return { input_activations: float(8, gs(128)), weights: float(4, gs(128)) };
    case 'W8A16':
      return { weights: int(8) };
    case 'W8A8_SQ_PER_CHANNEL':
      return { input_activations: int(8), weights: int(8, { strategy: 'channel' }) };
    case 'W4A8_NVFP4_FP8':
    case 'W4A8_MXFP4_FP8':
      return { input_activations: float(8), weights: float(4, gs(16)) };
    case 'MXFP8':
      return { input_activations: float(8, gs(32)), weights: float(8, gs(32)) };
    default:
      return { quant_algo: algo };
  }
}

/** The flat `quantization_config` block of config.json. */
export function configJsonQuantization(hf: HfQuantConfig): JsonObject {
  const q = hf.quantization;
  const algo = q.quant_algo as string | null;
  const out: JsonObject = {};
  const groupSize = typeof q.group_size === 'number' ? q.group_size : 16;
  if (algo === 'FP8') {
    out.config_groups = { group_0: { input_activations: float(8), weights: float(8), targets: ['Linear'] } };
  } else if (algo === 'NVFP4') {
    const gs = { group_size: groupSize };
    out.config_groups = {
      group_0: { input_activations: float(4, gs), weights: float(4, gs), targets: ['Linear'] },
    };
  } else if (algo === 'W4A16_NVFP4') {
    out.config_groups = { group_0: { weights: float(4, { group_size: groupSize }), targets: ['Linear'] } };
  } else if (algo === 'MIXED_PRECISION') {
    const layers = q.quantized_layers as { [name: string]: { [k: string]: Json } };
    const groups = new Map<string, { cfg: { [k: string]: Json }; names: string[] }>();
    for (const [name, cfg] of Object.entries(layers)) {
      const key = JSON.stringify(sortedEntries(cfg as LayerConfig));
      const g = groups.get(key) ?? { cfg, names: [] };
      g.names.push(name);
      groups.set(key, g);
    }
    const configGroups: JsonObject = {};
    [...groups.values()].forEach((g, i) => {
      const gs = typeof g.cfg.group_size === 'number' ? g.cfg.group_size : undefined;
      configGroups[`group_${i}`] = {
        ...groupFor(String(g.cfg.quant_algo), gs),
        targets: [...g.names].sort(),
      };
    });
    out.config_groups = configGroups;
    out.quantized_layers = layers;
  }
  out.ignore = Array.isArray(q.exclude_modules) ? q.exclude_modules : [];
  if (algo) out.quant_algo = algo;
  const kv = q.kv_cache_quant_algo as string | null;
  if (kv) out.kv_cache_scheme = kv === 'FP8' ? float(8) : kv;
  out.producer = { ...hf.producer };
  out.quant_method = 'modelopt';
  return out;
}
