/** Documents, key types, merge keys, duplicates, aliases and recorded positions (recipes.md §2.1). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlStream } from '../../../src/recipe/yaml/parse.js';
import { keyLocation, locationOf, valueLocation } from '../../../src/recipe/yaml/locations.js';
import { PyFloat, pyRepr, type PyDict, type PyValue } from '../../../src/recipe/pyvalue.js';

const chain = [{ file: 'parent.yaml', line: 3, col: 5 }];
const load = (text: string) => parseYamlStream(text, { file: 'cfg.yaml', chain });
const one = (text: string) => load(text)[0] as PyDict;

test('empty stream and comment-only stream give no documents', () => {
  assert.deepEqual(load(''), []);
  assert.deepEqual(load('# just a comment\n\n# another\n'), []);
});

test('a bare --- document is null; two bare documents are two nulls', () => {
  assert.deepEqual(load('---\n'), [null]);
  assert.deepEqual(load('---\n---\n'), [null, null]);
});

test('multi-document streams keep order', () => {
  assert.equal(pyRepr(load('imports: {a: b}\n---\n- x\n- y\n')), "[{'imports': {'a': 'b'}}, ['x', 'y']]");
});

test('int key -1 and string key "-1" are distinct Map keys', () => {
  const d = one("{-1: 16, '-1': str, type: dynamic}");
  assert.equal(d.get(-1), 16);
  assert.equal(d.get('-1'), 'str');
  assert.equal(d.size, 3);
});

test('bool, null and float keys keep their types', () => {
  const d = one('{yes: c, null: d, 1.5: b}');
  const keys = [...d.keys()];
  assert.equal(keys[0], true);
  assert.equal(keys[1], null);
  assert.ok(keys[2] instanceof PyFloat);
});

test('Python-equal keys collapse: 1, true and 1.0 are one key, first key object, last value', () => {
  const d = one('{1: a, true: b, 1.0: c}');
  assert.deepEqual([...d.entries()], [[1, 'c']]);
});

test('duplicate keys: the last value wins and the first position in order is kept', () => {
  const d = one('a: 1\nb: 2\na: 3\n');
  assert.deepEqual(
    [...d.entries()],
    [
      ['a', 3],
      ['b', 2],
    ],
  );
  assert.equal(valueLocation(d, 'a')?.line, 3);
});

test('flow and block styles give the same value', () => {
  assert.equal(pyRepr(load('{-1: 16, type: dynamic}')), pyRepr(load('-1: 16\ntype: dynamic\n')));
});

test('merge key with one alias: own keys override merged ones, merged keys come first', () => {
  assert.equal(pyRepr(one('a: &a {x: 1, y: 2}\nc:\n  <<: *a\n  x: 9\n').get('c')), "{'x': 9, 'y': 2}");
});

test('merge key with a list: earlier mappings win over later ones', () => {
  const d = one('a: &a {x: 1}\nb: &b {x: 2, y: 3}\nc:\n  <<: [*a, *b]\n  z: 0\n');
  assert.equal(pyRepr(d.get('c')), "{'x': 1, 'y': 3, 'z': 0}");
});

test('merge of an inline mapping and nested merges are flattened', () => {
  const d = one('base: &b {p: 1}\nmid: &m {<<: *b, q: 2}\ntop: {<<: *m, r: 3}\nx: {<<: {k: v}}\n');
  assert.equal(pyRepr(d.get('top')), "{'p': 1, 'q': 2, 'r': 3}");
  assert.equal(pyRepr(d.get('x')), "{'k': 'v'}");
});

test('a quoted "<<" key is an ordinary string key', () => {
  assert.equal(pyRepr(one('"<<": {a: 1}')), "{'<<': {'a': 1}}");
});

test('merging a scalar or a list holding a scalar is an error', () => {
  assert.throws(() => load('a: {<<: 5}'), {
    code: 'E_YAML_SYNTAX',
    message: /expected a mapping or list of mappings for merging/,
  });
  assert.throws(() => load('a: {<<: [x]}'), {
    code: 'E_YAML_SYNTAX',
    message: /expected a mapping for merging, but found scalar/,
  });
});

test('aliases repeat the anchored value (shared like PyYAML)', () => {
  const d = one('fmt: &f {num_bits: 8}\nuse: *f\n');
  assert.equal(pyRepr(d.get('use')), "{'num_bits': 8}");
  assert.equal(d.get('use'), d.get('fmt'));
});

test('an anchor redefined later applies to aliases after it', () => {
  assert.equal(pyRepr(load('- &a 1\n- *a\n- &a 2\n- *a\n')), '[[1, 1, 2, 2]]');
});

test('positions: self, keys, values and list items are 1-based line/col with file and chain', () => {
  const d = one('top:\n  nested:\n    - first\n    - {inner: 1}\n');
  assert.deepEqual(locationOf(d), { file: 'cfg.yaml', line: 1, col: 1, chain });
  const top = d.get('top') as PyDict;
  assert.deepEqual(keyLocation(top, 'nested'), { file: 'cfg.yaml', line: 2, col: 3, chain });
  const list = top.get('nested') as PyValue[];
  assert.deepEqual(valueLocation(top, 'nested'), { file: 'cfg.yaml', line: 3, col: 5, chain });
  assert.equal(valueLocation(list, 0)?.col, 7);
  assert.deepEqual(valueLocation(list, 1), { file: 'cfg.yaml', line: 4, col: 7, chain });
  const inner = list[1] as PyDict;
  assert.deepEqual(keyLocation(inner, 'inner'), { file: 'cfg.yaml', line: 4, col: 8, chain });
  assert.deepEqual(valueLocation(inner, 'inner'), { file: 'cfg.yaml', line: 4, col: 15, chain });
});

test('positions of an empty value point at its key line', () => {
  const d = one('axis:\nother: 1\n');
  assert.equal(d.get('axis'), null);
  assert.equal(valueLocation(d, 'axis')?.line, 1);
});

test('positions of int keys are found with the int key', () => {
  const d = one('block_sizes:\n  -1: 16\n  type: dynamic\n');
  const bs = d.get('block_sizes') as PyDict;
  assert.equal(keyLocation(bs, -1)?.line, 2);
  assert.equal(keyLocation(bs, 'type')?.line, 3);
});

test('positions in the second document count lines from the file start', () => {
  const docs = load('imports:\n  a: b\n---\n- x\n- y\n');
  assert.equal(valueLocation(docs[1] as PyValue[], 1)?.line, 5);
});

test('merged entries keep the position of the anchored source', () => {
  const d = one('a: &a {x: 1}\nc:\n  <<: *a\n  z: 0\n');
  assert.equal(keyLocation(d.get('c') as PyDict, 'x')?.line, 1);
  assert.equal(keyLocation(d.get('c') as PyDict, 'z')?.line, 4);
});

test('CRLF line endings parse the same', () => {
  assert.equal(pyRepr(load('a: 1\r\nb: [x, y]\r\n')), "[{'a': 1, 'b': ['x', 'y']}]");
});
