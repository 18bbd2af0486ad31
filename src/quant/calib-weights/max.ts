/**
 * Data-free `max` calibration of a weight (§3.1 step 3): the MaxCalibrator's amax of the weight
 * under its quantizer's granularity, in ModelOpt's stored shape.
 */

import { MoptError } from '../../errors.js';
import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import { amaxShape, checkShape, reduceAmax } from '../quantizer/amax.js';
import { quantSpec } from '../quantizer/spec.js';

export interface WeightAmax {
  /** amax values, row-major in `shape`. */
  amax: Float32Array;
  /** ModelOpt's stored amax shape ([] per tensor, keepdims per axis, [blocks, 1] per block). */
  shape: number[];
  /** NVFP4 static blocks: the tensor-level amax (max of the block amaxes, or the fused group's). */
  globalAmax?: number;
}

/**
 * max calibration of one weight. Returns null where ModelOpt stores no amax: disabled quantizers,
 * MX formats, dynamic per-token/per-block int/fp8, and constant-amax quantizers. Dynamic NVFP4
 * gets its per-tensor amax. A list cfg (SequentialQuantizer) calibrates every stage on the raw weight.
 */
export function maxCalibrateWeight(
  w: Float32Array,
  shape: readonly number[],
  cfg: QuantizerAttributeConfig | QuantizerAttributeConfig[],
): WeightAmax | null | Array<WeightAmax | null> {
  checkShape(w, shape, 'weight');
  if (Array.isArray(cfg)) return cfg.map((c) => maxCalibrateWeight(w, shape, c) as WeightAmax | null);
  if (!cfg.enable) return null;
  const spec = quantSpec(cfg, shape);
  if (spec.format.kind === 'mx' || spec.constantAmax !== null) return null;
  if (spec.format.kind === 'nvfp4') {
    if (spec.format.dynamic) return { amax: reduceAmax(w, shape, { kind: 'tensor' }), shape: [] };
    const amax = reduceAmax(w, shape, spec.granularity);
    return { amax, shape: amaxShape(spec.granularity, shape), globalAmax: maxOf(amax) };
  }
  if (spec.dynamic) return null;
  return { amax: reduceAmax(w, shape, spec.granularity), shape: amaxShape(spec.granularity, shape) };
}

export function maxOf(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > m || a[i]! !== a[i]!) m = a[i]!;
  return m;
}

/**
 * Shared-state global amax of an NVFP4-static group (q/k/v, gate/up, w1/w3): the max over the
 * members' block amaxes. Writes it into every member and returns it.
 */
export function shareNvfp4GlobalAmax(members: WeightAmax[]): number {
  if (members.length === 0)
    throw new MoptError('QUANT_CALIB', 'an NVFP4 shared-amax group needs at least one member', {
      exitCode: 1,
    });
  let g = 0;
  for (const m of members) {
    const v = maxOf(m.amax);
    if (v > g || v !== v) g = v;
  }
  for (const m of members) m.globalAmax = g;
  return g;
}
