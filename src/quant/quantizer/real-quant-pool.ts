/**
 * realQuantBf16 on worker threads: the main thread resolves every amax from the whole tensor
 * (integer maxima of the bf16 bits), then dim-0 slices are exported in parallel and concatenated.
 * Identical to realQuantBf16 because every code depends only on its element and its group's
 * scale, and each slice gets exactly the scales of its groups.
 */

import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import { applyByteTable, bf16Amax } from '../formats/bf16-bits.js';
import { checkShape, numel } from './amax.js';
import { resolveAmax, scalarAmax, type AmaxInput } from './fake-quant.js';
import { defaultThreads, runOnPool, type PoolOptions } from './pool.js';
import { fp8TensorResult, fp8TensorTable, realQuantBf16, type FastQuantOptions } from './real-quant-fast.js';
import type { PackedTensor, RealQuantResult } from './real-quant.js';
import type { ByteTableTask, RealQuantSliceTask } from './real-quant-slice.js';
import { bf16Source, groupAmax, rowGroups } from './row-source.js';
import { quantSpec } from './spec.js';

type Cfg = QuantizerAttributeConfig | QuantizerAttributeConfig[];
type Amax = AmaxInput | Array<AmaxInput | undefined>;

const EMPTY = new Float32Array(0);

/** The shape of dim-0 slices put back together. */
function concatShape(parts: PackedTensor[]): number[] {
  const shape = [...parts[0]!.shape];
  if (shape.length > 0) shape[0] = parts.reduce((a, p) => a + p.shape[0]!, 0);
  return shape;
}

function concat(parts: PackedTensor[]): PackedTensor {
  const first = parts[0]!;
  if (first.shape.length === 0 || parts.length === 1) return first;
  const total = parts.reduce((a, p) => a + p.data.length, 0);
  const Ctor = first.data.constructor as new (n: number) => PackedTensor['data'];
  const data = new Ctor(total);
  let at = 0;
  for (const p of parts) {
    data.set(p.data as never, at);
    at += p.data.length;
  }
  return { dtype: first.dtype, shape: concatShape(parts), data };
}

/**
 * Per-tensor FP8 as one byte table applied in `threads` ranges at once: this thread maps the first
 * and the workers the rest, all into one shared output (no slices to copy or concatenate).
 */
async function fp8TensorSplit(
  bits: Uint16Array,
  shape: readonly number[],
  fp8: { ws: Float32Array; table: Uint8Array },
  threads: number,
  weightOut: Uint8Array | undefined,
): Promise<RealQuantResult> {
  const n = bits.length;
  const codes = sharedOut(weightOut) ?? new Uint8Array(new SharedArrayBuffer(n));
  if (codes.byteLength !== n) throw new RangeError(`weight output of ${codes.byteLength} bytes, ${n} needed`);
  const per = Math.ceil(n / threads / 4) * 4; // multiples of 4 keep the 32-bit loads aligned
  const jobs: Array<Promise<unknown>> = [];
  for (let k = 1; k * per < n; k++) {
    const range = [k * per, Math.min(n, (k + 1) * per)] as const;
    const task: Omit<ByteTableTask, 'id'> = {
      kind: 'byte-table',
      bits: bits.subarray(...range),
      table: fp8.table,
      codes: codes.subarray(...range),
    };
    jobs.push(runOnPool(threads - 1, k - 1, task));
  }
  applyByteTable(bits.subarray(0, per), fp8.table, codes.subarray(0, per));
  await Promise.all(jobs);
  return fp8TensorResult(shape, fp8.ws, codes);
}

/**
 * realQuantBf16 split across `pool.threads` workers (default: cores - 1) for tensors of at least
 * pool.minElements (default 1M) elements; smaller or unsupported cases (W4A8 lists, dynamic
 * FP8/INT, 2-D tiles, 1-D tensors) run on the calling thread. A SharedArrayBuffer-backed `bits`
 * is shared with the workers; otherwise each slice is copied once and moved.
 */
