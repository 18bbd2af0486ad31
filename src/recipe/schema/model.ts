/**
 * The pydantic-like model machinery: a config class is a zod object schema (field types, JSON Schema)
 * plus defaults and validators kept beside it. Validated objects are plain objects with every field;
 * which fields were given explicitly (pydantic's fields-set, recipes.md D4) lives in a WeakMap.
 */
import * as z from 'zod';
import { isDict, pyTypeName, type PyKey, type PyValue } from '../pyvalue.js';
import type { ValidationIssue } from './api.js';
import { validateValue } from './coerce.js';
import {
  NestedIssues,
  ValidatorError,
  didYouMean,
  fail,
  ok,
  prefixIssues,
  type Result,
  type ValidationContext,
} from './issues.js';

export interface FieldSpec {
  /** The field's type; the single source for validation, dumps and JSON Schema. */
  type: z.ZodType;
  /** Raw input used when the field is absent (validated like given input); absent = required field. */
  default?: () => PyValue;
  /** pydantic `field_validator(mode='before')`: rewrites the raw value. */
  before?: (raw: PyValue, ctx: ValidationContext) => PyValue;
  /** pydantic `field_validator` (after): sees the validated value and the fields validated so far. */
  after?: (value: unknown, data: Record<string, unknown>) => unknown;
  description?: string;
  /** pydantic `field_serializer`: how dumps write the value (both full and sparse dumps). */
  serialize?: (value: unknown) => PyValue;
}

export interface ModelSpec<T> {
  name: string;
  module: string;
  /** One spec per field of T (checked against types.ts at compile time), in schema order. */
  fields: { [K in keyof T & string]: FieldSpec };
  /** 'allow' keeps unknown keys (speculative `training`); default forbids them. */
  extra?: 'forbid' | 'allow';
  /** `model_validator(mode='before')` on the raw input. */
  before?: (raw: PyValue, ctx: ValidationContext) => PyValue;
  /** `model_validator(mode='after')`; may rewrite fields of the new object. */
  after?: (obj: T, fieldsSet: Set<string>, ctx: ValidationContext) => void;
}

export interface Model<T = Record<string, unknown>> extends Omit<ModelSpec<T>, 'fields'> {
  readonly fields: Readonly<Record<string, FieldSpec>>;
  readonly zod: z.ZodObject;
  readonly fieldNames: readonly string[];
}

interface ObjectMeta {
  model: Model<unknown>;
  fieldsSet: Set<string>;
  /** Extra keys kept by `extra: 'allow'` classes, in input order. */
  extras: string[];
}

const modelsBySchema = new WeakMap<object, Model<unknown>>();
const objectMeta = new WeakMap<object, ObjectMeta>();

export function defineModel<T>(spec: ModelSpec<T>): Model<T> {
  const shape: Record<string, z.ZodType> = {};
  const fields: Record<string, FieldSpec> = spec.fields;
  for (const [name, field] of Object.entries(fields)) {
    let type = field.default ? field.type.optional() : field.type;
    if (field.description) type = type.describe(field.description);
    shape[name] = type;
  }
  const zod = spec.extra === 'allow' ? z.looseObject(shape) : z.strictObject(shape);
  const model: Model<T> = { ...spec, fields, zod, fieldNames: Object.keys(fields) };
  modelsBySchema.set(zod, model as Model<unknown>);
  return model;
}

/** The config class of a zod object schema or of a validated config object. */
export function modelOf(x: unknown): Model<unknown> | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  return modelsBySchema.get(x) ?? objectMeta.get(x)?.model;
}

/** The config class name of a validated object (`QuantizeConfig`), else undefined. */
export function configClassOf(v: unknown): string | undefined {
  return typeof v === 'object' && v !== null ? objectMeta.get(v)?.model.name : undefined;
}

export function isConfigObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && objectMeta.has(v);
}

/** Names of the fields given explicitly (or set by a validator), in schema order. */
export function fieldsSetOf(obj: object): string[] {
  const meta = objectMeta.get(obj);
  if (!meta) return [];
  return [...meta.model.fieldNames.filter((f) => meta.fieldsSet.has(f)), ...meta.extras];
}

export function extrasOf(obj: object): string[] {
  return objectMeta.get(obj)?.extras ?? [];
}

/** Marks a field as explicitly set (for validators that assign after construction). */
export function markSet(obj: object, field: string): void {
  objectMeta.get(obj)?.fieldsSet.add(field);
}

export function validateModel<T>(
  model: Model<T>,
  input: unknown,
  path: PyKey[],
  ctx: ValidationContext,
  strict = false,
): Result<T> {
  const existing = objectMeta.get(input as object);
  if (existing) {
    if (existing.model === (model as Model<unknown>)) return ok(input as T);
    return fail(path, `Input should be a valid dictionary or instance of ${model.name}`);
  }
  if (strict) return fail(path, `Input should be an instance of ${model.name}`);
  let raw = input as PyValue;
  try {
    if (model.before) raw = model.before(raw, ctx);
  } catch (e) {
    return validatorFailure(e, path);
  }
  if (!isDict(raw)) return fail(path, `Input should be a valid dictionary or instance of ${model.name}`);
  const obj: Record<string, unknown> = {};
  const fieldsSet = new Set<string>();
  const extras: string[] = [];
  const issues: ValidationIssue[] = [];
  for (const [name, field] of Object.entries(model.fields)) {
    const given = raw.has(name);
    if (!given && !field.default) {
      issues.push({ path: [...path, name], message: 'Field required' });
      continue;
    }
    const r = validateField(field, given ? raw.get(name)! : field.default!(), obj, [...path, name], ctx);
    if (!r.ok) issues.push(...r.issues);
    else {
      obj[name] = r.value;
      if (given) fieldsSet.add(name);
    }
  }
  for (const [key, value] of raw) {
    if (typeof key === 'string' && Object.hasOwn(model.fields, key)) continue;
    if (model.extra === 'allow' && typeof key === 'string') {
      obj[key] = value;
      extras.push(key);
      continue;
    }
    const hint = didYouMean(
      key,
      model.fieldNames.filter((f) => !raw.has(f)),
    );
    issues.push({ path: [...path, key], message: `Extra inputs are not permitted${hint}` });
  }
  if (issues.length) return { ok: false, issues };
  objectMeta.set(obj, { model: model as Model<unknown>, fieldsSet, extras });
  try {
    model.after?.(obj as T, fieldsSet, ctx);
  } catch (e) {
    return validatorFailure(e, path);
  }
  return ok(obj as T);
}

function validateField(
  field: FieldSpec,
  rawValue: PyValue,
  data: Record<string, unknown>,
  path: PyKey[],
  ctx: ValidationContext,
): Result {
  try {
    const value = field.before ? field.before(rawValue, ctx) : rawValue;
    const r = validateValue(field.type, value, path, ctx);
    if (!r.ok || !field.after) return r;
    return ok(field.after(r.value, data));
  } catch (e) {
    return validatorFailure(e, path);
  }
}

function validatorFailure(e: unknown, path: PyKey[]): Result<never> {
  if (e instanceof ValidatorError) return fail([...path, ...e.subPath], e.issueMessage());
  if (e instanceof NestedIssues) return { ok: false, issues: prefixIssues(path, e.issues) };
  throw e;
}

/** `type(x)` as ModelOpt's messages show it: `<class 'dict'>`. */
export function pyClassOf(v: PyValue): string {
  return `<class '${pyTypeName(v)}'>`;
}
