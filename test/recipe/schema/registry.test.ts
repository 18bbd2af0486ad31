/** Schema registry names (recipes.md §2.5) and SchemaType navigation (§2.8). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  getSchemaByName,
  metadataSchema,
  quantizeSchema,
  recipeSchema,
  registeredSchemaNames,
} from '../../../src/recipe/schema/index.js';
import type { SchemaType } from '../../../src/recipe/schema/api.js';
import { schema } from './helpers.js';

const Q = 'modelopt.torch.quantization.config.';
const R = 'modelopt.recipe.config.';

test('every schema name used by shipped files resolves', () => {
  for (const name of [
    `${Q}QuantizerAttributeConfig`,
    `${Q}QuantizerCfgEntry`,
    `${Q}QuantizerCfgListConfig`,
    `${Q}QuantizeConfig`,
    `${R}LayerPatternList`,
    `${R}ModelOptAutoQuantizeRecipe`,
    `${R}RecipeMetadataConfig`,
  ])
    assert.ok(getSchemaByName(name), name);
});

test('the other classes of both modules are registered too', () => {
  for (const name of [
    'RotateConfig',
    'LayerwiseConfig',
    'QuantizeQuantCfgType',
    'QuantizeAlgorithmConfig',
    'MaxCalibConfig',
    'GPTQCalibConfig',
    'AWQFullCalibConfig',
    'LSQConfig',
  ])
    assert.ok(getSchemaByName(Q + name), name);
  for (const name of [
    'ModelOptPTQRecipe',
    'ModelOptEagleRecipe',
    'ModelOptDFlashRecipe',
    'ModelOptMedusaRecipe',
    'AutoQuantizeConfig',
    'AutoQuantizeModuleSearchSpace',
  ])
    assert.ok(getSchemaByName(R + name), name);
  assert.ok(registeredSchemaNames().length >= 30);
});

test('unknown or misspelled names are not resolved', () => {
  assert.equal(getSchemaByName(`${Q}QuantizerAttributeCfg`), undefined);
  assert.equal(getSchemaByName('QuantizeConfig'), undefined);
  assert.equal(getSchemaByName(`${R}QuantizeConfigs`), undefined);
  assert.equal(getSchemaByName(`${R}SpeculativeDataConfig`), undefined);
});

test('schema names are the real module paths, including names a module imports', () => {
  const S = 'modelopt.torch.speculative.';
  for (const name of [
    `${S}config.EagleConfig`,
    `${S}config.DFlashConfig`,
    `${S}config.MedusaConfig`,
    `${S}plugins.hf_training_args.ModelArguments`,
    `${S}plugins.hf_training_args.DataArguments`,
    `${S}plugins.hf_training_args.TrainingArguments`,
    `${Q}LSQConfig`,
    `${Q}NVFP4ActHeadroomCalibConfig`,
    `${Q}CompressConfig`,
    `${Q}_SharedStatesConfig`,
    `${Q}_QuantizeExportConfig`,
    `${R}ModelOptRecipeBase`,
    `${R}ModelOptSpeculativeRecipeBase`,
  ])
    assert.ok(getSchemaByName(name), name);
  assert.equal(getSchemaByName(`${Q}LSQCalibConfig`), undefined);
  assert.equal(getSchemaByName(`${R}EagleConfig`)?.label, 'EagleConfig');
  assert.equal(getSchemaByName(`${R}SpecDataArgs`)?.label, 'DataArguments');
  assert.ok(getSchemaByName(`${R}QuantizeConfig`)!.equals(quantizeSchema));
});

test('QuantizerCfgListConfig equals QuantizeQuantCfgType; labels are the registered names', () => {
  const list = schema('QuantizerCfgListConfig');
  const alias = schema('QuantizeQuantCfgType');
  assert.ok(list.equals(alias));
  assert.equal(list.label, 'QuantizerCfgListConfig');
  assert.ok(!list.equals(schema('QuantizerCfgEntry')));
  assert.ok(schema('LayerPatternList').equals(schema('AutoQuantizeConfig').child('disabled_layers')!));
});

const walk = (s: SchemaType | null, ...keys: (string | number)[]) =>
  keys.reduce<SchemaType | null>((acc, k) => acc?.child(k) ?? null, s);

test('quantize.quant_cfg is a typed list of QuantizerCfgEntry', () => {
  const list = walk(recipeSchema('ptq'), 'quantize', 'quant_cfg')!;
  assert.ok(list.equals(schema('QuantizerCfgListConfig')));
  assert.ok(list.element()!.equals(schema('QuantizerCfgEntry')));
  assert.ok(quantizeSchema.child('quant_cfg')!.equals(list));
});

test('cfg is a union: no child schema, element QuantizerAttributeConfig, label shows the union', () => {
  const cfg = schema('QuantizerCfgEntry').child('cfg')!;
  assert.equal(cfg.child('num_bits'), null);
  assert.ok(cfg.element()!.equals(schema('QuantizerAttributeConfig')));
  assert.ok(!cfg.equals(schema('QuantizerCfgListConfig')));
  assert.equal(cfg.label, 'QuantizerAttributeConfig | list[QuantizerAttributeConfig] | None');
  assert.equal(cfg.isDict(), false);
});

test('algorithm lists have a union element that is not a dict', () => {
  const el = quantizeSchema.child('algorithm')!.element()!;
  assert.ok(el);
  assert.equal(el.isDict(), false);
  assert.equal(el.child('method'), null);
});

test('auto_quantize lists: candidate formats, search spaces, pattern lists', () => {
  const aq = walk(recipeSchema('auto_quantize'), 'auto_quantize')!;
  assert.ok(aq.child('candidate_formats')!.element()!.equals(schema('QuantizeConfig')));
  assert.ok(aq.child('module_search_spaces')!.element()!.equals(schema('AutoQuantizeModuleSearchSpace')));
  assert.equal(aq.child('disabled_layers')!.element()!.label, 'str');
  assert.ok(
    walk(aq, 'module_search_spaces')!
      .element()!
      .child('candidate_formats')!
      .element()!
      .equals(schema('QuantizeConfig')),
  );
  assert.equal(aq.child('candidate_formats')!.label, 'list');
});

test('Optional is unwrapped: quantize of an AutoQuantize recipe is QuantizeConfig', () => {
  const q = recipeSchema('auto_quantize').child('quantize')!;
  assert.ok(q.equals(quantizeSchema));
  assert.equal(q.label, 'QuantizeConfig');
});

test('untyped places: bare dicts, training extras, unknown keys, scalars', () => {
  const eagle = recipeSchema('speculative_eagle');
  assert.equal(walk(eagle, 'eagle', 'eagle_architecture_config', 'x'), null);
  assert.equal(walk(eagle, 'training', 'my_extra'), null);
  assert.equal(eagle.child('nonexistent'), null);
  assert.equal(walk(eagle, 'eagle', 'eagle_decoder_type')!.element(), null);
  assert.equal(walk(eagle, 'eagle', 'eagle_architecture_config')!.isDict(), true);
  assert.equal(quantizeSchema.child(5), null);
});

test('block_sizes is a typed dict whose values are a union; metadata schema is RecipeMetadataConfig', () => {
  const blocks = schema('QuantizerAttributeConfig').child('block_sizes')!;
  assert.equal(blocks.isDict(), true);
  assert.equal(blocks.child(-1)!.element(), null);
  assert.ok(metadataSchema.equals(schema('RecipeMetadataConfig')));
  assert.ok(recipeSchema('ptq').child('metadata')!.equals(metadataSchema));
});

test('label of a tuple-bearing union and of dicts', () => {
  assert.equal(schema('QuantizerAttributeConfig').child('num_bits')!.label, 'int | tuple[int, int] | str');
  assert.equal(schema('QuantizerAttributeConfig').child('backend_extra_args')!.label, 'dict');
  assert.equal(schema('QuantizerAttributeConfig').child('axis')!.label, 'int | tuple[int, ...] | None');
});

test('lists of different element types are not equal; a list is not its element', () => {
  assert.ok(!schema('LayerPatternList').equals(schema('QuantizerCfgListConfig')));
  assert.ok(!schema('QuantizeConfig').equals(schema('QuantizerCfgEntry')));
  assert.equal(schema('QuantizeConfig').element(), null);
  assert.equal(schema('LayerPatternList').child('x'), null);
});

test('recipeSchema covers every recipe type with its class label', () => {
  const labels = [
    'ptq',
    'auto_quantize',
    'speculative_eagle',
    'speculative_dflash',
    'speculative_medusa',
  ].map((t) => recipeSchema(t as 'ptq').label);
  assert.deepEqual(labels, [
    'ModelOptPTQRecipe',
    'ModelOptAutoQuantizeRecipe',
    'ModelOptEagleRecipe',
    'ModelOptDFlashRecipe',
    'ModelOptMedusaRecipe',
  ]);
});
