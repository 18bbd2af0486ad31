/** Conformance: `$import` markers and the schema context (recipes.md §2.7–2.8, §7.2 #12 #16). */
import { Q, R, runCases, S, type Case } from './harness.js';

const fp8 = S.attr + 'num_bits: e4m3\naxis: null\n';
const nvfp4 = S.attr + 'num_bits: e2m1\nblock_sizes:\n  -1: 16\n  type: dynamic\n  scale_bits: e4m3\n';
const disableAll = S.list + "- quantizer_name: '*'\n  enable: false\n";
const kvEntry = S.entry + "quantizer_name: '*[kv]_bmm_quantizer'\ncfg:\n  num_bits: e4m3\n";
const config = (path = 'a.yaml', schema?: string) => ({
  fn: 'config' as const,
  path,
  ...(schema ? { schema } : {}),
});
const QC = `${Q}QuantizeConfig`;

const cases: Case[] = [
  // --- A: mapping merges
  {
    name: 'a dict value imports a snippet',
    files: { 'a.yaml': 'imports:\n  fp8: fp8\ncfg:\n  $import: fp8\n', 'fp8.yaml': fp8 },
    call: config(),
    value: "{'cfg': {'num_bits': (4, 3), 'axis': None}}",
  },
  {
    name: 'inline keys override imported ones and keep their place',
    files: {
      'a.yaml': 'imports:\n  fp8: fp8\ncfg:\n  axis: 0\n  $import: fp8\n  fake_quant: false\n',
      'fp8.yaml': fp8,
    },
    call: config(),
    value: "{'cfg': {'num_bits': (4, 3), 'axis': 0, 'fake_quant': False}}",
  },
  {
    name: 'several imports merge in order, later wins',
    files: {
      'a.yaml': 'imports:\n  fp8: fp8\n  int4: int4\ncfg:\n  $import: [fp8, int4]\n',
      'fp8.yaml': fp8,
      'int4.yaml': S.attr + 'num_bits: 4\n',
    },
    call: config(),
    value: "{'cfg': {'num_bits': 4, 'axis': None}}",
  },
  {
    name: 'the merge is shallow: an inline mapping replaces the imported one',
    files: {
      'a.yaml': 'imports:\n  nv: nvfp4\ncfg:\n  $import: nv\n  block_sizes:\n    type: static\n',
      'nvfp4.yaml': nvfp4,
    },
    call: config(),
    value: "{'cfg': {'num_bits': (2, 1), 'block_sizes': {'type': 'static'}}}",
  },
  {
    name: '$import: [] imports nothing',
    files: { 'a.yaml': 'imports:\n  fp8: fp8\ncfg:\n  $import: []\n  num_bits: 8\n', 'fp8.yaml': fp8 },
    call: config(),
    value: "{'cfg': {'num_bits': 8}}",
  },
  {
    name: '$import: null is an unknown reference',
    files: { 'a.yaml': 'imports:\n  fp8: fp8\ncfg:\n  $import:\n', 'fp8.yaml': fp8 },
    call: config(),
    error: {
      code: 'E_IMPORT_UNKNOWN',
      message: "Unknown $import reference None in dict value at root.cfg. Available imports: ['fp8']",
      at: 'a.yaml:4:3',
    },
  },
  {
    name: '$import given a mapping is a clean error',
    files: { 'a.yaml': 'imports:\n  fp8: fp8\ncfg:\n  $import: {fp8: 1}\n', 'fp8.yaml': fp8 },
    call: config(),
    error: {
      code: 'E_IMPORT_REF_TYPE',
      message: ['$import at root.cfg must be an import name or a list of import names', 'dict'],
      at: 'a.yaml:4:3',
    },
  },
  {
    name: '$import list holding a list is a clean error',
    files: { 'a.yaml': 'imports:\n  fp8: fp8\ncfg:\n  $import: [[fp8]]\n', 'fp8.yaml': fp8 },
    call: config(),
    error: { code: 'E_IMPORT_REF_TYPE', message: 'got list' },
  },
  {
    name: 'unknown name lists the available imports',
    files: {
      'a.yaml': 'imports:\n  fp8: fp8\n  nv: nvfp4\ncfg:\n  $import: fp4\n',
      'fp8.yaml': fp8,
      'nvfp4.yaml': nvfp4,
    },
    call: config(),
    error: {
      code: 'E_IMPORT_UNKNOWN',
      message: "Unknown $import reference 'fp4' in dict value at root.cfg. Available imports: ['fp8', 'nv']",
      at: 'a.yaml:5:3',
    },
  },
  {
    name: 'a list snippet cannot stand in for a mapping',
    files: { 'a.yaml': 'imports:\n  deny: deny\ncfg:\n  $import: deny\n', 'deny.yaml': disableAll },
    call: config(),
    error: {
      code: 'E_IMPORT_DICT_NOT_DICT',
      message: "$import 'deny' in dict must resolve to a dict, got list.",
    },
  },
  {
    name: 'a root-level $import takes the whole snippet',
    files: { 'a.yaml': 'imports:\n  fp8: fp8\n$import: fp8\nunsigned: true\n', 'fp8.yaml': fp8 },
    call: config(),
    value: "{'num_bits': (4, 3), 'axis': None, 'unsigned': True}",
  },
  {
    name: 'a list item with other keys is a mapping merge',
    files: { 'a.yaml': 'imports:\n  fp8: fp8\nitems:\n  - $import: fp8\n    axis: 1\n', 'fp8.yaml': fp8 },
    call: config(),
    value: "{'items': [{'num_bits': (4, 3), 'axis': 1}]}",
  },
  {
    name: 'markers inside inline values are resolved too',
    files: {
      'a.yaml': 'imports:\n  fp8: fp8\n  nv: nvfp4\nouter:\n  $import: fp8\n  inner:\n    $import: nv\n',
      'fp8.yaml': fp8,
      'nvfp4.yaml': nvfp4,
    },
    call: config(),
    value:
      "{'outer': {'num_bits': (4, 3), 'axis': None, 'inner': {'num_bits': (2, 1), 'block_sizes': {-1: 16, 'type': 'dynamic', 'scale_bits': (4, 3)}}}}",
  },
  {
    name: 'markers at any depth of plain data',
    files: { 'a.yaml': 'imports:\n  fp8: fp8\na:\n  b:\n    - c:\n        $import: fp8\n', 'fp8.yaml': fp8 },
    call: config(),
    value: "{'a': {'b': [{'c': {'num_bits': (4, 3), 'axis': None}}]}}",
  },
  {
    name: 'the same snippet used twice',
    files: {
      'a.yaml': 'imports:\n  fp8: fp8\nx:\n  $import: fp8\ny:\n  $import: fp8\n  axis: 0\n',
      'fp8.yaml': fp8,
    },
    call: config(),
    value: "{'x': {'num_bits': (4, 3), 'axis': None}, 'y': {'num_bits': (4, 3), 'axis': 0}}",
  },
  // --- B: typed lists
  {
    name: 'a list snippet is spliced into quant_cfg in place',
    files: {
      'a.yaml':
        'imports:\n  deny: deny\nquant_cfg:\n  - quantizer_name: first\n    enable: true\n  - $import: deny\n  - quantizer_name: last\n    enable: false\n',
      'deny.yaml':
        S.list + "- quantizer_name: '*'\n  enable: false\n- quantizer_name: '*lm_head*'\n  enable: false\n",
    },
    call: config('a.yaml', QC),
    check: (v) => {
      const names = (v as { quant_cfg: { quantizer_name: string }[] }).quant_cfg.map((e) => e.quantizer_name);
      if (names.join() !== 'first,*,*lm_head*,last') throw new Error(`order ${names.join()}`);
    },
  },
  {
    name: 'an entry snippet is appended as one item',
    files: { 'a.yaml': 'imports:\n  kv: kv\nquant_cfg:\n  - $import: kv\n', 'kv.yaml': kvEntry },
    call: config('a.yaml', QC),
    value: "{'quant_cfg': [{'quantizer_name': '*[kv]_bmm_quantizer', 'cfg': {'num_bits': (4, 3)}}]}",
  },
  {
    name: 'a bare import in an untyped list',
    files: {
      'a.yaml': 'imports:\n  deny: deny\ntasks:\n  - name: a\n  - $import: deny\n',
      'deny.yaml': disableAll,
    },
    call: config(),
    error: {
      code: 'E_IMPORT_LIST_UNTYPED',
      message:
        "$import 'deny' in list at root.tasks[1] requires a typed list schema (expected list[ElementType]).",
      at: 'a.yaml:5:5',
    },
  },
  {
    name: 'a bare import in a list under a plain dict field (algorithm) is untyped',
    files: {
      'a.yaml': 'imports:\n  deny: deny\nalgorithm:\n  method: max\n  extra:\n    - $import: deny\n',
      'deny.yaml': disableAll,
    },
    call: config('a.yaml', QC),
    error: { code: 'E_IMPORT_LIST_UNTYPED', message: 'in list at root.algorithm.extra[0]' },
  },
  {
    name: 'a snippet of the wrong schema in a typed list',
    files: { 'a.yaml': 'imports:\n  fp8: fp8\nquant_cfg:\n  - $import: fp8\n', 'fp8.yaml': fp8 },
    call: config('a.yaml', QC),
    error: {
      code: 'E_IMPORT_LIST_SCHEMA',
      message: [
        "$import 'fp8' in list at root.quant_cfg[0] has schema 'modelopt.torch.quantization.config.QuantizerAttributeConfig'",
        'expected either the list schema',
        'for splicing or the element schema',
        'for appending.',
      ],
      at: 'a.yaml:4:5',
    },
  },
  {
    name: 'cfg written as a list appends attribute snippets',
    files: {
      'a.yaml':
        "imports:\n  fp8: fp8\n  int4: int4\nquant_cfg:\n  - quantizer_name: '*weight_quantizer'\n    cfg:\n      - $import: int4\n      - $import: fp8\n",
      'fp8.yaml': fp8,
      'int4.yaml': S.attr + 'num_bits: 4\nblock_sizes:\n  -1: 128\n  type: static\n',
    },
    call: config('a.yaml', QC),
    value:
      "{'quant_cfg': [{'quantizer_name': '*weight_quantizer', 'cfg': [{'num_bits': 4, 'block_sizes': {-1: 128, 'type': 'static'}}, {'num_bits': (4, 3), 'axis': None}]}]}",
  },
  {
    name: 'a list snippet cannot be spliced into a cfg list',
    files: {
      'a.yaml':
        "imports:\n  deny: deny\nquant_cfg:\n  - quantizer_name: '*'\n    cfg:\n      - $import: deny\n",
      'deny.yaml': disableAll,
    },
    call: config('a.yaml', QC),
    error: {
      code: 'E_IMPORT_LIST_SCHEMA',
      message:
        "in list at root.quant_cfg[0].cfg[0] has schema 'modelopt.torch.quantization.config.QuantizerCfgListConfig'",
    },
  },
  {
    name: 'a list item importing several names is a clean error',
    files: {
      'a.yaml': 'imports:\n  deny: deny\nquant_cfg:\n  - $import: [deny, deny]\n',
      'deny.yaml': disableAll,
    },
    call: config('a.yaml', QC),
    error: {
      code: 'E_IMPORT_REF_TYPE',
      message: 'in list entry at root.quant_cfg[0] must name exactly one import, got list',
      at: 'a.yaml:4:5',
    },
  },
  {
    name: 'a list item with $import: [] is a clean error',
    files: { 'a.yaml': 'imports:\n  deny: deny\nquant_cfg:\n  - $import: []\n', 'deny.yaml': disableAll },
    call: config('a.yaml', QC),
    error: { code: 'E_IMPORT_REF_TYPE' },
  },
  {
    name: 'a list item with a mapping $import is a clean error',
    files: { 'a.yaml': 'imports:\n  deny: deny\nquant_cfg:\n  - $import: {a: 1}\n', 'deny.yaml': disableAll },
    call: config('a.yaml', QC),
    error: { code: 'E_IMPORT_REF_TYPE', message: 'got dict' },
  },
  {
    name: 'unknown name in a list entry',
    files: {
      'a.yaml':
        'imports:\n  deny: deny\nquant_cfg:\n  - quantizer_name: x\n    enable: false\n  - $import: dny\n',
      'deny.yaml': disableAll,
    },
    call: config('a.yaml', QC),
    error: {
      code: 'E_IMPORT_UNKNOWN',
      message:
        "Unknown $import reference 'dny' in list entry at root.quant_cfg[1]. Available imports: ['deny']",
      at: 'a.yaml:6:5',
    },
  },
  {
    name: 'nested splices: a list snippet that splices another',
    files: {
      'a.yaml': 'imports:\n  all: all\nquant_cfg:\n  - $import: all\n',
      'all.yaml':
        S.list +
        "imports:\n  deny: deny\n---\n- $import: deny\n- quantizer_name: '*weight_quantizer'\n  cfg:\n    num_bits: 8\n",
      'deny.yaml': disableAll,
    },
    call: config('a.yaml', QC),
    value:
      "{'quant_cfg': [{'quantizer_name': '*', 'enable': False}, {'quantizer_name': '*weight_quantizer', 'cfg': {'num_bits': 8}}]}",
  },
  {
    name: 'a two-document list file at top level splices with its own schema',
    files: { 'a.yaml': S.list + 'imports:\n  deny: deny\n---\n- $import: deny\n', 'deny.yaml': disableAll },
    call: config('a.yaml'),
    value: "[{'quantizer_name': '*', 'enable': False}]",
  },
  {
    name: 'a schemaless two-document list file cannot splice',
    files: { 'a.yaml': 'imports:\n  deny: deny\n---\n- $import: deny\n', 'deny.yaml': disableAll },
    call: config('a.yaml'),
    error: { code: 'E_IMPORT_LIST_UNTYPED', message: 'in list at root[0]' },
  },
  {
    name: 'a one-document list file is returned without import processing',
    files: { 'a.yaml': '- $import: x\n- 1\n' },
    call: config('a.yaml'),
    value: "[{'$import': 'x'}, 1]",
  },
  {
    name: 'layer patterns splice into a list[str]',
    files: {
      'a.yaml': `# modelopt-schema: ${R}LayerPatternList\nimports:\n  base: base\n---\n- '*gate*'\n- $import: base\n`,
      'base.yaml': S.patterns + "- '*lm_head*'\n- '*router*'\n",
    },
    call: config('a.yaml'),
    value: "['*gate*', '*lm_head*', '*router*']",
  },
  {
    name: 'quantize.quant_cfg is typed inside a recipe schema',
    files: {
      'r.yaml':
        'imports:\n  deny: deny\nmetadata:\n  recipe_type: ptq\nquantize:\n  quant_cfg:\n    - $import: deny\n',
      'deny.yaml': disableAll,
    },
    call: { fn: 'recipe', path: 'r.yaml' },
    value:
      "{'metadata': {'recipe_type': 'ptq'}, 'quantize': {'quant_cfg': [{'quantizer_name': '*', 'enable': False}]}}",
  },
  {
    name: 'a QuantizeConfig snippet is appended to candidate_formats',
    files: {
      'r.yaml':
        'imports:\n  fp8: fp8\nmetadata:\n  recipe_type: auto_quantize\nauto_quantize:\n  constraints:\n    effective_bits: 6.0\n  candidate_formats:\n    - $import: fp8\n',
      'fp8.yaml':
        S.quantize + "quant_cfg:\n  - quantizer_name: '*weight_quantizer'\n    cfg:\n      num_bits: e4m3\n",
    },
    call: { fn: 'recipe', path: 'r.yaml' },
    check: (v) => {
      const formats = (v as { auto_quantize: { candidate_formats: unknown[] } }).auto_quantize
        .candidate_formats;
      if (formats.length !== 1) throw new Error('expected one candidate format');
    },
  },
  {
    name: 'a list snippet appended into disabled_layers must be a LayerPatternList',
    files: {
      'r.yaml':
        'imports:\n  pats: pats\nmetadata:\n  recipe_type: auto_quantize\nauto_quantize:\n  constraints:\n    effective_bits: 6.0\n  candidate_formats:\n    - quant_cfg: []\n  disabled_layers:\n    - $import: pats\n',
      'pats.yaml': S.patterns + "- '*lm_head*'\n",
    },
    call: { fn: 'recipe', path: 'r.yaml' },
    check: (v) => {
      const layers = (v as { auto_quantize: { disabled_layers: string[] } }).auto_quantize.disabled_layers;
      if (layers.join() !== '*lm_head*') throw new Error(`layers ${layers.join()}`);
    },
  },
];

runCases('markers', cases);
