/**
 * The JSON-serialisable PlanReport that `mopt plan` prints: per-slot decisions with provenance,
 * layer and format summaries, size projection, calibration need, exclude_modules and flags.
 */
import type { SourceRef } from '../../errors.js';
import type { QuantizerAttributeConfig, QuantizerCfgEntry } from '../../recipe/types.js';
import type { ModelSlots } from '../names/types.js';
import {
  planQuantization,
  type PlanOptions,
  type PlanWarning,
  type QuantPlan,
  type UnmatchedEntry,
} from './apply.js';
import { slotLabel, slotScaling, type Scaling } from './format.js';
import {
  excludeModules,
  formatTotals,
  layerRows,
  planFlags,
  slotNeedsData,
  type FormatTotal,
  type LayerSummaryRow,
  type PlanFlag,
  type PlanTotals,
} from './summary.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface SlotReport {
  name: string;
  kind: string;
  module: string;
  layerType: string;
  layer?: number;
  expert?: number;
  enabled: boolean;
  format: string;
  scaling: Scaling;
  needsCalibrationData: boolean;
  /** Effective attributes (Maps become objects with string keys); null for sequential slots. */
  attributes: { [key: string]: JsonValue } | null;
  sequential: { enabled: boolean; attributes: { [key: string]: JsonValue } }[] | null;
  attributesFrom: number | null;
  enabledFrom: number | null;
  attributesSource?: SourceRef;
  enabledSource?: SourceRef;
}

export interface PlanReport {
  modelType: string;
  architecture: string;
  expertLayout: string | null;
  quantizerCount: number;
  enabledCount: number;
  slots: SlotReport[];
  unmatchedEntries: UnmatchedEntry[];
  warnings: PlanWarning[];
  layers: LayerSummaryRow[];
  formats: FormatTotal[];
  totals: PlanTotals;
  /** True when some enabled activation quantizer needs calibration data (static, no constant amax). */
  needsCalibrationData: boolean;
  calibratedActivationQuantizers: number;
  /** Distinct formats of the enabled k/v bmm quantizers, or null when the KV cache stays unquantized. */
  kvCacheFormat: string | null;
  excludeModules: string[];
  flags: PlanFlag[];
}

export interface ReportOptions extends PlanOptions {
  /** Bytes per element of unquantized tensors in the export dtype (2 for bf16). */
  dtypeBytes?: number;
}

/** Plans `entries` on the model's slots and summarises the result. */
export function planReport(
  model: ModelSlots,
  entries: readonly QuantizerCfgEntry[],
  opts: ReportOptions = {},
): PlanReport {
  const registryKeys = [...model.registryKeys, ...(opts.registryKeys ?? [])];
  return buildPlanReport(model, planQuantization(model.slots, entries, { ...opts, registryKeys }), opts);
}

export function buildPlanReport(
  model: ModelSlots,
  plan: QuantPlan,
  opts: { dtypeBytes?: number } = {},
): PlanReport {
  const dtypeBytes = opts.dtypeBytes ?? 2;
  const slots = plan.slots.map((p): SlotReport => {
    const r: SlotReport = {
      name: p.slot.name,
      kind: p.slot.kind,
      module: p.slot.module,
      layerType: p.slot.layerType,
      enabled: p.enabled,
      format: slotLabel(p.enabled, p.attributes, p.sequential),
      scaling: slotScaling(p.enabled, p.attributes, p.sequential),
      needsCalibrationData: slotNeedsData(p),
      attributes: p.attributes ? attributesToJson(p.attributes) : null,
      sequential: p.sequential
        ? p.sequential.map((c) => ({ enabled: c.enabled, attributes: attributesToJson(c.attributes) }))
        : null,
      attributesFrom: p.attributesFrom,
      enabledFrom: p.enabledFrom,
    };
    if (p.slot.layer !== undefined) r.layer = p.slot.layer;
    if (p.slot.expert !== undefined) r.expert = p.slot.expert;
    if (p.attributesSource) r.attributesSource = p.attributesSource;
    if (p.enabledSource) r.enabledSource = p.enabledSource;
    return r;
  });
  const kv = [
    ...new Set(
      slots.filter((s) => (s.kind === 'k_bmm' || s.kind === 'v_bmm') && s.enabled).map((s) => s.format),
    ),
  ];
  const { formats, totals } = formatTotals(model, plan, dtypeBytes);
  const calibrated = slots.filter((s) => s.needsCalibrationData).length;
  return {
    modelType: model.modelType,
    architecture: model.architecture,
    expertLayout: model.expertLayout,
    quantizerCount: slots.length,
    enabledCount: slots.filter((s) => s.enabled).length,
    slots,
    unmatchedEntries: plan.unmatchedEntries,
    warnings: plan.warnings,
    layers: layerRows(plan),
    formats,
    totals,
    needsCalibrationData: calibrated > 0,
    calibratedActivationQuantizers: calibrated,
    kvCacheFormat: kv.length > 0 ? kv.join(', ') : null,
    excludeModules: excludeModules(model, plan),
    flags: planFlags(plan),
  };
}

function toJson(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, x] of v) out[String(k)] = toJson(x);
    return out;
  }
  if (typeof v === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJson(x);
    return out;
  }
  return String(v);
}

export function attributesToJson(attrs: QuantizerAttributeConfig): { [key: string]: JsonValue } {
  return toJson(attrs) as { [key: string]: JsonValue };
}
