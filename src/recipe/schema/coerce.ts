/**
 * Validates plain PyValue data against a zod schema with pydantic's lax rules (recipes.md §4.1):
 * the zod schema says what a field is; this interpreter says how pydantic would coerce into it.
 * Strict mode (used for the first pass of a smart union) accepts only exact types.
 */
import type * as z from 'zod';
import { PyFloat, PyTuple, isDict, pyRepr, type PyKey, type PyValue } from '../pyvalue.js';
import type { ValidationIssue } from './api.js';
import { didYouMean, fail, ok, orList, type Result, type ValidationContext } from './issues.js';
import { modelOf, validateModel } from './model.js';
import { defOf, isBareDict, isIntSchema, unwrapOptional, type Def } from './zod-defs.js';

export function validateValue(
  schema: z.ZodType,
  v: unknown,
  path: PyKey[],
  ctx: ValidationContext,
  strict = false,
): Result {
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'optional':
      return validateValue(def.innerType, v, path, ctx, strict);
    case 'nullable':
      return v === null ? ok(null) : validateValue(def.innerType, v, path, ctx, strict);
    case 'lazy':
      return validateValue(def.getter(), v, path, ctx, strict);
    case 'null':
      return v === null ? ok(null) : fail(path, 'Input should be None');
    case 'any':
    case 'unknown':
      return ok(v);
    case 'boolean':
      return toBool(v, path, strict);
    case 'number':
      return checkNumber(def, isIntSchema(def) ? toInt(v, path, strict) : toFloat(v, path, strict), path);
    case 'string':
      return checkString(def, v, path);
    case 'literal':
      return checkLiteral(def.values as unknown[], v, path);
    case 'enum':
      return checkLiteral(Object.values(def.entries), v, path);
    case 'tuple':
      return toTuple(def, v, path, ctx, strict);
    case 'array':
      return toList(def.element, v, path, ctx, strict);
    case 'record':
      return toDict(schema, def, v, path, ctx, strict);
    case 'union':
      return smartUnion(def, v, path, ctx, strict);
    case 'object': {
      const model = modelOf(schema);
      if (!model) throw new Error('schema object without a registered config class');
      return validateModel(model, v, path, ctx, strict);
    }
    default:
      throw new Error(`unsupported zod schema type '${String(def.type)}' in the schema layer`);
  }
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', 'y', 't', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', 'n', 'f', '0']);

function toBool(v: unknown, path: PyKey[], strict: boolean): Result {
  if (typeof v === 'boolean') return ok(v);
  if (!strict) {
    if (v === 1 || v === 0) return ok(v === 1);
    if (v instanceof PyFloat && (v.value === 1 || v.value === 0)) return ok(v.value === 1);
    if (typeof v === 'string') {
      const word = v.toLowerCase();
      if (TRUE_WORDS.has(word)) return ok(true);
      if (FALSE_WORDS.has(word)) return ok(false);
      return fail(path, 'Input should be a valid boolean, unable to interpret input');
    }
  }
  return fail(path, 'Input should be a valid boolean');
}

function toInt(v: unknown, path: PyKey[], strict: boolean): Result<number> {
  if (typeof v === 'number' && Number.isInteger(v)) return ok(v);
  if (typeof v === 'bigint') return ok(Number(v));
  if (!strict) {
    if (typeof v === 'boolean') return ok(v ? 1 : 0);
    const x = v instanceof PyFloat ? v.value : typeof v === 'number' ? v : undefined;
    if (x !== undefined) {
      if (Number.isInteger(x)) return ok(x);
      return fail(path, 'Input should be a valid integer, got a number with a fractional part');
    }
    if (typeof v === 'string') {
      // pydantic's integer text: digits with single `_` separators, optionally `.0…` (zeros only).
      const text = v.trim();
      if (INT_TEXT.test(text)) return ok(Number(text.replace(/_/g, '').replace(/\.0+$/, '')) + 0);
      return fail(path, 'Input should be a valid integer, unable to parse string as an integer');
    }
  }
  return fail(path, 'Input should be a valid integer');
}

