/**
 * Converts a llama2.c "version 0" checkpoint (+ its tokenizer.bin) into a Hugging Face Llama directory:
 * config.json, generation_config.json, model.safetensors, tokenizer.json, tokenizer_config.json.
 * Tensors stream one at a time from the .bin into the safetensors writer.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { MoptError } from '../errors.js';
import { encodeFromF32, torchDtypeName } from './dtypes.js';
import { readLlama2cTokenizer } from './llama2c-tokenizer.js';
import { readFully } from './safetensors.js';
import { prepareOutputDir, type TensorSpec, writeJsonFile, writeSafetensors } from './safetensors-writer.js';
import { buildSpmTokenizerConfig, buildSpmTokenizerJson } from './spm-tokenizer.js';

export interface Llama2cHeader {
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  vocabSize: number;
  seqLen: number;
  /** A negative vocab_size in the file means the classifier has its own weights. */
  sharedClassifier: boolean;
}

/** One float32 array of the .bin: its byte offset and its per-layer slice shape. */
interface Section {
  offset: number;
  /** Shape of one slice (one layer for stacked arrays). */
  shape: number[];
  count: number;
}

const HEADER_BYTES = 28;
/** llama2.c's versioned exports start with this uint32 ("ak42"); we read only the legacy version 0. */
const VERSIONED_MAGIC = 0x616b3432;

export function parseLlama2cHeader(file: string, bytes: Uint8Array): Llama2cHeader {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES) {
    throw new MoptError(
      'llama2c-truncated',
      `${file}: ${bytes.byteLength} bytes, too short for the 28-byte llama2.c header`,
    );
  }
  if (v.getUint32(0, true) === VERSIONED_MAGIC) {
    throw new MoptError(
      'llama2c-version',
      `${file}: llama2.c version ${v.getInt32(4, true)} export; only the legacy version 0 format is read`,
      {
        hint: 'export with llama2.c export.py --version 0',
      },
    );
  }
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocab, seqLen] = [0, 1, 2, 3, 4, 5, 6].map((i) =>
    v.getInt32(4 * i, true),
  ) as number[];
  const header = {
    dim,
    hiddenDim,
    nLayers,
    nHeads,
    nKvHeads,
    vocabSize: Math.abs(vocab!),
    seqLen,
    sharedClassifier: vocab! > 0,
  } as Llama2cHeader;
  const bad = (what: string): MoptError =>
    new MoptError(
      'llama2c-header',
      `${file}: not a llama2.c v0 checkpoint: ${what} (header ${JSON.stringify(header)})`,
    );
  const limits: [keyof Llama2cHeader, number][] = [
    ['dim', 65536],
    ['hiddenDim', 1 << 20],
    ['nLayers', 4096],
    ['nHeads', 4096],
    ['nKvHeads', 4096],
    ['vocabSize', 1 << 24],
    ['seqLen', 1 << 24],
  ];
  for (const [key, max] of limits) {
    const value = header[key] as number;
    if (!(value >= 1 && value <= max)) throw bad(`${key} = ${value} is outside 1..${max}`);
  }
  if (header.dim % header.nHeads !== 0)
    throw bad(`dim ${header.dim} is not a multiple of n_heads ${header.nHeads}`);
  if (header.nHeads % header.nKvHeads !== 0)
    throw bad(`n_heads ${header.nHeads} is not a multiple of n_kv_heads ${header.nKvHeads}`);
  if ((header.dim / header.nHeads) % 2 !== 0)
    throw bad(`head size ${header.dim / header.nHeads} is odd, RoPE needs pairs`);
  return header;
}

