/**
 * The marker walk with hand-made schemas, for the rows no shipped schema can reach: a list-schema
 * snippet that is not a list, appending a mapping to a list of dicts, a merge that keeps importing
 * itself, and the input staying untouched.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoptError } from '../../../src/errors.js';
import { resolveMarkers, type BoundImport, type ImportScope } from '../../../src/recipe/load/markers.js';
import { pyRepr, type PyKey, type PyValue } from '../../../src/recipe/pyvalue.js';
import type { SchemaType } from '../../../src/recipe/schema/api.js';

/** A schema described by hand: `list[element]`, `dict`, or a plain class with named children. */
function schema(
  label: string,
  parts: { element?: SchemaType; dict?: boolean; children?: Record<string, SchemaType> } = {},
): SchemaType {
  const self: SchemaType = {
    label,
    child: (key: PyKey) => (typeof key === 'string' ? (parts.children?.[key] ?? null) : null),
    element: () => parts.element ?? null,
    equals: (other: SchemaType) => other.label === label,
    isDict: () => parts.dict === true,
  };
  return self;
}

const dictSchema = schema('dict', { dict: true });
const listOfDicts = schema('list', { element: dictSchema });
const entrySchema = schema('Entry');
const entryList = schema('EntryList', { element: entrySchema });
const root = (items: SchemaType): SchemaType => schema('Root', { children: { items } });

function scope(names: Record<string, { data: PyValue; schema: SchemaType }>): ImportScope {
  const bound = new Map<PyKey, BoundImport>();
  for (const [name, b] of Object.entries(names))
    bound.set(name, { ...b, schemaName: b.schema.label, entry: undefined });
  return { declared: true, names: bound };
}

const marker = (name: PyValue): PyValue => new Map([['$import', name]]);

test('a snippet declared with the list schema but holding a mapping is refused', () => {
  const body: PyValue = new Map([['items', [marker('s')]]]);
  assert.throws(
    () =>
      resolveMarkers(body, root(entryList), scope({ s: { data: new Map([['a', 1]]), schema: entryList } })),
    (err: unknown) =>
      err instanceof MoptError &&
      err.code === 'E_IMPORT_LIST_NOT_LIST' &&
      err.message ===
        "$import 's' in list at root.items[0] declared schema 'EntryList' but resolved to dict, expected list.",
  );
});

test('a mapping snippet is appended to a list of dicts whatever its schema', () => {
  const body: PyValue = new Map([['items', [1, marker('s')]]]);
  const out = resolveMarkers(
    body,
    root(listOfDicts),
    scope({ s: { data: new Map([['a', 1]]), schema: entrySchema } }),
  );
  assert.equal(pyRepr(out), "{'items': [1, {'a': 1}]}");
});

test('splice inserts items in place, append adds one item', () => {
  const body: PyValue = new Map([['items', [marker('many'), 'mid', marker('one')]]]);
  const names = scope({
    many: { data: ['x', 'y'], schema: entryList },
    one: { data: 'z', schema: entrySchema },
  });
  assert.equal(pyRepr(resolveMarkers(body, root(entryList), names)), "{'items': ['x', 'y', 'mid', 'z']}");
});

test('a merge whose result keeps importing itself stops with a clear error', () => {
  const body: PyValue = new Map([['x', marker('loop')]]);
  assert.throws(
    () => resolveMarkers(body, null, scope({ loop: { data: marker('loop'), schema: dictSchema } })),
    (err: unknown) =>
      err instanceof MoptError && err.code === 'E_IMPORT_RECURSION' && err.message.includes('root.x'),
  );
});

test('resolution never mutates the input or the imported data', () => {
  const imported: PyValue = new Map<PyKey, PyValue>([
    ['a', 1],
    ['b', new Map([['c', 2]])],
  ]);
  const body: PyValue = new Map([
    [
      'x',
      new Map<PyKey, PyValue>([
        ['$import', 's'],
        ['a', 5],
      ]),
    ],
  ]);
  const before = pyRepr(body);
  const out = resolveMarkers(body, null, scope({ s: { data: imported, schema: dictSchema } }));
  assert.equal(pyRepr(out), "{'x': {'a': 5, 'b': {'c': 2}}}");
  assert.equal(pyRepr(body), before);
  assert.equal(pyRepr(imported), "{'a': 1, 'b': {'c': 2}}");
});

test('without declared imports the body comes back as it is', () => {
  const body: PyValue = new Map([['a', [1, 2]]]);
  assert.equal(resolveMarkers(body, null, { declared: false, names: new Map() }), body);
});
