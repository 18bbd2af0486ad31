/**
 * Worker side of realQuantBf16Pooled: exports one dim-0 slice of a bf16 weight with the amax the
 * main thread resolved for it, and hands the result buffers back without copying; or maps a range
 * of shared bf16 bits through a byte table into shared output (per-tensor FP8).
 */

import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import { applyByteTable } from '../formats/bf16-bits.js';
import type { AmaxInput } from './fake-quant.js';
import { realQuantBf16, type FastQuantOptions } from './real-quant-fast.js';
import type { RealQuantResult } from './real-quant.js';

export interface RealQuantSliceTask {
  kind: 'real-quant-bf16';
  id: number;
  bits: Uint16Array;
  shape: number[];
  cfg: QuantizerAttributeConfig;
  amax: AmaxInput | undefined;
  opts: FastQuantOptions;
}

export function runRealQuantSlice(task: RealQuantSliceTask): {
  result: RealQuantResult;
  transfer: ArrayBuffer[];
} {
  const result = realQuantBf16(task.bits, task.shape, task.cfg, task.amax, task.opts);
  const transfer = new Set<ArrayBuffer>();
  for (const t of [result.weight, result.weight_scale, result.weight_scale_2]) {
    const buf = t?.data.buffer;
    if (buf instanceof ArrayBuffer && buf !== task.bits.buffer) transfer.add(buf);
  }
  return { result, transfer: [...transfer] };
}

/** codes = table[bits] over one range; both arrays view SharedArrayBuffers the main thread owns. */
export interface ByteTableTask {
  kind: 'byte-table';
  id: number;
  bits: Uint16Array;
  table: Uint8Array;
  codes: Uint8Array;
}

export function runByteTable(task: ByteTableTask): void {
  applyByteTable(task.bits, task.table, task.codes);
}
