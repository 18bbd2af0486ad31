/** Shared test helpers for the model layer: scratch folders and the read-only stories260K asset. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file whose package.json is mopt's (works from dist/ too). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'mopt')
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
}

export const STORIES_DIR = resolve(repoRoot(), '../shared/assets/stories260K');
export const STORIES_BIN = join(STORIES_DIR, 'stories260K.bin');
export const TOK512_BIN = join(STORIES_DIR, 'tok512.bin');

/** A fresh scratch folder under the OS temp dir; call the returned cleanup when done. */
export function scratchDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `mopt-model-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
