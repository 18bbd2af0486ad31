/**
 * MX formats (OCP microscaling): blocks of 32 along the last axis share one E8M0 exponent.
 * MXFP8 (E4M3 / E5M2), MXFP6 (E3M2 / E2M3), MXFP4 (E2M1), MXINT8 (int8 in [-127, 127]).
 * Fake quant follows the CUDA kernel's "no clipping" exponent rule; export follows the qtensors.
 */

import { MoptError } from '../../errors.js';
import { clamp, F32_MAX, fround, rint } from './float32.js';
import { E2M1, e2m1NibbleTiesDown } from './fp4.js';
import { E2M3, E3M2 } from './fp6.js';
import { E4M3, E4M3_MAX, E5M2, encodeE4M3 } from './fp8.js';
import { encodeE8M0, mxExportExponent, mxFakeExponent } from './e8m0.js';
import { encodeFast, type MiniFloat } from './minifloat.js';

export const MX_BLOCK_SIZE = 32;

export type MxElement = 'E4M3' | 'E5M2' | 'E3M2' | 'E2M3' | 'E2M1' | 'INT8';

export interface MxElementFormat {
  name: MxElement;
  /** Largest magnitude of the element format (fmax in the exponent rule). */
  max: number;
  /** Round one already-unscaled value onto the element grid (saturating RNE). */
  round: (v: number) => number;
}

function minifloatElement(name: MxElement, fmt: MiniFloat): MxElementFormat {
  const table = fmt.table;
  return { name, max: fmt.maxValue, round: (v) => (v !== v ? NaN : table[encodeFast(fmt, v)]!) };
}

const ELEMENTS: Record<MxElement, MxElementFormat> = {
  E4M3: minifloatElement('E4M3', E4M3),
  E5M2: minifloatElement('E5M2', E5M2),
  E3M2: minifloatElement('E3M2', E3M2),
  E2M3: minifloatElement('E2M3', E2M3),
  E2M1: minifloatElement('E2M1', E2M1),
  INT8: { name: 'INT8', max: 127, round: (v) => clamp(rint(v), -127, 127) },
};

export function mxElement(name: MxElement): MxElementFormat {
  return ELEMENTS[name];
}

/** MX element name for a num_bits value: [e, m] tuples or 8 (MXINT8). */
export function mxElementForNumBits(numBits: number | readonly [number, number]): MxElement {
  if (numBits === 8) return 'INT8';
  if (Array.isArray(numBits)) {
    const name = `E${numBits[0]}M${numBits[1]}`;
    if (name in ELEMENTS && name !== 'INT8') return name as MxElement;
  }
  throw new MoptError(
    'QUANT_FORMAT',
    `num_bits ${JSON.stringify(numBits)} is not an MX element format (e4m3, e5m2, e3m2, e2m3, e2m1 or 8)`,
  );
}

/** MX fake quant of rows x cols in place into `out`, one shared exponent per block along each row. */
export function mxFakeQuant(
  x: Float32Array,
  out: Float32Array,
  rows: number,
  cols: number,
  element: MxElementFormat,
  blockSize = MX_BLOCK_SIZE,
): void {
  const round = element.round;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let b0 = 0; b0 < cols; b0 += blockSize) {
      const end = base + Math.min(b0 + blockSize, cols);
      // the kernel's block max: fmaxf (NaN ignored) of |x| clamped to FLT_MAX (Inf counts as FLT_MAX)
      let amax = 0;
      for (let i = base + b0; i < end; i++) {
        const a = Math.abs(x[i]!);
        if (a > amax) amax = a > F32_MAX ? F32_MAX : a;
      }
      const unscale = 2 ** mxFakeExponent(amax, element.max);
      // dividing/multiplying by a power of two is exact unless it crosses the float32 subnormal range
      for (let i = base + b0; i < end; i++) out[i] = fround(round(fround(x[i]! / unscale)) * unscale);
    }
  }
}

/** Block amax (fp32 abs max) of x[start, end). */
function blockAmax(x: Float32Array, start: number, end: number): number {
  let m = 0;
  for (let i = start; i < end; i++) {
    const a = Math.abs(x[i]!);
    if (a > m || a !== a) m = a;
  }
  return m;
}

export interface MxExport {
  /** E2M1 nibbles (not yet packed) for MXFP4, E4M3 bytes for MXFP8; one per element. */
  codes: Uint8Array;
  /** E8M0 byte per block, row-major [rows, ceil(cols / 32)]. */
  scales: Uint8Array;
}

/** MXFP4 export: e = ceil(log2(amax/6)) floored at -127; nibble ties down; zeros encode as 0x8. */
export function mxfp4Export(
  x: Float32Array,
  rows: number,
  cols: number,
  blockSize = MX_BLOCK_SIZE,
): MxExport {
  return mxExport(x, rows, cols, blockSize, 6, (v) => e2m1NibbleTiesDown(v));
}

/** MXFP8 export: e = clamp(ceil(log2(amax/448)), ±127); byte = fp8(clamp(x * 2^-e, ±448)). */
export function mxfp8Export(
  x: Float32Array,
  rows: number,
  cols: number,
  blockSize = MX_BLOCK_SIZE,
): MxExport {
  return mxExport(x, rows, cols, blockSize, E4M3_MAX, (v) => encodeE4M3(clamp(v, -E4M3_MAX, E4M3_MAX)));
}

function mxExport(
  x: Float32Array,
  rows: number,
  cols: number,
  blockSize: number,
  fmax: number,
  encode: (v: number) => number,
): MxExport {
  const perRow = Math.ceil(cols / blockSize);
  const codes = new Uint8Array(rows * cols);
  const scales = new Uint8Array(rows * perRow);
  for (let r = 0; r < rows; r++) {
    for (let bj = 0; bj < perRow; bj++) {
      const start = r * cols + bj * blockSize;
      const end = r * cols + Math.min((bj + 1) * blockSize, cols);
      const e = mxExportExponent(blockAmax(x, start, end), fmax);
      scales[r * perRow + bj] = encodeE8M0(e);
      const unscale = 2 ** e;
      for (let i = start; i < end; i++) codes[i] = encode(fround(x[i]! / unscale));
    }
  }
  return { codes, scales };
}
