/** The override value grammar (recipes.md §3.5): OmegaConf's reading of `key=value` values. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoptError } from '../../../src/errors.js';
import { parseOverrideValue } from '../../../src/recipe/load/dotlist-value.js';
import { pyRepr } from '../../../src/recipe/pyvalue.js';

const rows: [string, string][] = [
  ['1', '1'],
  ['-1', '-1'],
  ['+12', '12'],
  ['0x10', '16'],
  ['007', '7'],
  ['017', '15'],
  ['0b101', '5'],
  ['1_000', '1000'],
  ['1:30', '90'],
  ['1.5', '1.5'],
  ['.5', '0.5'],
  ['1.', '1.0'],
  ['1e-4', '0.0001'],
  ['5e-5', '5e-05'],
  ['1e3', '1000.0'],
  ['-2.5e+2', '-250.0'],
  ['.inf', 'inf'],
  ['-.inf', '-inf'],
  ['inf', "'inf'"],
  ['nan', "'nan'"],
  ['true', 'True'],
  ['True', 'True'],
  ['TRUE', 'True'],
  ['yes', 'True'],
  ['on', 'True'],
  ['false', 'False'],
  ['no', 'False'],
  ['off', 'False'],
  ['y', "'y'"],
  ['null', 'None'],
  ['NULL', 'None'],
  ['~', 'None'],
  ['', 'None'],
  ['None', "'None'"],
  ['[1, 2]', '[1, 2]'],
  ['[ ]', '[]'],
  ['[a, [b, 2.0], {c: d}]', "['a', ['b', 2.0], {'c': 'd'}]"],
  ['{a: 1}', "{'a': 1}"],
  ['{-1: 16, type: dynamic}', "{-1: 16, 'type': 'dynamic'}"],
  ['{\'q\': "a,b"}', "{'q': 'a,b'}"],
  ['{a: , b: 2}', "{'a': None, 'b': 2}"],
  ['"quoted"', "'quoted'"],
  ["'q'", "'q'"],
  ["'it''s'", '"it\'s"'],
  ['"a\\nb"', "'a\\nb'"],
  ['2024-01-01', "'2024-01-01'"],
  ['${x}', "'${x}'"],
  ['nn.Linear', "'nn.Linear'"],
  ['*lm_head*', "'*lm_head*'"],
  ['e4m3', "'e4m3'"],
  ['  8  ', '8'],
  ['[1 2]', "['1 2']"],
];

for (const [text, expected] of rows) {
  test(`override value ${JSON.stringify(text)} reads as ${expected}`, () => {
    assert.equal(pyRepr(parseOverrideValue(text, `k=${text}`)), expected);
  });
}

for (const bad of ['[1, 2', '{a: 1', '[1,, 2]', '{a: 1}}', "['open]", '[1, {a: [}]']) {
  test(`override value ${JSON.stringify(bad)} is a syntax error naming the override`, () => {
    assert.throws(
      () => parseOverrideValue(bad, `k=${bad}`),
      (err: unknown) =>
        err instanceof MoptError && err.code === 'E_OVERRIDE_SYNTAX' && err.message.includes(`k=${bad}`),
    );
  });
}