const DIGITS = String.raw`\d+(?:_\d+)*`;
const INT_TEXT = new RegExp(String.raw`^[+-]?${DIGITS}(?:\.0+)?$`);
const FLOAT_TEXT = new RegExp(
  String.raw`^[+-]?(${DIGITS}(\.(${DIGITS})?)?|\.${DIGITS})([eE][+-]?${DIGITS})?$`,
);
function toFloat(v: unknown, path: PyKey[], strict: boolean): Result<number> {
  if (v instanceof PyFloat) return ok(v.value);
  if (typeof v === 'number') return ok(v);
  if (typeof v === 'bigint') return ok(Number(v));
  if (!strict) {
    if (typeof v === 'boolean') return ok(v ? 1 : 0);
    if (typeof v === 'string') {
      const text = v.trim().toLowerCase();
      if (FLOAT_TEXT.test(text)) return ok(Number(text.replace(/_/g, '')));
      const special = /^([+-]?)(inf|infinity|nan)$/.exec(text);
      if (special) return ok(special[2] === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity);
      return fail(path, 'Input should be a valid number, unable to parse string as a number');
    }
  }
  return fail(path, 'Input should be a valid number');
}

function checkNumber(def: Def, r: Result<number>, path: PyKey[]): Result {
  if (!r.ok) return r;
  for (const check of (def.checks ?? []) as { _zod: { def: Def } }[]) {
    const c = check._zod.def;
    const bound = String(c.value);
    if (c.check === 'greater_than' && !(c.inclusive ? r.value >= c.value : r.value > c.value))
      return fail(path, `Input should be greater than ${c.inclusive ? 'or equal to ' : ''}${bound}`);
    if (c.check === 'less_than' && !(c.inclusive ? r.value <= c.value : r.value < c.value))
      return fail(path, `Input should be less than ${c.inclusive ? 'or equal to ' : ''}${bound}`);
  }
  return r;
}

function checkString(def: Def, v: unknown, path: PyKey[]): Result {
  if (typeof v !== 'string') return fail(path, 'Input should be a valid string');
  for (const check of (def.checks ?? []) as { _zod: { def: Def } }[]) {
    const c = check._zod.def;
    if (c.format === 'regex' && !(c.pattern as RegExp).test(v))
      return fail(path, `String should match pattern '${(c.pattern as RegExp).source}'`);
  }
  return ok(v);
}

function checkLiteral(values: unknown[], v: unknown, path: PyKey[]): Result {
  if (values.includes(v)) return ok(v);
  const words = values.map((x) => pyRepr(x as PyValue));
  const names = values.filter((x): x is string => typeof x === 'string');
  return fail(path, `Input should be ${orList(words)}${didYouMean(v, names)}`);
}

function toTuple(def: Def, v: unknown, path: PyKey[], ctx: ValidationContext, strict: boolean): Result {
  const items = v instanceof PyTuple ? v.items : !strict && Array.isArray(v) ? v : undefined;
  if (!items) return fail(path, 'Input should be a valid tuple');
  const fixed = def.items as z.ZodType[];
  if (!def.rest && items.length > fixed.length)
    return fail(
      path,
      `Tuple should have at most ${fixed.length} items after validation, not ${items.length}`,
    );
  const out: unknown[] = [];
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < Math.max(items.length, fixed.length); i++) {
    if (i >= items.length) {
      issues.push({ path: [...path, i], message: 'Field required' });
      continue;
    }
    const r = validateValue(fixed[i] ?? def.rest, items[i], [...path, i], ctx, strict);
    if (r.ok) out.push(r.value);
    else issues.push(...r.issues);
  }
  return issues.length ? { ok: false, issues } : ok(out);
}

function toList(
  element: z.ZodType,
  v: unknown,
  path: PyKey[],
  ctx: ValidationContext,
  strict: boolean,
): Result {
  const items = Array.isArray(v) ? v : !strict && v instanceof PyTuple ? v.items : undefined;
  if (!items) return fail(path, 'Input should be a valid list');
  const out: unknown[] = [];
  const issues: ValidationIssue[] = [];
  items.forEach((item, i) => {
    const r = validateValue(element, item, [...path, i], ctx, strict);
    if (r.ok) out.push(r.value);
    else issues.push(...r.issues);
  });
  return issues.length ? { ok: false, issues } : ok(out);
}

