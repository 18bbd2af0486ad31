/**
 * How the export reads source tensors: weights as bf16 bits (reused buffers) or float32 in the
 * model dtype, and pass-through tensors in pieces of a reused buffer, so memory stays bounded.
 */
import type { Checkpoint } from '../model/checkpoint.js';
import {
  bf16ToF32,
  decodeToF32,
  dtypeBytes,
  encodeFromF32,
  f16ToF32,
  f32ToBf16,
  f32ToF16,
  type Dtype,
} from '../model/dtypes.js';

export type FloatDtype = 'F32' | 'BF16' | 'F16';
const TORCH_DTYPES: Record<string, FloatDtype> = { float32: 'F32', bfloat16: 'BF16', float16: 'F16' };
export const isFloat = (d: Dtype): d is FloatDtype => d === 'F32' || d === 'BF16' || d === 'F16';

/** Export dtype from config.json (torch_dtype, or dtype in newer transformers); undefined keeps each tensor's own. */
export function exportDtype(config: Record<string, unknown>): FloatDtype | undefined {
  const d = config.torch_dtype ?? config.dtype;
  return typeof d === 'string' ? TORCH_DTYPES[d] : undefined;
}

/** Weights as the model holds them in the export dtype (ModelOpt quantizes the loaded bf16 values). */
function readWeight(ck: Checkpoint, name: string, dtype: FloatDtype | undefined): Float32Array {
  const w = ck.readTensorF32(name);
  const src = ck.tensor(name).dtype;
  if (dtype === 'BF16' && src !== 'BF16') bf16ToF32(f32ToBf16(w, new Uint16Array(w.length)), w);
  if (dtype === 'F16' && src !== 'F16') f16ToF32(f32ToF16(w, new Uint16Array(w.length)), w);
  return w;
}

/**
 * Shared slots outlive an export: pool workers keep the SharedArrayBuffers they saw until their
 * own garbage collection, so new slots for every export would pile up. One export at a time
 * borrows them; a concurrent one makes its own.
 */
let idleSharedSlots: Uint8Array[] | null = [];

function borrowSharedSlots(): Uint8Array[] {
  const slots = idleSharedSlots ?? [];
  idleSharedSlots = null;
  return slots;
}

function returnSharedSlots(slots: Uint8Array[]): void {
  idleSharedSlots = slots;
}

/**
 * Reads the members of one group at a time. Bf16 models (and models without a dtype) get bf16 bits in
 * one reused buffer per member slot (fresh buffers cost page faults on every tensor), `shared` with
 * the worker pool; F16 / F32 models get float32 values.
 */
export function groupReader(ck: Checkpoint, dtype: FloatDtype | undefined, shared: boolean) {
  const slots: Uint8Array[] = shared ? borrowSharedSlots() : [];
  let next = 0;
  const bitsFor = (name: string): Uint16Array => {
    const t = ck.tensor(name);
    const bytes = t.dtype === 'BF16' ? t.byteLength : (t.byteLength / dtypeBytes(t.dtype)) * 2;
    let buf = slots[next];
    if (!buf || buf.byteLength < bytes)
      buf = slots[next] = new Uint8Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    next += 1;
    const bits = new Uint16Array(buf.buffer, 0, bytes / 2);
    if (t.dtype === 'BF16') ck.readTensor(name, buf.subarray(0, bytes));
    else f32ToBf16(ck.readTensorF32(name), bits);
    return bits;
  };
  return {
    /** Call before each group: its members reuse the slots from the start. */
    reset(): void {
      next = 0;
    },
    /** The export is over: shared slots go back for the next pooled export. */
    close(): void {
      if (shared) returnSharedSlots(slots);
    },
    read: (name: string): Float32Array | Uint16Array => {
      const src = ck.tensor(name).dtype;
      const bitsPath = (dtype === 'BF16' || (dtype === undefined && src === 'BF16')) && isFloat(src);
      return bitsPath ? bitsFor(name) : readWeight(ck, name, dtype);
    },
  };
}

/**
 * Pass-through tensors are copied in pieces of this size through one reused buffer: bounded memory,
 * and small, since every export touches its pages fresh.
 */
export const COPY_CHUNK_BYTES = 8 * 1024 * 1024;

/** A tensor the export keeps: its bytes in chunks (two reused halves), or converted to the model dtype whole. */
export function plainTensor(
  ck: Checkpoint,
  name: string,
  dtype: FloatDtype | undefined,
  chunk: () => Uint8Array,
): Iterable<Uint8Array> {
  const t = ck.tensor(name);
  if (dtype && isFloat(t.dtype) && t.dtype !== dtype)
    return [encodeFromF32(decodeToF32(ck.readTensor(name), t.dtype), dtype)];
  return (function* () {
    // two halves used in turn: a queued write of one piece may still read its half
    const pair = chunk();
    const half = pair.byteLength / 2;
    for (let at = 0, k = 0; at < t.byteLength; at += half, k ^= 1) {
      const buf = pair.subarray(k * half, (k + 1) * half);
      yield ck.readTensorRange(name, at, Math.min(half, t.byteLength - at), buf);
    }
  })();
}
