/**
 * Where the built-in recipe library lives: the `recipes/` folder next to the package's package.json.
 * Found by walking up from this module, so it works from `src/` (tsx) and from `dist/src/` (compiled).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`mopt: no package.json above ${start}; the installation is incomplete`);
    dir = parent;
  }
}

/** Absolute path of the built-in library root (recipes.md §1.1). */
export const BUILTIN_ROOT: string = join(findPackageRoot(dirname(fileURLToPath(import.meta.url))), 'recipes');
