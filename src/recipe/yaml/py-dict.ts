/**
 * Python dict key identity for PyValue maps. A JS Map compares keys by SameValueZero, but Python
 * treats `1`, `1.0` and `True` as one key (and two `1.5` floats as one), keeping the first key
 * object and the last value. These helpers give a PyDict those semantics.
 */
import { PyDate, PyFloat, type PyDict, type PyKey, type PyValue } from '../pyvalue.js';

/** A string that is equal for Python-equal hashable keys; null for keys equal only to themselves (NaN). */
export function pyKeyIdentity(key: PyKey): string | null {
  if (key === null) return 'None';
  if (typeof key === 'string') return `s:${key}`;
  if (typeof key === 'boolean') return key ? 'n:1' : 'n:0';
  if (typeof key === 'bigint') return `n:${key}`;
  if (typeof key === 'number') return `n:${BigInt(key)}`;
  if (key instanceof PyFloat) {
    const x = key.value;
    if (Number.isNaN(x)) return null;
    if (Number.isInteger(x)) return `n:${BigInt(x)}`;
    return `f:${x}`;
  }
  if (key instanceof PyDate) return `d:${key.text}`;
  const parts = key.items.map((item) => (isKeyLike(item) ? pyKeyIdentity(item) : null));
  return parts.includes(null) ? null : `t:(${parts.join(',')})`;
}

function isKeyLike(v: PyValue): v is PyKey {
  return !Array.isArray(v) && !(v instanceof Map);
}

/** The key already in `dict` that Python would consider equal to `key`, if any. */
export function findPyKey(dict: PyDict, key: PyKey): PyKey | undefined {
  if (typeof key === 'string' || key === null) return dict.has(key) ? key : undefined;
  const id = pyKeyIdentity(key);
  if (id === null) return undefined;
  for (const existing of dict.keys()) {
    if (typeof existing === 'string' || existing === null) continue;
    if (pyKeyIdentity(existing) === id) return existing;
  }
  return undefined;
}

/** `dict[key] = value` with Python semantics; returns the key object actually stored. */
export function pyDictSet(dict: PyDict, key: PyKey, value: PyValue): PyKey {
  const existing = findPyKey(dict, key);
  const stored = existing === undefined ? key : existing;
  dict.set(stored, value);
  return stored;
}

/** Builds a PyDict with Python key semantics in O(1) per insertion (used by the YAML constructor). */
export class PyDictBuilder {
  readonly dict: PyDict = new Map();
  private readonly index = new Map<string, PyKey>();

  /** `dict[key] = value`; returns the key object actually stored (the first of equal keys). */
  set(key: PyKey, value: PyValue): PyKey {
    const id = pyKeyIdentity(key);
    const existing = id === null ? undefined : this.index.get(id);
    const stored = existing === undefined ? key : existing;
    if (id !== null && existing === undefined) this.index.set(id, key);
    this.dict.set(stored, value);
    return stored;
  }
}
