/**
 * Where each validated `quant_cfg` entry was written: the file:line:col (and import chain) of the raw
 * list item it came from, so the planner can say which entry won. Entries spliced from a snippet
 * point into the snippet; legacy forms that expand one item into several point at that item.
 */
import type { SourceRef } from '../../errors.js';
import { isDict, isList, type PyKey, type PyValue } from '../pyvalue.js';
import { keyLocation, locationOf, valueLocation } from '../yaml/locations.js';

const sources = new WeakMap<object, SourceRef>();

/** The source position recorded for a validated quant_cfg entry, if any. */
export function entrySource(entry: object): SourceRef | undefined {
  return sources.get(entry);
}

/** Walk resolved data and its validated twin side by side; record every `quant_cfg` entry found. */
export function recordProvenance(resolved: PyValue, validated: unknown): void {
  if (validated === null || typeof validated !== 'object' || validated instanceof Map) return;
  if (isList(resolved)) {
    if (!Array.isArray(validated) || validated.length !== resolved.length) return;
    resolved.forEach((item, i) => {
      const twin: unknown = validated[i];
      const at = valueLocation(resolved, i);
      if (at && isEntryObject(twin)) sources.set(twin, at);
      else recordProvenance(item, twin);
    });
    return;
  }
  if (!isDict(resolved) || Array.isArray(validated)) return;
  const self = locationOf(resolved);
  if (self && isEntryObject(validated)) sources.set(validated, self); // a QuantizerCfgEntry file
  const fields = validated as Record<string, unknown>;
  for (const [key, value] of resolved) {
    if (typeof key !== 'string' || !(key in fields)) continue;
    if (key === 'quant_cfg' && Array.isArray(fields[key])) recordQuantCfg(value, fields[key] as unknown[]);
    else recordProvenance(value, fields[key]);
  }
}

function isEntryObject(v: unknown): v is object {
  return (
    v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && 'quantizer_name' in v
  );
}

/** Record positions for the entries validated from one raw `quant_cfg` value (list or legacy mapping). */
export function recordQuantCfg(raw: PyValue, entries: readonly unknown[]): void {
  const origins = entryOrigins(raw);
  if (origins.length !== entries.length) return;
  entries.forEach((entry, i) => {
    const origin = origins[i];
    if (origin && entry !== null && typeof entry === 'object') sources.set(entry, origin);
  });
}

/** Keep the positions of entries that survive a re-validation at the same index (overrides). */
export function carryProvenance(before: readonly unknown[], after: readonly unknown[]): void {
  after.forEach((entry, i) => {
    const old = before[i];
    const origin = old !== null && typeof old === 'object' ? sources.get(old) : undefined;
    if (origin && entry !== null && typeof entry === 'object') sources.set(entry, origin);
  });
}

/** One position per entry the schema layer will produce, mirroring the legacy-form expansion (§4.5). */
function entryOrigins(raw: PyValue): (SourceRef | undefined)[] {
  const out: (SourceRef | undefined)[] = [];
  if (isDict(raw)) {
    for (const [key, value] of raw) pushTimes(out, expansion(key, value), keyLocation(raw, key));
    return out;
  }
  if (!isList(raw)) return out;
  raw.forEach((item, i) => {
    const at = valueLocation(raw, i);
    if (!isDict(item) || item.has('quantizer_name')) out.push(at);
    else if (item.size === 1) {
      const [key, value] = item.entries().next().value as [PyKey, PyValue];
      pushTimes(out, expansion(key, value), at);
    } else if ([...item.keys()].some(isScopedKey)) {
      for (const [key, value] of item) pushTimes(out, expansion(key, value), at);
    } else out.push(at);
  });
  return out;
}

function isScopedKey(key: PyKey): boolean {
  return typeof key === 'string' && key.startsWith('nn.');
}

/** `nn.Linear: {a: ..., b: ...}` yields one entry per inner pair; every other pair yields one entry. */
function expansion(key: PyKey, value: PyValue): number {
  return isScopedKey(key) && isDict(value) ? value.size : 1;
}

function pushTimes(out: (SourceRef | undefined)[], n: number, at: SourceRef | undefined): void {
  for (let i = 0; i < n; i++) out.push(at);
}
