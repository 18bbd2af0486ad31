/** In-process runs of the mopt CLI (no build needed) and the stories260K fixture the eval/generate tests share. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { BUILTIN_CALIB_TEXT } from '../../src/calib/data/index.js';

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export async function mopt(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await main(['node', 'mopt', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { status, stdout, stderr };
}

/** Evaluation text kept apart from the calibration windows: the second half of the built-in passage. */
export function evalText(dir: string): string {
  const file = join(dir, 'emma-second-half.txt');
  writeFileSync(file, BUILTIN_CALIB_TEXT.slice(Math.floor(BUILTIN_CALIB_TEXT.length / 2)));
  return file;
}

export function hasStack(text: string): boolean {
  return /\n\s+at .+:\d+:\d+\)?/.test(text);
}
