/**
 * NVFP4: E2M1 elements in blocks of 16 (or 32) along the last axis, one E4M3 scale per block and
 * one float32 tensor scale. Fake quant (dynamic and static blocks) and the export encoding.
 * Every step is float32 in the order ModelOpt's kernels use; comments mark where order matters.
 */

import { fround } from './float32.js';
import { e2m1Index, E2M1_VALUES } from './fp4.js';
import { decodeE4M3, E4M3_MAX, encodeE4M3, fp8FakeQuantWithAmax, roundE4M3 } from './fp8.js';

/** 6 * 448: maps the tensor amax onto (E2M1 max) x (E4M3 max). */
export const NVFP4_GLOBAL_DIVISOR = 2688;
const MIN_DYNAMIC_SCALE = fround(1e-5);
const GS_FLOOR = fround(1e-12);
const MIN_EXPORT_SCALE = 2 ** -9;

/** Per-tensor scale g_amax / (6 * norm); norm is 448, or 256 for four_over_six. */
export function nvfp4GlobalScale(globalAmax: number, norm = E4M3_MAX): number {
  return fround(globalAmax / (6 * norm));
}

/**
 * Dynamic per-block dequant scale from the block max: fp8(min(bmax / fp32(6 * gs), 448)) * gs,
 * replaced by 1.0 below 1e-5. The divisor uses gs floored at 1e-12 but the product uses raw gs.
 */
export function nvfp4DynamicBlockScale(blockMax: number, gs: number): number {
  const gsSafe = gs > 0 ? gs : GS_FLOOR;
  const ratio = fround(blockMax / fround(6 * gsSafe)); // (6 * gs) is rounded to f32 before dividing
  const clipped = ratio > E4M3_MAX ? E4M3_MAX : ratio;
  const s = fround(roundE4M3(clipped) * gs);
  return s >= MIN_DYNAMIC_SCALE ? s : 1;
}

/** Static per-block dequant scale: FP8 fake quant of amax_b/6 with amax g_amax/6 (norm 448 or 256). */
export function nvfp4StaticBlockScale(blockAmax: number, globalAmax: number, norm = E4M3_MAX): number {
  return fp8FakeQuantWithAmax(fround(blockAmax / 6), fround(globalAmax / 6), norm);
}

/** One element: sign(x) * e2m1(|x| / s) * s, with the kernels' sign test `x >= 0`. */
export function nvfp4QuantValue(x: number, s: number): number {
  const r = fround(E2M1_VALUES[e2m1Index(fround(Math.abs(x) / s))]! * s);
  return x >= 0 ? r : -r;
}

/**
 * Dynamic NVFP4 fake quant of `rows` x `cols` (row-major) into `out`, blocks along each row;
 * a partial last block behaves as zero-padded.
 */
export function nvfp4FakeQuantDynamic(
  x: Float32Array,
  out: Float32Array,
  rows: number,
  cols: number,
  blockSize: number,
  globalAmax: number,
): void {
  const gs = nvfp4GlobalScale(globalAmax);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let b0 = 0; b0 < cols; b0 += blockSize) {
      const end = Math.min(b0 + blockSize, cols);
      let bmax = 0;
      for (let i = base + b0; i < base + end; i++) {
        const a = Math.abs(x[i]!);
        if (a > bmax || a !== a) bmax = a;
      }
      const s = nvfp4DynamicBlockScale(bmax, gs);
      for (let i = base + b0; i < base + end; i++) out[i] = nvfp4QuantValue(x[i]!, s);
    }
  }
}

/**
 * Static NVFP4 fake quant: blocks of `blockSize` over the flat data (right-padded per row), one
 * stored amax per block. A zero (or NaN/Inf) FP8 scale yields an all-zero block.
 */
export function nvfp4FakeQuantStatic(
  x: Float32Array,
  out: Float32Array,
  rows: number,
  cols: number,
  blockSize: number,
  blockAmax: Float32Array,
  globalAmax: number,
  norm = E4M3_MAX,
): void {
  const perRow = Math.ceil(cols / blockSize);
  for (let r = 0; r < rows; r++) {
    for (let bj = 0; bj < perRow; bj++) {
      const s = nvfp4StaticBlockScale(blockAmax[r * perRow + bj]!, globalAmax, norm);
      const start = r * cols + bj * blockSize;
      const end = r * cols + Math.min((bj + 1) * blockSize, cols);
      if (s === 0) {
        for (let i = start; i < end; i++) out[i] = 0;
        continue;
      }
      const safe = Number.isFinite(s) ? s : 1;
      for (let i = start; i < end; i++) out[i] = nvfp4QuantValue(x[i]!, safe);
    }
  }
}

/** Export byte of a block scale from the dynamic rule: s = bmax / fp32(6*ws2); 0 -> 1; clamp; cast. */
export function nvfp4ExportScaleDynamic(blockMax: number, ws2: number): number {
  let s = fround(blockMax / fround(6 * ws2));
  if (s === 0) s = 1;
  s = s < MIN_EXPORT_SCALE ? MIN_EXPORT_SCALE : s > E4M3_MAX ? E4M3_MAX : s;
  return encodeE4M3(s);
}

/** Export byte of a block scale from a stored static amax: fp32(fp32(amax/6 or 1) * norm) / fp32(g/6). */
export function nvfp4ExportScaleStatic(blockAmax: number, globalAmax: number, norm = E4M3_MAX): number {
  let sb = fround(blockAmax / 6);
  if (sb === 0) sb = 1;
  let s = fround(fround(sb * norm) / fround(globalAmax / 6));
  s = s < MIN_EXPORT_SCALE ? MIN_EXPORT_SCALE : s > E4M3_MAX ? E4M3_MAX : s;
  return encodeE4M3(s);
}

/**
 * Export nibbles for one row block: v = x / fp32(fp8(scaleByte) * ws2); sign bit when v < 0.
 * Writes codes[start..end).
 */
export function nvfp4ExportNibbles(
  x: Float32Array,
  codes: Uint8Array,
  start: number,
  end: number,
  scaleByte: number,
  ws2: number,
): void {
  const denom = fround(decodeE4M3(scaleByte) * ws2);
  for (let i = start; i < end; i++) {
    const v = fround(x[i]! / denom);
    codes[i] = (v < 0 ? 8 : 0) | e2m1Index(Math.abs(v));
  }
}
