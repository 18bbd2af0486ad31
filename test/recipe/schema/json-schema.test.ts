/** JSON Schema export (draft-07, input side) checked on valid and invalid recipe and snippet samples. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recipeJsonSchema, snippetJsonSchemas } from '../../../src/recipe/schema/index.js';
import { conforms } from './json-check.js';

const recipe = recipeJsonSchema();
const snippets = snippetJsonSchemas();

const ptq = {
  imports: { fp8: 'configs/numerics/fp8' },
  metadata: { recipe_type: 'ptq', description: 'FP8' },
  quantize: {
    algorithm: 'max',
    quant_cfg: [
      { quantizer_name: '*', enable: false },
      { $import: 'base' },
      { quantizer_name: '*weight_quantizer', cfg: { $import: 'fp8', axis: 0 } },
      {
        quantizer_name: '*input_quantizer',
        cfg: { num_bits: 'e4m3', block_sizes: { '-1': 16, type: 'dynamic', scale_bits: 'e4m3' } },
      },
    ],
  },
};

test('the recipe schema is draft-07 with one branch per recipe type and no dangling refs', () => {
  assert.equal(recipe.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal((recipe.oneOf as unknown[]).length, 5);
  assert.doesNotMatch(JSON.stringify(recipe), /\$ref/);
});

test('a valid PTQ recipe with imports, $import items and ExMy strings conforms', () => {
  assert.equal(conforms(recipe, ptq), true);
});

test('invalid recipes do not conform', () => {
  assert.equal(conforms(recipe, { ...ptq, extra: 1 }), false);
  assert.equal(conforms(recipe, { ...ptq, metadata: { recipe_type: 'qat' } }), false);
  assert.equal(conforms(recipe, { metadata: { recipe_type: 'ptq' } }), false, 'quantize is required');
  const typo = { ...ptq, quantize: { quant_cfg: [{ quantizer_name: '*', cfg: { axsi: 0 } }] } };
  assert.equal(conforms(recipe, typo), false);
  const bits = { ...ptq, quantize: { quant_cfg: [{ quantizer_name: '*', cfg: { num_bits: [4, 3, 2] } }] } };
  assert.equal(conforms(recipe, bits), false);
});

test('the branch is chosen by metadata.recipe_type', () => {
  const aq = {
    metadata: { recipe_type: 'auto_quantize' },
    auto_quantize: { constraints: { effective_bits: 4.8 }, candidate_formats: [{ quant_cfg: [] }] },
  };
  assert.equal(conforms(recipe, aq), true);
  assert.equal(conforms(recipe, { ...aq, metadata: { recipe_type: 'ptq' } }), false);
  assert.equal(
    conforms(recipe, {
      metadata: { recipe_type: 'speculative_eagle' },
      eagle: {},
      training: { anything: 1 },
    }),
    true,
  );
  assert.equal(
    conforms(recipe, { metadata: { recipe_type: 'speculative_eagle' }, eagle: {}, model: { anything: 1 } }),
    false,
  );
});

test('every snippet kind has a schema that accepts a good sample and refuses a bad one', () => {
  const samples: Record<string, [unknown, unknown]> = {
    QuantizerAttributeConfig: [{ num_bits: 'e2m1', block_sizes: { '-1': 16 } }, { num_bits: true }],
    QuantizerCfgEntry: [{ quantizer_name: '*lm_head*', enable: false }, { enable: false }],
    QuantizerCfgListConfig: [
      [{ quantizer_name: '*', enable: false }, { $import: 'x' }],
      [{ '*lm_head*': { enable: false } }],
    ],
    QuantizeConfig: [
      { quant_cfg: [], algorithm: { method: 'awq_lite' } },
      { quant_cfg: [], algorithm: 5 },
    ],
    LayerPatternList: [['*lm_head*'], [5]],
    RecipeMetadataConfig: [{ recipe_type: 'ptq' }, { recipe_type: 'ptq', author: 'x' }],
  };
  assert.deepEqual(Object.keys(snippets).sort(), Object.keys(samples).sort());
  for (const [name, [good, bad]] of Object.entries(samples)) {
    assert.equal(conforms(snippets[name]!, good), true, `${name} accepts the good sample`);
    assert.equal(conforms(snippets[name]!, bad), false, `${name} refuses the bad sample`);
  }
});

test('mapping snippets may carry a top-level imports section', () => {
  assert.equal(
    conforms(snippets.QuantizeConfig!, { imports: { a: 'b' }, quant_cfg: [{ $import: 'a' }] }),
    true,
  );
});

test('snippet schemas list the fields in schema order with editor descriptions', () => {
  const attr = snippets.QuantizerAttributeConfig!;
  const props = attr.properties as Record<string, { description?: string }>;
  assert.deepEqual(Object.keys(props).slice(0, 4), ['enable', 'num_bits', 'effective_bits', 'axis']);
  assert.match(props.num_bits!.description!, /ExMy/);
  assert.equal(attr.additionalProperties, false);
  assert.equal(attr.required, undefined, 'io=input: fields with defaults are optional');
});

test('a section written as $import (inline keys allowed) conforms; four_over_six may be a bool', () => {
  const viaImport = {
    imports: { p: 'x' },
    metadata: { recipe_type: 'ptq' },
    quantize: { $import: 'p', algorithm: 'max' },
  };
  assert.equal(conforms(recipe, viaImport), true);
  const fos = { num_bits: 'e2m1', block_sizes: { '-1': 16, type: 'static', four_over_six: true } };
  assert.equal(conforms(snippets.QuantizerAttributeConfig!, fos), true);
  assert.equal(conforms(snippets.QuantizerAttributeConfig!, { block_sizes: { '-1': [1] } }), false);
});
