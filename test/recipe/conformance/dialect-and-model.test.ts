/**
 * Conformance through the loader: the YAML 1.1 dialect of recipes.md §2.1, and data-model rules of
 * §4–§5.1 as a recipe author meets them (result shape, error kind, where the error points).
 */
import assert from 'node:assert/strict';
import { runCases, S, type Case } from './harness.js';

const config = (path = 'a.yaml') => ({ fn: 'config' as const, path });
const recipe = (path = 'r.yaml') => ({ fn: 'recipe' as const, path });
const value = (yaml: string, expected: string, name = yaml.trim()): Case => ({
  name,
  files: { 'a.yaml': yaml },
  call: config(),
  value: expected,
});
const PTQ = 'metadata:\n  recipe_type: ptq\nquantize:\n';

const dialect: Case[] = [
  value('a: [yes, No, ON, off, y, n]\n', "{'a': [True, False, True, False, 'y', 'n']}"),
  value('a: [~, null, Null, NULL]\nb:\n', "{'a': [None, None, None, None], 'b': None}"),
  value('a: [0b101, 017, 0x1F, +12, 1_000, 1:30, 0o17]\n', "{'a': [5, 15, 31, 12, 1000, 90, '0o17']}"),
  value(
    'a: [1.0e-4, 2688.0, .5, 1e-4, 1e3, 1.5e3]\n',
    "{'a': [0.0001, 2688.0, 0.5, '1e-4', '1e3', '1.5e3']}",
  ),
  value("a: {-1: 16, '-1': x, 1.5: y}\n", "{'a': {-1: 16, '-1': 'x', 1.5: 'y'}}"),
  value('a: 1\na: 2\n', "{'a': 2}", 'duplicate keys: the last wins'),
  value('base: &b {x: 1}\nuse: *b\n', "{'base': {'x': 1}, 'use': {'x': 1}}", 'anchors and aliases'),
  value(
    'base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n',
    "{'base': {'x': 1, 'y': 2}, 'use': {'x': 1, 'y': 3}}",
    'merge keys',
  ),
  value(
    'a: {-1: 16, type: dynamic}\nb:\n  -1: 16\n  type: dynamic\n',
    "{'a': {-1: 16, 'type': 'dynamic'}, 'b': {-1: 16, 'type': 'dynamic'}}",
    'flow and block style are equal',
  ),
  {
    name: 'python tags are refused',
    files: { 'a.yaml': 'a: !!python/object:os.system x\n' },
    call: config(),
    error: { code: 'E_YAML_SYNTAX' },
  },
  {
    name: 'a YAML syntax error has a position',
    files: { 'a.yaml': 'a: 1\nb: [\n' },
    call: config(),
    error: { code: 'E_YAML_SYNTAX' },
  },
];

const model: Case[] = [
  {
    name: 'quant_cfg order is kept, duplicates included',
    files: {
      'r.yaml':
        PTQ +
        '  quant_cfg:\n    - {quantizer_name: a, enable: false}\n    - {quantizer_name: a, enable: true}\n    - {quantizer_name: b, enable: false}\n',
    },
    call: recipe(),
    check: (v) => {
      const entries = (v as { quantize: { quant_cfg: { quantizer_name: string; enable: boolean }[] } })
        .quantize.quant_cfg;
      assert.deepEqual(
        entries.map((e) => `${e.quantizer_name}:${e.enable}`),
        ['a:false', 'a:true', 'b:false'],
      );
    },
  },
  {
    name: 'an entry with only quantizer_name is refused where it is written',
    files: {
      'r.yaml':
        PTQ + "  quant_cfg:\n    - quantizer_name: '*'\n      enable: false\n    - quantizer_name: x\n",
    },
    call: recipe(),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: "An entry with only 'quantizer_name'='x' has no effect",
      at: 'r.yaml:7:7',
    },
  },
  {
    name: 'an empty cfg while enabling is refused',
    files: { 'r.yaml': PTQ + '  quant_cfg:\n    - quantizer_name: x\n      cfg: {}\n' },
    call: recipe(),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: "QuantizerCfgEntry 'cfg' must specify at least one quantizer attribute",
    },
  },
  {
    name: 'quant_cfg: null is refused',
    files: { 'r.yaml': PTQ + '  quant_cfg:\n' },
    call: recipe(),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: 'quant_cfg must be a sequence of entries (or a legacy flat mapping)',
    },
  },
  {
    name: 'a legacy flat mapping still loads',
    files: {
      'r.yaml':
        PTQ + "  quant_cfg:\n    '*': {enable: false}\n    '*weight_quantizer': {num_bits: 8, axis: 0}\n",
    },
    call: recipe(),
    check: (v) => assert.equal((v as { quantize: { quant_cfg: unknown[] } }).quantize.quant_cfg.length, 2),
  },
  {
    name: 'e0m3 converts and is then refused',
    files: { 'a.yaml': S.attr + 'num_bits: e0m3\n' },
    call: config(),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: 'num_bits must be a positive integer or a tuple of positive integers.',
    },
  },
  {
    name: 'the enable-only guard names the problem',
    files: { 'a.yaml': S.attr + 'enable: true\n' },
    call: config(),
    error: { code: 'E_SCHEMA_MISMATCH', message: "Cannot specify only {'enable': True}" },
  },
  {
    name: 'a quoted number stays a string format name',
    files: { 'a.yaml': S.attr + "num_bits: '8'\n" },
    call: config(),
    value: "{'num_bits': '8'}",
  },
  {
    name: 'algorithm parameters are not validated at load',
    files: { 'r.yaml': PTQ + '  algorithm:\n    method: gptq\n    use_sequential: true\n' },
    call: recipe(),
    check: (v) =>
      assert.ok((v as { quantize: { algorithm: Map<string, unknown> } }).quantize.algorithm instanceof Map),
  },
  {
    name: 'a number as algorithm is refused',
    files: { 'r.yaml': PTQ + '  algorithm: 5\n' },
    call: recipe(),
    error: { code: 'E_SCHEMA_MISMATCH', at: 'r.yaml:4:14' },
  },
];

runCases('yaml dialect', dialect);
runCases('data model via the loader', model);
