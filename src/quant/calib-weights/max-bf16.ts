/**
 * maxCalibrateWeight straight from bf16 bits: the same WeightAmax values, computed as integer maxima
 * of the magnitude bits (no float32 copy) for per-tensor, leading-axis and last-axis-block layouts;
 * other layouts decode and use maxCalibrateWeight itself.
 */

import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import { bf16Amax, bf16Decode } from '../formats/bf16-bits.js';
import { amaxShape, checkShape } from '../quantizer/amax.js';
import { bf16Source, groupAmax, rowGroups } from '../quantizer/row-source.js';
import { quantSpec } from '../quantizer/spec.js';
import { maxCalibrateWeight, maxOf, type WeightAmax } from './max.js';

export function maxCalibrateWeightBf16(
  bits: Uint16Array,
  shape: readonly number[],
  cfg: QuantizerAttributeConfig | QuantizerAttributeConfig[],
): WeightAmax | null | Array<WeightAmax | null> {
  checkShape(bits, shape, 'weight');
  if (Array.isArray(cfg)) return cfg.map((c) => maxCalibrateWeightBf16(bits, shape, c) as WeightAmax | null);
  if (!cfg.enable) return null;
  const spec = quantSpec(cfg, shape);
  if (spec.format.kind === 'mx' || spec.constantAmax !== null) return null;
  if (spec.format.kind === 'nvfp4' && spec.format.dynamic)
    return { amax: Float32Array.of(bf16Amax(bits)), shape: [] };
  if (spec.format.kind !== 'nvfp4' && spec.dynamic) return null;
  const rg = shape.length === 0 ? null : rowGroups(spec.granularity, shape);
  if (rg === null) return maxCalibrateWeight(bf16Decode(bits), shape, cfg);
  const amax = groupAmax(bf16Source(bits, shape), rg);
  const out: WeightAmax = { amax, shape: amaxShape(spec.granularity, shape) };
  if (spec.format.kind === 'nvfp4') out.globalAmax = maxOf(amax);
  return out;
}
