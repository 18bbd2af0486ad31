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
  | { ok: true; value: unknown }
  | { ok: false; issues: ValidationIssue[] };
