/** The package entry exports the whole pipeline under the names the README documents. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as mopt from '../src/index.js';

test('the package entry exposes each layer', () => {
  for (const name of [
    'loadRecipe',
    'loadConfig',
    'dumpFull',
    'dumpSparse',
    'recipeJsonSchema',
    'listBuiltinRecipes',
    'planQuantization',
    'buildQuantizerSlots',
    'fakeQuant',
    'realQuant',
    'openCheckpoint',
    'convertLlama2c',
    'synthCheckpoint',
    'ReferenceModel',
    'calibrateActivations',
    'exportCheckpoint',
    'planModel',
    'MoptError',
  ])
    assert.equal(typeof (mopt as Record<string, unknown>)[name], 'function', name);
});

test('a recipe loads through the package entry, with overrides, as the README shows', () => {
  const recipe = mopt.loadRecipe('general/ptq/nvfp4_default-kv_fp8', {
    overrides: ['quantize.algorithm=mse'],
  });
  assert.equal(recipe.metadata.recipe_type, 'ptq');
  assert.equal((recipe as mopt.PTQRecipe).quantize.algorithm, 'mse');
  assert.throws(() => mopt.loadRecipe('general/ptq/nope'), mopt.MoptError);
});
