/**
 * Deterministic synthetic checkpoints with the tensor names and shapes of real HF models.
 * Weights ~ N(0, 0.02) from a per-tensor seeded PRNG (so any layer subset is reproducible), norms = 1.
 * Written streaming in chunks, sharded when large; `fill: 'zeros'` writes sparse all-zero files for
 * header-only planning of models too large to generate.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MoptError } from '../errors.js';
import { f32ToBf16, f32ToF16, torchDtypeName } from './dtypes.js';
import {
  DEFAULT_MAX_SHARD_BYTES,
  encodeHeader,
  INDEX_FILE,
  planShards,
  prepareOutputDir,
  shardFileName,
  tensorByteLength,
  type TensorSpec,
  writeJsonFile,
  writeShardedSafetensors,
} from './safetensors-writer.js';
import { buildSpmTokenizerConfig, buildSpmTokenizerJson } from './spm-tokenizer.js';
import { SYNTH_ARCHS, SYNTH_PRESETS, type SynthArch } from './synth-presets.js';
import { fnv1a, NormalRng } from './synth-random.js';
import { synthTokenizerPieces } from './synth-tokenizer.js';

export type SynthDtype = 'bf16' | 'f16' | 'f32';
const DTYPES = { bf16: 'BF16', f16: 'F16', f32: 'F32' } as const;

/** How a tensor is initialised: random normal weights/biases, or all-ones norm scales. */
export type SynthInit = 'normal' | 'ones';
export interface SynthTensor extends TensorSpec {
  init: SynthInit;
}

const num = (config: Record<string, unknown>, key: string): number => {
  const v = config[key];
  if (typeof v !== 'number')
    throw new MoptError('bad-config', `config.json: "${key}" must be a number, got ${JSON.stringify(v)}`);
  return v;
};

/** Tensor names and shapes of a Llama-family HF model, in state-dict order, from its config. */
export function hfTensorSpecs(config: Record<string, unknown>, dtype: TensorSpec['dtype']): SynthTensor[] {
  const type = config.model_type;
  const H = num(config, 'hidden_size');
  const V = num(config, 'vocab_size');
  const heads = num(config, 'num_attention_heads');
  const kv = num(config, 'num_key_value_heads');
  const hd = typeof config.head_dim === 'number' ? config.head_dim : H / heads;
  const out: SynthTensor[] = [];
  const add = (name: string, shape: number[], init: SynthInit = 'normal'): void => {
    out.push({ name, dtype, shape, init });
  };
  add('model.embed_tokens.weight', [V, H]);
  for (let l = 0; l < num(config, 'num_hidden_layers'); l++) {
    const p = `model.layers.${l}`;
    for (const [proj, rows] of [
      ['q', heads * hd],
      ['k', kv * hd],
      ['v', kv * hd],
    ] as const) {
      add(`${p}.self_attn.${proj}_proj.weight`, [rows, H]);
      if (type === 'qwen2') add(`${p}.self_attn.${proj}_proj.bias`, [rows]);
    }
    add(`${p}.self_attn.o_proj.weight`, [H, heads * hd]);
    if (type === 'qwen3' || type === 'qwen3_moe') {
      add(`${p}.self_attn.q_norm.weight`, [hd], 'ones');
      add(`${p}.self_attn.k_norm.weight`, [hd], 'ones');
    }
    if (type === 'mixtral') {
      const E = num(config, 'num_local_experts');
      const I = num(config, 'intermediate_size');
      add(`${p}.block_sparse_moe.gate.weight`, [E, H]);
      for (let e = 0; e < E; e++) {
        add(`${p}.block_sparse_moe.experts.${e}.w1.weight`, [I, H]);
        add(`${p}.block_sparse_moe.experts.${e}.w2.weight`, [H, I]);
        add(`${p}.block_sparse_moe.experts.${e}.w3.weight`, [I, H]);
      }
    } else if (type === 'qwen3_moe') {
      const E = num(config, 'num_experts');
      const I = num(config, 'moe_intermediate_size');
      add(`${p}.mlp.gate.weight`, [E, H]);
      for (let e = 0; e < E; e++) {
        add(`${p}.mlp.experts.${e}.gate_proj.weight`, [I, H]);
        add(`${p}.mlp.experts.${e}.up_proj.weight`, [I, H]);
        add(`${p}.mlp.experts.${e}.down_proj.weight`, [H, I]);
      }
    } else {
      const I = num(config, 'intermediate_size');
      add(`${p}.mlp.gate_proj.weight`, [I, H]);
      add(`${p}.mlp.up_proj.weight`, [I, H]);
      add(`${p}.mlp.down_proj.weight`, [H, I]);
    }
    add(`${p}.input_layernorm.weight`, [H], 'ones');
    add(`${p}.post_attention_layernorm.weight`, [H], 'ones');
  }
  add('model.norm.weight', [H], 'ones');
  if (config.tie_word_embeddings !== true) add('lm_head.weight', [V, H]);
  return out;
}

const CHUNK_ELEMENTS = 1 << 20;

