/**
 * Table-driven conformance cases: each case writes files into a fresh temporary project (a cwd and a
 * fake built-in root), makes one loader call, and checks either the result (as a Python repr, the
 * spec's own notation) or the error (code, message fragments, file:line:col and import chain).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { formatLoc, MoptError, type SourceRef } from '../../../src/errors.js';
import { loadConfig } from '../../../src/recipe/load/load-config.js';
import { loadRecipe, recipeSource } from '../../../src/recipe/load/load-recipe.js';
import { pyRepr, type PyValue } from '../../../src/recipe/pyvalue.js';
import { dumpSparse, getSchemaByName, isConfigObject } from '../../../src/recipe/schema/index.js';

export const Q = 'modelopt.torch.quantization.config.';
export const R = 'modelopt.recipe.config.';
/** `# modelopt-schema:` header lines for the shipped schema names. */
export const S = {
  attr: `# modelopt-schema: ${Q}QuantizerAttributeConfig\n`,
  entry: `# modelopt-schema: ${Q}QuantizerCfgEntry\n`,
  list: `# modelopt-schema: ${Q}QuantizerCfgListConfig\n`,
  quantize: `# modelopt-schema: ${Q}QuantizeConfig\n`,
  patterns: `# modelopt-schema: ${R}LayerPatternList\n`,
  metadata: `# modelopt-schema: ${R}RecipeMetadataConfig\n`,
};

export type Call =
  | { fn: 'config'; path: string; schema?: string }
  | { fn: 'recipe'; path: string; overrides?: string[] }
  | { fn: 'custom'; run: (env: Env) => unknown };

export interface ExpectedError {
  code: string;
  /** Fragments that must all appear in the message. */
  message?: string | string[];
  /** `file:line:col` of error.source, with the temp folders written as `cwd/` and `@/`. */
  at?: string;
  /** The import chain positions, nearest importer first, same notation. */
  chain?: string[];
}

export interface Case {
  name: string;
  /** Relative paths: plain ones go under the cwd, `@/...` under the fake built-in root. */
  files: Record<string, string>;
  /** Symlinks to create: link path -> target (same notation as files). */
  links?: Record<string, string>;
  call: Call;
  /** Expected result as a Python repr (validated objects are compared by their sparse dump). */
  value?: string;
  /** Free-form check of the result. */
  check?: (result: unknown, env: Env) => void;
  error?: ExpectedError;
}

export interface Env {
  root: string;
  cwd: string;
  builtin: string;
  opts: { cwd: string; builtinRoot: string };
  /** Turn `cwd/x` / `@/x` notation into an absolute path. */
  abs(path: string): string;
  /** Turn an absolute or cwd-relative path back into the notation. */
  short(path: string): string;
}

export function makeEnv(files: Record<string, string>, links: Record<string, string> = {}): Env {
  const root = mkdtempSync(join(tmpdir(), 'mopt-conf-'));
  const cwd = join(root, 'cwd');
  const builtin = join(root, 'builtin');
  mkdirSync(cwd);
  mkdirSync(builtin);
  const abs = (p: string): string => (p.startsWith('@/') ? join(builtin, p.slice(2)) : join(cwd, p));
  const short = (p: string): string => {
    if (p.startsWith(builtin + '/')) return '@/' + p.slice(builtin.length + 1);
    if (p.startsWith(cwd + '/')) return p.slice(cwd.length + 1);
    return p;
  };
  for (const [path, text] of Object.entries(files)) {
    const full = abs(path);
    mkdirSync(dirname(full), { recursive: true });
    if (path.endsWith('/')) mkdirSync(full, { recursive: true });
    else writeFileSync(full, text);
  }
  for (const [link, target] of Object.entries(links)) {
    mkdirSync(dirname(abs(link)), { recursive: true });
    symlinkSync(abs(target), abs(link));
  }
  return { root, cwd, builtin, opts: { cwd, builtinRoot: builtin }, abs, short };
}

export function callOf(call: Call, env: Env): unknown {
  if (call.fn === 'config') {
    const schema = call.schema === undefined ? undefined : getSchemaByName(call.schema);
    if (call.schema !== undefined && !schema) throw new Error(`test bug: unknown schema ${call.schema}`);
    return loadConfig(call.path, { ...env.opts, schema });
  }
  if (call.fn === 'recipe') return loadRecipe(call.path, { ...env.opts, overrides: call.overrides });
  return call.run(env);
}

/** The spec's notation for a result: validated objects as their sparse dump, all as Python repr. */
export function show(result: unknown): string {
  if (
    isConfigObject(result) ||
    (Array.isArray(result) && result.length > 0 && result.every(isConfigObject))
  ) {
    return pyRepr(dumpSparse(result));
  }
  return pyRepr(result as PyValue);
}

function loc(env: Env, ref: { file: string; line: number; col: number }): string {
  return `${env.short(ref.file)}:${ref.line}:${ref.col}`;
}

export function checkError(err: unknown, expected: ExpectedError, env: Env): void {
  if (!(err instanceof MoptError)) throw err;
  assert.equal(err.code, expected.code, `code (message: ${err.message})`);
  const fragments = expected.message === undefined ? [] : [expected.message].flat();
  for (const fragment of fragments) {
    const message = err.message
      .split(env.builtin + '/')
      .join('@/')
      .split(env.cwd + '/')
      .join('');
    assert.ok(
      message.includes(fragment),
      `message ${JSON.stringify(message)} lacks ${JSON.stringify(fragment)}`,
    );
  }
  if (expected.at !== undefined) {
    assert.ok(err.source, `error has no source: ${err.message}`);
    assert.equal(loc(env, err.source), expected.at, `source of: ${err.message}`);
  }
  if (expected.chain !== undefined) {
    assert.deepEqual(
      (err.source as SourceRef | undefined)?.chain.map((c) => loc(env, c)) ?? [],
      expected.chain,
    );
  }
}

export function runCases(title: string, cases: readonly Case[]): void {
  for (const c of cases) {
    test(`${title}: ${c.name}`, () => {
      const env = makeEnv(c.files, c.links);
      try {
        if (c.error) {
          let result: unknown;
          try {
            result = callOf(c.call, env);
          } catch (err) {
            checkError(err, c.error, env);
            return;
          }
          assert.fail(`expected ${c.error.code}, got ${show(result)}`);
        }
        const result = callOf(c.call, env);
        if (c.value !== undefined) assert.equal(show(result), c.value);
        c.check?.(result, env);
      } finally {
        rmSync(env.root, { recursive: true, force: true });
      }
    });
  }
}

export { formatLoc, recipeSource };
