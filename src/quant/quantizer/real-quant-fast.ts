/**
 * Fast real quantization for export: the same results as realQuant (the plain reference beside it),
 * bit for bit, from float32 weights or straight from bf16 bits. Fused loops, no per-element group
 * index, scales per run of a row, nibbles packed as they are made; bf16 sources are decoded a
 * chunk of rows at a time, and per-tensor FP8 of bf16 is one 64K-entry table lookup per element.
 * Layouts without a fast loop (2-D tiles, odd axis sets, MXFP8, W4A8 lists) use realQuant.
 */

import { MoptError } from '../../errors.js';
import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import {
  applyByteTable,
  BF16_INF_BITS,
  bf16Amax,
  bf16BitsToNumber,
  bf16BlockMaxMagnitude,
  bf16Decode,
  fp8CodeTableBf16,
  type Fp8DivideMode,
} from '../formats/bf16-bits.js';
import { castE4M3Torch, decodeE4M3 } from '../formats/fp8.js';
import { encodeE8M0, mxExportExponent } from '../formats/e8m0.js';
import { nvfp4ExportScaleDynamic, nvfp4ExportScaleStatic, nvfp4GlobalScale } from '../formats/nvfp4.js';
import { checkShape } from './amax.js';
import { exportAmax, exportAmaxShape } from './export-amax.js';
import { resolveAmax, scalarAmax, type AmaxInput } from './fake-quant.js';
import { fp8EncodeRange, intEncodeRange, mxfp4PackRow, nvfp4PackRow } from './pack-kernels.js';
import { realQuant, type RealQuantOptions, type RealQuantResult } from './real-quant.js';
import {
  bf16Source,
  f32Source,
  forEachRow,
  groupAmax,
  rowGroups,
  type RowGroups,
  type RowSource,
} from './row-source.js';
import { bf16Simd, INT4_WINDOW } from '../simd/bf16-kernels.js';
import type { Fp4Rule } from '../simd/fp4-kernel.js';
import { quantSpec, type QuantSpec } from './spec.js';
import { fp8ReferenceBf16 } from './real-quant-bf16-reference.js';

type Cfg = QuantizerAttributeConfig | QuantizerAttributeConfig[];
type Amax = AmaxInput | Array<AmaxInput | undefined>;

/** Per-tensor FP8 of at least this many bf16 elements builds the 64K code table (~0.6 ms to build). */
export const FP8_TABLE_MIN_ELEMENTS = 1 << 17;

export interface FastQuantOptions extends RealQuantOptions {
  /** bf16 sources, FP8 only: how W / ws is rounded before the E4M3 cast (default 'f32'). */
  fp8Divide?: Fp8DivideMode;
  /**
   * Where the exported weight's bytes go (a reused or shared buffer of exactly that many bytes) on
   * the fast layouts; default a new array. The layouts realQuant handles allocate their own.
   */
  weightOut?: Uint8Array;
}

/** The weight output buffer: opts.weightOut when given (it must be exactly `bytes` long), else new. */
function weightBuffer(opts: FastQuantOptions, bytes: number): Uint8Array {
  const out = opts.weightOut;
  if (!out) return new Uint8Array(bytes);
  if (out.byteLength !== bytes)
    throw exportError(`internal: weight output of ${out.byteLength} bytes given, ${bytes} needed`);
  return out;
}

function exportError(message: string): MoptError {
  return new MoptError('QUANT_EXPORT', message);
}

const EMPTY = new Float32Array(0);

/** resolveAmax without the tensor: stored or constant amax as given, else the source's own reduce. */
function resolve(
  src: RowSource,
  shape: readonly number[],
  spec: QuantSpec,
  rg: RowGroups,
  amax?: AmaxInput,
): Float32Array {
  if (spec.constantAmax === null && (spec.dynamic || amax === undefined)) return groupAmax(src, rg);
  return resolveAmax(EMPTY, shape, spec, amax); // never reads x on these branches
}

/** realQuant(w, ...) with fused loops; identical output. */
export function realQuantFast(
  w: Float32Array,
  shape: readonly number[],
  cfg: Cfg,
  amax?: Amax,
  opts: RealQuantOptions = {},
): RealQuantResult {
  checkShape(w, shape, 'weight');
  return run(f32Source(w, shape), shape, cfg, amax, opts) ?? realQuant(w, shape, cfg, amax, opts);
}

/**
 * realQuant(bf16 decoded to float32, ...) computed from the bf16 bits, never holding a float32 copy
 * on the fast layouts. fp8Divide 'bf16-intermediate' rounds FP8 quotients to bf16 (ModelOpt's
 * bf16 export) and exists only here.
 */