/** The bytes of one synthetic tensor, in chunks that reuse two buffers (the writer copies each out first). */
function* tensorChunks(t: SynthTensor, seed: number): Generator<Uint8Array> {
  const numel = t.shape.reduce((a, b) => a * b, 1);
  const rng = new NormalRng(fnv1a(t.name, seed));
  const values = new Float32Array(Math.min(numel, CHUNK_ELEMENTS));
  const half = t.dtype === 'F32' ? undefined : new Uint16Array(values.length);
  for (let done = 0; done < numel; done += values.length) {
    const n = Math.min(values.length, numel - done);
    const chunk = values.subarray(0, n);
    if (t.init === 'ones') chunk.fill(1);
    else rng.fill(chunk, 0.02);
    if (!half) {
      yield new Uint8Array(chunk.buffer, 0, n * 4);
      continue;
    }
    if (t.dtype === 'BF16') f32ToBf16(chunk, half);
    else f32ToF16(chunk, half);
    yield new Uint8Array(half.buffer, 0, n * 2);
  }
}

export interface SynthOptions {
  arch: SynthArch;
  preset: string;
  outDir: string;
  seed?: number;
  /** Keep only the first N decoder layers (for shrinking real shapes). */
  layers?: number;
  dtype?: SynthDtype;
  maxShardBytes?: number;
  /** 'zeros' writes sparse files of zeros (fast, no disk use) for header-only planning. */
  fill?: 'random' | 'zeros';
  /** Allow writing into a non-empty outDir (old weight files there are removed). */
  overwrite?: boolean;
}

export interface SynthResult {
  outDir: string;
  config: Record<string, unknown>;
  tensors: SynthTensor[];
  files: string[];
  totalBytes: number;
}

export function synthConfig(
  arch: string,
  preset: string,
  layers?: number,
  dtype: SynthDtype = 'bf16',
): Record<string, unknown> {
  if (!(SYNTH_ARCHS as readonly string[]).includes(arch)) {
    throw new MoptError(
      'unknown-arch',
      `unknown architecture "${arch}"; choose one of ${SYNTH_ARCHS.join(', ')}`,
    );
  }
  const presets = SYNTH_PRESETS[arch as SynthArch];
  const base = presets[preset];
  if (!base)
    throw new MoptError(
      'unknown-preset',
      `${arch} has no preset "${preset}"; choose one of ${Object.keys(presets).join(', ')}`,
    );
  const config: Record<string, unknown> = { ...base, torch_dtype: torchDtypeName(DTYPES[dtype]) };
  if (layers !== undefined) {
    if (!Number.isInteger(layers) || layers < 1 || layers > (base.num_hidden_layers as number)) {
      throw new MoptError(
        'bad-layers',
        `--layers must be an integer in 1..${String(base.num_hidden_layers)}, got ${layers}`,
      );
    }
    config.num_hidden_layers = layers;
    if ('max_window_layers' in config) config.max_window_layers = layers;
  }
  return config;
}

export function synthCheckpoint(options: SynthOptions): SynthResult {
  const dtype = options.dtype ?? 'bf16';
  const seed = options.seed ?? 0;
  const config = synthConfig(options.arch, options.preset, options.layers, dtype);
  const tensors = hfTensorSpecs(config, DTYPES[dtype]);
  const maxShardBytes = options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
  prepareOutputDir(options.outDir, options.overwrite);
  const written =
    options.fill === 'zeros'
      ? writeSparseZeros(options.outDir, tensors, maxShardBytes)
      : writeShardedSafetensors(options.outDir, tensors, (_spec, i) => tensorChunks(tensors[i]!, seed), {
          maxShardBytes,
        });
  writeJsonFile(join(options.outDir, 'config.json'), config);
  writeJsonFile(join(options.outDir, 'generation_config.json'), {
    bos_token_id: config.bos_token_id,
    eos_token_id: config.eos_token_id,
  });
  const pieces = synthTokenizerPieces();
  writeJsonFile(join(options.outDir, 'tokenizer.json'), buildSpmTokenizerJson(pieces));
  writeJsonFile(
    join(options.outDir, 'tokenizer_config.json'),
    buildSpmTokenizerConfig(pieces, num(config, 'max_position_embeddings')),
  );
  return { outDir: options.outDir, config, tensors, files: written.files, totalBytes: written.totalBytes };
}

/** Headers plus ftruncate: files of the full size whose data reads as zeros without being written. */
function writeSparseZeros(
  dir: string,
  specs: TensorSpec[],
  maxShardBytes: number,
): { files: string[]; totalBytes: number } {
  const shards = planShards(specs, maxShardBytes);
  const names =
    shards.length === 1 ? ['model.safetensors'] : shards.map((_, i) => shardFileName(i, shards.length));
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, i) => {
    const header = encodeHeader(shard);
    const fd = openSync(join(dir, names[i]!), 'w');
    try {
      writeSync(fd, header);
      ftruncateSync(fd, header.byteLength + shard.reduce((s, t) => s + tensorByteLength(t), 0));
    } finally {
      closeSync(fd);
    }
    for (const t of shard) weightMap[t.name] = names[i]!;
  });
  const totalBytes = specs.reduce((s, t) => s + tensorByteLength(t), 0);
  if (shards.length > 1)
    writeJsonFile(join(dir, INDEX_FILE), { metadata: { total_size: totalBytes }, weight_map: weightMap });
  return { files: names, totalBytes };
}
