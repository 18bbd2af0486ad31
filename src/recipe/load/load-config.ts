/**
 * `loadConfig` (recipes.md §2.9–2.10): locate, read, resolve imports and markers, then validate
 * against the explicit schema or the file's own `# modelopt-schema:` comment.
 */
import type { PyValue } from '../pyvalue.js';
import type { SchemaType } from '../schema/api.js';
import { validate } from '../schema/index.js';
import { locationOf } from '../yaml/locations.js';
import { fileStart, resolveRawConfig, type LoaderOptions } from './imports.js';
import { collectWarnings, schemaMismatch } from './issues.js';
import { resolveConfigPath, type LocatedFile } from './paths.js';
import { recordProvenance } from './provenance.js';
import { loadRawConfig, type RawConfig } from './raw.js';
import { resolveSchemaName } from './schema-name.js';

export interface LoadConfigOptions extends LoaderOptions {
  /** Validate against this schema instead of the file's comment schema (the comment still labels errors). */
  schema?: SchemaType | undefined;
}

/** Everything one load produced: the resolved plain data next to the validated value. */
export interface LoadedConfig {
  located: LocatedFile;
  raw: RawConfig;
  /** Resolved plain data (imports consumed, markers replaced), carrying source positions. */
  data: PyValue;
  /** The effective schema, or null when the file has none and none was given. */
  schema: SchemaType | null;
  /** Validated config object(s) when a schema applied, else `data`. */
  value: unknown;
}

/** Load a config file: plain resolved data, or validated config object(s) when a schema applies. */
export function loadConfig(path: string, opts: LoadConfigOptions = {}): unknown {
  return loadConfigDetailed(path, opts).value;
}

export function loadConfigDetailed(path: string, opts: LoadConfigOptions = {}): LoadedConfig {
  const located = resolveConfigPath(path, { cwd: opts.cwd, builtinRoot: opts.builtinRoot });
  return loadLocatedConfig(located, opts);
}

/** The §2.10 pipeline for an already located file (directory sections, recipe files). */
export function loadLocatedConfig(located: LocatedFile, opts: LoadConfigOptions = {}): LoadedConfig {
  const raw = loadRawConfig(located, []);
  const declared = raw.schema ? resolveSchemaName(raw.schema.name, raw.schema.loc) : null;
  const schema = opts.schema ?? declared;
  const data = raw.kind === 'plain-list' ? raw.body : resolveRawConfig(raw, schema, new Set(), opts);
  if (!schema) return { located, raw, data, schema, value: data };
  const value = validateFile(located, raw, schema, data, opts.warnings);
  recordProvenance(data, value);
  return { located, raw, data, schema, value };
}

/** Validate a file's resolved data; failures are labelled with the file's comment schema when it has one. */
export function validateFile(
  located: LocatedFile,
  raw: RawConfig,
  schema: SchemaType,
  data: PyValue,
  warnings?: string[],
): unknown {
  const result = validate(schema, data);
  collectWarnings(warnings, result.warnings);
  if (result.ok) return result.value;
  const label = raw.schema?.name ?? schema.label;
  const fallback = locationOf(data as object) ?? fileStart(located.path);
  throw schemaMismatch(located.path, label, schema.label, result.issues, data, fallback);
}
