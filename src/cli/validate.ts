/** Validation of many recipe/snippet files at once, collecting every problem instead of stopping at the first. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMoptError } from '../errors.js';
import { loadConfig, loadRecipe, looksLikeRecipe } from '../recipe/index.js';

export interface ValidationSummary {
  checked: number;
  problems: string[];
}

export function validateFiles(files: string[]): ValidationSummary {
  const problems: string[] = [];
  for (const file of files) {
    try {
      const onDisk = existsSync(file);
      const target = onDisk ? resolve(file) : file;
      if (onDisk && statSync(file).isDirectory()) loadRecipe(target);
      else if (!onDisk || looksLikeRecipe(target)) loadRecipe(target);
      else loadConfig(target);
    } catch (err) {
      if (!isMoptError(err)) throw err;
      problems.push(`${file}: ${err.format()}`);
    }
  }
  return { checked: files.length, problems };
}
