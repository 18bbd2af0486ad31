/**
 * Reading one config file raw (recipes.md §2.2–§2.4): size and text checks, the schema comment,
 * PyYAML parsing, the V2 document table, ExMy conversion, and the top-level `imports` split off.
 * Imports and `$import` markers are resolved later by the loader.
 */
import { isUtf8 } from 'node:buffer';
import { statSync } from 'node:fs';
import { inLibrary, readFileBytes } from './builtin-fs.js';
import { resolve } from 'node:path';
import { MoptError, type SourceLoc, type SourceRef } from '../../errors.js';
import { pyTypeName, type PyDict, type PyValue } from '../pyvalue.js';
import { copyEntryLocation, copySelfLocation, keyLocation } from '../yaml/locations.js';
import { clonePyValue, parseYamlDocumentsCached } from '../yaml/parse-cache.js';
import { parseYamlDocuments } from '../yaml/parse.js';
import { pyDictSet } from '../yaml/py-dict.js';
import { convertExMy } from './exmy.js';
import type { LocatedFile } from './paths.js';
import { scanSchemaComment } from './schema-comment.js';

/** Largest config file read (10 MiB); recipes are a few KB. */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

export interface RawConfig {
  located: LocatedFile;
  text: string;
  schema: { name: string; loc: SourceLoc } | null;
  /** After §2.2 shaping and ExMy; for a mapping the top-level 'imports' key is removed. */
  body: PyValue;
  /** The raw value of the top-level `imports` key (list snippet: doc 1's), undefined when absent. */
  imports: PyValue | undefined;
  importsLoc?: SourceRef;
  kind: 'mapping' | 'list-snippet' | 'plain-list';
}

