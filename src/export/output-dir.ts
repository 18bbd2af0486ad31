/**
 * The export directory: checked against the source before anything is written, filled in a
 * temporary sibling folder, and renamed into place only when complete. On failure the temporary
 * folder (and any parent folder we created) is removed, so no partial target is ever left.
 */
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { MoptError } from '../errors.js';

function canonical(path: string): string {
  const abs = resolve(path);
  // resolve symlinks of the longest existing prefix, so a link cannot hide that target is inside source
  let existing = abs;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    rest.unshift(basename(existing));
    const up = dirname(existing);
    if (up === existing) break;
    existing = up;
  }
  return join(realpathSync(existing), ...rest);
}

const inside = (child: string, parent: string): boolean => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
};

/** Refuses a target that is the source, inside it, or holds it; or a non-empty target without force. */
export function checkExportTarget(sourceDir: string, target: string, force: boolean): void {
  const src = canonical(sourceDir);
  const dst = canonical(target);
  if (inside(dst, src)) {
    throw new MoptError(
      'E_EXPORT_PATH',
      `export path ${target} is the source checkpoint or inside it (${sourceDir}); the source is never written to`,
      {
        hint: 'choose an export folder outside the model folder',
      },
    );
  }
  if (inside(src, dst)) {
    throw new MoptError(
      'E_EXPORT_PATH',
      `export path ${target} contains the source checkpoint ${sourceDir}; replacing it would delete the source`,
    );
  }
  if (!existsSync(dst)) return;
  if (!statSync(dst).isDirectory())
    throw new MoptError('E_EXPORT_PATH', `export path ${target} exists and is not a directory`);
  if (readdirSync(dst).length > 0 && !force) {
    throw new MoptError('E_EXPORT_EXISTS', `export path ${target} is not empty`, {
      hint: 'pass --force to replace its contents',
    });
  }
}

export interface StagedDir {
  /** Where to write: a temporary folder beside the target. */
  dir: string;
  /** Moves the finished folder into place (replacing an existing target). */
  commit(): void;
  /** Removes everything this staging created. */
  abort(): void;
}

export function stageExportDir(target: string): StagedDir {
  const dst = resolve(target);
  const parent = dirname(dst);
  const createdParent = existsSync(parent) ? undefined : mkdirSync(parent, { recursive: true });
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const dir = join(parent, `.${basename(dst)}.mopt-partial-${tag}`);
  mkdirSync(dir);
  let done = false;
  return {
    dir,
    commit() {
      if (existsSync(dst)) {
        const old = join(parent, `.${basename(dst)}.mopt-old-${tag}`);
        renameSync(dst, old);
        renameSync(dir, dst);
        rmSync(old, { recursive: true, force: true });
      } else {
        renameSync(dir, dst);
      }
      done = true;
    },
    abort() {
      if (done) return;
      rmSync(dir, { recursive: true, force: true });
      if (createdParent) rmSync(createdParent, { recursive: true, force: true });
      done = true;
    },
  };
}