/** Byte offsets of every array in a v0 file, and the size the whole file must have. */
export function llama2cLayout(h: Llama2cHeader): { sections: Record<string, Section>; fileBytes: number } {
  const hs = h.dim / h.nHeads;
  const kvDim = h.nKvHeads * hs;
  const L = h.nLayers;
  const order: [string, number[], number][] = [
    ['embed', [h.vocabSize, h.dim], 1],
    ['rmsAtt', [h.dim], L],
    ['wq', [h.nHeads * hs, h.dim], L],
    ['wk', [kvDim, h.dim], L],
    ['wv', [kvDim, h.dim], L],
    ['wo', [h.dim, h.nHeads * hs], L],
    ['rmsFfn', [h.dim], L],
    ['w1', [h.hiddenDim, h.dim], L],
    ['w2', [h.dim, h.hiddenDim], L],
    ['w3', [h.hiddenDim, h.dim], L],
    ['rmsFinal', [h.dim], 1],
    ['ropeReal', [(h.seqLen * hs) / 2], 1],
    ['ropeImag', [(h.seqLen * hs) / 2], 1],
  ];
  if (!h.sharedClassifier) order.push(['classifier', [h.vocabSize, h.dim], 1]);
  const sections: Record<string, Section> = {};
  let offset = HEADER_BYTES;
  for (const [name, shape, count] of order) {
    sections[name] = { offset, shape, count };
    offset += 4 * count * shape.reduce((a, b) => a * b, 1);
  }
  return { sections, fileBytes: offset };
}

/** New row n of a head takes old row order[n]: interleaved RoPE pairs (2i, 2i+1) become halves (i, i+hs/2). */
export function rotateHalfRowOrder(headDim: number): number[] {
  const half = headDim / 2;
  return Array.from({ length: headDim }, (_, n) => (n < half ? 2 * n : 2 * (n - half) + 1));
}

/** Reorders the rows of a [nHeads*headDim, cols] matrix inside each head by `order`. */
export function permuteHeadRows(
  src: Float32Array,
  nHeads: number,
  headDim: number,
  cols: number,
  order: number[],
): Float32Array {
  const out = new Float32Array(src.length);
  for (let h = 0; h < nHeads; h++) {
    for (let n = 0; n < headDim; n++) {
      const from = (h * headDim + order[n]!) * cols;
      out.set(src.subarray(from, from + cols), (h * headDim + n) * cols);
    }
  }
  return out;
}

export interface ConvertLlama2cOptions {
  modelFile: string;
  tokenizerFile: string;
  outDir: string;
  dtype?: 'f32' | 'bf16';
  /** Allow writing into a non-empty outDir (old weight files there are removed). */
  overwrite?: boolean;
}

/** HF tensor name → where it comes from in the .bin (section, layer) and whether q/k rows are permuted. */
interface Source {
  spec: TensorSpec;
  section: string;
  layer: number;
  permuteHeads?: number;
}

function tensorSources(h: Llama2cHeader, sections: Record<string, Section>, dtype: 'F32' | 'BF16'): Source[] {
  const src = (name: string, section: string, layer: number, permuteHeads?: number): Source => ({
    spec: { name, dtype, shape: sections[section]!.shape },
    section,
    layer,
    ...(permuteHeads === undefined ? {} : { permuteHeads }),
  });
  const out: Source[] = [src('model.embed_tokens.weight', 'embed', 0)];
  for (let l = 0; l < h.nLayers; l++) {
    const p = `model.layers.${l}`;
    out.push(
      src(`${p}.self_attn.q_proj.weight`, 'wq', l, h.nHeads),
      src(`${p}.self_attn.k_proj.weight`, 'wk', l, h.nKvHeads),
      src(`${p}.self_attn.v_proj.weight`, 'wv', l),
      src(`${p}.self_attn.o_proj.weight`, 'wo', l),
      src(`${p}.mlp.gate_proj.weight`, 'w1', l),
      src(`${p}.mlp.up_proj.weight`, 'w3', l),
      src(`${p}.mlp.down_proj.weight`, 'w2', l),
      src(`${p}.input_layernorm.weight`, 'rmsAtt', l),
      src(`${p}.post_attention_layernorm.weight`, 'rmsFfn', l),
    );
  }
  out.push(src('model.norm.weight', 'rmsFinal', 0));
  if (!h.sharedClassifier) out.push(src('lm_head.weight', 'classifier', 0));
  return out;
}

