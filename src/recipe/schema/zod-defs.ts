/**
 * Reading zod schemas as a type AST: definitions, Optional unwrapping, Python-style type labels,
 * and the two shapes zod lacks a direct name for (bare `dict`, variadic `tuple[T, ...]`).
 */
import * as z from 'zod';
import { pyRepr, type PyValue } from '../pyvalue.js';
import { modelOf } from './model.js';

// zod keeps each schema's definition on `_zod.def`; this layer reads it like an AST.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Def = any;
export function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** `dict` with no key/value types: any keys, values kept verbatim (pydantic's bare `dict`). */
const bareDicts = new WeakSet<z.ZodType>();
export function pyDict(): z.ZodType {
  const s = z.record(z.string(), z.unknown());
  bareDicts.add(s);
  return s;
}
/** `tuple[T, ...]`: zod's variadic tuple (its typings insist on one fixed item, runtime does not). */
export function variadicTuple(item: z.ZodType): z.ZodType {
  const tuple = z.tuple as unknown as (items: z.ZodType[], rest: z.ZodType) => z.ZodType;
  return tuple([], item);
}

export function isBareDict(schema: z.ZodType): boolean {
  return bareDicts.has(schema);
}

export function isIntSchema(def: Def): boolean {
  return def.type === 'number' && typeof def.format === 'string' && def.format.includes('int');
}

/** The non-null member of `X | None` (nullable/optional/default unwrapped), else the schema itself. */
export function unwrapOptional(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (def.type === 'nullable' || def.type === 'optional' || def.type === 'default') s = def.innerType;
    else if (def.type === 'lazy') s = def.getter();
    else return s;
  }
}

/** Python-style name of a type, as ModelOpt's messages print it (`list[str]`, `int | None`). */
export function typeLabel(schema: z.ZodType): string {
  const model = modelOf(schema);
  if (model) return model.name;
  const def = defOf(schema);
  switch (def.type) {
    case 'nullable':
      return `${typeLabel(def.innerType)} | None`;
    case 'optional':
    case 'default':
      return typeLabel(def.innerType);
    case 'lazy':
      return typeLabel(def.getter());
    case 'null':
      return 'None';
    case 'any':
    case 'unknown':
      return 'Any';
    case 'boolean':
      return 'bool';
    case 'number':
      return isIntSchema(def) ? 'int' : 'float';
    case 'string':
      return 'str';
    case 'literal':
      return `Literal[${(def.values as PyValue[]).map(pyRepr).join(', ')}]`;
    case 'enum':
      return `Literal[${(Object.values(def.entries) as PyValue[]).map(pyRepr).join(', ')}]`;
    case 'tuple': {
      const items = (def.items as z.ZodType[]).map(typeLabel);
      if (def.rest) items.push(`${typeLabel(def.rest)}, ...`);
      return `tuple[${items.join(', ')}]`;
    }
    case 'array':
      return `list[${typeLabel(def.element)}]`;
    case 'record':
      return isBareDict(schema) ? 'dict' : `dict[${typeLabel(def.keyType)}, ${typeLabel(def.valueType)}]`;
    case 'union':
      return (def.options as z.ZodType[]).map(typeLabel).join(' | ');
    default:
      return String(def.type);
  }
}
