/** Conformance: dotlist overrides (recipes.md §3.5, §7.2 #20) and mopt's quant_cfg[...] addressing. */
import assert from 'node:assert/strict';
import { entrySource } from '../../../src/recipe/load/provenance.js';
import { PyFloat, pyRepr, type PyValue } from '../../../src/recipe/pyvalue.js';
import { dumpSparse } from '../../../src/recipe/schema/index.js';
import { runCases, type Case } from './harness.js';

const R =
  'metadata:\n  recipe_type: ptq\n  description: base\nquantize:\n  quant_cfg:\n' +
  "    - quantizer_name: '*'\n      enable: false\n" +
  "    - quantizer_name: '*weight_quantizer'\n      cfg:\n        num_bits: e4m3\n        axis: null\n" +
  "    - quantizer_name: '*lm_head*'\n      enable: false\n" +
  '  algorithm: max\n';
const files = { 'r.yaml': R };
const recipe = (...overrides: string[]) => ({ fn: 'recipe' as const, path: 'r.yaml', overrides });

interface Entry {
  quantizer_name: string;
  enable: boolean;
  cfg: { num_bits: unknown; axis: unknown; block_sizes: Map<unknown, unknown> | null } | null;
}
interface PTQ {
  metadata: { recipe_type: string; description: string };
  quantize: { algorithm: unknown; quant_cfg: Entry[] };
}
const ptq = (v: unknown): PTQ => v as PTQ;

