/**
 * The schema layer's public face: ModelOpt V2's config classes as zod schemas with pydantic's
 * coercions, the registry the loader resolves `# modelopt-schema:` names in, dumps, JSON Schema.
 */
import type { PyValue } from '../pyvalue.js';
import type { SchemaType, ValidationResult } from './api.js';
import { validateValue } from './coerce.js';
import type { ValidationContext } from './issues.js';
import { ZodSchemaType } from './registry.js';

export { dumpFull, dumpSparse } from './dump.js';
export { configClassOf, isConfigObject, fieldsSetOf } from './model.js';
export {
  getSchemaByName,
  metadataSchema,
  quantizeSchema,
  recipeSchema,
  registeredSchemaNames,
  ZodSchemaType,
} from './registry.js';
export { needCalibration, normalizeQuantCfgList } from './quantize.js';
export { validateAlgorithm, ALGORITHM_MODELS } from './algorithms.js';
export { recipeJsonSchema, snippetJsonSchemas } from './json-schema.js';
export { RECIPE_MODELS, RECIPE_SECTIONS } from './recipes.js';
export { RECIPE_TYPES } from './metadata.js';
export type { SchemaType, ValidationIssue, ValidationResult } from './api.js';

/**
 * Validates plain data against a registered schema, returning config objects (or a list of them).
 * Deprecation warnings (legacy quant_cfg forms, speculative rope mismatch) land in `warnings`.
 */
export function validate(schema: SchemaType, data: PyValue, warnings: string[] = []): ValidationResult {
  if (!(schema instanceof ZodSchemaType)) throw new TypeError('validate() needs a schema from this registry');
  const ctx: ValidationContext = { warnings };
  const r = validateValue(schema.zod, data, [], ctx);
  return r.ok ? { ok: true, value: r.value, warnings } : { ok: false, issues: r.issues, warnings };
}
