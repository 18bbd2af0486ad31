/** Test helpers: build PyValue input tersely and validate it against registered schemas. */
import assert from 'node:assert/strict';
import { PyFloat, PyTuple, type PyKey, type PyValue } from '../../../src/recipe/pyvalue.js';
import {
  getSchemaByName,
  isConfigObject,
  validate,
  type ValidationIssue,
} from '../../../src/recipe/schema/index.js';
import type { SchemaType } from '../../../src/recipe/schema/api.js';

/** A Python float. */
export const fl = (x: number): PyFloat => new PyFloat(x);
/** A Python tuple. */
export const tup = (...items: PyValue[]): PyTuple => new PyTuple(items);

/** Plain JS data as PyValue: objects become Maps; keys like '-1' become int keys (use `map` for a str '-1'). */
export function py(v: unknown): PyValue {
  if (v === null || typeof v !== 'object' || v instanceof PyFloat || v instanceof PyTuple || v instanceof Map)
    return v as PyValue;
  if (isConfigObject(v)) return v as PyValue;
  if (Array.isArray(v)) return v.map(py);
  return new Map(Object.entries(v).map(([k, x]) => [(/^-?\d+$/.test(k) ? Number(k) : k) as PyKey, py(x)]));
}

/** A Map with exactly the given keys (for string keys that look like numbers). */
export const map = (...entries: [PyKey, unknown][]): Map<PyKey, PyValue> =>
  new Map(entries.map(([k, v]) => [k, py(v)]));

const MODULES = [
  'modelopt.torch.quantization.config.',
  'modelopt.recipe.config.',
  'modelopt.torch.speculative.config.',
  'modelopt.torch.speculative.plugins.hf_training_args.',
];
export function schema(name: string): SchemaType {
  const s = MODULES.map((m) => getSchemaByName(m + name)).find((x) => x !== undefined);
  assert.ok(s, `schema ${name} is registered`);
  return s;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ok(name: string, data: unknown, warnings: string[] = []): any {
  const r = validate(schema(name), py(data), warnings);
  if (!r.ok) assert.fail(`expected ${name} to accept the input, got ${JSON.stringify(r.issues)}`);
  return r.value;
}

export function issues(name: string, data: unknown): ValidationIssue[] {
  const r = validate(schema(name), py(data));
  assert.equal(r.ok, false, `expected ${name} to reject the input`);
  return r.ok ? [] : r.issues;
}

/** Asserts a rejection with one issue whose message contains `fragment` (and at `path` if given). */
export function rejects(name: string, data: unknown, fragment: string, path?: PyKey[]): ValidationIssue {
  const found = issues(name, data);
  const hit = found.find((i) => i.message.includes(fragment));
  assert.ok(hit, `expected an issue containing ${JSON.stringify(fragment)}, got ${JSON.stringify(found)}`);
  if (path) assert.deepEqual(hit.path, path);
  return hit;
}
