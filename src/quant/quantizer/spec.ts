/**
 * Reads a QuantizerAttributeConfig (and a tensor shape) into the concrete numeric recipe the
 * kernels run: element format plus amax granularity (§2.2 of the quant-engine spec).
 */

import { MoptError } from '../../errors.js';
import type { BlockSizeValue, QuantizerAttributeConfig } from '../../recipe/types.js';
import { intBounds, type IntBounds } from '../formats/int.js';
import { mxElementForNumBits, type MxElement } from '../formats/mx.js';

export type QuantFormat =
  | { kind: 'int'; bits: number; bounds: IntBounds }
  | { kind: 'fp8' }
  | { kind: 'nvfp4'; blockSize: number; dynamic: boolean; fourOverSix: boolean }
  | { kind: 'mx'; element: MxElement; blockSize: number };

/** How amax is shared: one per tensor, per kept axes, per last-axis block, or per 2-D tile. */
export type Granularity =
  | { kind: 'tensor' }
  | { kind: 'axis'; keep: number[] }
  | { kind: 'block'; size: number }
  | { kind: 'block2d'; rows: number; cols: number };

export interface QuantSpec {
  format: QuantFormat;
  granularity: Granularity;
  /** amax is computed from the live tensor on every call (type dynamic, per-token FP8). */
  dynamic: boolean;
  /** Fixed amax from use_constant_amax (448) or constant_amax, if any. */
  constantAmax: number | null;
}

function bad(message: string): MoptError {
  return new MoptError('QUANT_CONFIG', message);
}

function isPair(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number';
}

function intKeys(bs: Map<number | string, BlockSizeValue>): Array<[number, BlockSizeValue]> {
  const out: Array<[number, BlockSizeValue]> = [];
  for (const [k, v] of bs) if (typeof k === 'number') out.push([k, v]);
  return out;
}

function normAxis(axis: number, rank: number, shape: readonly number[]): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw bad(`axis ${axis} is out of range for a tensor of shape [${shape.join(', ')}]`);
  }
  return a;
}

/** Builds the QuantSpec of `cfg` for a tensor of `shape`. */
export function quantSpec(cfg: QuantizerAttributeConfig, shape: readonly number[]): QuantSpec {
  if (cfg.backend !== null)
    throw bad(`quantizer backend '${cfg.backend}' is not supported by the built-in numerics`);
  const rank = shape.length;
  const bs = cfg.block_sizes;
  const bsType = bs?.get('type');
  const scaleBits = bs?.get('scale_bits');
  const blocked = bs ? intKeys(bs).filter(([, v]) => v !== null) : [];
  const nb = cfg.num_bits;
  const constantAmax = cfg.use_constant_amax ? 448 : cfg.constant_amax;
  const dynamic = cfg.type === 'dynamic' || bsType === 'dynamic';

  let format: QuantFormat;
  if (isPair(scaleBits) && scaleBits[0] === 8 && scaleBits[1] === 0) {
    const size = blocked.find(([k]) => normAxis(k, rank, shape) === rank - 1)?.[1];
    if (typeof size !== 'number')
      throw bad('MX quantization needs a block size on the last axis (block_sizes {-1: 32})');
    format = { kind: 'mx', element: mxElementForNumBits(nb as number | [number, number]), blockSize: size };
    return { format, granularity: { kind: 'block', size }, dynamic: true, constantAmax: null };
  }
  if (isPair(nb) && nb[0] === 2 && nb[1] === 1) {
    const size = blocked.length === 1 ? blocked[0]![1] : undefined;
    if (typeof size !== 'number' || normAxis(blocked[0]![0], rank, shape) !== rank - 1) {
      throw bad(
        'NVFP4 (num_bits e2m1) needs exactly one block size, on the last axis (block_sizes {-1: 16})',
      );
    }
    if (!(isPair(scaleBits) && scaleBits[0] === 4 && scaleBits[1] === 3)) {
      throw bad(
        'e2m1 blocks need scale_bits e4m3 (NVFP4) or e8m0 (MX); other block-scale formats are not built in',
      );
    }
    const fos: unknown = bs?.get('four_over_six');
    const fourOverSix = fos === true || fos === 1; // validation coerces true to 1
    if (fourOverSix && dynamic)
      throw bad('four_over_six is only supported with static NVFP4 blocks (type: static)');
    format = { kind: 'nvfp4', blockSize: size, dynamic, fourOverSix };
    return { format, granularity: { kind: 'block', size }, dynamic, constantAmax };
  }
  if (isPair(nb)) {
    if (nb[0] !== 4 || nb[1] !== 3)
      throw bad(`num_bits (${nb[0]}, ${nb[1]}) is only supported inside MX blocks (scale_bits e8m0)`);
    format = { kind: 'fp8' };
  } else if (typeof nb === 'number') {
    format = { kind: 'int', bits: nb, bounds: intBounds(nb, cfg.unsigned, cfg.narrow_range) };
  } else {
    throw bad(
      `num_bits '${String(nb)}' names a custom backend format; only integer and ExMy formats are built in`,
    );
  }

  let granularity: Granularity;
  if (bs && intKeys(bs).length > 0 && blocked.length === 0) {
    // every block value is None: the listed dims are reduced, the others keep their own amax
    const reduced = new Set(intKeys(bs).map(([k]) => normAxis(k, rank, shape)));
    const keep = [...Array(rank).keys()].filter((d) => !reduced.has(d));
    granularity = keep.length === 0 ? { kind: 'tensor' } : { kind: 'axis', keep };
  } else if (blocked.length === 1 && normAxis(blocked[0]![0], rank, shape) === rank - 1) {
    granularity = { kind: 'block', size: checkSize(blocked[0]![1]) };
  } else if (blocked.length === 2) {
    const byAxis = new Map(blocked.map(([k, v]) => [normAxis(k, rank, shape), checkSize(v)]));
    const cols = byAxis.get(rank - 1);
    const rows = byAxis.get(rank - 2);
    if (cols === undefined || rows === undefined)
      throw bad('2-D block quantization needs block sizes on the last two axes (-1 and -2)');
    granularity = { kind: 'block2d', rows, cols };
  } else if (blocked.length > 0) {
    throw bad('block quantization is supported on the last axis, or on the last two axes');
  } else if (cfg.axis === null) {
    granularity = { kind: 'tensor' };
  } else {
    const axes = Array.isArray(cfg.axis) ? cfg.axis : [cfg.axis];
    granularity = {
      kind: 'axis',
      keep: [...new Set(axes.map((a) => normAxis(a, rank, shape)))].sort((a, b) => a - b),
    };
  }
  return { format, granularity, dynamic, constantAmax };
}

function checkSize(v: BlockSizeValue): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw bad(`block size ${JSON.stringify(v)} must be a positive integer`);
  return v;
}
