/**
 * Simulated quantization on the reference forward: a transform that fake-quantizes every enabled
 * activation quantizer of a plan (linear inputs/outputs, q/k/v_bmm) with its calibrated amax, and a
 * WeightTransform that fake-quantizes every enabled weight quantizer's weight as it is loaded.
 */
import { MoptError } from '../../../errors.js';
import type { QuantizerAttributeConfig } from '../../../recipe/types.js';
import type { PlannedSlot, QuantPlan } from '../../../quant/plan/index.js';
import { fakeQuant, type AmaxInput } from '../../../quant/quantizer/fake-quant.js';
import { quantSpec } from '../../../quant/quantizer/spec.js';
import type { ForwardObserver, PointInfo, WeightTransform } from '../observer.js';

/** A slot's amax: one value/array, or one per stage of a sequential quantizer. */
export type SlotAmax = AmaxInput | Array<AmaxInput | undefined>;
export type AmaxLookup = ReadonlyMap<string, SlotAmax> | ((name: string) => SlotAmax | undefined);

const ACTIVATION_KINDS = new Set(['input', 'output', 'q_bmm', 'k_bmm', 'v_bmm']);

/** The attributes fakeQuant takes for a planned slot: one config, or the sequential stages. */
export function slotConfig(p: PlannedSlot): QuantizerAttributeConfig | QuantizerAttributeConfig[] | null {
  if (!p.enabled) return null;
  if (p.sequential) return p.sequential.map((s) => ({ ...s.attributes, enable: s.enabled }));
  return p.attributes;
}

function lookup(amax: AmaxLookup | undefined, name: string): SlotAmax | undefined {
  if (amax === undefined) return undefined;
  return typeof amax === 'function' ? amax(name) : amax.get(name);
}

/** Static quantizers need a calibrated amax; dynamic and constant-amax ones compute or fix their own. */
function needsAmax(
  cfg: QuantizerAttributeConfig | QuantizerAttributeConfig[],
  shape: readonly number[],
): boolean {
  const stages = Array.isArray(cfg) ? cfg : [cfg];
  return stages.some((c) => {
    if (!c.enable) return false;
    const spec = quantSpec(c, shape);
    return !spec.dynamic && spec.constantAmax === null;
  });
}

export class FakeQuantTransform implements ForwardObserver {
  private readonly configs = new Map<string, QuantizerAttributeConfig | QuantizerAttributeConfig[]>();

  /** `amax`: calibrated values by quantizer name (e.g. from AmaxObserver); a static quantizer without one is an error. */
  constructor(
    plan: QuantPlan,
    private readonly amax?: AmaxLookup,
  ) {
    for (const p of plan.slots) {
      const cfg = ACTIVATION_KINDS.has(p.slot.kind) ? slotConfig(p) : null;
      if (cfg) this.configs.set(p.slot.name, cfg);
    }
  }

  wants(name: string): boolean {
    return this.configs.has(name);
  }

  transform(name: string, x: Float32Array, shape: readonly number[], _info: PointInfo): Float32Array {
    const cfg = this.configs.get(name)!;
    const a = lookup(this.amax, name);
    if (a === undefined && needsAmax(cfg, shape))
      throw new MoptError('missing-amax', `quantizer ${name} is static but has no calibrated amax`, {
        exitCode: 1,
        hint: 'calibrate first (AmaxObserver) or pass the amax of every enabled activation quantizer',
      });
    return fakeQuant(x, shape, cfg, a as AmaxInput & Array<AmaxInput | undefined>);
  }
}

/**
 * Fake-quantizes the weights of enabled weight quantizers as the forward loads them. Without an amax for a
 * slot the weight's own amax is used (what max calibration would store).
 */
export function fakeQuantWeights(plan: QuantPlan, amax?: AmaxLookup): WeightTransform {
  const configs = new Map<string, QuantizerAttributeConfig | QuantizerAttributeConfig[]>();
  for (const p of plan.slots) {
    const cfg = p.slot.kind === 'weight' ? slotConfig(p) : null;
    if (cfg) configs.set(p.slot.name, cfg);
  }
  return (weight, info) => {
    const cfg = configs.get(info.quantizer);
    if (!cfg) return undefined;
    const a = lookup(amax, info.quantizer);
    return fakeQuant(weight, info.shape, cfg, a as AmaxInput & Array<AmaxInput | undefined>);
  };
}
