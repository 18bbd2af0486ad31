/** Conformance: loadRecipe — resolution, peek checks and single-file recipes (recipes.md §1.3, §3.1–3.3, §3.6). */
import assert from 'node:assert/strict';
import { entrySource } from '../../../src/recipe/load/provenance.js';
import { recipeSource, runCases, S, type Case } from './harness.js';

const recipe = (path = 'r.yaml', overrides?: string[]) => ({
  fn: 'recipe' as const,
  path,
  ...(overrides ? { overrides } : {}),
});
const PTQ = 'metadata:\n  recipe_type: ptq\n';
const ptq = (body = "quantize:\n  quant_cfg:\n    - quantizer_name: '*'\n      enable: false\n") =>
  PTQ + body;
const disableAll = S.list + "- quantizer_name: '*'\n  enable: false\n";

const resolution: Case[] = [
  {
    name: 'a local recipe file',
    files: { 'r.yaml': ptq() },
    call: recipe(),
    check: (v) => assert.equal((v as { metadata: { recipe_type: string } }).metadata.recipe_type, 'ptq'),
  },
  {
    name: 'the suffix is optional',
    files: { 'r.yaml': ptq() },
    call: recipe('r'),
    check: (v, env) => assert.equal(env.short(recipeSource(v as object)!.path), 'r.yaml'),
  },
  {
    name: 'a built-in recipe wins over a local file of the same name',
    files: {
      'general/x.yaml': ptq('quantize: {algorithm: local}\n'),
      '@/general/x.yaml': ptq('quantize: {algorithm: builtin}\n'),
    },
    call: recipe('general/x'),
    check: (v) => {
      assert.equal((v as { quantize: { algorithm: string } }).quantize.algorithm, 'builtin');
      assert.equal(recipeSource(v as object)!.display, '<builtin>/general/x.yaml');
      assert.equal(recipeSource(v as object)!.builtin, true);
    },
  },
  {
    name: 'a directory wins over a file of the same base name',
    files: {
      '@/r/metadata.yaml': 'recipe_type: ptq\n',
      '@/r/quantize.yaml': 'algorithm: fromdir\n',
      '@/r.yaml': ptq('quantize: {algorithm: fromfile}\n'),
    },
    call: recipe('r'),
    check: (v) => {
      assert.equal((v as { quantize: { algorithm: string } }).quantize.algorithm, 'fromdir');
      assert.equal(recipeSource(v as object)!.kind, 'dir');
    },
  },
  {
    name: '.yml wins over .yaml',
    files: { 'r.yml': ptq('quantize: {algorithm: yml}\n'), 'r.yaml': ptq('quantize: {algorithm: yaml}\n') },
    call: recipe('r'),
    check: (v) => assert.equal((v as { quantize: { algorithm: string } }).quantize.algorithm, 'yml'),
  },
  {
    name: 'not found',
    files: {},
    call: recipe('nope/r'),
    error: {
      code: 'E_RECIPE_NOT_FOUND',
      message: "Recipe path 'nope/r' is not a valid YAML file or directory.",
    },
  },
  {
    name: 'a local path is reported as given',
    files: { 'r.yaml': ptq() },
    call: recipe('r.yaml'),
    check: (v) => assert.equal(recipeSource(v as object)!.builtin, false),
  },
];

