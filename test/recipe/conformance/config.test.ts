/**
 * Conformance: config file resolution, document shapes, schema comments, ExMy, and the return value
 * and error order of loadConfig (recipes.md §1.2, §2.1–2.4, §2.9–2.10, §7.2 #13 #18).
 */
import { Q, runCases, S, type Case } from './harness.js';

const config = (path = 'a.yaml', schema?: string) => ({
  fn: 'config' as const,
  path,
  ...(schema ? { schema } : {}),
});
const ATTR = `${Q}QuantizerAttributeConfig`;

const paths: Case[] = [
  {
    name: 'suffix-less name finds .yml first',
    files: { 'c.yml': 'a: 1\n', 'c.yaml': 'a: 2\n' },
    call: config('c'),
    value: "{'a': 1}",
  },
  {
    name: 'suffix-less name finds .yaml',
    files: { 'c.yaml': 'a: 2\n' },
    call: config('c'),
    value: "{'a': 2}",
  },
  {
    name: 'cwd wins over the built-in root',
    files: { 'c.yaml': 'a: 1\n', '@/c.yaml': 'a: 2\n' },
    call: config('c'),
    value: "{'a': 1}",
  },
  {
    name: 'the built-in root is searched second',
    files: { '@/sub/c.yaml': 'a: 2\n' },
    call: config('sub/c'),
    value: "{'a': 2}",
  },
  { name: 'explicit .yaml suffix', files: { 'c.yaml': 'a: 3\n' }, call: config('c.yaml'), value: "{'a': 3}" },
  {
    name: 'no cross-suffix probing',
    files: { 'c.yaml': 'a: 3\n' },
    call: config('c.yml'),
    error: { code: 'E_CONFIG_NOT_FOUND', message: 'Cannot find config file of c.yml, paths checked: [' },
  },
  {
    name: 'not found lists every candidate',
    files: {},
    call: config('nope'),
    error: {
      code: 'E_CONFIG_NOT_FOUND',
      message: ['Cannot find config file of nope', 'nope.yml', 'nope.yaml'],
    },
  },
  {
    name: 'an upper-case suffix is not a suffix',
    files: { 'c.YAML.yml': 'a: 4\n' },
    call: config('c.YAML'),
    value: "{'a': 4}",
  },
  {
    name: 'directories never match',
    files: { 'd.yaml/': '' },
    call: config('d.yaml'),
    error: { code: 'E_CONFIG_NOT_FOUND' },
  },
  {
    name: 'symlinked files are followed',
    files: { 'real.yaml': 'a: 5\n' },
    links: { 'link.yaml': 'real.yaml' },
    call: config('link'),
    value: "{'a': 5}",
  },
];

const documents: Case[] = [
  { name: 'empty file', files: { 'a.yaml': '' }, call: config(), value: '{}' },
  { name: 'comments only', files: { 'a.yaml': '# nothing\n' }, call: config(), value: '{}' },
  { name: 'a lone ---', files: { 'a.yaml': '---\n' }, call: config(), value: '{}' },
  { name: 'null root', files: { 'a.yaml': 'null\n' }, call: config(), value: '{}' },
  { name: '~ root', files: { 'a.yaml': '~\n' }, call: config(), value: '{}' },
  {
    name: 'a null first document discards the second',
    files: { 'a.yaml': '---\n---\n- a\n' },
    call: config(),
    value: '{}',
  },
  {
    name: 'one mapping',
    files: { 'a.yaml': 'a: 1\nb: [1, 2]\n' },
    call: config(),
    value: "{'a': 1, 'b': [1, 2]}",
  },
  { name: 'one list', files: { 'a.yaml': '- 1\n- x\n' }, call: config(), value: "[1, 'x']" },
  {
    name: 'a scalar root (int)',
    files: { 'a.yaml': '5\n' },
    call: config(),
    error: {
      code: 'E_YAML_ROOT_TYPE',
      message: ['Config file ', 'a.yaml must contain a YAML mapping or list, got int'],
    },
  },
  {
    name: 'a scalar root (str)',
    files: { 'a.yaml': 'hello\n' },
    call: config(),
    error: { code: 'E_YAML_ROOT_TYPE', message: 'got str' },
  },
  {
    name: 'a scalar root (float)',
    files: { 'a.yaml': '1.5\n' },
    call: config(),
    error: { code: 'E_YAML_ROOT_TYPE', message: 'got float' },
  },
  {
    name: 'two documents, the first a list',
    files: { 'a.yaml': '- 1\n---\na: 1\n' },
    call: config(),
    error: { code: 'E_YAML_FIRST_DOC', message: 'first YAML document must be a mapping, got list' },
  },
  {
    name: 'two documents, the second null',
    files: { 'a.yaml': 'a: 1\n---\n' },
    call: config(),
    value: "{'a': 1}",
  },
  {
    name: 'two mappings merge shallowly, the second wins',
    files: { 'a.yaml': 'a: 1\nb: {x: 1}\n---\nb: {y: 2}\nc: 3\n' },
    call: config(),
    value: "{'a': 1, 'b': {'y': 2}, 'c': 3}",
  },
  {
    name: 'two documents, the second a list keeps only imports',
    files: { 'a.yaml': 'a: 1\n---\n- 1\n- 2\n' },
    call: config(),
    value: '[1, 2]',
  },
  {
    name: 'two documents, the second a scalar',
    files: { 'a.yaml': 'a: 1\n---\n5\n' },
    call: config(),
    error: { code: 'E_YAML_SECOND_DOC', message: 'second YAML document must be a mapping or list, got int' },
  },
  {
    name: 'three documents',
    files: { 'a.yaml': 'a: 1\n---\nb: 1\n---\nc: 1\n' },
    call: config(),
    error: { code: 'E_YAML_DOC_COUNT', message: 'expected 1 or 2 YAML documents, got 3' },
  },
  {
    name: 'imports in the second document win',
    files: { 'a.yaml': 'imports: {x: nope}\n---\nimports: {}\nb: 1\n' },
    call: config(),
    value: "{'b': 1}",
  },
];