export function realQuantBf16(
  bits: Uint16Array,
  shape: readonly number[],
  cfg: Cfg,
  amax?: Amax,
  opts: FastQuantOptions = {},
): RealQuantResult {
  checkShape(bits, shape, 'weight');
  const mode = opts.fp8Divide ?? 'f32';
  const fp8 = fp8TensorTable(bits, shape, cfg, amax, mode);
  if (fp8) {
    const codes = applyByteTable(bits, fp8.table, weightBuffer(opts, bits.length));
    return fp8TensorResult(shape, fp8.ws, codes);
  }
  if (!Array.isArray(cfg) && cfg.enable) {
    const spec = quantSpec(cfg, shape);
    if (mode !== 'f32' && spec.format.kind === 'fp8')
      return fp8ReferenceBf16(bits, shape, spec, amax as AmaxInput | undefined, mode);
  }
  return (
    run(bf16Source(bits, shape), shape, cfg, amax, opts) ??
    realQuant(bf16Decode(bits), shape, cfg, amax, opts)
  );
}

/**
 * Per-tensor FP8 of bf16 bits as a byte table: the scale (ModelOpt's amax / 448) and the E4M3 code
 * of every bf16 pattern under it, or null when the config is not per-tensor FP8 on the table path.
 */
export function fp8TensorTable(
  bits: Uint16Array,
  shape: readonly number[],
  cfg: Cfg,
  amax: Amax | undefined,
  mode: Fp8DivideMode,
): { ws: Float32Array; table: Uint8Array } | null {
  if (Array.isArray(cfg) || !cfg.enable) return null;
  const spec = quantSpec(cfg, shape);
  if (spec.format.kind !== 'fp8' || spec.granularity.kind !== 'tensor') return null;
  if (mode === 'f32' && bits.length < FP8_TABLE_MIN_ELEMENTS) return null;
  const a1 = amax as AmaxInput | undefined;
  const a =
    spec.constantAmax === null && (spec.dynamic || a1 === undefined)
      ? Float32Array.of(bf16Amax(bits))
      : resolveAmax(EMPTY, shape, spec, a1);
  const ws = Float32Array.of(Math.fround(a[0]! / 448));
  return { ws, table: fp8CodeTableBf16(ws[0]!, mode, fp8EncodeRange) };
}

/** The result of per-tensor FP8 from its scale and codes. */
export function fp8TensorResult(
  shape: readonly number[],
  ws: Float32Array,
  codes: Uint8Array,
): RealQuantResult {
  return {
    weight: { dtype: 'F8_E4M3', shape: [...shape], data: codes },
    weight_scale: { dtype: 'F32', shape: [], data: ws },
  };
}

/** The fast layouts; null means "use realQuant" (errors are then realQuant's own). */
function run(
  src: RowSource,
  shape: readonly number[],
  cfg: Cfg,
  amax: Amax | undefined,
  opts: FastQuantOptions,
): RealQuantResult | null {
  if (Array.isArray(cfg) || !cfg.enable || shape.length === 0) return null;
  const spec = quantSpec(cfg, shape);
  const rg = rowGroups(spec.granularity, shape);
  if (rg === null) return null;
  const f = spec.format;
  const a1 = amax as AmaxInput | undefined;
  if (f.kind === 'fp8') return fp8(src, shape, spec, rg, a1, opts);
  if (f.kind === 'int') {
    if (f.bits !== 8 && f.bits !== 4) return null;
    if (f.bits === 4 && (shape.length < 2 || shape[shape.length - 2]! % 2 !== 0)) return null;
    return int(src, shape, spec, rg, a1, opts);
  }
  if (f.kind === 'nvfp4') {
    if (f.blockSize % 2 !== 0 || src.cols % f.blockSize !== 0) return null;
    return nvfp4(src, shape, spec, rg, a1, opts);
  }
  if (f.element === 'E2M1' && f.blockSize % 2 === 0 && src.cols % f.blockSize === 0)
    return mxfp4(src, shape, f.blockSize, opts);
  return null;
}

