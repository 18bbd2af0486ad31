/** JSON output equals Python json.dumps (goldens printed by CPython 3); YAML output round-trips. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toPythonJson, toYaml, yamlFloat, yamlString } from '../../../src/recipe/yaml/emit.js';
import { parseYamlStream } from '../../../src/recipe/yaml/parse.js';
import {
  PyDate,
  PyFloat,
  PyTuple,
  type PyDict,
  type PyKey,
  type PyValue,
} from '../../../src/recipe/pyvalue.js';
import { pyKeyIdentity } from '../../../src/recipe/yaml/py-dict.js';

const f = (x: number) => new PyFloat(x);
const sample: PyDict = new Map<PyKey, PyValue>([
  ['a', 1],
  [-1, 16],
  [f(1.5), 'x'],
  [true, null],
  [null, [1, f(2), 'é', 'é\n\t"\\', f(NaN), f(Infinity), f(-Infinity)]],
  ['empty', new Map()],
  ['el', []],
  ['tup', new PyTuple([4, 3])],
  ['big', 12345678901234567890n],
  ['f', f(1e-5)],
  ['g', f(1e16)],
  ['h', f(0.1)],
  ['neg0', f(-0)],
  ['snow', '\u2603\u{1F600}\x7f\x01'],
]);

test('json.dumps without indent: ", " and ": " separators, key str(), ensure_ascii, NaN/Infinity', () => {
  assert.equal(
    toPythonJson(sample),
    '{"a": 1, "-1": 16, "1.5": "x", "true": null, "null": [1, 2.0, "\\u00e9", "\\u00e9\\n\\t\\"\\\\", NaN, Infinity, -Infinity], "empty": {}, "el": [], "tup": [4, 3], "big": 12345678901234567890, "f": 1e-05, "g": 1e+16, "h": 0.1, "neg0": -0.0, "snow": "\\u2603\\ud83d\\ude00\\u007f\\u0001"}',
  );
});

test('json.dumps(indent=2): "," at line ends, nested indentation, empty containers inline', () => {
  const expected =
    '{\n  "a": 1,\n  "-1": 16,\n  "1.5": "x",\n  "true": null,\n  "null": [\n    1,\n    2.0,\n    "\\u00e9",\n    "\\u00e9\\n\\t\\"\\\\",\n    NaN,\n    Infinity,\n    -Infinity\n  ],\n  "empty": {},\n  "el": [],\n  "tup": [\n    4,\n    3\n  ],\n  "big": 12345678901234567890,\n  "f": 1e-05,\n  "g": 1e+16,\n  "h": 0.1,\n  "neg0": -0.0,\n  "snow": "\\u2603\\ud83d\\ude00\\u007f\\u0001"\n}';
  assert.equal(toPythonJson(sample, 2), expected);
});

test('json.dumps(indent=0) puts every item on its own line without indentation', () => {
  assert.equal(toPythonJson(new Map<PyKey, PyValue>([['a', [1, 2]]]), 0), '{\n"a": [\n1,\n2\n]\n}');
});

test('json.dumps of nested empties with indent', () => {
  assert.equal(
    toPythonJson([[], new Map(), [[1]]], 2),
    '[\n  [],\n  {},\n  [\n    [\n      1\n    ]\n  ]\n]',
  );
});

test('json scalars at the top level', () => {
  assert.equal(toPythonJson(null), 'null');
  assert.equal(toPythonJson(false), 'false');
  assert.equal(toPythonJson(f(2688)), '2688.0');
  assert.equal(toPythonJson('x'), '"x"');
});

test('json.dumps fails on dates, and on tuple keys, with a MoptError', () => {
  assert.throws(() => toPythonJson([new PyDate('2024-01-01')]), {
    code: 'E_JSON_TYPE',
    message: /date is not JSON serializable/,
  });
  assert.throws(() => toPythonJson(new Map([[new PyTuple([1]), 1]])), {
    code: 'E_JSON_TYPE',
    message: /keys must be/,
  });
});

test('yaml floats always parse back as floats', () => {
  assert.equal(yamlFloat(1e-5), '1.0e-05');
  assert.equal(yamlFloat(1e16), '1.0e+16');
  assert.equal(yamlFloat(1.5e300), '1.5e+300');
  assert.equal(yamlFloat(2688), '2688.0');
  assert.equal(yamlFloat(NaN), '.nan');
  assert.equal(yamlFloat(-Infinity), '-.inf');
});

test('yaml strings are quoted exactly when PyYAML would read them as something else', () => {
  for (const s of [
    'yes',
    'no',
    'on',
    'null',
    '~',
    '1',
    '1.0',
    '017',
    '1:30',
    '2024-01-01',
    '=',
    '<<',
    '',
    ' x',
    'x ',
    '*weight_quantizer',
    '- a',
    'a: b',
    'a #b',
    '#c',
    '[x]',
    '{y}',
    '!t',
    '&a',
    '...',
    '---',
  ])
    assert.notEqual(yamlString(s), s, `${s} must be quoted`);
  for (const s of ['e4m3', 'dynamic', 'max', '1e-4', 'y', 'n', 'model.layers.0', 'a:b', 'x*y', 'nan'])
    assert.equal(yamlString(s), s, `${s} may stay plain`);
  assert.equal(yamlString("it's"), "it's");
  assert.equal(yamlString("'q'"), "'''q'''");
  assert.equal(yamlString('line\nbreak'), '"line\\nbreak"');
});

test('toYaml writes int keys bare, tuples in flow style and nests blocks', () => {
  const v = new Map<PyKey, PyValue>([
    [
      'quant_cfg',
      [
        new Map<PyKey, PyValue>([
          ['quantizer_name', '*weight_quantizer'],
          [
            'cfg',
            new Map<PyKey, PyValue>([
              ['num_bits', new PyTuple([4, 3])],
              [
                'block_sizes',
                new Map<PyKey, PyValue>([
                  [-1, 16],
                  ['type', 'dynamic'],
                ]),
              ],
            ]),
          ],
        ]),
      ],
    ],
    ['algorithm', 'max'],
    ['empty', []],
  ]);
  assert.equal(
    toYaml(v),
    "quant_cfg:\n  - quantizer_name: '*weight_quantizer'\n    cfg:\n      num_bits: [4, 3]\n      block_sizes:\n        -1: 16\n        type: dynamic\nalgorithm: max\nempty: []\n",
  );
});

test('toYaml of scalars and nested lists', () => {
  assert.equal(toYaml(null), 'null\n');
  assert.equal(toYaml([[1, 2], [] as PyValue[]]), '- - 1\n  - 2\n- []\n');
});

/** Tuples come back as lists (YAML has no tuple), so compare with tuples turned into lists. */
function untuple(v: PyValue): PyValue {
  if (v instanceof PyTuple) return v.items.map(untuple);
  if (Array.isArray(v)) return v.map(untuple);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, untuple(x)] as [PyKey, PyValue]));
  return v;
}

