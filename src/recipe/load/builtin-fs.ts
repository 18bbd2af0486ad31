/**
 * File-system answers about the installed built-in library, remembered for the life of the process.
 * The library ships with the package and does not change while mopt runs, so probing and reading it
 * once is enough; warm loads of built-in recipes then touch the disk only for the user's own files.
 * Paths outside the library are always asked afresh.
 */
import { readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { sep } from 'node:path';
import { BUILTIN_ROOT } from '../builtin.js';

const LIBRARY_PREFIXES = [...new Set([BUILTIN_ROOT, safeRealpath(BUILTIN_ROOT)])].map((p) => p + sep);
const stats = new Map<string, Stats | null>();
const realPaths = new Map<string, string>();
const contents = new Map<string, Buffer>();

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** True for an absolute path inside the installed built-in library. */
export function inLibrary(abs: string): boolean {
  return LIBRARY_PREFIXES.some((prefix) => abs.startsWith(prefix));
}

function remembered<T>(cache: Map<string, T>, abs: string, compute: () => T): T {
  if (!inLibrary(abs)) return compute();
  let value = cache.get(abs);
  if (value === undefined) cache.set(abs, (value = compute()));
  return value;
}

/** statSync, or null when the path does not exist. */
export function statPath(abs: string): Stats | null {
  return remembered(stats, abs, () => {
    try {
      return statSync(abs);
    } catch {
      return null;
    }
  });
}

export function realPathOf(abs: string): string {
  return remembered(realPaths, abs, () => realpathSync(abs));
}

export function readFileBytes(abs: string): Buffer {
  return remembered(contents, abs, () => readFileSync(abs));
}
