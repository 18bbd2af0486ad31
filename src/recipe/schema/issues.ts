/**
 * Validation issues and validator failures, worded like pydantic's messages so ModelOpt's
 * fragments ("Extra inputs are not permitted", "Value error, ...") survive, plus "did you mean" hints.
 */
import type { PyKey } from '../pyvalue.js';
import type { ValidationIssue } from './api.js';

export type Result<T = unknown> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Warnings (e.g. legacy quant_cfg forms) collected during one validation; never printed here. */
export interface ValidationContext {
  warnings: string[];
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(path: PyKey[], message: string): Result<never> {
  return { ok: false, issues: [{ path, message }] };
}

/**
 * Thrown by a config class's validators. `assert` mirrors a Python `assert` (pydantic prefixes
 * "Assertion failed, "), `value` a `raise ValueError` ("Value error, ").
 */
export class ValidatorError extends Error {
  constructor(
    readonly kind: 'value' | 'assert',
    message: string,
    readonly subPath: PyKey[] = [],
  ) {
    super(message);
  }

  issueMessage(): string {
    return (this.kind === 'assert' ? 'Assertion failed, ' : 'Value error, ') + this.message;
  }
}

/**
 * Thrown by a validator that validated a nested value itself (ModelOpt building a config object
 * inside a `before` validator): pydantic keeps those errors, their locations taken from the field.
 */
export class NestedIssues extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

export function valueError(message: string): never {
  throw new ValidatorError('value', message);
}

/** `message` may be a function so costly text (typo hints) is only built when the check fails. */
export function assertion(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) throw new ValidatorError('assert', typeof message === 'string' ? message : message());
}

/** Optimal-string-alignment distance (a swap of neighbours counts 1: `axsi` is 1 from `axis`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate when it is near enough to be a plausible typo, else undefined. */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  return bestDistance <= limit && bestDistance < word.length ? best : undefined;
}

export function didYouMean(word: unknown, candidates: readonly string[]): string {
  if (typeof word !== 'string') return '';
  const hit = closestName(word, candidates);
  return hit === undefined ? '' : ` (did you mean '${hit}'?)`;
}

/** pydantic's enumeration of allowed literals: `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`. */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export function prefixIssues(prefix: PyKey[], issues: ValidationIssue[]): ValidationIssue[] {
  return issues.map((i) => ({ path: [...prefix, ...i.path], message: i.message }));
}
