/**
 * amax layouts and reductions (§2.2): which elements share an amax, the shape ModelOpt stores it
 * in (keepdims for axes, [num_blocks, 1] for last-axis blocks, [..., R/br, 1, C/bc, 1] for 2-D
 * tiles), and the max-|x| reduction. NaN propagates through the max like torch.amax.
 */

import { MoptError } from '../../errors.js';
import type { Granularity } from './spec.js';

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function checkShape(x: ArrayLike<number>, shape: readonly number[], what = 'tensor'): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0)
      throw new MoptError('QUANT_SHAPE', `${what} shape [${shape.join(', ')}] has a bad dimension ${d}`);
  }
  if (x.length !== numel(shape)) {
    throw new MoptError(
      'QUANT_SHAPE',
      `${what} has ${x.length} elements but shape [${shape.join(', ')}] needs ${numel(shape)}`,
    );
  }
}

/** Rows x cols view with the last axis as columns (a 0-d tensor is 1 x 1). */
export function rowsCols(shape: readonly number[]): { rows: number; cols: number } {
  const cols = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  return { rows: cols === 0 ? 0 : numel(shape) / cols, cols };
}

/** The stored amax shape for this granularity. */
export function amaxShape(g: Granularity, shape: readonly number[]): number[] {
  switch (g.kind) {
    case 'tensor':
      return [];
    case 'axis':
      return shape.map((d, i) => (g.keep.includes(i) ? d : 1));
    case 'block': {
      const { rows, cols } = rowsCols(shape);
      return [rows * Math.ceil(cols / g.size), 1];
    }
    case 'block2d': {
      const r = shape[shape.length - 2]!;
      const c = shape[shape.length - 1]!;
      return [...shape.slice(0, -2), Math.ceil(r / g.rows), 1, Math.ceil(c / g.cols), 1];
    }
  }
}

/**
 * Group (amax index) of every element, or null for a per-tensor amax. Built once per call, outside
 * the element loops.
 */
export function groupIndex(g: Granularity, shape: readonly number[]): Int32Array | null {
  const n = numel(shape);
  if (g.kind === 'tensor') return null;
  const idx = new Int32Array(n);
  const rank = shape.length;
  if (g.kind === 'block') {
    const { rows, cols } = rowsCols(shape);
    const perRow = Math.ceil(cols / g.size);
    for (let r = 0, i = 0; r < rows; r++)
      for (let c = 0; c < cols; c++, i++) idx[i] = r * perRow + Math.floor(c / g.size);
    return idx;
  }
  if (g.kind === 'block2d') {
    const R = shape[rank - 2]!;
    const C = shape[rank - 1]!;
    const nbR = Math.ceil(R / g.rows);
    const nbC = Math.ceil(C / g.cols);
    const lead = n / (R * C || 1);
    for (let l = 0, i = 0; l < lead; l++)
      for (let r = 0; r < R; r++)
        for (let c = 0; c < C; c++, i++)
          idx[i] = (l * nbR + Math.floor(r / g.rows)) * nbC + Math.floor(c / g.cols);
    return idx;
  }
  // axis: odometer over the multi-index; kept dims contribute with the amax tensor's strides
  const aStride = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (g.keep.includes(d)) {
      aStride[d] = s;
      s *= shape[d]!;
    }
  }
  const counter = new Array<number>(rank).fill(0);
  let cur = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = cur;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      cur += aStride[d]!;
      if (counter[d]! < shape[d]!) break;
      cur -= aStride[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
  return idx;
}

/** max |x| per group (the MaxCalibrator's reduce_amax); all-zero groups give 0. */
export function reduceAmax(x: Float32Array, shape: readonly number[], g: Granularity): Float32Array {
  const size = numel(amaxShape(g, shape));
  const out = new Float32Array(size);
  const idx = groupIndex(g, shape);
  if (idx === null) {
    let m = 0;
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]!);
      if (a > m || a !== a) m = a;
    }
    out[0] = m;
    return out;
  }
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    const k = idx[i]!;
    if (a > out[k]! || a !== a) out[k] = a;
  }
  return out;
}
