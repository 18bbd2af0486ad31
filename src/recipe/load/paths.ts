/**
 * Finding config, import and recipe files (recipes.md §1.2–§1.5). Config files: the filesystem (cwd)
 * first, then the built-in library. Recipes: the built-in library first. Imports (mopt decision b):
 * the importing file's directory first, and for a built-in importer the built-in library before the cwd.
 */
import type { Stats } from 'node:fs';
import { realPathOf, statPath } from './builtin-fs.js';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { MoptError, type SourceRef } from '../../errors.js';
import { pyRepr, pyStrRepr, type PyValue } from '../pyvalue.js';
import { BUILTIN_ROOT } from '../builtin.js';

export interface LocatedFile {
  /** The path as probed: relative stays relative, built-in paths are absolute. */
  path: string;
  /** Absolute path with symlinks resolved: the import-cycle key. */
  realPath: string;
  /** True when the file belongs to the built-in library. */
  builtin: boolean;
}

export interface PathOptions {
  /** Directory that relative paths are probed against (default: process.cwd()). */
  cwd?: string;
  /** Root of the built-in library (default: BUILTIN_ROOT). */
  builtinRoot?: string;
  /** Where the path was written (an `imports:` entry), for error messages. */
  source?: SourceRef;
}

interface Candidate {
  path: string;
  builtin: boolean;
}

/** Python `str(Path(s))`: repeated and `.` segments dropped, no trailing slash; `..` kept. */
export function pyPathStr(s: string): string {
  let out = normalizedPaths.get(s);
  if (out === undefined) {
    const abs = s.startsWith('/');
    const body = s
      .split('/')
      .filter((p) => p !== '' && p !== '.')
      .join('/');
    out = abs ? `/${body}` : body || '.';
    if (normalizedPaths.size >= 4096) normalizedPaths.clear();
    normalizedPaths.set(s, out);
  }
  return out;
}

/** pyPathStr is pure and called for every probe of every import: its answers are remembered. */
const normalizedPaths = new Map<string, string>();

/** Python `Path(root).joinpath(s)`: an absolute `s` replaces the root. */
function joinPy(root: string, s: string): string {
  return pyPathStr(isAbsolute(s) ? s : `${root}/${s}`);
}

function hasYamlSuffix(s: string): boolean {
  return s.endsWith('.yml') || s.endsWith('.yaml');
}

/** `S.yml`, `S.yaml` — or `S` alone when it already ends in a YAML suffix (case-sensitive). */
function withSuffixes(s: string): string[] {
  return hasYamlSuffix(s) ? [s] : [`${s}.yml`, `${s}.yaml`];
}

function statOf(path: string, cwd: string): Stats | undefined {
  return statPath(resolve(cwd, path)) ?? undefined;
}

function isInside(child: string, root: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function realRoot(root: string): string {
  try {
    return realPathOf(root);
  } catch {
    return resolve(root);
  }
}

function located(c: Candidate, cwd: string, builtinRoot: string): LocatedFile {
  const realPath = realPathOf(resolve(cwd, c.path));
  return { path: c.path, realPath, builtin: c.builtin || isInside(realPath, realRoot(builtinRoot)) };
}

function defaults(opts: PathOptions | undefined): { cwd: string; root: string } {
  return { cwd: opts?.cwd ?? process.cwd(), root: opts?.builtinRoot ?? BUILTIN_ROOT };
}

/** Text of a non-string input the way Python's f-string shows it. */
function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input === undefined) return 'None';
  const plain =
    input === null ||
    ['boolean', 'number', 'bigint'].includes(typeof input) ||
    Array.isArray(input) ||
    input instanceof Map;
  return plain ? pyRepr(input as PyValue) : String(input);
}

function isLocatedFile(v: unknown): v is LocatedFile {
  const o = v as LocatedFile;
  return typeof o === 'object' && o !== null && typeof o.path === 'string' && typeof o.realPath === 'string';
}

/** First candidate that is a regular file; `dedupe` drops repeated paths (ModelOpt lists them twice for absolute input). */
function firstFile(
  input: unknown,
  candidates: Candidate[],
  env: { cwd: string; root: string; source?: SourceRef | undefined; dedupe?: boolean },
): LocatedFile {
  const { cwd, root, source } = env;
  const unique = env.dedupe
    ? candidates.filter((c, i) => candidates.findIndex((d) => d.path === c.path) === i)
    : candidates;
  for (const c of unique) if (statOf(c.path, cwd)?.isFile()) return located(c, cwd, root);
  const list = unique.map((c) => pyStrRepr(c.path)).join(', ');
  throw new MoptError(
    'E_CONFIG_NOT_FOUND',
    `Cannot find config file of ${inputText(input)}, paths checked: [${list}]`,
    {
      source,
    },
  );
}

