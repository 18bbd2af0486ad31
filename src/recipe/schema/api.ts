/**
 * The contract between the loader (imports, `$import` splicing, validation of files) and the
 * schema layer (zod schemas that emulate ModelOpt's pydantic classes). Types only.
 */
import type { PyKey, PyValue } from '../pyvalue.js';

/** A schema the loader can carry through a document walk (recipes.md §2.8). */
export interface SchemaType {
  /** Label used in messages: the registered name for snippets (`QuantizerCfgListConfig`), else the type name. */
  readonly label: string;
  /** Schema of the value under mapping key `key`, or null when untyped (§2.8). */
  child(key: PyKey): SchemaType | null;
  /** Element schema when this is (or unions exactly one) `list[T]`, else null (§2.8). */
  element(): SchemaType | null;
  /** Schema equality used for list splicing (§2.5). */
  equals(other: SchemaType): boolean;
  /** True for `dict`/`dict[...]` schemas (a mapping snippet may be appended to a list of them, §2.7 B.5). */
  isDict(): boolean;
}

export interface ValidationIssue {
  /** Path from the validated value's root: mapping keys and list indices. */
  path: PyKey[];
  message: string;
}

export type ValidationResult =
  | { ok: true; value: unknown; warnings?: string[] }
  | { ok: false; issues: ValidationIssue[]; warnings?: string[] };

/**
 * What `src/recipe/schema/index.ts` exports for the loader (implemented by the schema layer):
 *
 *   getSchemaByName(name: string): SchemaType | undefined
 *       Registry lookup by full dotted name, e.g. 'modelopt.torch.quantization.config.QuantizerAttributeConfig'
 *       (recipes.md §2.5; the loader produces the E_SCHEMA_* errors itself).
 *   recipeSchema(type: RecipeType): SchemaType        ModelOptPTQRecipe, ModelOptAutoQuantizeRecipe, ...
 *   metadataSchema: SchemaType                         RecipeMetadataConfig (directory recipes)
 *   quantizeSchema: SchemaType                         QuantizeConfig (directory recipes)
 *   validate(schema: SchemaType, data: PyValue, warnings?: string[]): ValidationResult
 *       Returns config objects (see types.ts) whose explicitly-set fields are remembered.
 *       Deprecation warnings are appended to `warnings` and also returned on the result.
 *   isConfigObject(v: unknown): boolean                true for a validated config object
 *   dumpFull(v: unknown): PyValue                       model_dump(): every field, schema order
 *   dumpSparse(v: unknown): PyValue                     model_dump(exclude_unset=True)
 *       Both accept a config object or a list of them; tuples come back as PyTuple, floats as PyFloat,
 *       integer keys as numbers, so Python-style JSON/YAML printing is exact.
 */

/** The signature of `validate` in index.ts. */
export type ValidateFunction = (schema: SchemaType, data: PyValue, warnings?: string[]) => ValidationResult;
