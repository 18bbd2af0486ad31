import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprint, validateSnippet } from '../../../src/recipe/load/snippet-validation.js';
import { getSchemaByName } from '../../../src/recipe/schema/index.js';
import { PyFloat, PyTuple } from '../../../src/recipe/pyvalue.js';

const attr = getSchemaByName('modelopt.torch.quantization.config.QuantizerAttributeConfig')!;

test('fingerprints tell apart what Python tells apart', () => {
  assert.notEqual(fingerprint(new Map([[-1, 16]])), fingerprint(new Map([['-1', 16]])));
  assert.notEqual(fingerprint(new PyFloat(1)), fingerprint(1));
  assert.notEqual(fingerprint(new PyTuple([4, 3])), fingerprint([4, 3]));
  assert.notEqual(fingerprint(true), fingerprint(1));
  assert.equal(fingerprint(new Map([['a', [1, 'x']]])), fingerprint(new Map([['a', [1, 'x']]])));
});

test('a remembered valid snippet stays valid; an invalid one is checked every time', () => {
  const good = new Map([
    ['num_bits', new PyTuple([4, 3])],
    ['axis', null],
  ]);
  assert.equal(validateSnippet(attr, good).ok, true);
  assert.equal(validateSnippet(attr, new Map(good)).ok, true);
  const bad = new Map([['num_bitz', 8]]);
  for (let i = 0; i < 2; i++) {
    const r = validateSnippet(attr, bad);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.issues[0]!.message, /Extra inputs are not permitted/);
  }
});
