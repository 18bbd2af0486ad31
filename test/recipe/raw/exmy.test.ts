/** ExMy conversion of num_bits / scale_bits strings (recipes.md §2.3). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertExMy, parseExMy } from '../../../src/recipe/load/exmy.js';
import { parseYamlStream } from '../../../src/recipe/yaml/parse.js';
import { keyLocation, locationOf, valueLocation } from '../../../src/recipe/yaml/locations.js';
import { PyTuple, pyRepr, type PyDict } from '../../../src/recipe/pyvalue.js';

const conv = (yaml: string) => pyRepr(convertExMy(parseYamlStream(yaml, { file: 'x.yaml', chain: [] })[0]!));

test('e4m3 in any letter case becomes (4, 3)', () => {
  assert.equal(conv('num_bits: e4m3'), "{'num_bits': (4, 3)}");
  assert.equal(conv('num_bits: E4M3'), "{'num_bits': (4, 3)}");
  assert.equal(conv('num_bits: e4M3'), "{'num_bits': (4, 3)}");
});

test('scale_bits is converted too, at any depth, inside lists of mappings', () => {
  assert.equal(
    conv('quant_cfg:\n  - cfg:\n      block_sizes: {-1: 16, scale_bits: e4m3}\n      num_bits: e2m1\n'),
    "{'quant_cfg': [{'cfg': {'block_sizes': {-1: 16, 'scale_bits': (4, 3)}, 'num_bits': (2, 1)}}]}",
  );
});

test('multi-digit and zero fields', () => {
  assert.equal(conv('num_bits: e10m20'), "{'num_bits': (10, 20)}");
  assert.equal(conv('num_bits: e0m3'), "{'num_bits': (0, 3)}");
});

test('the result is a PyTuple of ints', () => {
  const t = parseExMy('e5m2') as PyTuple;
  assert.ok(t instanceof PyTuple);
  assert.deepEqual(t.items, [5, 2]);
});

test('$ matches before one trailing newline (block scalar), not two', () => {
  assert.equal(conv('num_bits: |\n  e4m3\n'), "{'num_bits': (4, 3)}");
  assert.equal(pyRepr(parseExMy('e4m3\n\n')), "'e4m3\\n\\n'");
});

test('\\d is any Unicode decimal digit and int() converts it', () => {
  assert.equal(pyRepr(parseExMy('e\u0664m3')), '(4, 3)');
  assert.equal(pyRepr(parseExMy('e\u{1D7D2}m\u0be9')), '(4, 3)');
  assert.equal(pyRepr(parseExMy('e\uff14m\u0969')), '(4, 3)');
});

test('other keys, case variants of the key, lists, ExMy-looking keys and non-matching strings stay', () => {
  assert.equal(conv('other: e4m3'), "{'other': 'e4m3'}");
  assert.equal(conv('Num_Bits: e4m3'), "{'Num_Bits': 'e4m3'}");
  assert.equal(conv('num_bits: [e4m3]'), "{'num_bits': ['e4m3']}");
  assert.equal(conv('e4m3: x'), "{'e4m3': 'x'}");
  assert.equal(conv('num_bits: fp8'), "{'num_bits': 'fp8'}");
  assert.equal(conv("num_bits: 'e4m3 '"), "{'num_bits': 'e4m3 '}");
  assert.equal(conv('num_bits: e4m3x'), "{'num_bits': 'e4m3x'}");
  assert.equal(conv('num_bits: 8'), "{'num_bits': 8}");
  assert.equal(conv('num_bits: [4, 3]'), "{'num_bits': [4, 3]}");
});

test('a top-level list body is walked', () => {
  assert.equal(conv('- num_bits: e4m3\n- e4m3\n'), "[{'num_bits': (4, 3)}, 'e4m3']");
});

test('returns new containers and keeps source positions', () => {
  const parsed = parseYamlStream('outer:\n  num_bits: e4m3\n  axis: 0\n', {
    file: 'x.yaml',
    chain: [],
  })[0] as PyDict;
  const out = convertExMy(parsed) as PyDict;
  assert.notEqual(out, parsed);
  assert.equal((parsed.get('outer') as PyDict).get('num_bits'), 'e4m3');
  const outer = out.get('outer') as PyDict;
  assert.deepEqual(locationOf(out), locationOf(parsed));
  assert.equal(keyLocation(outer, 'axis')?.line, 3);
  assert.equal(valueLocation(outer, 'num_bits')?.col, 13);
});
