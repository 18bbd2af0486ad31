/**
 * Aggregates over a QuantPlan: per-layer-type rows, parameters and projected bytes per weight
 * format, exclude_modules, and flags for settings that are probably unintended.
 */
import type { ModelSlots } from '../names/types.js';
import type { PlannedSlot, QuantPlan } from './apply.js';
import { summarizeExcludeModules } from './exclude.js';
import { slotLabel, slotScaling, type Scaling } from './format.js';
import { weightBytes } from './storage.js';

export interface LayerSummaryRow {
  layerType: string;
  kind: string;
  format: string;
  scaling: Scaling;
  needsCalibrationData: boolean;
  count: number;
}

export interface FormatTotal {
  /** Weight format label, `disabled` (kept in the model dtype) or `other tensors` (norms, biases). */
  format: string;
  parameters: number;
  bytes: number;
  bitsPerWeight: number;
}

export interface PlanTotals {
  parameters: number;
  quantizedParameters: number;
  originalBytes: number;
  /** Weights, scales and other tensors as the export would write them. */
  projectedBytes: number;
  /** FP32 input_scale / k_scale / v_scale tensors included in projectedBytes. */
  activationScaleBytes: number;
  bitsPerWeight: number;
  /** True when some weight format has no known export layout and was sized as unquantized. */
  approximate: boolean;
}

export interface PlanFlag {
  code: 'NOTHING_QUANTIZED' | 'EXPERTS_UNQUANTIZED' | 'PARTIALLY_QUANTIZED_LAYER' | 'INSERTION_DEFAULTS';
  message: string;
  /** The slots or modules concerned (first 20). */
  names: string[];
}

export function slotNeedsData(p: PlannedSlot): boolean {
  return p.slot.kind !== 'weight' && slotScaling(p.enabled, p.attributes, p.sequential) === 'static';
}

export function layerRows(plan: QuantPlan): LayerSummaryRow[] {
  const rows = new Map<string, LayerSummaryRow>();
  for (const p of plan.slots) {
    const format = slotLabel(p.enabled, p.attributes, p.sequential);
    const key = `${p.slot.layerType}\u0000${p.slot.kind}\u0000${format}`;
    const row = rows.get(key);
    if (row) row.count += 1;
    else {
      const scaling = slotScaling(p.enabled, p.attributes, p.sequential);
      rows.set(key, {
        layerType: p.slot.layerType,
        kind: p.slot.kind,
        format,
        scaling,
        needsCalibrationData: slotNeedsData(p),
        count: 1,
      });
    }
  }
  return [...rows.values()];
}

const numelOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function formatTotals(
  model: ModelSlots,
  plan: QuantPlan,
  dtypeBytes: number,
): { formats: FormatTotal[]; totals: PlanTotals } {
  const byFormat = new Map<string, FormatTotal>();
  const add = (format: string, parameters: number, bytes: number): void => {
    const t = byFormat.get(format) ?? { format, parameters: 0, bytes: 0, bitsPerWeight: 0 };
    t.parameters += parameters;
    t.bytes += bytes;
    byFormat.set(format, t);
  };
  const covered = new Set<string>();
  const tiedDone = new Set<string>();
  let approximate = false;
  for (const p of plan.slots) {
    const { slot } = p;
    if (slot.kind !== 'weight' || !slot.shape || !slot.weightTensors) continue;
    // a tied lm_head shares the embedding tensor; the export writes it once
    const key = slot.expert === undefined ? slot.weightTensors.join('+') : `${slot.name}`;
    if (tiedDone.has(key)) continue;
    tiedDone.add(key);
    for (const t of slot.weightTensors) covered.add(t);
    const wb = weightBytes(p.enabled, p.attributes, p.sequential, slot.shape, dtypeBytes);
    approximate ||= !wb.known;
    add(slotLabel(p.enabled, p.attributes, p.sequential), numelOf(slot.shape), wb.bytes);
  }
  for (const t of model.tensors)
    if (!covered.has(t.name)) add('other tensors', numelOf(t.shape), numelOf(t.shape) * dtypeBytes);

  const activationScaleBytes = 4 * activationScaleCount(plan);
  const formats = [...byFormat.values()].map((f) => ({
    ...f,
    bitsPerWeight: f.parameters ? (f.bytes * 8) / f.parameters : 0,
  }));
  const parameters = formats.reduce((a, f) => a + f.parameters, 0);
  const weightBytesTotal = formats.reduce((a, f) => a + f.bytes, 0);
  const quantizedParameters = formats
    .filter((f) => f.format !== 'disabled' && f.format !== 'other tensors')
    .reduce((a, f) => a + f.parameters, 0);
  const projectedBytes = weightBytesTotal + activationScaleBytes;
  return {
    formats,
    totals: {
      parameters,
      quantizedParameters,
      originalBytes: parameters * dtypeBytes,
      projectedBytes,
      activationScaleBytes,
      bitsPerWeight: parameters ? (projectedBytes * 8) / parameters : 0,
      approximate,
    },
  };
}

