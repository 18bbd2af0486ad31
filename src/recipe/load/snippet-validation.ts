/**
 * Validation of imported snippets, remembered by content. ModelOpt validates every snippet when it is
 * imported and then throws the validated object away (recipes.md §2.6 step 7), so only the verdict
 * matters; a snippet whose resolved data was already found valid against the same schema need not be
 * validated again. Failures are never remembered: they must report their positions afresh.
 */
import { PyDate, PyFloat, PyTuple, type PyValue } from '../pyvalue.js';
import type { SchemaType, ValidationResult } from '../schema/api.js';
import { validate } from '../schema/index.js';

const MAX_PER_SCHEMA = 1024;
/** Per schema object: fingerprint of valid data -> the warnings its validation produced. */
const validSnippets = new WeakMap<SchemaType, Map<string, readonly string[]>>();

export function validateSnippet(schema: SchemaType, data: PyValue): ValidationResult {
  let known = validSnippets.get(schema);
  const key = fingerprint(data);
  const warnings = known?.get(key);
  if (warnings) return { ok: true, value: undefined, warnings: [...warnings] };
  const result = validate(schema, data);
  if (result.ok) {
    if (!known) validSnippets.set(schema, (known = new Map()));
    if (known.size >= MAX_PER_SCHEMA) known.clear();
    known.set(key, result.warnings ?? []);
  }
  return result;
}

/** A string equal for two values exactly when they are equal as Python data (types included). */
export function fingerprint(v: PyValue): string {
  if (v === null) return 'N';
  switch (typeof v) {
    case 'boolean':
      return v ? 'T' : 'F';
    case 'number':
    case 'bigint':
      return `i${v}`;
    case 'string':
      return `s${v.length}:${v}`; // length-prefixed, so no text can imitate structure
  }
  if (v instanceof PyFloat) return `f${Object.is(v.value, -0) ? '-0' : v.value}`;
  if (v instanceof PyDate) return `d${v.text.length}:${v.text}`;
  if (v instanceof PyTuple) return `(${v.items.map(fingerprint).join(',')})`;
  if (Array.isArray(v)) return `[${v.map(fingerprint).join(',')}]`;
  let out = '{';
  for (const [k, x] of v) out += `${fingerprint(k as PyValue)}:${fingerprint(x)},`;
  return `${out}}`;
}
