/**
 * Applies an ordered quant_cfg list to quantizer slots exactly as ModelOpt's
 * `set_quantizer_by_cfg` does (recipes.md §5.4), remembering which entry decided each slot's
 * attributes and its enabled flag.
 */
import type { SourceRef } from '../../errors.js';
import type { QuantizerAttributeConfig, QuantizerCfgEntry } from '../../recipe/types.js';
import type { QuantizerSlot } from '../names/types.js';
import { cloneAttributes, initialState, type QuantizerState } from './attributes.js';
import { compileFnmatch } from '../fnmatch.js';
import {
  STOCK_REGISTRY_KEYS,
  checkParentClass,
  nameMatches,
  normQuantizerName,
  parentClassFilter,
} from './match.js';

export interface PlannedSlot {
  slot: QuantizerSlot;
  /** Effective enabled flag (a sequential slot is enabled when any child is). */
  enabled: boolean;
  /** Single quantizer attributes; null for a sequential slot. */
  attributes: QuantizerAttributeConfig | null;
  /** Sequential (W4A8-style) children in order; null for a single quantizer. */
  sequential: QuantizerState[] | null;
  /** Index of the entry whose `cfg` last set the attributes; null = insertion defaults. */
  attributesFrom: number | null;
  /** Index of the entry that last set the enabled flag; null = insertion default. */
  enabledFrom: number | null;
  attributesSource?: SourceRef;
  enabledSource?: SourceRef;
}

export interface UnmatchedEntry {
  index: number;
  quantizer_name: string;
  parent_class: string | null;
  source?: SourceRef;
}

export interface PlanWarning {
  message: string;
  entryIndex: number;
  source?: SourceRef;
}

export interface QuantPlan {
  slots: PlannedSlot[];
  unmatchedEntries: UnmatchedEntry[];
  warnings: PlanWarning[];
}

export interface PlanOptions {
  /** Where each entry was written (file:line), for provenance and errors. */
  entrySource?: (entry: QuantizerCfgEntry, index: number) => SourceRef | undefined;
  /** Extra QuantModuleRegistry keys beyond the stock ones and those the slots' parents carry. */
  registryKeys?: readonly string[];
}

export function planQuantization(
  slots: readonly QuantizerSlot[],
  entries: readonly QuantizerCfgEntry[],
  opts: PlanOptions = {},
): QuantPlan {
  const registry = new Set<string>([...STOCK_REGISTRY_KEYS, ...(opts.registryKeys ?? [])]);
  for (const s of slots) for (const k of s.parentKeys) registry.add(k);
  const planned: PlannedSlot[] = slots.map((slot) => {
    const { enabled, attributes } = initialState(slot);
    return { slot, enabled, attributes, sequential: null, attributesFrom: null, enabledFrom: null };
  });
  const unmatchedEntries: UnmatchedEntry[] = [];
  const warnings: PlanWarning[] = [];
  const normedNames = slots.map((s) => normQuantizerName(s.name));

  entries.forEach((entry, index) => {
    const source = opts.entrySource?.(entry, index);
    checkParentClass(entry, registry, source);
    const cls = parentClassFilter(entry);
    let matched = false;
    const re = compileFnmatch(entry.quantizer_name);
    planned.forEach((p, si) => {
      const classOk = cls === null || p.slot.parentKeys.includes(cls);
      const normed = normedNames[si] as string;
      if (classOk && (re.test(p.slot.name) || (normed !== p.slot.name && re.test(normed)))) {
        matched = true;
        applyToSlot(p, entry, index, source, warnings);
      } else if (cls === null && p.sequential) {
        // children of a SequentialQuantizer are modules too (`<slot>.0`, ...); their parent class is unregistered
        p.sequential.forEach((child, ci) => {
          if (!nameMatches(`${p.slot.name}.${ci}`, entry.quantizer_name)) return;
          matched = true;
          applyToChild(p, child, entry, index, source);
        });
      }
    });
    if (!matched) {
      const u: UnmatchedEntry = {
        index,
        quantizer_name: entry.quantizer_name,
        parent_class: entry.parent_class,
      };
      if (source) u.source = source;
      unmatchedEntries.push(u);
    }
  });
  return { slots: planned, unmatchedEntries, warnings };
}

