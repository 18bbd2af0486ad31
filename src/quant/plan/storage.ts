/**
 * Projected bytes of one weight in the exported checkpoint (quant-engine.md §4.2): packed elements
 * plus its scale tensors. Unknown or custom formats fall back to the unquantized size.
 */
import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import type { QuantizerState } from './attributes.js';
import { blockInfo, isTuple } from './format.js';

const F32 = 4;

export interface WeightBytes {
  bytes: number;
  /** False when the format has no known export layout (custom formats): sized as unquantized. */
  known: boolean;
}

function elementBits(attrs: QuantizerAttributeConfig): number | null {
  const nb = attrs.num_bits;
  if (typeof nb === 'number') return nb;
  if (Array.isArray(nb)) return 1 + nb[0] + nb[1];
  return null;
}

/** `shape` is `[out, in]` (leading expert dims allowed); blocks run along the last axis. */
function singleBytes(attrs: QuantizerAttributeConfig, shape: number[]): number | null {
  const bits = elementBits(attrs);
  if (bits === null || attrs.backend !== null) return null;
  const numel = shape.reduce((a, b) => a * b, 1);
  const inner = shape[shape.length - 1] ?? 1;
  const rows = numel / inner;
  const packed = Math.ceil((numel * bits) / 8);
  const b = blockInfo(attrs);
  if (!b) return packed + F32 * (attrs.axis === null ? 1 : rows);
  if (b.last === null || b.last === undefined) return packed + F32 * rows; // per-token style: one scale per row
  const blocksPerRow = Math.ceil(inner / b.last);
  if (isTuple(b.scaleBits, 8, 0)) return packed + rows * blocksPerRow; // E8M0 byte per block
  if (isTuple(b.scaleBits, 4, 3)) return packed + rows * blocksPerRow + F32; // E4M3 per block + FP32 tensor scale
  if (typeof b.second === 'number') {
    const outer = shape[shape.length - 2] ?? 1;
    return packed + F32 * (rows / outer) * Math.ceil(outer / b.second) * blocksPerRow;
  }
  return packed + F32 * rows * blocksPerRow; // INT4 AWQ style: FP32 scale per block
}

/**
 * Bytes of a weight under its effective quantizer. A sequential quantizer stores the first stage's
 * packing and scales plus one FP32 scale for each later stage (W4A8: weight_scale_2).
 */
export function weightBytes(
  enabled: boolean,
  attrs: QuantizerAttributeConfig | null,
  seq: QuantizerState[] | null,
  shape: number[],
  dtypeBytes: number,
): WeightBytes {
  const numel = shape.reduce((a, b) => a * b, 1);
  const plain = { bytes: numel * dtypeBytes, known: true };
  if (!enabled) return plain;
  if (seq) {
    const stages = seq.filter((s) => s.enabled);
    const first = stages[0];
    if (!first) return plain;
    const bytes = singleBytes(first.attributes, shape);
    return bytes === null
      ? { ...plain, known: false }
      : { bytes: bytes + F32 * (stages.length - 1), known: true };
  }
  if (!attrs) return plain;
  const bytes = singleBytes(attrs, shape);
  return bytes === null ? { ...plain, known: false } : { bytes, known: true };
}