function configCandidates(s: string, root: string): Candidate[] {
  return [
    ...withSuffixes(s).map((p) => ({ path: pyPathStr(p), builtin: false })),
    ...withSuffixes(s).map((p) => ({ path: joinPy(root, p), builtin: true })),
  ];
}

function invalidArg(input: unknown, source?: SourceRef): MoptError {
  return new MoptError('E_INVALID_CONFIG_ARG', `Invalid config file of ${inputText(input)}`, { source });
}

/** `load_config` path resolution (§1.2): `./S.yml`, `./S.yaml`, then the built-in library; files only. */
export function resolveConfigPath(input: unknown, opts?: PathOptions): LocatedFile {
  const { cwd, root } = defaults(opts);
  const env = { cwd, root, source: opts?.source };
  if (isLocatedFile(input)) return firstFile(input.path, [{ path: input.path, builtin: input.builtin }], env);
  if (typeof input !== 'string') throw invalidArg(input, opts?.source);
  return firstFile(input, configCandidates(input, root), env);
}

/**
 * An `imports:` path (decision b): relative to the importing file's directory first, then as
 * resolveConfigPath; a built-in importer looks in the built-in library before anything else.
 */
export function resolveImportPath(spec: unknown, importer: LocatedFile, opts?: PathOptions): LocatedFile {
  const { cwd, root } = defaults(opts);
  if (typeof spec !== 'string') throw invalidArg(spec, opts?.source);
  const nearImporter = withSuffixes(spec).map((p) => ({
    path: joinPy(dirname(importer.path), p),
    builtin: importer.builtin,
  }));
  const usual = configCandidates(spec, root);
  const builtinFirst = usual.filter((c) => c.builtin);
  const candidates = importer.builtin
    ? [...builtinFirst, ...nearImporter, ...usual]
    : [...nearImporter, ...usual];
  return firstFile(spec, candidates, { cwd, root, source: opts?.source, dedupe: true });
}

/** ModelOpt 0.47.0 reads a recipe name under `huggingface/models/` as the same name under `models/`. */
const MODELS_ALIAS_PREFIX = 'huggingface/models/';

/**
 * `load_recipe` resolution (§1.3): built-in first, then cwd; bare name, `.yml`, `.yaml`; files or directories.
 * A `huggingface/models/…` name that finds nothing as written is probed as `models/…`, ModelOpt 0.47.0's
 * alias. Written names come first so the spec-era checkpoint recipes mopt ships under that prefix stay
 * reachable (docs/recipes.md); 0.47.0 rewrites before probing.
 */
export function resolveRecipePath(
  input: string,
  opts?: PathOptions,
): { kind: 'file' | 'dir'; located: LocatedFile } {
  const names = input.startsWith(MODELS_ALIAS_PREFIX) ? [input, input.slice('huggingface/'.length)] : [input];
  for (const name of names) {
    const found = probeRecipe(name, opts);
    if (found) return found;
  }
  throw new MoptError(
    'E_RECIPE_NOT_FOUND',
    `Recipe path ${pyStrRepr(input)} is not a valid YAML file or directory.`,
    {
      source: opts?.source,
    },
  );
}

function probeRecipe(
  input: string,
  opts?: PathOptions,
): { kind: 'file' | 'dir'; located: LocatedFile } | undefined {
  const { cwd, root } = defaults(opts);
  const suffixes = hasYamlSuffix(input) ? [''] : ['', '.yml', '.yaml'];
  const candidates: Candidate[] = [
    ...suffixes.map((x) => ({ path: joinPy(root, input + x), builtin: true })),
    ...suffixes.map((x) => ({ path: pyPathStr(input + x), builtin: false })),
  ];
  for (const c of candidates) {
    const st = statOf(c.path, cwd);
    if (st?.isFile()) return { kind: 'file', located: located(c, cwd, root) };
    if (st?.isDirectory()) return { kind: 'dir', located: located(c, cwd, root) };
  }
  return undefined;
}

/**
 * A section file `X.yml`, else `X.yaml`, inside a recipe directory (§1.5); files only. `dir` may be
 * a path or the LocatedFile of the directory (whose built-in flag the section inherits).
 */
export function findSectionFile(
  dir: string | LocatedFile,
  section: string,
  opts?: PathOptions,
): LocatedFile | undefined {
  const { cwd, root } = defaults(opts);
  const dirPath = typeof dir === 'string' ? dir : dir.path;
  const builtin = typeof dir === 'string' ? false : dir.builtin;
  for (const name of [`${section}.yml`, `${section}.yaml`]) {
    const c = { path: joinPy(dirPath, name), builtin };
    if (statOf(c.path, cwd)?.isFile()) return located(c, cwd, root);
  }
  return undefined;
}
