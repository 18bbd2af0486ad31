/** The replay helpers themselves: the typed encoding, the ordered comparison and the message fragments. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PyDate, PyFloat, PyTuple, type PyValue } from '../../../src/recipe/index.js';
import { assertMessageMatches, expectedFragments } from './fragments.js';
import { dropEnums, firstDifference, maskDescription, toTyped } from './golden.js';

test('toTyped writes values as golden_io.typed does', () => {
  const v: PyValue = new Map<PyValue & (string | number), PyValue>([
    ['a', new PyFloat(8)],
    ['b', new PyTuple([4, 3])],
    ['c', [1, null, true]],
    ['d', new PyDate('2024-01-01')],
  ]) as PyValue;
  assert.deepEqual(toTyped(v), {
    a: { $float: '8.0' },
    b: { $tuple: [4, 3] },
    c: [1, null, true],
    d: { $date: '2024-01-01' },
  });
  assert.deepEqual(
    toTyped(
      new Map<number | string, PyValue>([
        [-1, 16],
        ['type', 'dynamic'],
      ]),
    ),
    {
      $dict: [
        [-1, 16],
        ['type', 'dynamic'],
      ],
    },
  );
  assert.deepEqual(toTyped(new Map([['0', 'x']])), { $dict: [['0', 'x']] });
  assert.deepEqual(toTyped(new Map([['$import', 'x']])), { $dict: [['$import', 'x']] });
  assert.deepEqual(toTyped(new PyFloat(1e-5)), { $float: '1e-05' });
});

test('firstDifference sees key order, types and lengths', () => {
  assert.equal(firstDifference({ a: 1, b: 2 }, { a: 1, b: 2 }), null);
  assert.match(firstDifference({ b: 2, a: 1 }, { a: 1, b: 2 })!, /key order/);
  assert.match(firstDifference({ a: 1 }, { a: 1, b: 2 })!, /keys missing \["b"\]/);
  assert.match(firstDifference([1, 2], [1])!, /\$\[1\]/);
  assert.match(firstDifference({ x: 4 }, { x: { $float: '4.0' } })!, /\$\.x/);
  assert.match(firstDifference({ $tuple: [4, 3] }, [4, 3])!, /\$/);
});

test('enums compare by value; masking keeps whether a description is set', () => {
  assert.deepEqual(dropEnums({ t: { $enum: 'ptq' } }), { t: 'ptq' });
  assert.deepEqual(maskDescription({ metadata: { recipe_type: 'ptq', description: 'x' } }), {
    metadata: { recipe_type: 'ptq', description: '<description>' },
  });
  assert.deepEqual(maskDescription({ metadata: { recipe_type: 'ptq' } }), {
    metadata: { recipe_type: 'ptq' },
  });
});

const PYDANTIC =
  "Config file a.yaml does not match modelopt-schema 'X': 1 validation error for QuantizeConfig\n" +
  'effective_bits\n  Value error, effective_bits must be in (0, 16], got 16.5 [type=value_error, input_value=16.5, input_type=float]\n' +
  '    For further information visit https://errors.pydantic.dev/2.14/v/value_error';

test('pydantic messages keep prefix, count, location and text; drop the decoration', () => {
  assert.deepEqual(expectedFragments({ type: 'ValueError', message: PYDANTIC }), [
    "Config file a.yaml does not match modelopt-schema 'X': ",
    '1 validation error for QuantizeConfig',
    '\neffective_bits',
    'Value error, effective_bits must be in (0, 16], got 16.5',
  ]);
  const ours =
    "Config file a.yaml does not match modelopt-schema 'X': 1 validation error for QuantizeConfig\n" +
    'effective_bits\n  Value error, effective_bits must be in (0, 16], got 16.5';
  assertMessageMatches(ours, { type: 'ValueError', message: PYDANTIC });
  assert.throws(() =>
    assertMessageMatches(ours.replace('16.5', '16'), { type: 'ValueError', message: PYDANTIC }),
  );
  assert.throws(() =>
    assertMessageMatches(ours.replace('\neffective_bits', '\nbits'), {
      type: 'ValueError',
      message: PYDANTIC,
    }),
  );
});

test('union-branch errors need one branch, at its location', () => {
  const golden = {
    type: 'ValidationError',
    message:
      '2 validation errors for R\nquantize.algorithm.str\n  Input should be a valid string [type=string_type]\n' +
      'quantize.algorithm.dict[any,any]\n  Input should be a valid dictionary [type=dict_type]',
  };
  assertMessageMatches(
    '1 validation error for R\nquantize.algorithm\n  Input should be a valid string',
    golden,
  );
  assert.throws(() =>
    assertMessageMatches('1 validation error for R\nquantize\n  Input should be a valid string', golden),
  );
});

test('PyYAML marks and PosixPath wrappers are dropped', () => {
  assert.deepEqual(
    expectedFragments({
      type: 'ComposerError',
      message:
        'expected a single document in the stream\n  in "<unicode string>", line 1, column 1:\n    a: 1\n    ^\n' +
        'but found another document\n  in "<unicode string>", line 2, column 1:\n    ---\n    ^',
    }),
    ['expected a single document in the stream', 'but found another document'],
  );
  assert.deepEqual(
    expectedFragments({ type: 'ValueError', message: "paths checked: [PosixPath('c.yml')]" }),
    ["paths checked: ['c.yml']"],
  );
});
