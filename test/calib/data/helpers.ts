/** Shared test helpers for calibration data: scratch folders, file writers and a character-level tokenizer. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CalibTokenizer } from '../../../src/calib/data/index.js';

export function scratchDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `mopt-data-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `text` at dir/rel (making folders) and returns the full path. */
export function put(dir: string, rel: string, text: string): string {
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

export function jsonl(records: unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/**
 * One id per UTF-16 code unit (id = code + 10), so expected ids can be written by hand; BOS 1, EOS 2, pad 3.
 * `suffix` adds an EOS after every text, like add_eos_token.
 */
export function charTokenizer(
  options: { prefix?: number[]; suffix?: number[]; padId?: number } = {},
): CalibTokenizer {
  return {
    specialPrefix: options.prefix ?? [1],
    specialSuffix: options.suffix ?? [],
    padId: 'padId' in options ? options.padId : 3,
    encode(text, opts = {}) {
      const ids = Array.from(text, (c) => c.charCodeAt(0) + 10);
      return opts.addSpecial === false
        ? ids
        : [...(options.prefix ?? [1]), ...ids, ...(options.suffix ?? [])];
    },
  };
}

/** The ids charTokenizer gives a text (no specials). */
export function chars(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0) + 10);
}