function setProvenance(
  p: PlannedSlot,
  what: 'attributes' | 'enabled',
  index: number,
  source: SourceRef | undefined,
): void {
  if (what === 'attributes') {
    p.attributesFrom = index;
    if (source) p.attributesSource = source;
    else delete p.attributesSource;
  } else {
    p.enabledFrom = index;
    if (source) p.enabledSource = source;
    else delete p.enabledSource;
  }
}

function stateFrom(cfg: QuantizerAttributeConfig, enabled: boolean): QuantizerState {
  // the entry's `enable` wins over the one inside cfg (V2)
  const attributes = cloneAttributes(cfg);
  attributes.enable = enabled;
  return { enabled, attributes };
}

function applyToSlot(
  p: PlannedSlot,
  entry: QuantizerCfgEntry,
  index: number,
  source: SourceRef | undefined,
  warnings: PlanWarning[],
): void {
  const enabled = entry.enable && !p.slot.alwaysDisabled;
  const cfg = entry.cfg;
  if (cfg === null) {
    if (p.sequential) for (const child of p.sequential) setEnabled(child, enabled);
    else if (p.attributes) setEnabled(p, enabled);
  } else if (!Array.isArray(cfg)) {
    const state = stateFrom(cfg, enabled);
    p.sequential = null;
    p.attributes = state.attributes;
    setProvenance(p, 'attributes', index, source);
  } else {
    const fresh = cfg.map((item) => stateFrom(item, enabled));
    if (p.sequential && p.sequential.length !== fresh.length) {
      const n = Math.min(p.sequential.length, fresh.length);
      const w: PlanWarning = {
        message: `'${p.slot.name}' already holds ${p.sequential.length} sequential quantizers; entry ${index} gives ${fresh.length}, so only the first ${n} are set (partial assignment)`,
        entryIndex: index,
      };
      if (source) w.source = source;
      warnings.push(w);
      for (let i = 0; i < n; i += 1) p.sequential[i] = fresh[i] as QuantizerState;
    } else {
      p.sequential = fresh;
    }
    p.attributes = null;
    setProvenance(p, 'attributes', index, source);
  }
  p.enabled = p.sequential ? p.sequential.some((c) => c.enabled) : enabled;
  if (p.attributes) p.attributes.enable = p.enabled;
  setProvenance(p, 'enabled', index, source);
}

function applyToChild(
  p: PlannedSlot,
  child: QuantizerState,
  entry: QuantizerCfgEntry,
  index: number,
  source: SourceRef | undefined,
): void {
  const cfg = entry.cfg;
  if (cfg === null) {
    setEnabled(child, entry.enable);
  } else if (!Array.isArray(cfg)) {
    const state = stateFrom(cfg, entry.enable);
    child.attributes = state.attributes;
    child.enabled = state.enabled;
    setProvenance(p, 'attributes', index, source);
  } else {
    return; // list cfgs apply to the sequential slot itself only (recipes.md §7.2 #25)
  }
  p.enabled = (p.sequential ?? []).some((c) => c.enabled);
  setProvenance(p, 'enabled', index, source);
}

/** Enable-only update; disabling also switches off a configured rotation (V2 behaviour). */
function setEnabled(
  state: { enabled: boolean; attributes: QuantizerAttributeConfig | null },
  enabled: boolean,
): void {
  state.enabled = enabled;
  if (!state.attributes) return;
  state.attributes.enable = enabled;
  if (!enabled && state.attributes.rotate !== false) {
    state.attributes.rotate =
      typeof state.attributes.rotate === 'object' ? { ...state.attributes.rotate, enable: false } : false;
  }
}
