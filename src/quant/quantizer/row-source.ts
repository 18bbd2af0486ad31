/**
 * Row-wise access for the fast export path: a weight seen as rows x cols (last axis = columns),
 * either a float32 array or raw bf16 bits decoded a chunk of rows at a time into a reused scratch,
 * plus the amax-group layouts that are constant along runs of a row (tensor, leading-axis
 * per-channel, last-axis blocks).
 */

import { bf16Amax, bf16BlockAmax, bf16DecodeInto } from '../formats/bf16-bits.js';
import type { Granularity } from './spec.js';
import { numel, rowsCols } from './amax.js';
import { absMaxRange } from './pack-kernels.js';

/** Elements decoded per bf16 chunk (256 KiB of float32: stays in L2). */
const CHUNK_ELEMENTS = 1 << 16;

export interface RowSource {
  readonly rows: number;
  readonly cols: number;
  /** Float array holding the rows of the last load. */
  x: Float32Array;
  /** Makes rows [r0, r1) readable in `x` and returns the index of element (r0, 0) there. */
  load(r0: number, r1: number): number;
  /** Rows per load (even, so INT4 row pairs never straddle two loads). */
  readonly chunkRows: number;
  /** max |x| over flat elements [start, end), NaN propagating (reduceAmax's rule). */
  amax(start: number, end: number): number;
  /** The raw bf16 bits, when the source has them (block amax then runs on integers in one loop). */
  readonly bits?: Uint16Array;
}

export function f32Source(w: Float32Array, shape: readonly number[]): RowSource {
  const { rows, cols } = rowsCols(shape);
  return {
    rows,
    cols,
    x: w,
    load: (r0) => r0 * cols,
    chunkRows: rows + (rows % 2),
    amax: (start, end) => absMaxRange(w, start, end),
  };
}

export function bf16Source(bits: Uint16Array, shape: readonly number[]): RowSource {
  const { rows, cols } = rowsCols(shape);
  let chunkRows = Math.max(2, Math.floor(CHUNK_ELEMENTS / Math.max(1, cols)));
  chunkRows += chunkRows % 2;
  const src: RowSource = {
    rows,
    cols,
    x: new Float32Array(Math.min(rows, chunkRows) * cols),
    load: (r0, r1) => {
      bf16DecodeInto(bits, r0 * cols, (r1 - r0) * cols, src.x);
      return 0;
    },
    chunkRows,
    amax: (start, end) => bf16Amax(bits, start, end),
    bits,
  };
  return src;
}

/**
 * Groups as runs along each row: run j of row r covers cols [j*runSize, min((j+1)*runSize, cols))
 * and uses amax index floor(r / rowsPerGroup) * perRow + j.
 */
export interface RowGroups {
  perRow: number;
  runSize: number;
  rowsPerGroup: number;
  count: number;
}

/** The run layout of a granularity, or null when groups are not runs of rows (fall back). */
export function rowGroups(g: Granularity, shape: readonly number[]): RowGroups | null {
  const { rows, cols } = rowsCols(shape);
  if (cols === 0 || rows === 0) return null;
  if (g.kind === 'tensor') return { perRow: 1, runSize: cols, rowsPerGroup: rows, count: 1 };
  if (g.kind === 'block') {
    const perRow = Math.ceil(cols / g.size);
    return { perRow, runSize: g.size, rowsPerGroup: 1, count: rows * perRow };
  }
  if (g.kind === 'axis') {
    // kept dims must be a leading prefix that excludes the last axis: each group is whole rows
    const k = g.keep.length;
    if (k >= shape.length || g.keep.some((d, i) => d !== i)) return null;
    const groups = numel(shape.slice(0, k));
    return { perRow: 1, runSize: cols, rowsPerGroup: rows / groups, count: groups };
  }
  return null;
}

/** reduceAmax under a run layout, read from the source's own data. */
export function groupAmax(src: RowSource, rg: RowGroups): Float32Array {
  const out = new Float32Array(rg.count);
  const { rows, cols } = src;
  if (rg.perRow === 1) {
    const span = rg.rowsPerGroup * cols;
    for (let k = 0; k < rg.count; k++) out[k] = src.amax(k * span, (k + 1) * span);
    return out;
  }
  if (src.bits) return bf16BlockAmax(src.bits, rows, cols, rg.runSize, out);
  for (let r = 0, k = 0; r < rows; r++) {
    for (let c0 = 0; c0 < cols; c0 += rg.runSize, k++)
      out[k] = src.amax(r * cols + c0, r * cols + Math.min(c0 + rg.runSize, cols));
  }
  return out;
}

/**
 * Calls fn(r, xOffsetOfRow) for every row, loading chunks as it goes. fn runs each row's own runs.
 */
export function forEachRow(src: RowSource, fn: (r: number, xOff: number) => void): void {
  for (let r0 = 0; r0 < src.rows; r0 += src.chunkRows) {
    const r1 = Math.min(src.rows, r0 + src.chunkRows);
    const base = src.load(r0, r1);
    for (let r = r0; r < r1; r++) fn(r, base + (r - r0) * src.cols);
  }
}