function fp8(
  src: RowSource,
  shape: readonly number[],
  spec: QuantSpec,
  rg: RowGroups,
  amax: AmaxInput | undefined,
  opts: FastQuantOptions,
): RealQuantResult {
  const a = resolve(src, shape, spec, rg, amax);
  const ws = new Float32Array(a.length);
  for (let k = 0; k < a.length; k++) ws[k] = Math.fround(a[k]! / 448);
  const { cols } = src;
  const codes = weightBuffer(opts, src.rows * cols);
  const simd = src.bits ? bf16Simd() : null;
  if (simd) {
    // each run straight from the bits: SIMD for its multiple of 16, the scalar cast for the rest
    const bits = src.bits!;
    for (let r = 0; r < src.rows; r++) {
      const g0 = Math.floor(r / rg.rowsPerGroup) * rg.perRow;
      for (let j = 0, c0 = 0; c0 < cols; j++, c0 += rg.runSize) {
        const len = Math.min(rg.runSize, cols - c0);
        const at = r * cols + c0;
        const w = ws[g0 + j]!;
        const body = len & ~15;
        simd.fp8Codes(bits, at, body, w, false, codes);
        for (let i = at + body; i < at + len; i++)
          codes[i] = castE4M3Torch(Math.fround(bf16BitsToNumber(bits[i]!) / w));
      }
    }
  } else
    forEachRow(src, (r, xOff) => {
      const g0 = Math.floor(r / rg.rowsPerGroup) * rg.perRow;
      for (let j = 0, c0 = 0; c0 < cols; j++, c0 += rg.runSize) {
        const len = Math.min(rg.runSize, cols - c0);
        fp8EncodeRange(src.x, xOff + c0, len, ws[g0 + j]!, codes, r * cols + c0);
      }
    });
  return {
    weight: { dtype: 'F8_E4M3', shape: [...shape], data: codes },
    weight_scale: {
      dtype: 'F32',
      shape: spec.granularity.kind === 'tensor' ? [] : exportAmaxShape(spec, shape),
      data: ws,
    },
  };
}

function int(
  src: RowSource,
  shape: readonly number[],
  spec: QuantSpec,
  rg: RowGroups,
  amax: AmaxInput | undefined,
  opts: FastQuantOptions,
): RealQuantResult {
  const f = spec.format;
  if (f.kind !== 'int') throw exportError('internal: not an INT spec');
  const ea = exportAmax(resolve(src, shape, spec, rg, amax), spec, shape);
  const ws = new Float32Array(ea.data.length);
  for (let k = 0; k < ws.length; k++) ws[k] = Math.fround(ea.data[k]! / f.bounds.maxBound);
  const { cols, rows } = src;
  const { minBound: lo, maxBound: hi } = f.bounds;
  const scale = {
    dtype: 'F32' as const,
    shape: spec.granularity.kind === 'tensor' ? [] : ea.shape,
    data: ws,
  };
  const rowCodes = (r: number, xOff: number, out: Int8Array, oStart: number): void => {
    const g0 = Math.floor(r / rg.rowsPerGroup) * rg.perRow;
    for (let j = 0, c0 = 0; c0 < cols; j++, c0 += rg.runSize)
      intEncodeRange(
        src.x,
        xOff + c0,
        Math.min(rg.runSize, cols - c0),
        ws[g0 + j]!,
        lo,
        hi,
        out,
        oStart + c0,
      );
  };
  if (f.bits === 8) {
    const bytes = weightBuffer(opts, rows * cols);
    const codes = new Int8Array(bytes.buffer, bytes.byteOffset, rows * cols);
    forEachRow(src, (r, xOff) => rowCodes(r, xOff, codes, r * cols));
    return { weight: { dtype: 'I8', shape: [...shape], data: codes }, weight_scale: scale };
  }
  // INT4: two's-complement nibbles of rows 2p (low) and 2p+1 (high) share one byte per column
  const packed = weightBuffer(opts, (rows * cols) / 2);
  const outShape = [...shape];
  outShape[outShape.length - 2] = shape[shape.length - 2]! / 2;
  const simd = src.bits ? bf16Simd() : null;
  const simdLayout = rg.runSize % 8 === 0 && cols % rg.runSize === 0 && cols <= INT4_WINDOW / 2;
  if (simd && simdLayout && rows % 2 === 0) {
    const rowWs = new Float32Array(rows * rg.perRow); // each row's run scales, in row order
    for (let r = 0; r < rows; r++) {
      const g0 = Math.floor(r / rg.rowsPerGroup) * rg.perRow;
      rowWs.set(ws.subarray(g0, g0 + rg.perRow), r * rg.perRow);
    }
    simd.int4Pack(src.bits!, rows, cols, rg.runSize, rowWs, lo, hi, packed);
    return { weight: { dtype: 'U8', shape: outShape, data: packed }, weight_scale: scale };
  }
  const pair = new Int8Array(2 * cols);
  forEachRow(src, (r, xOff) => {
    rowCodes(r, xOff, pair, (r & 1) * cols);
    if ((r & 1) === 0) return;
    const dst = ((r - 1) / 2) * cols;
    for (let c = 0; c < cols; c++) packed[dst + c] = (pair[c]! & 0xf) | ((pair[cols + c]! & 0xf) << 4);
  });
  return { weight: { dtype: 'U8', shape: outShape, data: packed }, weight_scale: scale };
}

