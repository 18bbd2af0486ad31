/**
 * The `$import` marker walk of one file (recipes.md §2.7–2.8): dict merges, typed-list splices and
 * appends, and the "no imports declared" scan. Merged and spliced values keep the source positions
 * of the file they came from, so later validation errors still point into the right file.
 */
import { MoptError, type SourceRef } from '../../errors.js';
import {
  isDict,
  isList,
  pyRepr,
  pyTypeName,
  type PyDict,
  type PyKey,
  type PyList,
  type PyValue,
} from '../pyvalue.js';
import type { SchemaType } from '../schema/api.js';
import {
  copyEntryLocation,
  copySelfLocation,
  keyLocation,
  locationOf,
  setEntryLocation,
  valueLocation,
} from '../yaml/locations.js';
import { pyStr } from './issues.js';

export const IMPORT_KEY = '$import';

/** One resolved `imports:` entry: the snippet's resolved (unvalidated) data and its declared schema. */
export interface BoundImport {
  data: PyValue;
  schemaName: string;
  schema: SchemaType;
  /** Where the `imports:` entry that bound this name is written. */
  entry: SourceRef | undefined;
}

/** The names one file declares; `declared` is false when `imports` was absent or falsy. */
export interface ImportScope {
  declared: boolean;
  names: Map<PyKey, BoundImport>;
}

/** Deeper than this, a merge result keeps re-importing itself (only possible through dict-typed snippets). */
const MAX_MERGE_DEPTH = 64;

export function resolveMarkers(body: PyValue, schema: SchemaType | null, scope: ImportScope): PyValue {
  if (!scope.declared) {
    const found = findMarker(body, 'root');
    if (found) {
      throw new MoptError(
        'E_IMPORT_UNKNOWN_NODECL',
        `Unknown $import reference ${pyRepr(found.ref)} in ${found.context}. No imports are declared.`,
        { source: found.source },
      );
    }
    return body;
  }
  return resolveValue(body, schema, 'root', scope, 0);
}

interface FoundMarker {
  ref: PyValue;
  context: string;
  source: SourceRef | undefined;
}

/** Depth-first: the first mapping holding `$import` (the mapping itself before its children). */
function findMarker(obj: PyValue, context: string): FoundMarker | undefined {
  if (isDict(obj)) {
    if (obj.has(IMPORT_KEY))
      return { ref: obj.get(IMPORT_KEY)!, context, source: keyLocation(obj, IMPORT_KEY) };
    for (const [key, value] of obj) {
      const found = findMarker(value, `${context}.${pyStr(key)}`);
      if (found) return found;
    }
  } else if (isList(obj)) {
    for (let i = 0; i < obj.length; i++) {
      const found = findMarker(obj[i]!, `${context}[${i}]`);
      if (found) return found;
    }
  }
  return undefined;
}

function resolveValue(
  obj: PyValue,
  schema: SchemaType | null,
  context: string,
  scope: ImportScope,
  depth: number,
): PyValue {
  if (isDict(obj)) {
    if (obj.has(IMPORT_KEY)) return mergeImports(obj, schema, context, scope, depth);
    const out: PyDict = new Map();
    copySelfLocation(obj, out);
    for (const [key, value] of obj) {
      out.set(key, resolveValue(value, schema?.child(key) ?? null, `${context}.${pyStr(key)}`, scope, 0));
      copyEntryLocation(obj, key, out, key);
    }
    return out;
  }
  if (isList(obj)) return resolveList(obj, schema, context, scope);
  return obj;
}

/** §2.7 A: imports merged in order, then inline keys on top, then the result resolved again. */
function mergeImports(
  obj: PyDict,
  schema: SchemaType | null,
  context: string,
  scope: ImportScope,
  depth: number,
): PyValue {
  const ref = obj.get(IMPORT_KEY)!;
  const markerLoc = keyLocation(obj, IMPORT_KEY);
  if (depth >= MAX_MERGE_DEPTH) {
    throw new MoptError(
      'E_IMPORT_RECURSION',
      `$import at ${context} keeps importing further $import markers.`,
      {
        source: markerLoc,
      },
    );
  }
  const names = refNames(ref, context, markerLoc);
  const merged: PyDict = new Map();
  copySelfLocation(obj, merged);
  for (const name of names) {
    const bound = lookup(scope, name, `dict value at ${context}`, markerLoc);
    if (!isDict(bound.data)) {
      throw new MoptError(
        'E_IMPORT_DICT_NOT_DICT',
        `$import ${pyRepr(name)} in dict must resolve to a dict, got ${pyTypeName(bound.data)}.`,
        { source: markerLoc },
      );
    }
    for (const [key, value] of bound.data) {
      merged.set(key, value);
      copyEntryLocation(bound.data, key, merged, key);
    }
  }
  for (const [key, value] of obj) {
    if (key === IMPORT_KEY) continue;
    merged.set(key, value); // like dict.update: an overridden key keeps its place
    copyEntryLocation(obj, key, merged, key);
  }
  return resolveValue(merged, schema, context, scope, depth + 1);
}