export function llama2cConfig(h: Llama2cHeader, dtype: 'F32' | 'BF16'): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    attention_bias: false,
    attention_dropout: 0.0,
    bos_token_id: 1,
    eos_token_id: 2,
    head_dim: h.dim / h.nHeads,
    hidden_act: 'silu',
    hidden_size: h.dim,
    initializer_range: 0.02,
    intermediate_size: h.hiddenDim,
    max_position_embeddings: h.seqLen,
    mlp_bias: false,
    model_type: 'llama',
    num_attention_heads: h.nHeads,
    num_hidden_layers: h.nLayers,
    num_key_value_heads: h.nKvHeads,
    pretraining_tp: 1,
    rms_norm_eps: 1e-5,
    rope_scaling: null,
    rope_theta: 10000.0,
    tie_word_embeddings: h.sharedClassifier,
    torch_dtype: torchDtypeName(dtype),
    use_cache: true,
    vocab_size: h.vocabSize,
  };
}

export interface ConvertedModel {
  header: Llama2cHeader;
  outDir: string;
  tensors: TensorSpec[];
}

export function convertLlama2c(options: ConvertLlama2cOptions): ConvertedModel {
  const dtype = options.dtype === 'bf16' ? 'BF16' : 'F32';
  let fd: number;
  try {
    fd = openSync(options.modelFile, 'r');
  } catch (err) {
    throw new MoptError(
      'file-not-found',
      `cannot open llama2.c checkpoint ${options.modelFile}: ${(err as Error).message}`,
    );
  }
  try {
    const size = fstatSync(fd).size;
    const headBytes = new Uint8Array(Math.min(HEADER_BYTES, size));
    readFully(options.modelFile, fd, headBytes, 0);
    const header = parseLlama2cHeader(options.modelFile, headBytes);
    const { sections, fileBytes } = llama2cLayout(header);
    if (size !== fileBytes) {
      const what = size < fileBytes ? 'truncated' : 'longer than its header describes';
      throw new MoptError(
        'llama2c-size',
        `${options.modelFile}: file is ${what}: expected ${fileBytes} bytes, found ${size}`,
        {
          hint: `header: dim ${header.dim}, hidden ${header.hiddenDim}, layers ${header.nLayers}, heads ${header.nHeads}/${header.nKvHeads}, vocab ${header.vocabSize}, seq ${header.seqLen}`,
        },
      );
    }
    const pieces = readLlama2cTokenizer(options.tokenizerFile, header.vocabSize);
    prepareOutputDir(options.outDir, options.overwrite);
    const sources = tensorSources(header, sections, dtype);
    writeSafetensors(
      join(options.outDir, 'model.safetensors'),
      sources.map((s) => s.spec),
      (_spec, i) => {
        const s = sources[i]!;
        const sec = sections[s.section]!;
        const numel = sec.shape.reduce((a, b) => a * b, 1);
        const raw = new Uint8Array(numel * 4);
        readFully(options.modelFile, fd, raw, sec.offset + s.layer * numel * 4);
        let values: Float32Array = new Float32Array(raw.buffer);
        if (s.permuteHeads !== undefined) {
          const headDim = sec.shape[0]! / s.permuteHeads;
          values = permuteHeadRows(
            values,
            s.permuteHeads,
            headDim,
            sec.shape[1]!,
            rotateHalfRowOrder(headDim),
          );
        }
        return encodeFromF32(values, dtype);
      },
    );
    writeJsonFile(join(options.outDir, 'config.json'), llama2cConfig(header, dtype));
    writeJsonFile(join(options.outDir, 'generation_config.json'), { bos_token_id: 1, eos_token_id: 2 });
    writeJsonFile(join(options.outDir, 'tokenizer.json'), buildSpmTokenizerJson(pieces));
    writeJsonFile(
      join(options.outDir, 'tokenizer_config.json'),
      buildSpmTokenizerConfig(pieces, header.seqLen),
    );
    return { header, outDir: options.outDir, tensors: sources.map((s) => s.spec) };
  } finally {
    closeSync(fd);
  }
}