/**
 * Per-call working arrays reused across calls on this thread (block maxima, block denominators):
 * fresh multi-megabyte arrays cost a page fault per 4 KiB on every tensor. Never returned to callers.
 */
const scratch = (() => {
  let u16 = new Uint16Array(0);
  let f32 = new Float32Array(0);
  let f32b = new Float32Array(0);
  return {
    u16(n: number): Uint16Array {
      if (u16.length < n) u16 = new Uint16Array(n);
      return u16.subarray(0, n);
    },
    f32(n: number): Float32Array {
      if (f32.length < n) f32 = new Float32Array(n);
      return f32.subarray(0, n);
    },
    /** A second float32 array, for per-16-element denominators built from f32()'s block values. */
    f32x16(n: number): Float32Array {
      if (f32b.length < n) f32b = new Float32Array(n);
      return f32b.subarray(0, n);
    },
  };
})();

/** NVFP4 tensors with at least this many blocks map bf16 block magnitudes to scale bytes by table. */
const SCALE_TABLE_MIN_BLOCKS = 1 << 16;

/** Largest entry of `mags` not above `limit` (limit 0x7F80 skips NaN blocks, 0x7FFF keeps them). */
function maxOf16(mags: Uint16Array, limit: number): number {
  let m = 0;
  for (let i = 0; i < mags.length; i++) {
    const v = mags[i]!;
    if (v > m && v <= limit) m = v;
  }
  return m;
}

/** The amax a block-magnitude pattern stands for (NaN above Inf, as reduceAmax gives). */
function magnitudeValue(m: number): number {
  return m > BF16_INF_BITS ? NaN : bf16BitsToNumber(m);
}

/** out[b] = rule(amax of block b), evaluated once per pattern between the smallest and largest seen. */
function byTable(mags: Uint16Array, out: Uint8Array, rule: (amax: number) => number): void {
  let lo = 0x7fff;
  let hi = 0;
  for (let b = 0; b < mags.length; b++) {
    const m = mags[b]!;
    if (m < lo) lo = m;
    if (m > hi) hi = m;
  }
  const table = new Uint8Array(Math.max(0, hi - lo + 1));
  for (let m = lo; m <= hi; m++) table[m - lo] = rule(magnitudeValue(m));
  for (let b = 0; b < mags.length; b++) out[b] = table[mags[b]! - lo]!;
}

function maxIgnoringNaN(a: Float32Array): number {
  let g = 0;
  for (const v of a) if (v > g) g = v;
  return g;
}

