/**
 * A Hugging Face checkpoint directory opened lazily: config, tensor table across shards, tokenizer files.
 * Tensor data is read one tensor at a time, on request.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MoptError } from '../errors.js';
import { decodeToF32, type Dtype } from './dtypes.js';
import { readSafetensorsIndex, INDEX_FILE } from './safetensors-writer.js';
import { SafetensorsFile, type TensorInfo } from './safetensors.js';

export type JsonObject = Record<string, unknown>;

/** The tokenizer files HF may keep beside the weights. */
export const TOKENIZER_FILE_NAMES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'tokenizer.model',
  'special_tokens_map.json',
  'vocab.json',
  'merges.txt',
  'chat_template.jinja',
] as const;

export interface CheckpointTensor {
  name: string;
  dtype: Dtype;
  shape: number[];
  byteLength: number;
  /** The shard file name, relative to the checkpoint directory. */
  file: string;
}

export interface Checkpoint {
  dir: string;
  config: JsonObject;
  generationConfig: JsonObject | undefined;
  /** Every tensor, shard by shard in file order, without data. */
  tensors: Map<string, CheckpointTensor>;
  /** Weight files relative to dir. */
  weightFiles: string[];
  /** Tokenizer files present in dir (names from TOKENIZER_FILE_NAMES). */
  tokenizerFiles: string[];
  tensor(name: string): CheckpointTensor;
  /** Raw little-endian bytes (a fresh buffer, or a view of `into`). */
  readTensor(name: string, into?: Uint8Array): Uint8Array;
  /** `length` raw bytes from byte `start` of a tensor: stream huge tensors in chunks into a reused buffer. */
  readTensorRange(name: string, start: number, length: number, into?: Uint8Array): Uint8Array;
  /** The tensor decoded to float32 from any float or integer dtype. */
  readTensorF32(name: string, into?: Float32Array): Float32Array;
  close(): void;
}

export function readJsonObject(file: string, what: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MoptError('file-not-found', `${what} not found: ${file}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MoptError('bad-json', `${file}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new MoptError('bad-json', `${file}: expected a JSON object`);
  }
  return json as JsonObject;
}

export function openCheckpoint(dir: string): Checkpoint {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new MoptError('checkpoint-not-found', `checkpoint directory not found: ${dir}`);
  }
  const configFile = join(dir, 'config.json');
  if (!existsSync(configFile)) {
    throw new MoptError(
      'missing-config',
      `${dir} has no config.json; a Hugging Face model directory needs one`,
      {
        hint: 'point mopt at the folder that holds config.json and the *.safetensors files',
      },
    );
  }
  const config = readJsonObject(configFile, 'config.json');
  const genFile = join(dir, 'generation_config.json');
  const generationConfig = existsSync(genFile)
    ? readJsonObject(genFile, 'generation_config.json')
    : undefined;
  const weightFiles = listWeightFiles(dir);
  const files = new Map<string, SafetensorsFile>();
  const tensors = new Map<string, CheckpointTensor>();
  const infos = new Map<string, TensorInfo>();
  try {
    for (const name of weightFiles) {
      const st = SafetensorsFile.open(join(dir, name));
      files.set(name, st);
      for (const info of st.tensors.values()) {
        const other = tensors.get(info.name);
        if (other) {
          throw new MoptError(
            'duplicate-tensor',
            `${dir}: tensor "${info.name}" is in both ${other.file} and ${name}`,
          );
        }
        tensors.set(info.name, {
          name: info.name,
          dtype: info.dtype,
          shape: info.shape,
          byteLength: info.byteLength,
          file: name,
        });
        infos.set(info.name, info);
      }
    }
    checkIndexAgainstShards(dir, tensors);
  } catch (err) {
    for (const st of files.values()) st.close();
    throw err;
  }
  const tokenizerFiles = TOKENIZER_FILE_NAMES.filter((f) => existsSync(join(dir, f)));

  const tensor = (name: string): CheckpointTensor => {
    const t = tensors.get(name);
    if (!t) throw new MoptError('tensor-not-found', `${dir}: the checkpoint has no tensor "${name}"`);
    return t;
  };
  const readTensor = (name: string, into?: Uint8Array): Uint8Array => {
    const t = tensor(name);
    return files.get(t.file)!.readRange(infos.get(name)!, 0, t.byteLength, into);
  };
  const readTensorRange = (name: string, start: number, length: number, into?: Uint8Array): Uint8Array =>
    files.get(tensor(name).file)!.readRange(infos.get(name)!, start, length, into);
  return {
    dir,
    config,
    generationConfig,
    tensors,
    weightFiles,
    tokenizerFiles,
    tensor,
    readTensor,
    readTensorRange,
    readTensorF32: (name, into) => decodeToF32(readTensor(name), tensor(name).dtype, into),
    close: () => {
      for (const st of files.values()) st.close();
    },
  };
}

/** The shards named by the index, or model.safetensors, or every *.safetensors file in the folder. */
function listWeightFiles(dir: string): string[] {
  if (existsSync(join(dir, INDEX_FILE))) {
    const shards = [...new Set(readSafetensorsIndex(join(dir, INDEX_FILE)).values())];
    for (const shard of shards) {
      if (!existsSync(join(dir, shard))) {
        throw new MoptError(
          'missing-shard',
          `${join(dir, INDEX_FILE)} names shard ${shard}, which is not in ${dir}`,
        );
      }
    }
    return shards.sort();
  }
  if (existsSync(join(dir, 'model.safetensors'))) return ['model.safetensors'];
  const found = readdirSync(dir)
    .filter((f) => f.endsWith('.safetensors'))
    .sort();
  if (found.length === 0) {
    const hasBin = readdirSync(dir).some(
      (f) => f.endsWith('.bin') || f.endsWith('.pt') || f.endsWith('.pth'),
    );
    throw new MoptError('missing-weights', `${dir} has no *.safetensors weights`, {
      hint: hasBin
        ? 'PyTorch .bin/.pt weights are not read; save the model with safe_serialization=True'
        : undefined,
    });
  }
  return found;
}

/** Every tensor the index promises must be in the shard it names. */
function checkIndexAgainstShards(dir: string, tensors: Map<string, CheckpointTensor>): void {
  const indexFile = join(dir, INDEX_FILE);
  if (!existsSync(indexFile)) return;
  for (const [name, shard] of readSafetensorsIndex(indexFile)) {
    const t = tensors.get(name);
    if (!t || t.file !== shard) {
      throw new MoptError(
        'bad-index',
        `${indexFile}: tensor "${name}" is mapped to ${shard} but that shard does not hold it`,
      );
    }
  }
}

/** Index of the first NaN or ±Inf, or -1. */
export function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) return i;
  }
  return -1;
}

/** Throws a MoptError naming the tensor and the (multi-dimensional) index of its first NaN/Inf. */
export function validateTensorFinite(name: string, data: Float32Array, shape?: number[]): void {
  const i = firstNonFinite(data);
  if (i < 0) return;
  const v = data[i]!;
  const where = shape && shape.length > 1 ? `[${unravelIndex(i, shape).join(', ')}] (flat ${i})` : `${i}`;
  throw new MoptError(
    'tensor-not-finite',
    `tensor "${name}" holds ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'inf' : '-inf'} at index ${where}`,
  );
}

export function unravelIndex(flat: number, shape: number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    out[d] = size === 0 ? 0 : rest % size;
    rest = size === 0 ? 0 : Math.floor(rest / size);
  }
  return out;
}
