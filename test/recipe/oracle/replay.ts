/**
 * Replaying one golden loader call with mopt: the case's files in a fresh temporary folder used as
 * the cwd option (never process.chdir), the call, and the outcome compared with the golden's.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MoptError } from '../../../src/errors.js';
import {
  BUILTIN_ROOT,
  getSchemaByName,
  loadConfig,
  loadRecipe,
  recipeSource,
} from '../../../src/recipe/index.js';
import { assertMessageMatches, type GoldenError } from './fragments.js';
import { assertSameResult, maskDescription, type GoldenResult } from './golden.js';

export type GoldenCall =
  | { fn: 'load_config'; path: string; schema_type: string | null }
  | { fn: 'load_recipe'; path: string; overrides: string[] | null };

export interface GoldenOutcome {
  ok: boolean;
  stdout?: string;
  warnings?: { category: string; message: string }[];
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

export function runCall(call: GoldenCall, cwd: string | undefined, warnings?: string[]): unknown {
  const opts = { ...(cwd === undefined ? {} : { cwd }), warnings };
  if (call.fn === 'load_config') {
    const schema = call.schema_type === null ? undefined : getSchemaByName(call.schema_type);
    assert.ok(call.schema_type === null || schema, `mopt has no schema ${call.schema_type}`);
    return loadConfig(call.path, { ...opts, schema });
  }
  return loadRecipe(call.path, { ...opts, overrides: call.overrides ?? undefined });
}

export interface Outcome {
  value?: unknown;
  error?: MoptError;
  warnings: string[];
}

/** The call's outcome: the value or the MoptError it threw (anything else is rethrown: a crash), and warnings. */
export function outcomeOf(call: GoldenCall, cwd: string | undefined): Outcome {
  const warnings: string[] = [];
  try {
    return { value: runCall(call, cwd, warnings), warnings };
  } catch (err) {
    if (err instanceof MoptError) return { error: err, warnings };
    throw err;
  }
}

/**
 * ModelOpt's DeprecationWarnings (the legacy quant_cfg forms) against mopt's sink: pydantic may run a
 * validator twice and mopt words them its own way, so whether any was issued is what must agree.
 */
export function assertSameWarnings(ours: readonly string[], golden: GoldenOutcome['warnings']): void {
  const theirs = golden ?? [];
  assert.equal(
    ours.length > 0,
    theirs.length > 0,
    `warnings: mopt ${JSON.stringify(ours)}, golden ${JSON.stringify(theirs)}`,
  );
  assert.ok(
    theirs.every((w) => w.category === 'DeprecationWarning'),
    'only deprecation warnings are expected',
  );
}

/** Paths in messages as the goldens write them: the built-in root as `<builtin>`, cwd-relative names bare. */
export function normaliseOurs(message: string, cwd: string | undefined): string {
  let out = message.split(BUILTIN_ROOT).join('<builtin>');
  if (cwd)
    out = out
      .split(cwd + '/')
      .join('')
      .split(cwd)
      .join('.');
  return out;
}

export function normaliseGolden(error: GoldenError): GoldenError {
  return { ...error, message: error.message.split('<cwd>/').join('') };
}

/** mopt prints nothing; recipeSource(recipe).display is the text of ModelOpt's `[load_recipe] loading:` line. */
export function assertSameLoadingLine(recipe: unknown, stdout: string, cwd: string | undefined): void {
  const display = recipeSource(recipe as object)?.display ?? '<no source>';
  const expected = stdout.split('<cwd>/').join('');
  assert.equal(`[load_recipe] loading: ${normaliseOurs(display, cwd)}\n`, expected, 'recipe source');
}

/** Run the call in `cwd` and compare with the golden outcome. */
export function assertSameOutcome(call: GoldenCall, golden: GoldenOutcome, cwd: string | undefined): void {
  const { value, error, warnings } = outcomeOf(call, cwd);
  assertSameWarnings(warnings, golden.warnings);
  if (golden.ok) {
    assert.ok(!error, `expected a result, mopt failed: ${error?.message}`);
    // A recipe read from the built-in library carries our own description text.
    const builtin = golden.stdout?.startsWith('[load_recipe] loading: <builtin>/') ?? false;
    assertSameResult(value, golden.result!, builtin ? maskDescription : undefined);
    if (call.fn === 'load_recipe') assertSameLoadingLine(value, golden.stdout ?? '', cwd);
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
