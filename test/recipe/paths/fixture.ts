/** Temporary project trees for path tests: a fake cwd and a fake built-in root, never the real cwd. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Tree {
  base: string;
  cwd: string;
  builtin: string;
  /** Create files (content defaults to `a: 1`) or directories (path ending in '/'). */
  add(root: 'cwd' | 'builtin' | 'base', ...paths: string[]): void;
  link(root: 'cwd' | 'builtin', from: string, to: string): void;
  cleanup(): void;
}

export function makeTree(): Tree {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'mopt-paths-')));
  const cwd = join(base, 'work');
  const builtin = join(base, 'recipes');
  mkdirSync(cwd);
  mkdirSync(builtin);
  const rootOf = (r: 'cwd' | 'builtin' | 'base') => (r === 'cwd' ? cwd : r === 'builtin' ? builtin : base);
  return {
    base,
    cwd,
    builtin,
    add(root, ...paths) {
      for (const p of paths) {
        const full = join(rootOf(root), p);
        if (p.endsWith('/')) mkdirSync(full, { recursive: true });
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, 'a: 1\n');
        }
      }
    },
    link(root, from, to) {
      const full = join(rootOf(root), from);
      mkdirSync(dirname(full), { recursive: true });
      symlinkSync(to, full);
    },
    cleanup() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}
