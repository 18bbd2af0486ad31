/**
 * A cache of parsed YAML keyed by file, import chain and exact text. Loading a recipe re-reads every
 * snippet it imports; parsing dominated warm loads, so an unchanged file is parsed once. Callers get
 * a deep copy (positions included, shared aliases stay shared), so nothing they do reaches the cache.
 */
import type { SourceLoc } from '../../errors.js';
import { PyTuple, type PyValue } from '../pyvalue.js';
import { copyEntryLocation, copySelfLocation } from './locations.js';
import { parseYamlDocuments, type YamlDocument, type YamlOrigin } from './parse.js';

const MAX_ENTRIES = 512;
const cache = new Map<string, { text: string; docs: YamlDocument[] }>();

function chainKey(chain: readonly SourceLoc[]): string {
  return chain.map((c) => `${c.file}:${c.line}:${c.col}`).join('|');
}

/**
 * Same result as parseYamlDocuments, parsing each distinct (file, chain, text) only once. With
 * `readOnly`, the cached documents themselves are returned: the caller promises not to change them.
 */
export function parseYamlDocumentsCached(
  text: string,
  origin: YamlOrigin,
  { readOnly = false }: { readOnly?: boolean } = {},
): YamlDocument[] {
  const key = `${origin.file}\n${chainKey(origin.chain)}`;
  let entry = cache.get(key);
  if (!entry || entry.text !== text) {
    entry = { text, docs: parseYamlDocuments(text, origin) };
    cache.delete(key);
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
  }
  if (readOnly) return entry.docs;
  const memo = new Map<object, PyValue>();
  return entry.docs.map((d) => ({ value: clonePyValue(d.value, memo), start: d.start }));
}

/** Deep copy of plain data with its source positions; immutable leaves are shared. */
export function clonePyValue(v: PyValue, memo = new Map<object, PyValue>()): PyValue {
  if (v === null || typeof v !== 'object') return v;
  const seen = memo.get(v);
  if (seen !== undefined) return seen;
  if (v instanceof Map) {
    const out = new Map();
    memo.set(v, out);
    copySelfLocation(v, out);
    for (const [k, x] of v) {
      out.set(k, clonePyValue(x, memo));
      copyEntryLocation(v, k, out, k);
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: PyValue[] = [];
    memo.set(v, out);
    copySelfLocation(v, out);
    v.forEach((x, i) => {
      out.push(clonePyValue(x, memo));
      copyEntryLocation(v, i, out, i);
    });
    return out;
  }
  if (v instanceof PyTuple) {
    const out = new PyTuple(v.items.map((x) => clonePyValue(x, memo)));
    memo.set(v, out);
    return out;
  }
  return v; // PyFloat and PyDate are immutable
}
