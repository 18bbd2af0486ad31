/**
 * Which activation quantizers of a plan calibration must feed, and at what granularity: ModelOpt collects an
 * amax for every enabled non-weight quantizer whose top-level `type` is not dynamic, is not MX and has no
 * constant amax (quant-engine §3, `need_calibration`); dynamic NVFP4 blocks still get their per-tensor amax.
 */
import { MoptError } from '../errors.js';
import type { QuantizerAttributeConfig } from '../recipe/types.js';
import type { PlannedSlot, QuantPlan } from '../quant/plan/index.js';
import { slotNeedsData } from '../quant/plan/summary.js';

/** One amax over the whole tensor, or one per index of the last dim (axis -1). */
export type ActivationGranularity = 'tensor' | 'channel';

export interface ActivationTarget {
  name: string;
  kind: PlannedSlot['slot']['kind'];
  module: string;
  layer: number;
  expert?: number;
  granularity: ActivationGranularity;
}

/** The enabled, data-needing stage of a slot (sequential activation quantizers use their first such stage). */
function activeConfig(p: PlannedSlot): QuantizerAttributeConfig {
  if (p.attributes) return p.attributes;
  const stage = p.sequential?.find((s) => s.enabled);
  return stage!.attributes;
}

/** Rank of the tensor ModelOpt's quantizer sees: [B, T, C] for linears, [B, heads, S, d] for q/k/v bmm. */
function observedRank(kind: string): number {
  return kind === 'input' || kind === 'output' ? 3 : 4;
}

function granularityOf(p: PlannedSlot): ActivationGranularity {
  const cfg = activeConfig(p);
  const nb = cfg.num_bits;
  if (Array.isArray(nb) && nb[0] === 2 && nb[1] === 1) return 'tensor'; // NVFP4: only the global amax is stored
  const rank = observedRank(p.slot.kind);
  const blocks = cfg.block_sizes ? [...cfg.block_sizes.keys()].filter((k) => typeof k === 'number') : [];
  if (blocks.length === 0) {
    if (cfg.axis === null) return 'tensor';
    const axes = Array.isArray(cfg.axis) ? cfg.axis : [cfg.axis];
    if (axes.length === 1 && (axes[0] === -1 || axes[0] === rank - 1)) return 'channel';
  }
  throw new MoptError(
    'unsupported-activation-granularity',
    `${p.slot.name}: static activation quantization with axis ${JSON.stringify(cfg.axis)} and block_sizes ` +
      `${blocks.length ? `on axes ${blocks.join(', ')}` : 'none'} cannot be calibrated: the batch and token ` +
      'dims change between batches',
    {
      hint: 'use a per-tensor (axis null) or per-channel (axis -1) activation quantizer, or make it dynamic',
    },
  );
}

/** Every activation quantizer of the plan that needs calibration data, in plan order. */
export function activationTargets(plan: QuantPlan): ActivationTarget[] {
  const out: ActivationTarget[] = [];
  for (const p of plan.slots) {
    if (p.slot.kind === 'weight' || p.slot.kind === 'p_bmm' || !slotNeedsData(p)) continue;
    const t: ActivationTarget = {
      name: p.slot.name,
      kind: p.slot.kind,
      module: p.slot.module,
      layer: p.slot.layer ?? -1,
      granularity: granularityOf(p),
    };
    if (p.slot.expert !== undefined) t.expert = p.slot.expert;
    out.push(t);
  }
  return out;
}
