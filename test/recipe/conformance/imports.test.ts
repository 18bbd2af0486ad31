/** Conformance: the `imports:` section (recipes.md §2.6, §1.4, §7.2 #14 #17). */
import { runCases, S, type Case } from './harness.js';

const fp8 = S.attr + 'num_bits: e4m3\naxis: null\n';
const nvfp4 = S.attr + 'num_bits: e2m1\n';
const cfgOf = (name: string): string => `imports:\n  fmt: ${name}\ncfg:\n  $import: fmt\n`;
const config = (path = 'a.yaml') => ({ fn: 'config' as const, path });

const cases: Case[] = [
  // --- the imports key itself
  {
    name: 'imports is removed even when empty',
    files: { 'a.yaml': 'imports: {}\na: 1\n' },
    call: config(),
    value: "{'a': 1}",
  },
  {
    name: 'imports null is removed',
    files: { 'a.yaml': 'imports:\na: 1\n' },
    call: config(),
    value: "{'a': 1}",
  },
  {
    name: 'imports [] is falsy',
    files: { 'a.yaml': 'imports: []\na: 1\n' },
    call: config(),
    value: "{'a': 1}",
  },
  {
    name: "imports '' is falsy",
    files: { 'a.yaml': "imports: ''\na: 1\n" },
    call: config(),
    value: "{'a': 1}",
  },
  {
    name: 'imports 0 is falsy',
    files: { 'a.yaml': 'imports: 0\na: 1\n' },
    call: config(),
    value: "{'a': 1}",
  },
  {
    name: 'nested imports key is data',
    files: { 'a.yaml': 'a:\n  imports: 5\n' },
    call: config(),
    value: "{'a': {'imports': 5}}",
  },
  {
    name: 'imports key of a used file is consumed',
    files: { 'a.yaml': 'imports:\n  fmt: fp8\nb: 2\n', 'fp8.yaml': fp8 },
    call: config(),
    value: "{'b': 2}",
  },
  // --- no imports declared
  {
    name: 'marker without imports names its context',
    files: { 'a.yaml': 'a:\n  b:\n  - x: 1\n    $import: fp8\n' },
    call: config(),
    error: {
      code: 'E_IMPORT_UNKNOWN_NODECL',
      message: "Unknown $import reference 'fp8' in root.a.b[0]. No imports are declared.",
      at: 'a.yaml:4:5',
    },
  },
  {
    name: 'marker at the root without imports',
    files: { 'a.yaml': '$import: base\nx: 1\n' },
    call: config(),
    error: {
      code: 'E_IMPORT_UNKNOWN_NODECL',
      message: 'in root. No imports are declared.',
      at: 'a.yaml:1:1',
    },
  },
  {
    name: 'falsy imports still scans for markers',
    files: { 'a.yaml': 'imports: {}\nx:\n  $import: 5\n' },
    call: config(),
    error: { code: 'E_IMPORT_UNKNOWN_NODECL', message: 'Unknown $import reference 5 in root.x.' },
  },
  {
    name: 'the first marker in document order is reported',
    files: { 'a.yaml': 'a:\n  - 1\n  - $import: first\nb:\n  $import: second\n' },
    call: config(),
    error: { code: 'E_IMPORT_UNKNOWN_NODECL', message: "'first' in root.a[1]" },
  },
  {
    name: 'integer keys print as Python str in the context',
    files: { 'a.yaml': 'a:\n  -1:\n    $import: x\n' },
    call: config(),
    error: { code: 'E_IMPORT_UNKNOWN_NODECL', message: 'in root.a.-1.' },
  },
  // --- imports shape
  {
    name: 'imports as a list',
    files: { 'a.yaml': 'x: 1\nimports:\n  - fp8\n' },
    call: config(),
    error: {
      code: 'E_IMPORTS_NOT_DICT',
      message: "'imports' must be a dict mapping names to config paths, got: list",
      at: 'a.yaml:2:1',
    },
  },
  {
    name: 'imports as a string',
    files: { 'a.yaml': 'imports: fp8\n' },
    call: config(),
    error: { code: 'E_IMPORTS_NOT_DICT', message: 'got: str' },
  },
  {
    name: 'imports as a number',
    files: { 'a.yaml': 'imports: 3\n' },
    call: config(),
    error: { code: 'E_IMPORTS_NOT_DICT', message: 'got: int' },
  },
  {
    name: 'imports as true',
    files: { 'a.yaml': 'imports: true\n' },
    call: config(),
    error: { code: 'E_IMPORTS_NOT_DICT', message: 'got: bool' },
  },
  // --- per-entry checks
  {
    name: 'empty path (null)',
    files: { 'a.yaml': 'imports:\n  fp8:\n' },
    call: config(),
    error: {
      code: 'E_IMPORT_EMPTY_PATH',
      message: "Import 'fp8' has an empty config path.",
      at: 'a.yaml:2:7',
    },
  },
  {
    name: 'empty path (empty string)',
    files: { 'a.yaml': "imports:\n  fp8: ''\n" },
    call: config(),
    error: {
      code: 'E_IMPORT_EMPTY_PATH',
      message: "Import 'fp8' has an empty config path.",
      at: 'a.yaml:2:8',
    },
  },
  {
    name: 'empty path (0)',
    files: { 'a.yaml': 'imports:\n  fp8: 0\n' },
    call: config(),
    error: { code: 'E_IMPORT_EMPTY_PATH' },
  },
  {
    name: 'a number as path',
    files: { 'a.yaml': 'imports:\n  fp8: 5\n' },
    call: config(),
    error: { code: 'E_INVALID_CONFIG_ARG', message: 'Invalid config file of 5', at: 'a.yaml:2:8' },
  },
  {
    name: 'path not found points at the entry',
    files: { 'a.yaml': 'x: 1\nimports:\n  fp8: nope/fp8\n' },
    call: config(),
    error: { code: 'E_CONFIG_NOT_FOUND', message: 'Cannot find config file of nope/fp8', at: 'a.yaml:3:8' },
  },
  {
    name: 'snippet without schema comment',
    files: { 'a.yaml': 'imports:\n  fp8: fp8\n', 'fp8.yaml': 'num_bits: e4m3\n' },
    call: config(),
    error: {
      code: 'E_IMPORT_NO_SCHEMA',
      message: ["Import 'fp8' (", 'fp8.yaml) must reference a snippet with a modelopt-schema comment.'],
      at: 'a.yaml:2:8',
    },
  },
  {
    name: 'snippet schema outside modelopt',
    files: {
      'a.yaml': 'imports:\n  fp8: fp8\n',
      'fp8.yaml': '# modelopt-schema: os.path.join\nnum_bits: 8\n',
    },
    call: config(),
    error: {
      code: 'E_SCHEMA_NAMESPACE',
      message: "Unsupported modelopt-schema 'os.path.join'; schemas must live under 'modelopt.'.",
    },
  },
  {
    name: 'snippet schema with an empty attribute',
    files: { 'a.yaml': 'imports:\n  fp8: fp8\n', 'fp8.yaml': '# modelopt-schema: modelopt.\nnum_bits: 8\n' },
    call: config(),
    error: { code: 'E_SCHEMA_INVALID_PATH', message: "Invalid modelopt-schema path: 'modelopt.'." },
  },
  {
    name: 'snippet schema not registered',
    files: {
      'a.yaml': 'imports:\n  fp8: fp8\n',
      'fp8.yaml': '# modelopt-schema: modelopt.torch.quantization.config.Nope\nnum_bits: 8\n',
    },
    call: config(),
    error: {
      code: 'E_SCHEMA_UNRESOLVED',
      message: "Cannot resolve modelopt-schema 'modelopt.torch.quantization.config.Nope'.",
    },
  },
  {
    name: 'snippet schema in a missing module',
    files: {
      'a.yaml': 'imports:\n  fp8: fp8\n',
      'fp8.yaml': '# modelopt-schema: modelopt.nowhere.Thing\nnum_bits: 8\n',
    },
    call: config(),
    error: { code: 'E_SCHEMA_UNRESOLVED', message: 'modelopt.nowhere.Thing' },
  },
  {
    name: 'invalid snippet is reported in the snippet, with the chain',
    files: {
      'a.yaml': 'imports:\n  fmt: fmt\ncfg:\n  $import: fmt\n',
      'fmt.yaml': S.attr + 'num_bits: 8\nbogus: 1\n',
    },
    call: config(),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: [
        'fmt.yaml does not match modelopt-schema',
        "'modelopt.torch.quantization.config.QuantizerAttributeConfig'",
        'bogus',
      ],
      at: 'fmt.yaml:3:1',
      chain: ['a.yaml:2:3'],
    },
  },
  {
    name: 'an unused import is still loaded and validated',
    files: { 'a.yaml': 'imports:\n  fmt: fmt\nx: 1\n', 'fmt.yaml': S.attr + 'num_bits: 0\n' },
    call: config(),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: 'num_bits must be a positive integer',
      at: 'fmt.yaml:2:1',
      chain: ['a.yaml:2:3'],
    },
  },
  {
    name: 'imports are processed eagerly in order',
    files: { 'a.yaml': 'imports:\n  one: missing\n  two: plain\n', 'plain.yaml': 'x: 1\n' },
    call: config(),
    error: { code: 'E_CONFIG_NOT_FOUND', message: 'missing' },
  },
  {
    name: 'the second import is checked after the first succeeds',
    files: { 'a.yaml': 'imports:\n  one: fp8\n  two: plain\n', 'fp8.yaml': fp8, 'plain.yaml': 'x: 1\n' },
    call: config(),
    error: { code: 'E_IMPORT_NO_SCHEMA', message: "Import 'two'", at: 'a.yaml:3:8' },
  },
  {
    name: 'import errors come before marker errors',
    files: { 'a.yaml': 'x:\n  $import: nothere\nimports:\n  one: missing\n' },
    call: config(),
    error: { code: 'E_CONFIG_NOT_FOUND' },
  },
  {
    name: 'a snippet imports from a built-in snippet',
    files: { 'a.yaml': cfgOf('configs/fp8'), '@/configs/fp8.yaml': fp8 },
    call: config(),
    value: "{'cfg': {'num_bits': (4, 3), 'axis': None}}",
  },
  {
    name: 'a local file shadows the built-in snippet of the same name',
    files: { 'a.yaml': cfgOf('configs/fp8'), '@/configs/fp8.yaml': fp8, 'configs/fp8.yaml': nvfp4 },
    call: config(),
    value: "{'cfg': {'num_bits': (2, 1)}}",
  },
  {
    name: '.yml is probed before .yaml',
    files: { 'a.yaml': cfgOf('fmt'), 'fmt.yml': nvfp4, 'fmt.yaml': fp8 },
    call: config(),
    value: "{'cfg': {'num_bits': (2, 1)}}",
  },
  {
    name: 'an import is looked up next to the importing file first (mopt decision)',
    files: { 'sub/a.yaml': cfgOf('fmt'), 'sub/fmt.yaml': fp8, 'fmt.yaml': nvfp4 },
    call: config('sub/a.yaml'),
    value: "{'cfg': {'num_bits': (4, 3), 'axis': None}}",
  },
  {
    name: 'a built-in importer reads the built-in library before the cwd (mopt decision)',
    files: { '@/configs/r.yaml': cfgOf('configs/fmt'), '@/configs/fmt.yaml': fp8, 'configs/fmt.yaml': nvfp4 },
    call: config('configs/r'),
    value: "{'cfg': {'num_bits': (4, 3), 'axis': None}}",
  },
  {
    name: 'an error in a built-in snippet names the snippet file',
    files: { 'a.yaml': cfgOf('configs/fmt'), '@/configs/fmt.yaml': S.attr + 'num_bits: 8\nbogus: 1\n' },
    call: config(),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: '@/configs/fmt.yaml does not match',
      at: '@/configs/fmt.yaml:3:1',
      chain: ['a.yaml:2:3'],
    },
  },
];

runCases('imports', cases);