/** input_scale per exported module with a calibrated (static) input quantizer; k/v_scale per static KV quantizer. */
function activationScaleCount(plan: QuantPlan): number {
  let n = 0;
  for (const p of plan.slots) {
    if (!slotNeedsData(p)) continue;
    if (p.slot.kind === 'input') n += p.slot.exportModules.length;
    else if (p.slot.kind === 'k_bmm' || p.slot.kind === 'v_bmm') n += 1;
  }
  return n;
}

/** Hub-named modules owning a weight quantizer, split by whether it is enabled, in model order. */
export function moduleQuantization(
  model: ModelSlots,
  plan: QuantPlan,
): { quantized: string[]; unquantized: string[] } {
  const seen = new Set<string>();
  const quantized: string[] = [];
  const unquantized: string[] = [];
  for (const p of plan.slots) {
    if (p.slot.kind !== 'weight') continue;
    for (const m of p.slot.exportModules) {
      if (seen.has(m)) continue;
      seen.add(m);
      (p.enabled ? quantized : unquantized).push(m);
    }
  }
  for (const m of model.quantizerlessExcluded) if (!seen.has(m)) unquantized.push(m);
  return { quantized, unquantized };
}

export function excludeModules(model: ModelSlots, plan: QuantPlan): string[] {
  const { quantized, unquantized } = moduleQuantization(model, plan);
  return summarizeExcludeModules(unquantized, quantized);
}

export function planFlags(plan: QuantPlan): PlanFlag[] {
  const flags: PlanFlag[] = [];
  const weights = plan.slots.filter((p) => p.slot.kind === 'weight');
  if (!weights.some((p) => p.enabled)) {
    flags.push({
      code: 'NOTHING_QUANTIZED',
      message: 'no weight quantizer is enabled; the checkpoint would stay unquantized',
      names: [],
    });
    return flags;
  }
  const experts = weights.filter((p) => p.slot.expert !== undefined);
  const offExperts = experts.filter((p) => !p.enabled);
  if (offExperts.length > 0) {
    flags.push({
      code: 'EXPERTS_UNQUANTIZED',
      message: `${offExperts.length} of ${experts.length} MoE expert weight quantizers are disabled; those experts stay unquantized`,
      names: offExperts.slice(0, 20).map((p) => p.slot.name),
    });
  }
  const byType = new Map<string, PlannedSlot[]>();
  for (const p of weights)
    if (p.slot.expert === undefined)
      byType.set(p.slot.layerType, [...(byType.get(p.slot.layerType) ?? []), p]);
  for (const [layerType, group] of byType) {
    const off = group.filter((p) => !p.enabled);
    if (off.length === 0 || off.length === group.length) continue;
    flags.push({
      code: 'PARTIALLY_QUANTIZED_LAYER',
      message: `${layerType}: ${off.length} of ${group.length} weight quantizers are disabled while the others are quantized`,
      names: off.slice(0, 20).map((p) => p.slot.name),
    });
  }
  const defaults = plan.slots.filter((p) => p.enabled && p.attributesFrom === null);
  if (defaults.length > 0) {
    flags.push({
      code: 'INSERTION_DEFAULTS',
      message: `${defaults.length} quantizers stay enabled with the insertion defaults (INT8 per-tensor) because no cfg entry configured them; recipes usually start with a deny-all entry`,
      names: defaults.slice(0, 20).map((p) => p.slot.name),
    });
  }
  return flags;
}
