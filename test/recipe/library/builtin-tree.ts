// Test helpers that read the built-in recipe library straight from disk (no mopt loader involved).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, type Document } from 'yaml';
// The package's recipes/ folder, found the same way the product finds it (works from src/ and dist/).
import { BUILTIN_ROOT } from '../../../src/recipe/builtin.js';

export { BUILTIN_ROOT };

const SCHEMA_LINE = /^\s*#\s*modelopt-schema:\s*(\S+)\s*$/;

/** Every file (or symlink) under the library, as a `/`-separated path relative to the root, sorted. */
export function listBuiltinFiles(dir: string = BUILTIN_ROOT): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listBuiltinFiles(full));
    else out.push(relative(BUILTIN_ROOT, full).split('\\').join('/'));
  }
  return out.sort();
}

/** Built-in name of a file: its path without the `.yaml` / `.yml` suffix. */
export function builtinName(file: string): string {
  return file.replace(/\.ya?ml$/, '');
}

/** Resolve a built-in reference the way load_config does: `.yml` before `.yaml` unless a suffix is given. */
export function locateBuiltin(ref: string): string | undefined {
  const candidates = /\.ya?ml$/.test(ref) ? [ref] : [`${ref}.yml`, `${ref}.yaml`];
  return candidates.find(
    (c) => existsSync(join(BUILTIN_ROOT, c)) && statSync(join(BUILTIN_ROOT, c)).isFile(),
  );
}

export function readBuiltin(file: string): string {
  return readFileSync(join(BUILTIN_ROOT, file), 'utf8');
}

/** The `# modelopt-schema:` value from the leading comment block (the scan stops at the first non-comment line). */
export function schemaComment(text: string): string | undefined {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const stripped = line.trim();
    if (stripped === '') continue;
    if (!stripped.startsWith('#')) break;
    const m = SCHEMA_LINE.exec(line);
    if (m?.[1] !== undefined) found.push(m[1]);
  }
  if (found.length > 1) throw new Error(`multiple modelopt-schema comments: ${found.join(', ')}`);
  return found[0];
}

/** Parse a library file as YAML 1.1 (a sanity check only; mopt's own PyYAML-compatible parser is stricter). */
export function parseBuiltin(file: string): Document[] {
  return parseAllDocuments(readBuiltin(file), { version: '1.1' }) as Document[];
}

type Plain = unknown;

/** The first document as plain JS data (mappings become objects with string keys). */
export function firstDocument(file: string): Plain {
  const docs = parseBuiltin(file);
  return docs[0]?.toJS() ?? null;
}

export function isMapping(v: Plain): v is Record<string, Plain> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every value of a `$import` key found anywhere in the given data, with a path for messages. */
export function importReferences(data: Plain, path = 'root'): { path: string; ref: Plain }[] {
  if (Array.isArray(data)) return data.flatMap((item, i) => importReferences(item, `${path}[${i}]`));
  if (!isMapping(data)) return [];
  const here = '$import' in data ? [{ path, ref: data['$import'] }] : [];
  return here.concat(
    Object.entries(data)
      .filter(([k]) => k !== '$import')
      .flatMap(([k, v]) => importReferences(v, `${path}.${k}`)),
  );
}

/** Comment text of a file (every `#` line, without the marker), used by the originality checks. */
export function commentLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('#'))
    .map((l) => l.replace(/^#\s?/, ''));
}
