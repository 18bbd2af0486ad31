/**
 * Validation failures as users see them: a pydantic-style details block, and the file position
 * of the first issue found by walking the resolved data along the issue's path.
 */
import { MoptError, type SourceRef } from '../../errors.js';
import { isDict, isList, pyRepr, type PyKey, type PyValue } from '../pyvalue.js';
import type { ValidationIssue } from '../schema/api.js';
import { keyLocation, locationOf, valueLocation } from '../yaml/locations.js';

/** Python's `str()` of a mapping key, as ModelOpt prints it in `root.a.b` contexts. */
export function pyStr(key: PyKey): string {
  return typeof key === 'string' ? key : pyRepr(key);
}

/** `2 validation errors for QuantizeConfig` followed by `path` / `  message` pairs, like pydantic. */
export function formatIssues(label: string, issues: readonly ValidationIssue[]): string {
  const n = issues.length;
  const lines = [`${n} validation error${n === 1 ? '' : 's'} for ${label}`];
  for (const issue of issues) {
    if (issue.path.length) lines.push(issue.path.map(pyStr).join('.'));
    lines.push(`  ${issue.message}`);
  }
  return lines.join('\n');
}

const UNKNOWN_KEY = /extra inputs are not permitted|unrecognized key|unknown key/i;

/**
 * Where an issue sits in the source: the value at its path, the key itself for unknown keys, or
 * the deepest container that exists (a missing required field points at the mapping that lacks it).
 */
export function locateIssue(data: PyValue, issue: ValidationIssue): SourceRef | undefined {
  let current: PyValue = data;
  let holder: object | undefined;
  let holderKey: PyKey | undefined;
  for (const segment of issue.path) {
    let next: PyValue | undefined;
    if (isDict(current) && current.has(segment)) next = current.get(segment);
    else if (isList(current) && typeof segment === 'number' && segment >= 0 && segment < current.length)
      next = current[segment];
    else
      return (
        (isDict(current) || isList(current) ? locationOf(current) : undefined) ?? holderLoc(holder, holderKey)
      );
    holder = current as object;
    holderKey = segment;
    current = next as PyValue;
  }
  if (holder === undefined || holderKey === undefined) return locationOf(data as object);
  if (UNKNOWN_KEY.test(issue.message))
    return keyLocation(holder, holderKey) ?? valueLocation(holder, holderKey);
  return valueLocation(holder, holderKey);
}

function holderLoc(holder: object | undefined, key: PyKey | undefined): SourceRef | undefined {
  return holder !== undefined && key !== undefined ? valueLocation(holder, key) : undefined;
}

/** E_SCHEMA_MISMATCH for a whole file (recipes.md §2.9), pointing at the first issue. */
export function schemaMismatch(
  path: string,
  label: string,
  typeLabel: string,
  issues: readonly ValidationIssue[],
  data: PyValue,
  fallback: SourceRef,
): MoptError {
  const first = issues[0];
  const source = (first && locateIssue(data, first)) ?? fallback;
  return new MoptError(
    'E_SCHEMA_MISMATCH',
    `Config file ${path} does not match modelopt-schema ${pyRepr(label)}: ${formatIssues(typeLabel, issues)}`,
    { source },
  );
}

/** Append validation warnings to the caller's sink, skipping ones it already holds. */
export function collectWarnings(sink: string[] | undefined, found: readonly string[] | undefined): void {
  if (!sink || !found) return;
  for (const w of found) if (!sink.includes(w)) sink.push(w);
}

/** Re-throw a MoptError with a source when it has none (errors raised while locating or reading a file). */
export function withSource<T>(source: SourceRef | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof MoptError && !err.source && source) {
      throw new MoptError(err.code, err.message, {
        source,
        hint: err.hint,
        exitCode: err.exitCode,
        cause: err,
      });
    }
    throw err;
  }
}
