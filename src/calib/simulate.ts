/**
 * Simulated quantization of a recipe on the reference forward, as ModelOpt's fake-quant model computes it after
 * `max` calibration: each weight fake-quantized with its own max-calibrated amax (§3.1 step 3) as it is loaded,
 * each calibrated activation quantizer fake-quantized with the amax from ActivationStats.
 */
import { maxCalibrateWeight, type WeightAmax } from '../quant/calib-weights/max.js';
import { mseCalibrateWeight, type MseOptions } from '../quant/calib-weights/mse.js';
import type { QuantPlan } from '../quant/plan/index.js';
import {
  FakeQuantTransform,
  fakeQuantWeights,
  slotConfig,
  type SlotAmax,
} from '../model/forward/observers/fake-quant.js';
import type { WeightTransform } from '../model/forward/observer.js';
import type { ActivationStats } from './activation-stats.js';

function toSlotAmax(a: WeightAmax | null | Array<WeightAmax | null>): SlotAmax | undefined {
  if (a === null) return undefined;
  if (Array.isArray(a)) return a.map((s) => s?.amax);
  return a.amax;
}

/** How weight amaxes are found: max, or max refined by the MSE search (quant-engine §3.2; activations stay max). */
export type WeightMethod = { method: 'max' } | { method: 'mse'; options: MseOptions };

/** A WeightTransform that calibrates each enabled weight quantizer on the weight and fake-quantizes it. */
export function simulatedWeights(plan: QuantPlan, method: WeightMethod = { method: 'max' }): WeightTransform {
  const configs = new Map(
    plan.slots.filter((p) => p.slot.kind === 'weight').map((p) => [p.slot.name, slotConfig(p)]),
  );
  const amax = new Map<string, SlotAmax>();
  const fake = fakeQuantWeights(plan, (name) => amax.get(name));
  return (weight, info) => {
    const cfg = configs.get(info.quantizer);
    if (!cfg) return undefined;
    let calibrated = maxCalibrateWeight(weight, info.shape, cfg);
    if (method.method === 'mse' && calibrated !== null && !Array.isArray(calibrated) && !Array.isArray(cfg))
      calibrated = mseCalibrateWeight(weight, info.shape, cfg, calibrated, method.options);
    const a = toSlotAmax(calibrated);
    if (a === undefined) amax.delete(info.quantizer);
    else amax.set(info.quantizer, a);
    return fake(weight, info);
  };
}

/** A transform fake-quantizing every enabled activation quantizer with its calibrated amax (per channel when collected). */
export function simulatedActivations(plan: QuantPlan, stats: ActivationStats): FakeQuantTransform {
  return new FakeQuantTransform(plan, (name) => stats.channelAmax?.get(name) ?? stats.amax.get(name));
}
