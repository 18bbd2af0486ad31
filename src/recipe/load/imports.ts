/**
 * The `imports:` section of one file (recipes.md §2.6): every entry is located, checked for cycles,
 * loaded raw, schema-checked and resolved in its own scope, eagerly and in order, before any
 * `$import` marker of the importing file is looked at.
 */
import { MoptError, type SourceLoc, type SourceRef } from '../../errors.js';
import { isDict, pyRepr, pyTruthy, pyTypeName, type PyKey, type PyValue } from '../pyvalue.js';
import type { SchemaType } from '../schema/api.js';
import { validateSnippet } from './snippet-validation.js';
import { keyLocation, locationOf, valueLocation } from '../yaml/locations.js';
import { collectWarnings, schemaMismatch, withSource } from './issues.js';
import { resolveMarkers, type BoundImport, type ImportScope } from './markers.js';
import { resolveImportPath } from './paths.js';
import { loadRawConfig, type RawConfig } from './raw.js';
import { resolveSchemaName } from './schema-name.js';

/** Where relative and built-in names are looked up; tests point both at temporary folders. */
export interface LoaderOptions {
  cwd?: string | undefined;
  builtinRoot?: string | undefined;
  /**
   * Receives the deprecation warnings validation reports (legacy `quant_cfg` forms, ...), each once;
   * ModelOpt issues them as Python `DeprecationWarning`s. Without a sink they are dropped.
   */
  warnings?: string[] | undefined;
}

/** Resolve a mapping or two-document list file: bind its imports, then walk its markers. */
export function resolveRawConfig(
  raw: RawConfig,
  schema: SchemaType | null,
  loading: ReadonlySet<string>,
  opts: LoaderOptions,
): PyValue {
  return resolveMarkers(raw.body, schema, bindImports(raw, loading, opts));
}

/** The import chain a snippet's positions carry: its `imports:` entry, then that file's own chain. */
export function chainThrough(entry: SourceRef | undefined): SourceLoc[] {
  if (!entry) return [];
  return [{ file: entry.file, line: entry.line, col: entry.col }, ...entry.chain];
}

export function bindImports(raw: RawConfig, loading: ReadonlySet<string>, opts: LoaderOptions): ImportScope {
  const imports = raw.imports;
  const names = new Map<PyKey, BoundImport>();
  if (imports === undefined || !pyTruthy(imports)) return { declared: false, names };
  if (!isDict(imports)) {
    throw new MoptError(
      'E_IMPORTS_NOT_DICT',
      `'imports' must be a dict mapping names to config paths, got: ${pyTypeName(imports)}`,
      { source: raw.importsLoc },
    );
  }
  for (const [name, spec] of imports) {
    const entry = keyLocation(imports, name) ?? raw.importsLoc;
    const at = valueLocation(imports, name) ?? entry;
    names.set(name, bindOne(raw, name, spec, entry, at, loading, opts));
  }
  return { declared: true, names };
}

function bindOne(
  importer: RawConfig,
  name: PyKey,
  spec: PyValue,
  entry: SourceRef | undefined,
  at: SourceRef | undefined,
  loading: ReadonlySet<string>,
  opts: LoaderOptions,
): BoundImport {
  if (!pyTruthy(spec)) {
    throw new MoptError('E_IMPORT_EMPTY_PATH', `Import ${pyRepr(name)} has an empty config path.`, {
      source: at,
    });
  }
  const located = withSource(at, () =>
    resolveImportPath(spec, importer.located, { cwd: opts.cwd, builtinRoot: opts.builtinRoot }),
  );
  const key = located.realPath;
  if (loading.has(key)) {
    const chain = [...loading].sort();
    throw new MoptError(
      'E_IMPORT_CYCLE',
      `Circular import detected: ${pyRepr(spec)} (resolves to ${pyRepr(key)}) is already being loaded. ` +
        `Import chain: ${pyRepr(chain)}`,
      { source: at },
    );
  }
  const chain = chainThrough(entry);
  const raw = withSource(at, () => loadRawConfig(located, chain));
  if (!raw.schema) {
    throw new MoptError(
      'E_IMPORT_NO_SCHEMA',
      `Import ${pyRepr(name)} (${located.path}) must reference a snippet with a modelopt-schema comment.`,
      { source: at },
    );
  }
  const schema = resolveSchemaName(raw.schema.name, raw.schema.loc, chain);
  const ownScope = raw.kind === 'list-snippet' || (raw.kind === 'mapping' && raw.imports !== undefined);
  const data = ownScope ? resolveRawConfig(raw, schema, new Set([...loading, key]), opts) : raw.body;
  const result = validateSnippet(schema, data);
  collectWarnings(opts.warnings, result.warnings);
  if (!result.ok) {
    const fallback = locationOf(data as object) ?? at ?? fileStart(located.path, chain);
    throw schemaMismatch(located.path, raw.schema.name, schema.label, result.issues, data, fallback);
  }
  return { data, schemaName: raw.schema.name, schema, entry };
}

export function fileStart(file: string, chain: SourceLoc[] = []): SourceRef {
  return { file, line: 1, col: 1, chain };
}
