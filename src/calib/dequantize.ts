/**
 * Opens an exported ModelOpt unified HF checkpoint for evaluation: a Checkpoint view whose quantized linear
 * weights read back dequantized to float32 `[out, in]` (every other tensor unchanged), so the ReferenceModel runs
 * it as is, plus an observer that quantizes activations from the exported input/k/v scales.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MoptError } from '../errors.js';
import {
  openCheckpoint,
  readJsonObject,
  type Checkpoint,
  type CheckpointTensor,
} from '../model/checkpoint.js';
import { dequantizeLinear, exportedLinear, type ExportedLinear } from './dequantize-weight.js';
import { ExportedActivationQuant } from './exported-activations.js';

export interface DequantizedCheckpoint {
  /** Reads like the unquantized model: quantized weights come back as F32 [out, in]. */
  checkpoint: Checkpoint;
  /** Input / KV quantization from the exported scales (pass as the forward's observer). */
  activations: ExportedActivationQuant;
  quantAlgo: string;
  kvCacheQuantAlgo: string | null;
  /** The quantized linears found, by module. */
  linears: Map<string, ExportedLinear>;
}

type Json = Record<string, unknown>;

function quantSection(dir: string): Json {
  const hf = join(dir, 'hf_quant_config.json');
  if (existsSync(hf)) {
    const q = readJsonObject(hf, 'hf_quant_config.json').quantization;
    if (q && typeof q === 'object') return q as Json;
    throw new MoptError('bad-quant-config', `${hf}: has no "quantization" object`);
  }
  const qc = readJsonObject(join(dir, 'config.json'), 'config.json').quantization_config as Json | undefined;
  if (qc && qc.quant_method === 'modelopt') return qc;
  throw new MoptError('not-quantized', `${dir} is not a ModelOpt export: no hf_quant_config.json`, {
    hint: 'pass the folder `mopt quantize --export_path` wrote',
  });
}

function f32Bytes(x: Float32Array): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

export function openDequantized(dir: string): DequantizedCheckpoint {
  const raw = openCheckpoint(dir);
  try {
    const q = quantSection(dir);
    const quantAlgo = String(q.quant_algo ?? 'none');
    const kv = q.kv_cache_quant_algo ?? (q.kv_cache_scheme ? 'FP8' : null);
    const kvCacheQuantAlgo = typeof kv === 'string' ? kv : null;
    const layers = (q.quantized_layers ?? {}) as Record<string, Json>;
    const layerAlgo = (m: string): { algo: string; group: number } | null => {
      const cfg = quantAlgo === 'MIXED_PRECISION' ? layers[m] : q;
      if (!cfg || typeof cfg.quant_algo !== 'string') return null;
      return { algo: cfg.quant_algo, group: typeof cfg.group_size === 'number' ? cfg.group_size : 16 };
    };
    const linears = new Map<string, ExportedLinear>();
    for (const name of raw.tensors.keys()) {
      if (!name.endsWith('.weight_scale')) continue;
      const lin = exportedLinear(raw, name.slice(0, -'.weight_scale'.length));
      if (lin) linears.set(lin.module, lin);
    }
    const tensors = new Map<string, CheckpointTensor>();
    const hidden = /\.(weight_scale|weight_scale_2|input_scale|k_scale|v_scale|pre_quant_scale)$/;
    for (const [name, t] of raw.tensors) {
      if (hidden.test(name)) continue;
      const lin = name.endsWith('.weight') ? linears.get(name.slice(0, -'.weight'.length)) : undefined;
      tensors.set(
        name,
        lin ? { ...t, dtype: 'F32', shape: [...lin.shape], byteLength: lin.shape[0] * lin.shape[1] * 4 } : t,
      );
    }
    const linearOf = (name: string): ExportedLinear | undefined =>
      name.endsWith('.weight') ? linears.get(name.slice(0, -'.weight'.length)) : undefined;
    const tensor = (name: string): CheckpointTensor => {
      const t = tensors.get(name);
      if (!t) throw new MoptError('tensor-not-found', `${dir}: no tensor "${name}"`);
      return t;
    };
    const readF32 = (name: string, into?: Float32Array): Float32Array => {
      const lin = linearOf(name);
      if (!lin) return raw.readTensorF32(name, into);
      const y = dequantizeLinear(raw, lin);
      if (into) {
        into.set(y);
        return into.subarray(0, y.length);
      }
      return y;
    };
    const checkpoint: Checkpoint = {
      ...raw,
      config: Object.fromEntries(Object.entries(raw.config).filter(([k]) => k !== 'quantization_config')),
      tensors,
      tensor,
      readTensor: (name, into) => {
        if (!linearOf(name)) return raw.readTensor(name, into);
        const b = f32Bytes(readF32(name));
        if (!into) return b;
        into.set(b);
        return into.subarray(0, b.length);
      },
      readTensorRange: (name, start, length, into) => {
        if (!linearOf(name)) return raw.readTensorRange(name, start, length, into);
        const b = f32Bytes(readF32(name)).subarray(start, start + length);
        if (!into) return b.slice();
        into.set(b);
        return into.subarray(0, length);
      },
      readTensorF32: readF32,
      close: () => raw.close(),
    };
    const activations = new ExportedActivationQuant(raw, [...linears.keys()], layerAlgo, kvCacheQuantAlgo);
    return { checkpoint, activations, quantAlgo, kvCacheQuantAlgo, linears };
  } catch (err) {
    raw.close();
    throw err;
  }
}