function fileRef(file: string, chain: SourceLoc[], line = 1, col = 1): SourceRef {
  return { file, line, col, chain };
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence. */
function firstBadUtf8(buf: Buffer): number {
  for (let i = 0; i < buf.length;) {
    const b = buf[i]!;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((buf[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    if (!isUtf8(buf.subarray(i, i + need + 1))) return i;
    i += need + 1;
  }
  return -1;
}

function lineOfOffset(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (buf[i] === 0x0a) line++;
  return line;
}

/** The file's text, refusing huge, binary and non-UTF-8 files. */
export function readConfigText(located: LocatedFile, chain: SourceLoc[]): string {
  const abs = resolve(located.realPath);
  const size = inLibrary(abs) ? readFileBytes(abs).length : statSync(abs).size;
  if (size > MAX_CONFIG_BYTES)
    throw new MoptError(
      'E_FILE_TOO_LARGE',
      `Config file ${located.path} is ${size} bytes; config files are limited to ${MAX_CONFIG_BYTES} bytes (10 MiB)`,
      { source: fileRef(located.path, chain) },
    );
  const buf = readFileBytes(abs);
  const nul = buf.indexOf(0);
  if (nul >= 0)
    throw new MoptError(
      'E_FILE_NOT_TEXT',
      `Config file ${located.path} is not a text file: NUL byte at offset ${nul}`,
      {
        source: fileRef(located.path, chain, lineOfOffset(buf, nul)),
      },
    );
  if (!isUtf8(buf)) {
    const bad = firstBadUtf8(buf);
    const hex = buf[bad]!.toString(16).padStart(2, '0');
    throw new MoptError(
      'E_FILE_NOT_TEXT',
      `Config file ${located.path} is not valid UTF-8: byte 0x${hex} at offset ${bad}`,
      { source: fileRef(located.path, chain, lineOfOffset(buf, bad)) },
    );
  }
  return buf.toString('utf8');
}

/** A new mapping holding `dict` without its `imports` key (positions copied). */
function withoutImports(dict: PyDict): PyDict {
  const out: PyDict = new Map();
  copySelfLocation(dict, out);
  for (const [k, v] of dict) {
    if (k === 'imports') continue;
    out.set(k, v);
    copyEntryLocation(dict, k, out, k);
  }
  return out;
}

/** `{**header, **content}` with positions and Python key equality (`1` and `true` are one key). */
function shallowMerge(header: PyDict, content: PyDict): PyDict {
  const out: PyDict = new Map();
  copySelfLocation(header, out);
  for (const src of [header, content])
    for (const [k, v] of src) copyEntryLocation(src, k, out, pyDictSet(out, k, v));
  return out;
}

const MAX_CACHED_FILES = 512;
/** Shaped files by (real path, path as probed, import chain); an entry serves while the text is unchanged. */
const shapedFiles = new Map<string, { text: string; raw: RawConfig }>();

function chainKey(chain: readonly SourceLoc[]): string {
  return chain.map((c) => `${c.file}:${c.line}:${c.col}`).join('|');
}

/**
 * Read and shape one config file without resolving imports (§2.2 V2 table). A file read before with the
 * same text is not parsed again: the caller gets a fresh copy of the earlier result, positions included.
 */
export function loadRawConfig(located: LocatedFile, chain: SourceLoc[]): RawConfig {
  const text = readConfigText(located, chain);
  const key = `${located.realPath}\n${located.path}\n${chainKey(chain)}`;
  let hit = shapedFiles.get(key);
  if (!hit || hit.text !== text) {
    hit = { text, raw: shapeRawConfig(located, chain, text) };
    shapedFiles.delete(key);
    if (shapedFiles.size >= MAX_CACHED_FILES) shapedFiles.delete(shapedFiles.keys().next().value!);
    shapedFiles.set(key, hit);
  }
  const memo = new Map<object, PyValue>();
  const { raw } = hit;
  return {
    ...raw,
    located,
    body: clonePyValue(raw.body, memo),
    imports: raw.imports === undefined ? undefined : clonePyValue(raw.imports, memo),
  };
}

function shapeRawConfig(located: LocatedFile, chain: SourceLoc[], text: string): RawConfig {
  const file = located.path;
  const schema = scanSchemaComment(text, file);
  const docs = parseYamlDocuments(text, { file, chain });
  const base = { located, text, schema };
  const first = docs[0];
  if (!first || first.value === null)
    return { ...base, body: new Map(), imports: undefined, kind: 'mapping' };
  let raw: PyValue;
  if (docs.length === 1) {
    raw = first.value;
    if (!(raw instanceof Map) && !Array.isArray(raw))
      throw new MoptError(
        'E_YAML_ROOT_TYPE',
        `Config file ${file} must contain a YAML mapping or list, got ${pyTypeName(raw)}`,
        {
          source: first.start,
        },
      );
  } else if (docs.length === 2) {
    const header = first.value;
    if (!(header instanceof Map))
      throw new MoptError(
        'E_YAML_FIRST_DOC',
        `Config file ${file}: first YAML document must be a mapping, got ${pyTypeName(header)}`,
        {
          source: first.start,
        },
      );
    const second = docs[1]!;
    const content = second.value ?? new Map();
    if (Array.isArray(content)) {
      const hasImports = header.has('imports');
      return {
        ...base,
        body: convertExMy(content),
        imports: hasImports ? header.get('imports') : undefined,
        ...(hasImports ? { importsLoc: keyLocation(header, 'imports') } : {}),
        kind: 'list-snippet',
      };
    }
    if (!(content instanceof Map))
      throw new MoptError(
        'E_YAML_SECOND_DOC',
        `Config file ${file}: second YAML document must be a mapping or list, got ${pyTypeName(content)}`,
        {
          source: second.start,
        },
      );
    raw = shallowMerge(header, content);
  } else {
    throw new MoptError(
      'E_YAML_DOC_COUNT',
      `Config file ${file}: expected 1 or 2 YAML documents, got ${docs.length}`,
      {
        source: docs[2]!.start,
      },
    );
  }
  const converted = convertExMy(raw);
  if (Array.isArray(converted)) return { ...base, body: converted, imports: undefined, kind: 'plain-list' };
  const dict = converted as PyDict;
  if (!dict.has('imports')) return { ...base, body: dict, imports: undefined, kind: 'mapping' };
  const importsLoc = keyLocation(dict, 'imports');
  return {
    ...base,
    body: withoutImports(dict),
    imports: dict.get('imports'),
    ...(importsLoc ? { importsLoc } : {}),
    kind: 'mapping',
  };
}

/**
 * load_recipe's metadata peek: the file as exactly one YAML document (PyYAML `safe_load`), no ExMy.
 * The value returned is shared with the parse cache: read it, never change it.
 * An empty file is null; a second document is an error at its start.
 */
export function peekSingleDocument(located: LocatedFile): PyValue {
  const text = readConfigText(located, []);
  // The peek only reads the document, so it may look at the cached parse directly.
  const docs = parseYamlDocumentsCached(text, { file: located.path, chain: [] }, { readOnly: true });
  if (docs.length > 1)
    throw new MoptError(
      'E_YAML_SYNTAX',
      'expected a single document in the stream, but found another document',
      {
        source: docs[1]!.start,
      },
    );
  return docs[0]?.value ?? null;
}