const peek: Case[] = [
  {
    name: 'empty file',
    files: { 'r.yaml': '' },
    call: recipe(),
    error: {
      code: 'E_RECIPE_TYPE_MISSING',
      message: ['Recipe file ', "r.yaml must contain a 'metadata.recipe_type' field."],
    },
  },
  {
    name: 'a list root',
    files: { 'r.yaml': '- 1\n' },
    call: recipe(),
    error: { code: 'E_RECIPE_TYPE_MISSING' },
  },
  {
    name: 'no metadata',
    files: { 'r.yaml': 'quantize: {}\n' },
    call: recipe(),
    error: { code: 'E_RECIPE_TYPE_MISSING' },
  },
  {
    name: 'metadata null',
    files: { 'r.yaml': 'metadata:\nquantize: {}\n' },
    call: recipe(),
    error: { code: 'E_RECIPE_TYPE_MISSING' },
  },
  {
    name: 'metadata a list',
    files: { 'r.yaml': 'metadata: [ptq]\nquantize: {}\n' },
    call: recipe(),
    error: { code: 'E_RECIPE_TYPE_MISSING' },
  },
  {
    name: 'no recipe_type',
    files: { 'r.yaml': 'metadata:\n  description: x\nquantize: {}\n' },
    call: recipe(),
    error: { code: 'E_RECIPE_TYPE_MISSING' },
  },
  {
    name: 'an unknown type',
    files: { 'r.yaml': 'metadata:\n  recipe_type: qat\nquantize: {}\n' },
    call: recipe(),
    error: { code: 'E_RECIPE_TYPE_MISSING', at: 'r.yaml:2:16' },
  },
  {
    name: 'a wrongly cased type',
    files: { 'r.yaml': 'metadata:\n  recipe_type: PTQ\nquantize: {}\n' },
    call: recipe(),
    error: { code: 'E_RECIPE_TYPE_MISSING' },
  },
  {
    name: 'metadata cannot come from an $import in a file recipe',
    files: {
      'r.yaml': 'imports:\n  m: m\nmetadata:\n  $import: m\nquantize: {}\n',
      'm.yaml': S.metadata + 'recipe_type: ptq\n',
    },
    call: recipe(),
    error: { code: 'E_RECIPE_TYPE_MISSING' },
  },
  {
    name: 'PTQ without quantize',
    files: { 'r.yaml': PTQ },
    call: recipe(),
    error: {
      code: 'E_RECIPE_SECTION_MISSING',
      message: ['PTQ recipe file ', "r.yaml must contain 'quantize'."],
    },
  },
  {
    name: 'AUTO_QUANTIZE without auto_quantize',
    files: { 'r.yaml': 'metadata:\n  recipe_type: auto_quantize\nquantize: {}\n' },
    call: recipe(),
    error: { code: 'E_RECIPE_SECTION_MISSING', message: 'AUTO_QUANTIZE recipe file ' },
  },
  {
    name: 'EAGLE without eagle',
    files: { 'r.yaml': 'metadata:\n  recipe_type: speculative_eagle\n' },
    call: recipe(),
    error: { code: 'E_RECIPE_SECTION_MISSING', message: ['EAGLE recipe file', "must contain 'eagle'."] },
  },
  {
    name: 'DFLASH without dflash',
    files: { 'r.yaml': 'metadata:\n  recipe_type: speculative_dflash\n' },
    call: recipe(),
    error: { code: 'E_RECIPE_SECTION_MISSING', message: ['DFLASH recipe file', "'dflash'"] },
  },
  {
    name: 'MEDUSA without medusa',
    files: { 'r.yaml': 'metadata:\n  recipe_type: speculative_medusa\n' },
    call: recipe(),
    error: { code: 'E_RECIPE_SECTION_MISSING', message: ['MEDUSA recipe file', "'medusa'"] },
  },
  {
    name: 'quantize: null passes the section check and fails validation',
    files: { 'r.yaml': PTQ + 'quantize:\n' },
    call: recipe(),
    error: { code: 'E_SCHEMA_MISMATCH', message: "does not match modelopt-schema 'ModelOptPTQRecipe'" },
  },
  {
    name: 'a two-document recipe file fails in the peek',
    files: { 'r.yaml': PTQ + '---\nquantize: {}\n' },
    call: recipe(),
    error: { code: 'E_YAML_SYNTAX', message: 'expected a single document in the stream' },
  },
];

