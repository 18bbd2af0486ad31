/** Conformance: directory recipes, V2 and seed layouts (recipes.md §3.4, seed-library.md §1.4). */
import assert from 'node:assert/strict';
import { entrySource } from '../../../src/recipe/load/provenance.js';
import { runCases, S, type Case } from './harness.js';

const recipe = (path: string, overrides?: string[]) => ({
  fn: 'recipe' as const,
  path,
  ...(overrides ? { overrides } : {}),
});
const disableAll = S.list + "- quantizer_name: '*'\n  enable: false\n";

const dirs: Case[] = [
  {
    name: 'a V2 directory recipe',
    files: {
      'd/metadata.yaml': 'recipe_type: ptq\ndescription: dir\n',
      'd/quantize.yaml': "quant_cfg:\n  - quantizer_name: '*'\n    enable: false\n",
    },
    call: recipe('d'),
    check: (v) => {
      const r = v as { metadata: { description: string }; quantize: { quant_cfg: object[] } };
      assert.equal(r.metadata.description, 'dir');
      const at = entrySource(r.quantize.quant_cfg[0]!);
      assert.deepEqual(at && [at.line, at.col], [2, 5]);
    },
  },
  {
    name: 'metadata.yml is preferred',
    files: {
      'd/metadata.yml': 'recipe_type: ptq\ndescription: yml\n',
      'd/metadata.yaml': 'recipe_type: ptq\ndescription: yaml\n',
      'd/quantize.yaml': '',
    },
    call: recipe('d'),
    check: (v) => assert.equal((v as { metadata: { description: string } }).metadata.description, 'yml'),
  },
  {
    name: 'an empty quantize file gives the defaults',
    files: { 'd/metadata.yaml': 'recipe_type: ptq\n', 'd/quantize.yaml': '' },
    call: recipe('d'),
    check: (v) => assert.equal((v as { quantize: { algorithm: string } }).quantize.algorithm, 'max'),
  },
  {
    name: 'missing metadata',
    files: { 'd/quantize.yaml': '' },
    call: recipe('d'),
    error: {
      code: 'E_DIR_SECTION_MISSING',
      message: ['Cannot find metadata in ', 'Looked for: metadata.yml, metadata.yaml'],
    },
  },
  {
    name: 'missing quantize',
    files: { 'd/metadata.yaml': 'recipe_type: ptq\n' },
    call: recipe('d'),
    error: { code: 'E_DIR_SECTION_MISSING', message: 'Cannot find quantize in ' },
  },
  {
    name: 'directory recipes are PTQ only',
    files: { 'd/metadata.yaml': 'recipe_type: speculative_eagle\n', 'd/quantize.yaml': '' },
    call: recipe('d'),
    error: {
      code: 'E_RECIPE_UNSUPPORTED',
      message: "Unsupported recipe type: <RecipeType.SPECULATIVE_EAGLE: 'speculative_eagle'>",
    },
  },
  {
    name: 'a nested metadata key is a validation error',
    files: { 'd/metadata.yaml': 'metadata:\n  recipe_type: ptq\n', 'd/quantize.yaml': '' },
    call: recipe('d'),
    error: { code: 'E_SCHEMA_MISMATCH', message: 'metadata.yaml does not match' },
  },
  {
    name: 'imports are per file in a V2 directory',
    files: {
      'd/metadata.yaml': 'imports:\n  deny: deny\nrecipe_type: ptq\n',
      'd/quantize.yaml': 'quant_cfg:\n  - $import: deny\n',
      'deny.yaml': disableAll,
    },
    call: recipe('d'),
    error: { code: 'E_IMPORT_UNKNOWN_NODECL', message: "'deny' in root.quant_cfg[0]" },
  },
  {
    name: 'metadata may be a root-level $import',
    files: {
      'd/metadata.yaml': 'imports:\n  m: m\n$import: m\n',
      'd/quantize.yaml': '',
      'm.yaml': S.metadata + 'recipe_type: ptq\ndescription: shared\n',
    },
    call: recipe('d'),
    check: (v) => assert.equal((v as { metadata: { description: string } }).metadata.description, 'shared'),
  },
  {
    name: 'overrides are refused for directories',
    files: { 'd/metadata.yaml': 'recipe_type: ptq\n', 'd/quantize.yaml': '' },
    call: recipe('d', ['quantize.algorithm=mse']),
    error: {
      code: 'E_OVERRIDES_DIR',
      message:
        'overrides are not supported for directory-format recipes; use the single-YAML-file form instead.',
    },
  },
  {
    name: 'overrides are refused before any file is read',
    files: { 'd/x.txt': '' },
    call: recipe('d', ['a=1']),
    error: { code: 'E_OVERRIDES_DIR' },
  },
  {
    name: 'an empty override list is fine for directories',
    files: { 'd/metadata.yaml': 'recipe_type: ptq\n', 'd/quantize.yaml': '' },
    call: recipe('d', []),
    check: () => undefined,
  },
  {
    name: 'other files are ignored',
    files: { 'd/metadata.yaml': 'recipe_type: ptq\n', 'd/quantize.yaml': '', 'd/notes.yaml': 'junk: [\n' },
    call: recipe('d'),
    check: () => undefined,
  },
  {
    name: "seed layout: recipe.yml's imports reach quantize.yml",
    files: {
      'd/recipe.yml': 'imports:\n  deny: deny\nmetadata:\n  recipe_type: ptq\n  description: seed\n',
      'd/quantize.yml': 'quant_cfg:\n  - $import: deny\nalgorithm: max\n',
      'deny.yaml': disableAll,
    },
    call: recipe('d'),
    check: (v) => {
      const r = v as {
        metadata: { description: string };
        quantize: { quant_cfg: { quantizer_name: string }[] };
      };
      assert.equal(r.metadata.description, 'seed');
      assert.equal(r.quantize.quant_cfg[0]!.quantizer_name, '*');
    },
  },
  {
    name: 'seed layout: recipe.yaml',
    files: { 'd/recipe.yaml': 'metadata:\n  recipe_type: ptq\n', 'd/quantize.yaml': 'algorithm: mse\n' },
    call: recipe('d'),
    check: (v) => assert.equal((v as { quantize: { algorithm: string } }).quantize.algorithm, 'mse'),
  },
  {
    name: 'seed layout: other keys of recipe.yml are ignored',
    files: {
      'd/recipe.yml': 'metadata:\n  recipe_type: ptq\nquantize:\n  algorithm: ignored\n',
      'd/quantize.yml': 'algorithm: used\n',
    },
    call: recipe('d'),
    check: (v) => assert.equal((v as { quantize: { algorithm: string } }).quantize.algorithm, 'used'),
  },
  {
    name: 'seed layout: missing recipe_type',
    files: { 'd/recipe.yml': 'metadata:\n  description: x\n', 'd/quantize.yml': '' },
    call: recipe('d'),
    error: {
      code: 'E_RECIPE_TYPE_MISSING',
      message: "recipe.yml must contain a 'metadata.recipe_type' field.",
    },
  },
  {
    name: 'seed layout: no metadata at all',
    files: { 'd/recipe.yml': 'x: 1\n', 'd/quantize.yml': '' },
    call: recipe('d'),
    error: { code: 'E_RECIPE_TYPE_MISSING' },
  },
  {
    name: 'seed layout: unsupported type',
    files: { 'd/recipe.yml': 'metadata:\n  recipe_type: qat\n', 'd/quantize.yml': '' },
    call: recipe('d'),
    error: { code: 'E_RECIPE_UNSUPPORTED', message: "Unsupported recipe type: 'qat'" },
  },
  {
    name: 'seed layout: missing quantize',
    files: { 'd/recipe.yml': 'metadata:\n  recipe_type: ptq\n' },
    call: recipe('d'),
    error: { code: 'E_DIR_SECTION_MISSING', message: 'Looked for: quantize.yml, quantize.yaml' },
  },
  {
    name: 'seed layout: imports inside quantize.yml are not consumed',
    files: {
      'd/recipe.yml': 'metadata:\n  recipe_type: ptq\n',
      'd/quantize.yml': 'imports:\n  deny: deny\nalgorithm: max\n',
      'deny.yaml': disableAll,
    },
    call: recipe('d'),
    error: {
      code: 'E_SCHEMA_MISMATCH',
      message: ['quantize.yml does not match', 'imports'],
      at: 'd/quantize.yml:1:1',
    },
  },
  {
    name: 'seed layout: unknown metadata keys are rejected',
    files: { 'd/recipe.yml': 'metadata:\n  recipe_type: ptq\n  owner: me\n', 'd/quantize.yml': '' },
    call: recipe('d'),
    error: { code: 'E_SCHEMA_MISMATCH', message: 'owner', at: 'd/recipe.yml:3:3' },
  },
];

runCases('directory recipes', dirs);