const cases: Case[] = [
  {
    name: 'a string field',
    files,
    call: recipe('metadata.description=hello'),
    check: (v) => assert.equal(ptq(v).metadata.description, 'hello'),
  },
  {
    name: 'only the first = splits',
    files,
    call: recipe('metadata.description=a=b'),
    check: (v) => assert.equal(ptq(v).metadata.description, 'a=b'),
  },
  {
    name: 'later entries win',
    files,
    call: recipe('quantize.algorithm=mse', 'quantize.algorithm=awq_lite'),
    check: (v) => assert.equal(ptq(v).quantize.algorithm, 'awq_lite'),
  },
  {
    name: 'a mapping value replaces a string',
    files,
    call: recipe('quantize.algorithm={method: mse, fp8_scale_sweep: true}'),
    check: (v) => {
      const algorithm = ptq(v).quantize.algorithm as Map<string, unknown>;
      assert.equal(algorithm.get('method'), 'mse');
      assert.equal(algorithm.get('fp8_scale_sweep'), true);
    },
  },
  {
    name: 'a mapping value is deep-merged into a mapping',
    files,
    call: recipe('quantize={algorithm: mse}'),
    check: (v) => {
      assert.equal(ptq(v).quantize.algorithm, 'mse');
      assert.equal(ptq(v).quantize.quant_cfg.length, 3);
    },
  },
  {
    name: 'a list value replaces the list',
    files,
    call: recipe("quantize.quant_cfg=[{quantizer_name: '*', enable: true}]"),
    check: (v) => {
      assert.equal(ptq(v).quantize.quant_cfg.length, 1);
      assert.equal(ptq(v).quantize.quant_cfg[0]!.enable, true);
    },
  },
  {
    name: 'list indices are not keys',
    files,
    call: recipe('quantize.quant_cfg.0.enable=true'),
    error: {
      code: 'E_OVERRIDE_MERGE',
      message: ['Cannot merge DictConfig with ListConfig', "'quantize.quant_cfg.0.enable=true'"],
    },
  },
  {
    name: 'missing =',
    files,
    call: recipe('quantize.algorithm'),
    error: { code: 'E_OVERRIDE_SYNTAX', message: "Invalid override (missing '='): 'quantize.algorithm'" },
  },
  {
    name: 'load errors come before override syntax errors',
    files: { 'r.yaml': 'metadata:\n  recipe_type: ptq\n' },
    call: recipe('nonsense'),
    error: { code: 'E_RECIPE_SECTION_MISSING' },
  },
  {
    name: 'an empty value sets null',
    files,
    call: recipe('metadata.description='),
    error: {
      code: 'E_OVERRIDE_INVALID',
      message: ["Override 'metadata.description=' makes the recipe invalid", 'description'],
    },
  },
  {
    name: 'unknown keys are rejected by re-validation',
    files,
    call: recipe('quantize.bogus=1'),
    error: { code: 'E_OVERRIDE_INVALID', message: ["'quantize.bogus=1'", 'bogus'] },
  },
  {
    name: 'ExMy is not applied to override values',
    files,
    call: recipe('quantize.quant_cfg[*weight_quantizer].cfg.num_bits=e2m1'),
    check: (v) => assert.equal(ptq(v).quantize.quant_cfg[1]!.cfg!.num_bits, 'e2m1'),
  },
  {
    name: 'tuples survive the round trip',
    files,
    call: recipe('metadata.description=x'),
    check: (v) => assert.deepEqual(ptq(v).quantize.quant_cfg[1]!.cfg!.num_bits, [4, 3]),
  },
  {
    name: 'every field becomes explicitly set',
    files,
    call: recipe('metadata.description=x'),
    check: (v) => {
      const sparse = dumpSparse(v) as Map<string, Map<string, unknown>>;
      assert.ok(sparse.get('quantize')!.has('effective_bits'), 'defaults are now set');
    },
  },
  {
    name: 'changing recipe_type keeps the class',
    files,
    call: recipe('metadata.recipe_type=speculative_eagle'),
    check: (v) => {
      assert.equal(ptq(v).metadata.recipe_type, 'speculative_eagle');
      assert.equal(ptq(v).quantize.quant_cfg.length, 3);
    },
  },
  {
    name: 'numeric key segments become string keys',
    files,
    call: recipe('quantize.quant_cfg[*weight_quantizer].cfg.block_sizes.-1=16'),
    error: {
      code: 'E_OVERRIDE_INVALID',
      message: "'quantize.quant_cfg[*weight_quantizer].cfg.block_sizes.-1=16'",
    },
  },
  {
    name: 'an integer key written as a mapping value stays an integer',
    files,
    call: recipe(
      'quantize.quant_cfg[*weight_quantizer].cfg={num_bits: 4, block_sizes: {-1: 128, type: static}}',
    ),
    check: (v) => {
      const cfg = ptq(v).quantize.quant_cfg[1]!.cfg!;
      assert.equal(cfg.block_sizes!.get(-1), 128);
      assert.equal(cfg.num_bits, 4);
    },
  },
  {
    name: 'missing intermediate mappings are created (a string is replaced by a mapping)',
    files,
    call: recipe('quantize.algorithm.method=mse'),
    check: (v) => assert.equal(pyRepr(ptq(v).quantize.algorithm as PyValue), "{'method': 'mse'}"),
  },
  {
    name: 'a scalar replaces a mapping',
    files: { 'r.yaml': R.replace('  algorithm: max\n', '  algorithm:\n    method: mse\n') },
    call: recipe('quantize.algorithm=max'),
    check: (v) => assert.equal(ptq(v).quantize.algorithm, 'max'),
  },
  {
    name: 'null algorithm (no calibration)',
    files,
    call: recipe('quantize.algorithm=null'),
    check: (v) => assert.equal(ptq(v).quantize.algorithm, null),
  },
  {
    name: 'a mapping cannot replace a list',
    files,
    call: recipe('quantize.quant_cfg={a: 1}'),
    error: { code: 'E_OVERRIDE_MERGE', message: 'Cannot merge DictConfig with ListConfig' },
  },
  {
    name: 'plain and addressed overrides apply in order',
    files,
    call: recipe(
      "quantize.quant_cfg=[{quantizer_name: '*', enable: false}]",
      'quantize.quant_cfg[*].enable=true',
    ),
    check: (v) =>
      assert.deepEqual(
        ptq(v).quantize.quant_cfg.map((e) => [e.quantizer_name, e.enable]),
        [['*', true]],
      ),
  },
  {
    name: 'a mapping value merges into what earlier entries built',
    files,
    call: recipe('quantize.algorithm={method: mse}', 'quantize.algorithm={step_size: 0.5}'),
    check: (v) =>
      assert.equal(pyRepr(ptq(v).quantize.algorithm as PyValue), "{'method': 'mse', 'step_size': 0.5}"),
  },
  {
    name: 'a typed value that fails validation names its override',
    files,
    call: recipe(
      'quantize.quant_cfg[*weight_quantizer].cfg.axis=[0, 1]',
      'quantize.quant_cfg[0].enable=maybe',
    ),
    error: {
      code: 'E_OVERRIDE_INVALID',
      message: "Override 'quantize.quant_cfg[0].enable=maybe' makes the recipe invalid",
    },
  },
  // --- quant_cfg[...] addressing
  {
    name: '[name] addresses the last entry with that exact quantizer_name',
    files,
    call: recipe('quantize.quant_cfg[*lm_head*].enable=true'),
    check: (v) => {
      const entries = ptq(v).quantize.quant_cfg;
      assert.equal(entries.length, 3);
      assert.equal(entries[2]!.enable, true);
    },
  },
  {
    name: '[name] appends an entry when none matches',
    files,
    call: recipe('quantize.quant_cfg[*router*].enable=false'),
    check: (v) => {
      const last = ptq(v).quantize.quant_cfg.at(-1)!;
      assert.equal(last.quantizer_name, '*router*');
      assert.equal(last.enable, false);
    },
  },
  {
    name: '[name] is exact text, not a pattern',
    files,
    call: recipe('quantize.quant_cfg[*lm_head].enable=true'),
    check: (v) => assert.equal(ptq(v).quantize.quant_cfg.length, 4),
  },
  {
    name: '[N] addresses by position',
    files,
    call: recipe('quantize.quant_cfg[0].enable=true'),
    check: (v) => assert.equal(ptq(v).quantize.quant_cfg[0]!.enable, true),
  },
  {
    name: 'nested fields under an addressed entry',
    files,
    call: recipe(
      'quantize.quant_cfg[*weight_quantizer].cfg.num_bits=4',
      'quantize.quant_cfg[*weight_quantizer].cfg.axis=0',
    ),
    check: (v) => {
      const cfg = ptq(v).quantize.quant_cfg[1]!.cfg!;
      assert.equal(cfg.num_bits, 4);
      assert.equal(cfg.axis, 0);
    },
  },
  {
    name: 'names with brackets and dots stay one selector',
    files,
    call: recipe(
      'quantize.quant_cfg[*[kv]_bmm_quantizer].cfg.num_bits=8',
      'quantize.quant_cfg[*mlp.gate.*].enable=false',
    ),
    check: (v) => {
      const names = ptq(v).quantize.quant_cfg.map((e) => e.quantizer_name);
      assert.deepEqual(names.slice(3), ['*[kv]_bmm_quantizer', '*mlp.gate.*']);
    },
  },
  {
    name: 'an addressed entry given a mapping merges into it',
    files,
    call: recipe('quantize.quant_cfg[*lm_head*]={enable: true, parent_class: nn.Linear}'),
    check: (v) => {
      const e = ptq(v).quantize.quant_cfg[2]! as Entry & { parent_class: string };
      assert.equal(e.parent_class, 'nn.Linear');
      assert.equal(e.enable, true);
    },
  },
  {
    name: 'an index out of range',
    files,
    call: recipe('quantize.quant_cfg[9].enable=true'),
    error: {
      code: 'E_OVERRIDE_INDEX',
      message: ["'quantize.quant_cfg[9].enable=true'", 'index 9 is out of range'],
    },
  },
  {
    name: 'brackets on a non-list',
    files,
    call: recipe('metadata[0].x=1'),
    error: { code: 'E_OVERRIDE_PATH', message: ["'metadata[0].x=1'", 'metadata is not a list'] },
  },
  {
    name: 'unbalanced brackets',
    files,
    call: recipe('quantize.quant_cfg[*lm_head*.enable=true'),
    error: { code: 'E_OVERRIDE_SYNTAX', message: "unbalanced '['" },
  },
  {
    name: 'an empty key segment',
    files,
    call: recipe('quantize..algorithm=max'),
    error: { code: 'E_OVERRIDE_SYNTAX', message: 'empty key segment' },
  },
  {
    name: 'entries from the file keep their positions after overrides',
    files,
    call: recipe('quantize.quant_cfg[*lm_head*].enable=true'),
    check: (v) => {
      const at = entrySource(ptq(v).quantize.quant_cfg[2]!);
      assert.deepEqual(at && at.line, 12);
    },
  },
  {
    name: 'override values are typed (float without a dot)',
    files,
    call: recipe('quantize.effective_bits=4.5', 'quantize.algorithm={method: mse, step_size: 1e-1}'),
    check: (v) => {
      const step = (ptq(v).quantize.algorithm as Map<string, unknown>).get('step_size');
      assert.ok(step instanceof PyFloat || step === 0.1, `step_size ${String(step)}`);
    },
  },
];

runCases('overrides', cases);