const files: Case[] = [
  {
    name: 'quantize: {} gives the defaults',
    files: { 'r.yaml': PTQ + 'quantize: {}\n' },
    call: recipe(),
    check: (v) => {
      const q = (v as { quantize: { algorithm: unknown; quant_cfg: { quantizer_name: string }[] } }).quantize;
      assert.equal(q.algorithm, 'max');
      assert.equal(q.quant_cfg.length, 1);
      assert.equal(q.quant_cfg[0]!.quantizer_name, '*');
    },
  },
  {
    name: 'an extra top-level key is rejected',
    files: { 'r.yaml': ptq() + 'extra: 1\n' },
    call: recipe(),
    error: { code: 'E_SCHEMA_MISMATCH', message: 'extra', at: 'r.yaml:7:1' },
  },
  {
    name: 'an unknown metadata key is rejected',
    files: { 'r.yaml': 'metadata:\n  recipe_type: ptq\n  owner: me\nquantize: {}\n' },
    call: recipe(),
    error: { code: 'E_SCHEMA_MISMATCH', message: 'owner', at: 'r.yaml:3:3' },
  },
  {
    name: 'a non-string description is rejected',
    files: { 'r.yaml': 'metadata:\n  recipe_type: ptq\n  description: 5\nquantize: {}\n' },
    call: recipe(),
    error: { code: 'E_SCHEMA_MISMATCH', message: 'description', at: 'r.yaml:3:16' },
  },
  {
    name: 'the default description',
    files: { 'r.yaml': PTQ + 'quantize: {}\n' },
    call: recipe(),
    check: (v) =>
      assert.equal(
        (v as { metadata: { description: string } }).metadata.description,
        'Model optimization recipe.',
      ),
  },
  {
    name: "the file's comment schema labels errors but the recipe class validates",
    files: { 'r.yaml': S.quantize + ptq() + 'extra: 1\n' },
    call: recipe(),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: "does not match modelopt-schema 'modelopt.torch.quantization.config.QuantizeConfig'",
    },
  },
  {
    name: 'an invalid comment schema still fails',
    files: { 'r.yaml': '# modelopt-schema: os.path.join\n' + ptq() },
    call: recipe(),
    error: { code: 'E_SCHEMA_NAMESPACE' },
  },
  {
    name: 'a recipe imports and splices built-in snippets',
    files: {
      'r.yaml': 'imports:\n  deny: configs/deny\n' + PTQ + 'quantize:\n  quant_cfg:\n    - $import: deny\n',
      '@/configs/deny.yaml': disableAll,
    },
    call: recipe(),
    check: (v, env) => {
      const entry = (v as { quantize: { quant_cfg: object[] } }).quantize.quant_cfg[0]!;
      const at = entrySource(entry);
      assert.ok(at, 'spliced entry has a source');
      assert.equal(`${env.short(at.file)}:${at.line}`, '@/configs/deny.yaml:2');
      assert.equal(at.chain.map((c) => `${env.short(c.file)}:${c.line}:${c.col}`).join(), 'r.yaml:2:3');
    },
  },
  {
    name: 'an entry written in the recipe points at its own list item',
    files: { 'r.yaml': ptq() },
    call: recipe(),
    check: (v) => {
      const at = entrySource((v as { quantize: { quant_cfg: object[] } }).quantize.quant_cfg[0]!);
      assert.deepEqual(at && [at.line, at.col], [5, 7]);
    },
  },
  {
    name: 'an error in imported metadata points into the snippet with the chain',
    files: {
      'r.yaml': 'imports:\n  f: f\nmetadata:\n  recipe_type: ptq\n  $import: f\nquantize: {}\n',
      'f.yaml': S.attr + 'num_bits: 4\n',
    },
    call: recipe(),
    error: { code: 'E_SCHEMA_MISMATCH', message: 'num_bits', at: 'f.yaml:2:1', chain: ['r.yaml:2:3'] },
  },
  {
    name: 'an AutoQuantize recipe',
    files: {
      'r.yaml':
        'metadata:\n  recipe_type: auto_quantize\nauto_quantize:\n  constraints:\n    effective_bits: 4.8\n  candidate_formats:\n    - quant_cfg: []\n',
    },
    call: recipe(),
    check: (v) =>
      assert.equal((v as { metadata: { recipe_type: string } }).metadata.recipe_type, 'auto_quantize'),
  },
  {
    name: 'an AutoQuantize rule violation is a schema mismatch',
    files: {
      'r.yaml':
        'metadata:\n  recipe_type: auto_quantize\nauto_quantize:\n  constraints:\n    effective_bits: 4.8\n',
    },
    call: recipe(),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: 'auto_quantize requires candidate_formats or at least one module_search_spaces entry',
    },
  },
  {
    name: 'a Medusa recipe',
    files: { 'r.yaml': 'metadata:\n  recipe_type: speculative_medusa\nmedusa:\n  medusa_num_heads: 3\n' },
    call: recipe(),
    check: (v) => assert.equal((v as { medusa: { medusa_num_heads: number } }).medusa.medusa_num_heads, 3),
  },
  {
    name: 'a null speculative section is rejected',
    files: { 'r.yaml': 'metadata:\n  recipe_type: speculative_eagle\neagle:\n' },
    call: recipe(),
    error: { code: 'E_SCHEMA_MISMATCH' },
  },
  {
    name: 'a suffix-less recipe file is found and then rejected',
    files: { plain: ptq() },
    call: recipe('plain'),
    error: { code: 'E_CONFIG_NOT_FOUND', message: 'plain.yml' },
  },
];

runCases('recipe resolution', resolution);
runCases('recipe peek', peek);
runCases('file recipes', files);
