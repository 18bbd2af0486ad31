/**
 * Simulated quantization of a recipe on the reference forward, as ModelOpt's fake-quant model computes it after
 * calibration: each weight fake-quantized with its own max-calibrated amax (§3.1 step 3; MSE-refined for `mse`)
 * as it is loaded, static NVFP4 weights with the global amax shared by their q/k/v or gate/up group (§3.1
 * step 8), and each calibrated activation quantizer fake-quantized with the amax from ActivationStats.
 */
import { maxCalibrateWeight, maxOf, type WeightAmax } from '../quant/calib-weights/max.js';
import { mseCalibrateWeight, type MseOptions } from '../quant/calib-weights/mse.js';
import type { QuantizerAttributeConfig } from '../recipe/types.js';
import type { QuantPlan } from '../quant/plan/index.js';
import { fakeQuant, type AmaxInput } from '../quant/quantizer/fake-quant.js';
import { quantSpec } from '../quant/quantizer/spec.js';
import { FakeQuantTransform, slotConfig } from '../model/forward/observers/fake-quant.js';
import type { WeightTransform } from '../model/forward/observer.js';
import type { ActivationStats } from './activation-stats.js';

/** How weight amaxes are found: max, or max refined by the MSE search (quant-engine §3.2; activations stay max). */
export type WeightMethod = { method: 'max' } | { method: 'mse'; options: MseOptions };

/** Reads another checkpoint tensor as float32 (the siblings of a shared-amax group). */
export type TensorReader = (tensor: string) => Float32Array;

/** ModelOpt's shared-state groups: `(.*)\.(q_proj|k_proj|v_proj)`, `(.*)\.(gate_proj|up_proj)`, `(.*)\.(w1|w3)`. */
const GROUPS = [
  ['q_proj', 'k_proj', 'v_proj'],
  ['gate_proj', 'up_proj'],
  ['w1', 'w3'],
];

function siblings(module: string): string[] {
  const dot = module.lastIndexOf('.');
  const leaf = module.slice(dot + 1);
  const group = GROUPS.find((g) => g.includes(leaf));
  return group ? group.map((g) => `${module.slice(0, dot)}.${g}`) : [module];
}

function isStaticNvfp4(cfg: QuantizerAttributeConfig, shape: readonly number[]): boolean {
  const f = quantSpec(cfg, shape).format;
  return f.kind === 'nvfp4' && !f.dynamic;
}

/**
 * A WeightTransform that calibrates each enabled weight quantizer on the weight and fake-quantizes it.
 * `read` gives the group siblings of static NVFP4 weights; without it each uses its own global amax.
 */
export function simulatedWeights(
  plan: QuantPlan,
  method: WeightMethod = { method: 'max' },
  read?: TensorReader,
): WeightTransform {
  const configs = new Map<string, QuantizerAttributeConfig | QuantizerAttributeConfig[]>();
  for (const p of plan.slots) {
    const cfg = p.slot.kind === 'weight' ? slotConfig(p) : null;
    if (cfg) configs.set(p.slot.name, cfg);
  }
  return (weight, info) => {
    const cfg = configs.get(info.quantizer);
    if (!cfg) return undefined;
    if (Array.isArray(cfg)) {
      const stages = maxCalibrateWeight(weight, info.shape, cfg) as Array<WeightAmax | null>;
      return fakeQuant(
        weight,
        info.shape,
        cfg,
        stages.map((s) => s?.amax),
      );
    }
    let calibrated = maxCalibrateWeight(weight, info.shape, cfg) as WeightAmax | null;
    let globalAmax: number | undefined;
    if (calibrated && read && isStaticNvfp4(cfg, info.shape)) {
      const module = info.quantizer.slice(0, -'.weight_quantizer'.length);
      globalAmax = 0;
      for (const m of siblings(module)) {
        const c = configs.get(`${m}.weight_quantizer`);
        if (m !== module && (!c || Array.isArray(c) || !isStaticNvfp4(c, info.shape))) continue;
        const w = m === module ? weight : read(`${m}.weight`);
        globalAmax = Math.max(globalAmax, maxOf(w.map(Math.abs)));
      }
      calibrated = { ...calibrated, globalAmax };
    }
    if (method.method === 'mse' && calibrated)
      calibrated = mseCalibrateWeight(weight, info.shape, cfg, calibrated, method.options);
    const amax: AmaxInput | undefined = calibrated?.amax;
    return fakeQuant(weight, info.shape, cfg, amax, globalAmax === undefined ? {} : { globalAmax });
  };
}

/** A transform fake-quantizing every enabled activation quantizer with its calibrated amax (per channel when collected). */
export function simulatedActivations(plan: QuantPlan, stats: ActivationStats): FakeQuantTransform {
  return new FakeQuantTransform(plan, (name) => stats.channelAmax?.get(name) ?? stats.amax.get(name));
}
