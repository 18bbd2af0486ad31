/**
 * pydantic's model_dump for config objects: every field (`dumpFull`) or only the explicitly set
 * ones (`dumpSparse`, exclude_unset), in schema field order, as PyValue. The field's zod type says
 * how to write each value: tuples as PyTuple, float fields as PyFloat (2688 → 2688.0).
 */
import type * as z from 'zod';
import { PyFloat, PyTuple, type PyDict, type PyKey, type PyValue } from '../pyvalue.js';
import { defOf, isBareDict, isIntSchema } from './zod-defs.js';
import { extrasOf, fieldsSetOf, isConfigObject, modelOf } from './model.js';

export function dumpFull(v: unknown): PyValue {
  return dumpAny(v, false);
}

export function dumpSparse(v: unknown): PyValue {
  return dumpAny(v, true);
}

function dumpAny(v: unknown, sparse: boolean): PyValue {
  if (Array.isArray(v)) return v.map((x) => dumpAny(x, sparse));
  if (isConfigObject(v)) return dumpObject(v as Record<string, unknown>, sparse);
  return v as PyValue;
}

function dumpObject(obj: Record<string, unknown>, sparse: boolean): PyDict {
  const model = modelOf(obj)!;
  const out: PyDict = new Map();
  const set = new Set(fieldsSetOf(obj));
  for (const name of model.fieldNames) {
    if (sparse && !set.has(name)) continue;
    const field = model.fields[name]!;
    out.set(name, field.serialize ? field.serialize(obj[name]) : dumpTyped(field.type, obj[name], sparse));
  }
  for (const extra of extrasOf(obj)) out.set(extra, obj[extra] as PyValue);
  return out;
}

function dumpTyped(schema: z.ZodType, v: unknown, sparse: boolean): PyValue {
  if (isConfigObject(v)) return dumpObject(v as Record<string, unknown>, sparse);
  if (v === null || v === undefined) return null;
  const def = defOf(schema);
  switch (def.type) {
    case 'nullable':
    case 'optional':
    case 'default':
      return dumpTyped(def.innerType, v, sparse);
    case 'lazy':
      return dumpTyped(def.getter(), v, sparse);
    case 'union':
      return dumpTyped(memberFor(def.options as z.ZodType[], v), v, sparse);
    case 'number':
      return isIntSchema(def) ? (v as number) : new PyFloat(v as number);
    case 'tuple': {
      const items = v as unknown[];
      return new PyTuple(
        items.map((x, i) => dumpTyped((def.items as z.ZodType[])[i] ?? def.rest, x, sparse)),
      );
    }
    case 'array':
      return (v as unknown[]).map((x) => dumpTyped(def.element, x, sparse));
    case 'record':
      if (isBareDict(schema)) return v as PyValue;
      return new Map(
        [...(v as Map<unknown, unknown>)].map(([k, x]) => [
          dumpTyped(def.keyType, k, sparse) as PyKey,
          dumpTyped(def.valueType, x, sparse),
        ]),
      );
    default:
      return v as PyValue;
  }
}

const KIND_OF_VALUE: Record<string, string[]> = {
  array: ['tuple', 'array'],
  map: ['record'],
  boolean: ['boolean'],
  string: ['string', 'literal', 'enum'],
};

/** The union member a validated value came from (tuple before list, int before float for whole numbers). */
function memberFor(options: z.ZodType[], v: unknown): z.ZodType {
  const types = options.map((o) => defOf(o));
  let wanted: string[];
  if (Array.isArray(v)) wanted = KIND_OF_VALUE.array!;
  else if (v instanceof Map) wanted = KIND_OF_VALUE.map!;
  else if (typeof v === 'number') {
    const intIndex = types.findIndex((d) => isIntSchema(d));
    if (Number.isInteger(v) && intIndex >= 0) return options[intIndex]!;
    wanted = ['number'];
  } else wanted = KIND_OF_VALUE[typeof v] ?? [];
  for (const kind of wanted) {
    const i = types.findIndex(
      (d) => d.type === kind || (d.type === 'nullable' && defOf(d.innerType).type === kind),
    );
    if (i >= 0) return options[i]!;
  }
  return options[0]!;
}
