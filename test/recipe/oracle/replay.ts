/**
 * Replaying one golden loader call with mopt: the case's files in a fresh temporary folder used as
 * the cwd option (never process.chdir), the call, and the outcome compared with the golden's.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MoptError } from '../../../src/errors.js';
import { BUILTIN_ROOT, getSchemaByName, loadConfig, loadRecipe } from '../../../src/recipe/index.js';
import { assertMessageMatches, type GoldenError } from './fragments.js';
import { assertSameResult, type GoldenResult } from './golden.js';

export type GoldenCall =
  | { fn: 'load_config'; path: string; schema_type: string | null }
  | { fn: 'load_recipe'; path: string; overrides: string[] | null };

export interface GoldenOutcome {
  ok: boolean;
  result?: GoldenResult;
  error?: GoldenError;
}

/** Write `files` ({relative path: text}) into a new temporary folder; returns its real path. */
export function writeProject(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mopt-oracle-')));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

export function runCall(call: GoldenCall, cwd: string | undefined): unknown {
  const opts = cwd === undefined ? {} : { cwd };
  if (call.fn === 'load_config') {
    const schema = call.schema_type === null ? undefined : getSchemaByName(call.schema_type);
    assert.ok(call.schema_type === null || schema, `mopt has no schema ${call.schema_type}`);
    return loadConfig(call.path, { ...opts, schema });
  }
  return loadRecipe(call.path, { ...opts, overrides: call.overrides ?? undefined });
}

/** The call's outcome: the value, or the MoptError it threw (anything else is rethrown: a crash). */
export function outcomeOf(call: GoldenCall, cwd: string | undefined): { value?: unknown; error?: MoptError } {
  try {
    return { value: runCall(call, cwd) };
  } catch (err) {
    if (err instanceof MoptError) return { error: err };
    throw err;
  }
}

/** Paths in messages as the goldens write them: the built-in root as `<builtin>`, cwd-relative names bare. */
export function normaliseOurs(message: string, cwd: string | undefined): string {
  let out = message.split(BUILTIN_ROOT).join('<builtin>');
  if (cwd) out = out.split(cwd + '/').join('').split(cwd).join('.');
  return out;
}

export function normaliseGolden(error: GoldenError): GoldenError {
  return { ...error, message: error.message.split('<cwd>/').join('') };
}

/** Run the call in `cwd` and compare with the golden outcome. */
export function assertSameOutcome(call: GoldenCall, golden: GoldenOutcome, cwd: string | undefined): void {
  const { value, error } = outcomeOf(call, cwd);
  if (golden.ok) {
    assert.ok(!error, `expected a result, mopt failed: ${error?.message}`);
    assertSameResult(value, golden.result!);
    return;
  }
  assert.ok(error, `expected ${golden.error!.type}: ${golden.error!.message}\nmopt returned a value`);
  assertMessageMatches(normaliseOurs(error.message, cwd), normaliseGolden(golden.error!));
}

/** Replay a case with files: a fresh folder, the call, then cleanup. */
export function withProject<T>(files: Record<string, string>, fn: (cwd: string) => T): T {
  const cwd = writeProject(files);
  try {
    return fn(cwd);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