function toDict(
  schema: z.ZodType,
  def: Def,
  v: unknown,
  path: PyKey[],
  ctx: ValidationContext,
  strict: boolean,
): Result {
  if (!isDict(v)) return fail(path, 'Input should be a valid dictionary');
  if (isBareDict(schema)) return ok(new Map(v)); // pydantic's dict() copies the mapping, not its values
  const out = new Map<unknown, unknown>();
  const issues: ValidationIssue[] = [];
  for (const [key, value] of v) {
    const k = validateValue(def.keyType, key, [...path, key], ctx, strict);
    const r = validateValue(def.valueType, value, [...path, key], ctx, strict);
    if (!k.ok) issues.push(...k.issues);
    if (!r.ok) issues.push(...r.issues);
    if (k.ok && r.ok) out.set(k.value, r.value);
  }
  return issues.length ? { ok: false, issues } : ok(out);
}

type Kind = 'dict' | 'seq' | 'null' | 'scalar';
function inputKind(v: unknown): Kind {
  if (v === null) return 'null';
  if (isDict(v) || modelOf(v) !== undefined) return 'dict';
  return Array.isArray(v) || v instanceof PyTuple ? 'seq' : 'scalar';
}
function schemaKinds(schema: z.ZodType): Kind[] {
  const def = defOf(schema);
  if (def.type === 'nullable') return ['null', ...schemaKinds(def.innerType)];
  if (def.type === 'optional' || def.type === 'default') return schemaKinds(def.innerType);
  if (def.type === 'lazy') return schemaKinds(def.getter());
  if (def.type === 'union') return (def.options as z.ZodType[]).flatMap(schemaKinds);
  if (def.type === 'object' || def.type === 'record') return ['dict'];
  if (def.type === 'array' || def.type === 'tuple') return ['seq'];
  if (def.type === 'null') return ['null'];
  if (def.type === 'any' || def.type === 'unknown') return ['dict', 'seq', 'null', 'scalar'];
  return ['scalar'];
}

/** A validation attempt whose warnings are kept only if it succeeds. */
function attempt(
  schema: z.ZodType,
  v: unknown,
  path: PyKey[],
  ctx: ValidationContext,
  strict: boolean,
): Result {
  const sub: ValidationContext = { warnings: [] };
  const r = validateValue(schema, v, path, sub, strict);
  if (r.ok) ctx.warnings.push(...sub.warnings);
  return r;
}

/** pydantic "smart" union: the first exact (strict) match wins, else the first lax match in order. */
function smartUnion(def: Def, v: unknown, path: PyKey[], ctx: ValidationContext, strict: boolean): Result {
  const options = def.options as z.ZodType[];
  if (typeof def.discriminator === 'string' && isDict(v))
    return discriminated(def, options, v, path, ctx, strict);
  for (const pass of strict ? [true] : [true, false]) {
    for (const option of options) {
      const r = attempt(option, v, path, ctx, pass);
      if (r.ok) return r;
    }
  }
  const kind = inputKind(v);
  const near = options.filter((o) => schemaKinds(o).includes(kind));
  if (near.length === 1) return validateValue(near[0]!, v, path, { warnings: [] }, strict);
  // No member takes this kind of input: like pydantic, report why each member refused it.
  const issues = options.flatMap((o) => {
    const r = validateValue(o, v, path, { warnings: [] }, strict);
    return r.ok ? [] : r.issues;
  });
  const keyOf = (i: ValidationIssue) => `${i.path.map((k) => pyRepr(k)).join('.')}\u0000${i.message}`;
  const unique = new Map(issues.map((i) => [keyOf(i), i]));
  return { ok: false, issues: [...unique.values()] };
}

function discriminated(
  def: Def,
  options: z.ZodType[],
  v: Map<PyKey, PyValue>,
  path: PyKey[],
  ctx: ValidationContext,
  strict: boolean,
): Result {
  const key = def.discriminator as string;
  if (!v.has(key)) return fail(path, `Unable to extract tag using discriminator '${key}'`);
  const tag = v.get(key);
  const tags: string[] = [];
  for (const option of options) {
    const literal = defOf(unwrapOptional(defOf(option).shape[key]));
    const values = literal.values as unknown[];
    if (values.includes(tag)) return validateValue(option, v, path, ctx, strict);
    tags.push(...values.map((x) => pyRepr(x as PyValue)));
  }
  const names = tags.map((t) => t.slice(1, -1));
  return fail(
    [...path, key],
    `Input tag ${pyRepr(tag)} found using '${key}' does not match any of the expected tags: ${tags.join(', ')}${didYouMean(tag, names)}`,
  );
}