/** `$import: name` or `$import: [a, b]`; anything else is a clean error (ModelOpt: TypeError, §7.2 #16). */
function refNames(ref: PyValue, context: string, source: SourceRef | undefined): PyValue[] {
  const names = isList(ref) ? ref : [ref];
  for (const name of names) {
    if (isDict(name) || isList(name)) {
      throw new MoptError(
        'E_IMPORT_REF_TYPE',
        `$import at ${context} must be an import name or a list of import names, got ${pyTypeName(name)}: ${pyRepr(name)}.`,
        { source },
      );
    }
  }
  return names;
}

function lookup(
  scope: ImportScope,
  name: PyValue,
  where: string,
  source: SourceRef | undefined,
): BoundImport {
  const bound = scope.names.get(name as PyKey);
  if (!bound) {
    throw new MoptError(
      'E_IMPORT_UNKNOWN',
      `Unknown $import reference ${pyRepr(name)} in ${where}. Available imports: ${pyRepr([...scope.names.keys()] as PyValue)}`,
      { source },
    );
  }
  return bound;
}

function resolveList(list: PyList, schema: SchemaType | null, context: string, scope: ImportScope): PyList {
  const out: PyList = [];
  copySelfLocation(list, out);
  const element = schema?.element() ?? null;
  list.forEach((item, index) => {
    const itemContext = `${context}[${index}]`;
    if (isDict(item) && item.has(IMPORT_KEY) && item.size === 1) {
      const ref = item.get(IMPORT_KEY)!;
      const markerLoc = keyLocation(item, IMPORT_KEY) ?? valueLocation(list, index);
      if (isDict(ref) || isList(ref)) {
        throw new MoptError(
          'E_IMPORT_REF_TYPE',
          `$import in list entry at ${itemContext} must name exactly one import, got ${pyTypeName(ref)}: ${pyRepr(ref)}. ` +
            'Write one list item per import.',
          { source: markerLoc },
        );
      }
      const bound = lookup(scope, ref, `list entry at ${itemContext}`, markerLoc);
      insertListImport(out, bound, ref, schema, element, itemContext, markerLoc);
      return;
    }
    out.push(resolveValue(item, element, itemContext, scope, 0));
    copyEntryLocation(list, index, out, out.length - 1);
  });
  return out;
}

/** §2.7 B: splice a list-schema snippet, append an element-schema (or dict) snippet, else explain. */
function insertListImport(
  out: PyList,
  bound: BoundImport,
  name: PyValue,
  listSchema: SchemaType | null,
  element: SchemaType | null,
  context: string,
  source: SourceRef | undefined,
): void {
  if (!listSchema || !element) {
    throw new MoptError(
      'E_IMPORT_LIST_UNTYPED',
      `$import ${pyRepr(name)} in list at ${context} requires a typed list schema (expected list[ElementType]).`,
      { source },
    );
  }
  if (bound.schema.equals(listSchema)) {
    if (!isList(bound.data)) {
      throw new MoptError(
        'E_IMPORT_LIST_NOT_LIST',
        `$import ${pyRepr(name)} in list at ${context} declared schema ${pyRepr(bound.schemaName)} but resolved to ` +
          `${pyTypeName(bound.data)}, expected list.`,
        { source },
      );
    }
    bound.data.forEach((item, index) => {
      out.push(item);
      copyEntryLocation(bound.data as PyList, index, out, out.length - 1);
    });
    return;
  }
  if (bound.schema.equals(element) || (isDict(bound.data) && element.isDict())) {
    out.push(bound.data);
    const where = locationOf(bound.data as object) ?? bound.entry;
    if (where) setEntryLocation(out, out.length - 1, where);
    return;
  }
  throw new MoptError(
    'E_IMPORT_LIST_SCHEMA',
    `$import ${pyRepr(name)} in list at ${context} has schema ${pyRepr(bound.schemaName)}; expected either the list ` +
      `schema ${pyRepr(listSchema.label)} for splicing or the element schema ${pyRepr(element.label)} for appending.`,
    { source },
  );
}