function nvfp4(
  src: RowSource,
  shape: readonly number[],
  spec: QuantSpec,
  rg: RowGroups,
  amax: AmaxInput | undefined,
  opts: FastQuantOptions,
): RealQuantResult {
  const f = spec.format;
  if (f.kind !== 'nvfp4') throw exportError('internal: not an NVFP4 spec');
  const { rows, cols } = src;
  const bs = f.blockSize;
  // block maxima feed the dynamic rule and a static quantizer without a stored amax; from bf16 with
  // many blocks each is one of 32768 magnitudes, so its scale byte becomes a table lookup
  const needMax = f.dynamic || (spec.constantAmax === null && amax === undefined);
  const mags =
    needMax && src.bits && rg.count >= SCALE_TABLE_MIN_BLOCKS
      ? bf16BlockMaxMagnitude(src.bits, rows, cols, bs, scratch.u16(rg.count))
      : null;
  const blockMax = needMax && !mags ? groupAmax(src, rg) : null;
  const scales = new Uint8Array(rg.count);
  let ws2: number;
  if (f.dynamic) {
    let wAmax = spec.constantAmax;
    if (wAmax === null) {
      if (amax !== undefined) wAmax = scalarAmax(amax);
      else if (mags) wAmax = magnitudeValue(maxOf16(mags, 0x7fff));
      else {
        wAmax = 0; // the tensor max is the NaN-propagating max of the block maxima
        for (const v of blockMax!) if (v > wAmax || v !== v) wAmax = v;
      }
    }
    const s2 = Math.fround(wAmax / (opts.scale2Divisor ?? 2688));
    ws2 = s2;
    if (mags) byTable(mags, scales, (a) => nvfp4ExportScaleDynamic(a, s2));
    else for (let b = 0; b < scales.length; b++) scales[b] = nvfp4ExportScaleDynamic(blockMax![b]!, s2);
  } else {
    const live = spec.constantAmax === null && amax === undefined;
    const bAmax = live ? blockMax : resolveAmax(EMPTY, shape, spec, amax);
    const norm = f.fourOverSix ? 256 : 448;
    const g =
      opts.globalAmax ?? (bAmax ? maxIgnoringNaN(bAmax) : magnitudeValue(maxOf16(mags!, BF16_INF_BITS)));
    ws2 = nvfp4GlobalScale(g, norm);
    if (bAmax) for (let b = 0; b < scales.length; b++) scales[b] = nvfp4ExportScaleStatic(bAmax[b]!, g, norm);
    else byTable(mags!, scales, (a) => nvfp4ExportScaleStatic(a, g, norm));
  }
  const denoms = new Float32Array(256);
  for (let s = 0; s < 256; s++) denoms[s] = Math.fround(decodeE4M3(s) * ws2);
  const perRow = cols / bs;
  const blockDenom = scratch.f32(scales.length);
  for (let b = 0; b < scales.length; b++) blockDenom[b] = denoms[scales[b]!]!;
  const packed = weightBuffer(opts, (rows * cols) / 2);
  if (!fp4PackSimd('nvfp4', src, bs, blockDenom, packed))
    forEachRow(src, (r, xOff) =>
      nvfp4PackRow(src.x, xOff, cols, bs, blockDenom, r * perRow, packed, (r * cols) / 2),
    );
  const lead = shape.slice(0, -1);
  return {
    weight: { dtype: 'U8', shape: [...lead, cols / 2], data: packed },
    weight_scale: { dtype: 'F8_E4M3', shape: [...lead, perRow], data: scales },
    weight_scale_2: { dtype: 'F32', shape: [], data: Float32Array.of(ws2) },
  };
}

/**
 * FP4 nibbles straight from the bf16 bits by the SIMD kernel (one denominator per 16 elements,
 * so a block of 32 repeats its own); false when there are no bits, no SIMD or blocks of another size.
 */
function fp4PackSimd(
  rule: Fp4Rule,
  src: RowSource,
  bs: number,
  blockDenoms: ArrayLike<number>,
  packed: Uint8Array,
): boolean {
  const simd = src.bits && bs % 16 === 0 ? bf16Simd() : null;
  if (!simd) return false;
  const per16 = bs / 16;
  let denoms: Float32Array;
  if (per16 === 1 && blockDenoms instanceof Float32Array) denoms = blockDenoms;
  else {
    denoms = scratch.f32x16((src.rows * src.cols) / 16);
    for (let k = 0; k < denoms.length; k++) denoms[k] = blockDenoms[Math.floor(k / per16)]!;
  }
  simd.fp4Pack(rule, src.bits!, 0, src.rows * src.cols, denoms, 0, packed, 0);
  return true;
}

function mxfp4(
  src: RowSource,
  shape: readonly number[],
  bs: number,
  opts: FastQuantOptions,
): RealQuantResult {
  const { rows, cols } = src;
  const perRow = cols / bs;
  const blockMax = groupAmax(src, { perRow, runSize: bs, rowsPerGroup: 1, count: rows * perRow });
  const scales = new Uint8Array(blockMax.length);
  const unscale = new Float64Array(blockMax.length);
  for (let b = 0; b < scales.length; b++) {
    const e = mxExportExponent(blockMax[b]!, 6);
    scales[b] = encodeE8M0(e);
    unscale[b] = 2 ** e;
  }
  const packed = weightBuffer(opts, (rows * cols) / 2);
  // 2^e in float32 divides exactly as in float64 (the scalar path); e8m0's extremes stay scalar
  const exact = unscale.every((u) => Math.fround(u) === u && u >= 2 ** -126);
  if (!exact || !fp4PackSimd('mxfp4', src, bs, unscale, packed))
    forEachRow(src, (r, xOff) =>
      mxfp4PackRow(src.x, xOff, cols, bs, unscale, r * perRow, packed, (r * cols) / 2),
    );
  const lead = shape.slice(0, -1);
  return {
    weight: { dtype: 'U8', shape: [...lead, cols / 2], data: packed },
    weight_scale: { dtype: 'U8', shape: [...lead, perRow], data: scales },
  };
}