const comments: Case[] = [
  {
    name: 'a schema comment makes loadConfig validate',
    files: { 'a.yaml': S.attr + 'num_bits: e4m3\n' },
    call: config(),
    value: "{'num_bits': (4, 3)}",
  },
  {
    name: 'an empty file with a schema validates {}',
    files: { 'a.yaml': S.attr },
    call: config(),
    value: '{}',
  },
  {
    name: 'the comment may follow a licence header',
    files: { 'a.yaml': '# Licence\n#\n\n' + S.attr + 'num_bits: 4\n' },
    call: config(),
    value: "{'num_bits': 4}",
  },
  {
    name: 'no spaces are needed',
    files: { 'a.yaml': `#modelopt-schema:${ATTR}\nnum_bits: 4\n` },
    call: config(),
    value: "{'num_bits': 4}",
  },
  {
    name: 'two tokens are not a schema comment',
    files: { 'a.yaml': `# modelopt-schema: ${ATTR} extra\nnum_bits: 4\nzzz: 1\n` },
    call: config(),
    value: "{'num_bits': 4, 'zzz': 1}",
  },
  {
    name: 'upper case is not a schema comment',
    files: { 'a.yaml': `# MODELOPT-SCHEMA: ${ATTR}\nzzz: 1\n` },
    call: config(),
    value: "{'zzz': 1}",
  },
  {
    name: 'a comment after content is ignored',
    files: { 'a.yaml': `zzz: 1\n# modelopt-schema: ${ATTR}\n` },
    call: config(),
    value: "{'zzz': 1}",
  },
  {
    name: 'a comment after --- is ignored',
    files: { 'a.yaml': `---\n# modelopt-schema: ${ATTR}\nzzz: 1\n` },
    call: config(),
    value: "{'zzz': 1}",
  },
  {
    name: 'two schema comments',
    files: { 'a.yaml': S.attr + S.attr + 'num_bits: 4\n' },
    call: config(),
    error: { code: 'E_SCHEMA_MULTIPLE', message: 'a.yaml: multiple modelopt-schema comments found.' },
  },
  {
    name: "the file's own schema must resolve",
    files: { 'a.yaml': '# modelopt-schema: yaml.Loader\nx: 1\n' },
    call: config(),
    error: { code: 'E_SCHEMA_NAMESPACE', message: "Unsupported modelopt-schema 'yaml.Loader'" },
  },
];

const exmy: Case[] = [
  {
    name: 'e4m3 becomes a tuple',
    files: { 'a.yaml': 'num_bits: e4m3\n' },
    call: config(),
    value: "{'num_bits': (4, 3)}",
  },
  {
    name: 'case-insensitive letters',
    files: { 'a.yaml': 'num_bits: E5m2\n' },
    call: config(),
    value: "{'num_bits': (5, 2)}",
  },
  {
    name: 'scale_bits at any depth',
    files: { 'a.yaml': 'a:\n  - b:\n      scale_bits: e8m0\n' },
    call: config(),
    value: "{'a': [{'b': {'scale_bits': (8, 0)}}]}",
  },
  {
    name: 'other keys are not converted',
    files: { 'a.yaml': 'other: e4m3\n' },
    call: config(),
    value: "{'other': 'e4m3'}",
  },
  {
    name: 'lists under num_bits are not converted',
    files: { 'a.yaml': 'num_bits: [e4m3]\n' },
    call: config(),
    value: "{'num_bits': ['e4m3']}",
  },
  {
    name: 'a trailing newline still converts',
    files: { 'a.yaml': 'num_bits: |\n  e4m3\n' },
    call: config(),
    value: "{'num_bits': (4, 3)}",
  },
  {
    name: 'non-matching strings stay',
    files: { 'a.yaml': 'num_bits: e4m3x\n' },
    call: config(),
    value: "{'num_bits': 'e4m3x'}",
  },
  {
    name: 'Num_Bits is a different key',
    files: { 'a.yaml': 'Num_Bits: e4m3\n' },
    call: config(),
    value: "{'Num_Bits': 'e4m3'}",
  },
  {
    name: 'conversion happens per file before imports',
    files: { 'a.yaml': 'imports:\n  f: f\nx:\n  $import: f\n', 'f.yaml': S.attr + 'num_bits: e2m1\n' },
    call: config(),
    value: "{'x': {'num_bits': (2, 1)}}",
  },
];