export async function realQuantBf16Pooled(
  bits: Uint16Array,
  shape: readonly number[],
  cfg: Cfg,
  amax?: Amax,
  opts: FastQuantOptions = {},
  pool: PoolOptions = {},
): Promise<RealQuantResult> {
  const threads = pool.threads ?? defaultThreads();
  const single = () => realQuantBf16(bits, shape, cfg, amax, opts);
  const large = bits.length >= (pool.minElements ?? 1 << 20);
  if (large && threads >= 2 && bits.buffer instanceof SharedArrayBuffer) {
    checkShape(bits, shape, 'weight');
    const fp8 = fp8TensorTable(bits, shape, cfg, amax, opts.fp8Divide ?? 'f32');
    if (fp8) return fp8TensorSplit(bits, shape, fp8, threads, opts.weightOut);
  }
  if (Array.isArray(cfg) || !cfg.enable || shape.length < 2 || threads < 2) return single();
  if (bits.length < (pool.minElements ?? 1 << 20)) return single();
  checkShape(bits, shape, 'weight');
  const spec = quantSpec(cfg, shape);
  const rg = rowGroups(spec.granularity, shape);
  const f = spec.format;
  if (rg === null || (spec.dynamic && f.kind !== 'nvfp4' && f.kind !== 'mx')) return single();
  if ((opts.fp8Divide ?? 'f32') !== 'f32' && spec.granularity.kind !== 'tensor') return single();
  // layouts realQuant rejects fail on this thread, with realQuant's own error and exit code
  const cols = shape[shape.length - 1]!;
  if (f.kind === 'int' && f.bits === 4 && shape[shape.length - 2]! % 2 !== 0) return single();
  if ((f.kind === 'nvfp4' || f.kind === 'mx') && (cols % f.blockSize !== 0 || cols % 2 !== 0))
    return single();
  const a1 = amax as AmaxInput | undefined;
  const sliceOpts: FastQuantOptions = { ...opts };
  // workers fill their part of a shared weight output in place; any other buffer stays here
  const out = sharedOut(opts.weightOut);
  delete sliceOpts.weightOut;
  // the amax every slice must use: a scalar, or one entry per group in dim-0 order
  let resolved: number | Float32Array | undefined;
  if (f.kind === 'nvfp4' && f.dynamic) {
    resolved = spec.constantAmax ?? (a1 === undefined ? bf16Amax(bits) : scalarAmax(a1));
  } else if (f.kind !== 'mx') {
    const live = spec.constantAmax === null && a1 === undefined;
    const a = live ? groupAmax(bf16Source(bits, shape), rg) : resolveAmax(EMPTY, shape, spec, a1);
    if (f.kind === 'nvfp4' && opts.globalAmax === undefined) {
      let g = 0;
      for (const v of a) if (v > g) g = v;
      sliceOpts.globalAmax = g;
    }
    resolved = a.length === 1 ? a[0]! : a;
  }
  const dim0 = shape[0]!;
  const inner = numel(shape) / dim0;
  const align = f.kind === 'int' && shape.length === 2 ? 2 : 1; // INT4 packs row pairs
  const units = Math.ceil(dim0 / align);
  const per = Math.ceil(units / threads) * align;
  const groupsPerIndex = typeof resolved === 'object' ? resolved.length / dim0 : 0;
  const shared = bits.buffer instanceof SharedArrayBuffer;
  const outPerIndex = out ? out.byteLength / dim0 : 0; // weight bytes per dim-0 index
  const jobs: Array<Promise<RealQuantResult>> = [];
  for (let d0 = 0, slot = 0; d0 < dim0; d0 += per, slot++) {
    const d1 = Math.min(dim0, d0 + per);
    const part = shared ? bits.subarray(d0 * inner, d1 * inner) : bits.slice(d0 * inner, d1 * inner);
    const task: Omit<RealQuantSliceTask, 'id'> = {
      kind: 'real-quant-bf16',
      bits: part,
      shape: [d1 - d0, ...shape.slice(1)],
      cfg,
      amax:
        typeof resolved === 'object' ? resolved.slice(d0 * groupsPerIndex, d1 * groupsPerIndex) : resolved,
      opts: out ? { ...sliceOpts, weightOut: out.subarray(d0 * outPerIndex, d1 * outPerIndex) } : sliceOpts,
    };
    jobs.push(runOnPool<RealQuantResult>(threads, slot, task, shared ? [] : [part.buffer as ArrayBuffer]));
  }
  const parts = await Promise.all(jobs);
  const result: RealQuantResult = {
    weight: joinWeights(
      parts.map((p) => p.weight),
      out,
    ),
    weight_scale: concat(parts.map((p) => p.weight_scale)),
  };
  if (parts[0]!.weight_scale_2) result.weight_scale_2 = parts[0]!.weight_scale_2;
  return result;
}

/** A weight output backed by a SharedArrayBuffer (workers can write it), else undefined. */
function sharedOut(out: Uint8Array | undefined): Uint8Array | undefined {
  return out?.buffer instanceof SharedArrayBuffer ? out : undefined;
}

/**
 * The slices' weights as one tensor. Slices the workers wrote into the shared output (their data
 * arrives as views of a SharedArrayBuffer; the fast layouts' only one) are already in place.
 */
function joinWeights(parts: PackedTensor[], out: Uint8Array | undefined): PackedTensor {
  const joined = concatShape(parts);
  if (!out || !parts.every((p) => p.data.buffer instanceof SharedArrayBuffer)) return concat(parts);
  const Ctor = parts[0]!.data.constructor as new (
    b: ArrayBufferLike,
    at: number,
    n: number,
  ) => PackedTensor['data'];
  return {
    dtype: parts[0]!.dtype,
    shape: joined,
    data: new Ctor(out.buffer, out.byteOffset, out.byteLength),
  };
}
