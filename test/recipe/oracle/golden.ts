/**
 * Shared helpers for replaying the ModelOpt 0.47.0 goldens (test/oracle-goldens/*.json): reading each
 * golden file once, writing mopt values in the goldens' typed JSON encoding, and comparing with key order.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  BUILTIN_ROOT,
  configClassOf,
  dumpFull,
  dumpSparse,
  isConfigObject,
  PyDate,
  PyFloat,
  PyTuple,
  type PyValue,
} from '../../../src/recipe/index.js';
import { pyFloatRepr } from '../../../src/recipe/pyvalue.js';

/** A value in the goldens' typed encoding (tools/oracle/README.md, "Typed encoding"). */
export type Typed = null | boolean | number | string | Typed[] | { [key: string]: Typed };

// From the package root (the folder above the built-in library), so compiled copies under dist/ find the sources.
const ROOT = dirname(BUILTIN_ROOT);
export const GOLDEN_DIR = join(ROOT, 'test', 'oracle-goldens');
const HERE = join(ROOT, 'test', 'recipe', 'oracle');

const cache = new Map<string, unknown>();

/** Parse one golden file (cached: every file is read once per process). */
export function readGolden<T>(name: string): T {
  if (!cache.has(name)) cache.set(name, JSON.parse(readFileSync(join(GOLDEN_DIR, name), 'utf8')));
  return cache.get(name) as T;
}

/** A list-entry in this folder's expectation files (known-gaps.json, deliberate-differences.json). */
export interface ListedCase {
  file: string;
  case: string;
  reason: string;
}

export function readListed(name: string): ListedCase[] {
  return JSON.parse(readFileSync(join(HERE, name), 'utf8')) as ListedCase[];
}

const INDEX_KEY = /^(0|[1-9][0-9]*)$/;

/** golden_io.py writes a str-keyed dict as a plain object only when JS cannot mangle or misread it. */
function plainObjectOk(keys: unknown[]): keys is string[] {
  if (!keys.every((k) => typeof k === 'string')) return false;
  if (keys.length === 1 && (keys[0] as string).startsWith('$')) return false;
  return !keys.some((k) => INDEX_KEY.test(k as string));
}

/** Encode plain mopt data the way golden_io.typed() encodes the Python value. */
export function toTyped(v: PyValue): Typed {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyFloat) return { $float: pyFloatRepr(v.value) };
  if (v instanceof PyTuple) return { $tuple: v.items.map(toTyped) };
  if (v instanceof PyDate) return { $date: v.text };
  if (Array.isArray(v)) return v.map(toTyped);
  if (v instanceof Map) {
    const keys = [...v.keys()];
    if (plainObjectOk(keys)) {
      const out: { [key: string]: Typed } = {};
      for (const [k, x] of v) out[k as string] = toTyped(x);
      return out;
    }
    return { $dict: [...v].map(([k, x]) => [toTyped(k), toTyped(x)]) };
  }
  return { $repr: String(v) };
}

/**
 * mopt has no enum type: `RecipeType` members dump as their string value. Decode `{$enum: v}` to `v`
 * so the comparison is on the value.
 */
export function dropEnums(v: Typed): Typed {
  if (Array.isArray(v)) return v.map(dropEnums);
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$enum') return v.$enum as Typed;
    const out: { [key: string]: Typed } = {};
    for (const k of keys) out[k] = dropEnums(v[k] as Typed);
    return out;
  }
  return v;
}

/** The golden `result` object: what a load returned, described as golden_io.dump_result does. */
export type GoldenResult =
  | { kind: 'model'; class: string; full: Typed; sparse: Typed }
  | { kind: 'model_list'; class: string; full: Typed[]; sparse: Typed[] }
  | { kind: 'plain'; value: Typed };

interface Described {
  kind: string;
  class?: string | undefined;
  full?: Typed;
  sparse?: Typed;
  value?: Typed;
}

/** Describe a mopt load result like golden_io.dump_result. */
export function describeResult(value: unknown): Described {
  const dumps = (v: unknown) => ({ full: toTyped(dumpFull(v)), sparse: toTyped(dumpSparse(v)) });
  if (isConfigObject(value)) return { kind: 'model', class: configClassOf(value), ...dumps(value) };
  if (Array.isArray(value) && value.length > 0 && value.every(isConfigObject)) {
    return { kind: 'model_list', class: configClassOf(value[0]), ...dumps(value) };
  }
  return { kind: 'plain', value: toTyped(value as PyValue) };
}

/** The first place two typed values differ (key order included), as `path: actual vs expected`; null if equal. */
export function firstDifference(a: Typed, e: Typed, path = '$'): string | null {
  const show = (x: Typed | undefined) => (x === undefined ? '<absent>' : JSON.stringify(x));
  if (Array.isArray(a) || Array.isArray(e)) {
    if (!Array.isArray(a) || !Array.isArray(e)) return `${path}: ${show(a)} vs expected ${show(e)}`;
    for (let i = 0; i < Math.max(a.length, e.length); i++) {
      if (i >= a.length || i >= e.length) return `${path}[${i}]: ${show(a[i])} vs expected ${show(e[i])}`;
      const d = firstDifference(a[i]!, e[i]!, `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a !== null && e !== null && typeof a === 'object' && typeof e === 'object') {
    const ak = Object.keys(a);
    const ek = Object.keys(e);
    for (let i = 0; i < Math.max(ak.length, ek.length); i++) {
      if (ak[i] !== ek[i]) {
        const missing = ek.filter((k) => !ak.includes(k));
        const extra = ak.filter((k) => !ek.includes(k));
        return missing.length || extra.length
          ? `${path}: keys missing ${show(missing)}, unexpected ${show(extra)}`
          : `${path}: key order ${show(ak)} vs expected ${show(ek)}`;
      }
    }
    for (const k of ak) {
      const d = firstDifference(a[k]!, e[k]!, `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === e ? null : `${path}: ${show(a)} vs expected ${show(e)}`;
}

/** Order-sensitive structural equality, failing with the first differing path. */
export function assertSameTyped(actual: Typed, expected: Typed, what: string): void {
  const d = firstDifference(actual, dropEnums(expected));
  if (d) assert.fail(`${what} differs at ${d}`);
}

/** Compare a mopt load result with the golden `result`. */
export function assertSameResult(value: unknown, expected: GoldenResult, mask?: (t: Typed) => Typed): void {
  const ours = describeResult(value);
  const m = mask ?? ((t: Typed) => t);
  assert.equal(ours.kind, expected.kind, 'result kind');
  if (expected.kind === 'plain') {
    assertSameTyped(m(ours.value!), m(expected.value), 'value');
    return;
  }
  assert.equal(ours.class, expected.class, 'config class');
  assertSameTyped(m(ours.full!), m(expected.full as Typed), 'full dump');
  assertSameTyped(m(ours.sparse!), m(expected.sparse as Typed), 'sparse dump');
}

/** Replace `metadata.description`'s text by a marker: our prose differs on purpose, its presence must not. */
export function maskDescription(t: Typed): Typed {
  if (t === null || typeof t !== 'object' || Array.isArray(t)) return t;
  const metadata = t.metadata;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return t;
  if (!('description' in metadata)) return t;
  return { ...t, metadata: { ...metadata, description: '<description>' } };
}
