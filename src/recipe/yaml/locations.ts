/**
 * Source positions for plain data. Scalars have no identity, so a position is recorded on the
 * container that holds the value: for a mapping, per key (where the key and the value start); for a
 * list, per index. Derived containers (merges, splices) copy the positions of what they took.
 */
import type { SourceLoc, SourceRef } from '../../errors.js';
import type { PyKey } from '../pyvalue.js';

interface ContainerLocations {
  /** Where the container itself starts. */
  self: SourceRef | undefined;
  /** Mapping: key -> position of the key. List: index -> position of the item. */
  keys: Map<PyKey, SourceRef>;
  /** Mapping: key -> position of the value. List: index -> position of the item. */
  values: Map<PyKey, SourceRef>;
}

const table = new WeakMap<object, ContainerLocations>();

function entry(container: object): ContainerLocations {
  let e = table.get(container);
  if (!e) {
    e = { self: undefined, keys: new Map(), values: new Map() };
    table.set(container, e);
  }
  return e;
}

export function setSelfLocation(container: object, loc: SourceRef): void {
  entry(container).self = loc;
}

export function setEntryLocation(
  container: object,
  key: PyKey,
  keyLoc: SourceRef,
  valueLoc?: SourceRef,
): void {
  const e = entry(container);
  e.keys.set(key, keyLoc);
  e.values.set(key, valueLoc ?? keyLoc);
}

/** Position of the container itself, if known. */
export function locationOf(container: object): SourceRef | undefined {
  return table.get(container)?.self;
}

/** Position of the value under `key` (a mapping key or a list index). */
export function valueLocation(container: object, key: PyKey): SourceRef | undefined {
  return table.get(container)?.values.get(key);
}

/** Position of the mapping key itself (used for "unknown key" errors). */
export function keyLocation(container: object, key: PyKey): SourceRef | undefined {
  return table.get(container)?.keys.get(key);
}

/** Copy the position recorded for `fromKey` in `from` to `toKey` in `to` (used by merges and splices). */
export function copyEntryLocation(from: object, fromKey: PyKey, to: object, toKey: PyKey): void {
  const src = table.get(from);
  if (!src) return;
  const k = src.keys.get(fromKey);
  const v = src.values.get(fromKey);
  if (k || v) setEntryLocation(to, toKey, (k ?? v)!, v ?? k);
}

/** Copy the container's own position. */
export function copySelfLocation(from: object, to: object): void {
  const self = table.get(from)?.self;
  if (self) entry(to).self = self;
}

export function toSourceRef(loc: SourceLoc, chain: SourceLoc[] = []): SourceRef {
  return { file: loc.file, line: loc.line, col: loc.col, chain };
}