const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary-ascii' }),
  fc.constantFrom('yes', '1:30', '017', '=', '<<', '1e-4', '- x', '*a'),
);
const scalarArb: fc.Arbitrary<PyValue> = fc.oneof(
  anyString,
  fc.integer(),
  fc.bigInt({ min: 2n ** 60n, max: 2n ** 70n }),
  fc.double().map((x) => new PyFloat(x)),
  fc.boolean(),
  fc.constant(null),
);
const keyArb: fc.Arbitrary<PyKey> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5, max: 5 }),
  fc.boolean(),
  fc.constant(null),
);
const valueArb: fc.Arbitrary<PyValue> = fc.letrec<{ v: PyValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    scalarArb,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.array(fc.tuple(keyArb, tie('v')), { maxLength: 4 }).map((pairs) => {
      const seen = new Set<string | null>();
      return new Map(pairs.filter(([k]) => !seen.has(pyKeyIdentity(k)) && seen.add(pyKeyIdentity(k))));
    }),
    fc.array(fc.integer(), { maxLength: 3 }).map((xs) => new PyTuple(xs)),
  ),
})).v;

test('property: toYaml output parses back to an equal value', () => {
  fc.assert(
    fc.property(valueArb, (v) => {
      const text = toYaml(v);
      assert.deepStrictEqual(parseYamlStream(text, { file: 'rt.yaml', chain: [] }), [untuple(v)], text);
    }),
    { numRuns: 300 },
  );
});
