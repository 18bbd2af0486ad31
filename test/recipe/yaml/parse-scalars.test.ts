/**
 * Plain-scalar resolution must equal PyYAML 6 safe_load (YAML 1.1 resolver). Every expected value
 * below is the Python repr that PyYAML 6.0.3 printed for the same text (recipes.md §2.1, ts-stack.md §1.3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlStream } from '../../../src/recipe/yaml/parse.js';
import { PyDate, PyFloat, pyRepr } from '../../../src/recipe/pyvalue.js';

const origin = { file: 't.yaml', chain: [] };
const load = (text: string) => parseYamlStream(text, origin);

const PYYAML_TABLE: [string, string][] = [
  ['v: yes', "[{'v': True}]"],
  ['v: No', "[{'v': False}]"],
  ['v: y', "[{'v': 'y'}]"],
  ['v: n', "[{'v': 'n'}]"],
  ['v: tRuE', "[{'v': 'tRuE'}]"],
  ['v: 0o17', "[{'v': '0o17'}]"],
  ['v: 017', "[{'v': 15}]"],
  ['v: 09', "[{'v': '09'}]"],
  ['v: 0x1F', "[{'v': 31}]"],
  ['v: 0b1010', "[{'v': 10}]"],
  ['v: 1_000', "[{'v': 1000}]"],
  ['v: 1e3', "[{'v': '1e3'}]"],
  ['v: 1e-3', "[{'v': '1e-3'}]"],
  ['v: 1.0e3', "[{'v': '1.0e3'}]"],
  ['v: 1.0e+3', "[{'v': 1000.0}]"],
  ['v: 1.0e-4', "[{'v': 0.0001}]"],
  ['v: 6.0e-4', "[{'v': 0.0006}]"],
  ['v: 2688.0', "[{'v': 2688.0}]"],
  ['v: 1.', "[{'v': 1.0}]"],
  ['v: .5', "[{'v': 0.5}]"],
  ['v: -.inf', "[{'v': -inf}]"],
  ['v: .NaN', "[{'v': nan}]"],
  ['v: nan', "[{'v': 'nan'}]"],
  ['v: 190:20:30', "[{'v': 685230}]"],
  ['v: 1:30', "[{'v': 90}]"],
  ['v: 1:30.5', "[{'v': 90.5}]"],
  ['v: 12:30', "[{'v': 750}]"],
  ['v: ~', "[{'v': None}]"],
  ['v: null', "[{'v': None}]"],
  ['v: Null', "[{'v': None}]"],
  ['v: NULL', "[{'v': None}]"],
  ['v:', "[{'v': None}]"],
  ['v: +12', "[{'v': 12}]"],
  ['v: -0', "[{'v': 0}]"],
  ['v: e4m3', "[{'v': 'e4m3'}]"],
  ['v: [4, 3]', "[{'v': [4, 3]}]"],
  ['v: (4, 3)', "[{'v': '(4, 3)'}]"],
  ['v: 1e-5', "[{'v': '1e-5'}]"],
  ['v: 5e-4', "[{'v': '5e-4'}]"],
  ['v: 0.1e-3', "[{'v': 0.0001}]"],
  ['e: ! 12', "[{'e': 12}]"],
  ['e: ! "12"', "[{'e': 12}]"],
  ['=: x', "[{'=': 'x'}]"],
  ['- !!str 12', "[['12']]"],
  ['- !!int "12"', '[[12]]'],
  ['- !!float 1', '[[1.0]]'],
  ['- !!float 1e3', '[[1000.0]]'],
  ['- !!int 0o17', '[[15]]'],
  ['- !!null x', '[[None]]'],
  ['- !!bool yes', '[[True]]'],
  ['a: !!str', "[{'a': ''}]"],
  ['- [a: 1, b]', "[[[{'a': 1}, 'b']]]"],
  [
    '- 1:30.5\n- -1:30\n- 0:30\n- 1:60\n- 0b\n- 0x\n- 0_\n- _1\n- 1__0\n- +0b11\n- -0x_1F\n- 0.\n- -.5\n- 1_0.5_0\n- ._5',
    "[[90.5, -90, '0:30', '1:60', '0b', '0x', 0, '_1', 10, 3, -31, 0.0, '-.5', 10.5, '._5']]",
  ],
  ['- 08\n- 0_7\n- 00\n- -017\n- 0', "[['08', 7, 0, -15, 0]]"],
  [
    '- 12345678901234567890\n- -9007199254740993\n- 9007199254740991',
    '[[12345678901234567890, -9007199254740993, 9007199254740991]]',
  ],
  ['- 1.5e+300\n- 1.0e-400\n- 123456789012345678.0', '[[1.5e+300, 0.0, 1.2345678901234568e+17]]'],
  ['\'a\': "b"', "[{'a': 'b'}]"],
  ['a: |\n  e4m3\n', "[{'a': 'e4m3\\n'}]"],
  ['a: >-\n  x\n  y', "[{'a': 'x y'}]"],
  ['- 0xFF_FF\n- 0b1_1\n- +1_000\n- 1_000.5', '[[65535, 3, 1000, 1000.5]]'],
  ['- 1:0\n- 1:00:00.5', '[[60, 3600.5]]'],
  ['- Yes\n- YES\n- On\n- OFF\n- oN', "[[True, True, True, False, 'oN']]"],
  ['- .inf\n- .Inf\n- +.inf\n- .nan\n- -.nan', "[[inf, inf, inf, nan, '-.nan']]"],
  ['a: !!map {x: 1}', "[{'a': {'x': 1}}]"],
  ['a: !!seq [1]', "[{'a': [1]}]"],
  ['a: "yes"', "[{'a': 'yes'}]"],
  ["a: '017'", "[{'a': '017'}]"],
];

for (const [text, expected] of PYYAML_TABLE) {
  test(`PyYAML resolves ${JSON.stringify(text)} as ${expected}`, () => {
    assert.equal(pyRepr(load(text)), expected);
  });
}

test('ints are JS numbers and floats are PyFloat, even when integral', () => {
  const [doc] = load('a: 8\nb: 8.0\nc: 2688.0') as [Map<string, unknown>];
  assert.equal(doc.get('a'), 8);
  assert.ok(doc.get('b') instanceof PyFloat);
  assert.equal((doc.get('c') as PyFloat).value, 2688);
});

test('ints beyond 2^53 are bigint, within range they are numbers', () => {
  const [list] = load('- 9007199254740993\n- 9007199254740991') as [unknown[]];
  assert.equal(list[0], 9007199254740993n);
  assert.equal(list[1], 9007199254740991);
});

test('-0 is the int 0, not negative zero', () => {
  const [list] = load('- -0') as [unknown[]];
  assert.ok(Object.is(list[0], 0));
});

test('timestamps become PyDate keeping their text; impossible dates are errors', () => {
  const [list] = load('- 2024-01-01\n- 2001-12-14t21:59:43.10-05:00') as [PyDate[]];
  assert.ok(list[0] instanceof PyDate);
  assert.equal(list[0].text, '2024-01-01');
  assert.equal(list[1]!.text, '2001-12-14t21:59:43.10-05:00');
  assert.throws(() => load('- 2024-02-30'), { code: 'E_YAML_SYNTAX', message: /not a valid date/ });
});