const loadConfigRules: Case[] = [
  {
    name: 'an explicit schema validates a comment-less file',
    files: { 'a.yaml': 'num_bits: 8\n' },
    call: config('a.yaml', ATTR),
    value: "{'num_bits': 8}",
  },
  {
    name: 'without any schema the plain data comes back',
    files: { 'a.yaml': 'num_bits: 8\nbogus: 1\n' },
    call: config(),
    value: "{'num_bits': 8, 'bogus': 1}",
  },
  {
    name: 'the label is the class name when the file has no comment',
    files: { 'a.yaml': 'bogus: 1\n' },
    call: config('a.yaml', ATTR),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: "a.yaml does not match modelopt-schema 'QuantizerAttributeConfig'",
      at: 'a.yaml:1:1',
    },
  },
  {
    name: "an explicit schema validates, the comment's name labels the error",
    files: { 'a.yaml': S.entry + 'num_bits: 8\nbogus: 1\n' },
    call: config('a.yaml', ATTR),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: `does not match modelopt-schema '${Q}QuantizerCfgEntry'`,
      at: 'a.yaml:3:1',
    },
  },
  {
    name: 'a wrong value points at the value',
    files: { 'a.yaml': S.attr + 'num_bits: 8\ntype: sometimes\n' },
    call: config(),
    error: { code: 'E_SCHEMA_MISMATCH', message: 'type', at: 'a.yaml:3:7' },
  },
  {
    name: 'a missing required field points at the mapping that lacks it',
    files: { 'a.yaml': S.entry + 'enable: false\n' },
    call: config(),
    error: { code: 'E_SCHEMA_MISMATCH', message: 'quantizer_name', at: 'a.yaml:2:1' },
  },
  {
    name: 'a nested error points into the list item',
    files: {
      'a.yaml':
        S.quantize +
        'quant_cfg:\n  - quantizer_name: a\n    enable: false\n  - quantizer_name: b\n    cfg:\n      num_bits: 8\n      axis: 0\n      bogus: 2\n',
    },
    call: config(),
    error: { code: 'E_SCHEMA_MISMATCH', message: 'bogus', at: 'a.yaml:9:7' },
  },
  {
    name: 'a list schema returns a list of config objects',
    files: { 'a.yaml': S.list + "- quantizer_name: '*'\n  enable: false\n" },
    call: config(),
    value: "[{'quantizer_name': '*', 'enable': False}]",
  },
  {
    name: 'error order: schema comments before YAML syntax',
    files: { 'a.yaml': S.attr + S.attr + 'a: [\n' },
    call: config(),
    error: { code: 'E_SCHEMA_MULTIPLE' },
  },
  {
    name: 'error order: own schema name before the imports shape',
    files: { 'a.yaml': '# modelopt-schema: modelopt.nope.Nope\nimports: [1]\n' },
    call: config(),
    error: { code: 'E_SCHEMA_UNRESOLVED' },
  },
  {
    name: 'error order: the marker walk before final validation',
    files: { 'a.yaml': S.attr + 'imports: {}\nbogus:\n  $import: x\n' },
    call: config(),
    error: { code: 'E_IMPORT_UNKNOWN_NODECL' },
  },
  {
    name: 'imported data is validated again by the importer (defaults are not injected)',
    files: { 'a.yaml': 'imports:\n  f: f\nx:\n  $import: f\n', 'f.yaml': S.attr + 'num_bits: 4\n' },
    call: config(),
    value: "{'x': {'num_bits': 4}}",
  },
  {
    name: 'an error in a merged value points into the snippet',
    files: {
      'a.yaml':
        S.quantize +
        'imports:\n  f: f\nquant_cfg:\n  - quantizer_name: a\n    cfg:\n      $import: f\n      num_bits: 8\n',
      'f.yaml': S.attr + 'num_bits: 4\n',
    },
    call: config(),
    value: "{'quant_cfg': [{'quantizer_name': 'a', 'cfg': {'num_bits': 8}}]}",
  },
];

runCases('paths', paths);
runCases('documents', documents);
runCases('schema comments', comments);
runCases('exmy', exmy);
runCases('loadConfig', loadConfigRules);
