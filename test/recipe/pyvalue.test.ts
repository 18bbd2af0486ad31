import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PyFloat, PyTuple, pyFloatRepr, pyRepr, pyTruthy, pyTypeName } from '../../src/recipe/pyvalue.js';

test('pyFloatRepr follows Python repr', () => {
  assert.equal(pyFloatRepr(1), '1.0');
  assert.equal(pyFloatRepr(2688), '2688.0');
  assert.equal(pyFloatRepr(0.1), '0.1');
  assert.equal(pyFloatRepr(1e-5), '1e-05');
  assert.equal(pyFloatRepr(0.0001), '0.0001');
  assert.equal(pyFloatRepr(1e16), '1e+16');
  assert.equal(pyFloatRepr(123456789012345.6), '123456789012345.6');
  assert.equal(pyFloatRepr(-Infinity), '-inf');
  assert.equal(pyFloatRepr(NaN), 'nan');
});

test('pyRepr renders dicts, tuples and strings as Python does', () => {
  const d = new Map<unknown, unknown>([
    [-1, 16],
    ['type', 'dynamic'],
    ['scale_bits', new PyTuple([4, 3])],
  ]);
  assert.equal(pyRepr(d as never), "{-1: 16, 'type': 'dynamic', 'scale_bits': (4, 3)}");
  assert.equal(pyRepr("it's"), '"it\'s"');
  assert.equal(pyRepr(new PyTuple([1])), '(1,)');
  assert.equal(pyRepr(new PyFloat(4.5)), '4.5');
});

test('pyTruthy and pyTypeName', () => {
  assert.equal(pyTruthy(new Map()), false);
  assert.equal(pyTruthy(0), false);
  assert.equal(pyTruthy(''), false);
  assert.equal(pyTruthy([0]), true);
  assert.equal(pyTypeName(null), 'NoneType');
  assert.equal(pyTypeName(new PyFloat(1)), 'float');
  assert.equal(pyTypeName(new Map()), 'dict');
});

test('pyRepr escapes what Python treats as non-printable', () => {
  assert.equal(pyRepr('a\x85b\xa0c\u2028'), "'a\\x85b\\xa0c\\u2028'");
  assert.equal(pyRepr('tab\there\x01'), "'tab\\there\\x01'");
  assert.equal(pyRepr('caf\u00e9 ok'), "'caf\u00e9 ok'");
});
