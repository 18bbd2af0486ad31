/** A tiny draft-07 checker (the keywords zod emits) so tests can try the exported JSON Schemas. */
type Json = Record<string, unknown>;

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'null':
      return v === null;
    default:
      return typeof v === t;
  }
}

/** True when `v` satisfies `schema`. */
export function conforms(schema: Json | boolean, v: unknown): boolean {
  if (schema === true) return true;
  if (schema === false) return false;
  const s = schema;
  if (
    s.type !== undefined &&
    !(Array.isArray(s.type) ? s.type : [s.type]).some((t) => typeOk(t as string, v))
  )
    return false;
  if (s.const !== undefined && s.const !== v) return false;
  if (s.enum && !(s.enum as unknown[]).includes(v)) return false;
  if (s.anyOf && !(s.anyOf as Json[]).some((x) => conforms(x, v))) return false;
  if (s.oneOf && (s.oneOf as Json[]).filter((x) => conforms(x, v)).length !== 1) return false;
  if (s.allOf && !(s.allOf as Json[]).every((x) => conforms(x, v))) return false;
  if (typeof v === 'string' && typeof s.pattern === 'string' && !new RegExp(s.pattern).test(v)) return false;
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) return false;
    if (typeof s.maximum === 'number' && v > s.maximum) return false;
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) return false;
    if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) return false;
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) return false;
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) return false;
    if (Array.isArray(s.items)) {
      const fixed = s.items as Json[];
      if (
        !v.every((x, i) =>
          i < fixed.length ? conforms(fixed[i]!, x) : conforms((s.additionalItems as Json) ?? true, x),
        )
      )
        return false;
    } else if (s.items !== undefined && !v.every((x) => conforms(s.items as Json, x))) return false;
  }
  if (typeOk('object', v)) {
    const obj = v as Json;
    const props = (s.properties ?? {}) as Json;
    if (s.required && !(s.required as string[]).every((k) => k in obj)) return false;
    for (const [k, x] of Object.entries(obj)) {
      if (s.propertyNames && !conforms(s.propertyNames as Json, k)) return false;
      if (k in props) {
        if (!conforms(props[k] as Json, x)) return false;
      } else if (s.additionalProperties !== undefined && !conforms(s.additionalProperties as Json, x))
        return false;
    }
  }
  return true;
}
