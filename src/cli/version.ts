/** The package version, read once from package.json at the package root. */
import { readFileSync } from 'node:fs';
import { BUILTIN_ROOT } from '../recipe/builtin.js';
import { dirname, join } from 'node:path';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(join(dirname(BUILTIN_ROOT), 'package.json'), 'utf8')) as {
      version: string;
    };
    cached = pkg.version;
  }
  return cached;
}
