/** listBuiltinRecipes: recipe files and directory recipes of a library root, snippets and junk left out. */
import assert from 'node:assert/strict';
import { rmSync, symlinkSync } from 'node:fs';
import { test } from 'node:test';
import { listBuiltinRecipes, looksLikeRecipe } from '../../../src/recipe/load/builtin-recipes.js';
import { loadRecipe } from '../../../src/recipe/load/load-recipe.js';
import { BUILTIN_ROOT } from '../../../src/recipe/builtin.js';
import { makeEnv, S } from '../conformance/harness.js';

test('recipes, directory recipes of both layouts, and nothing else', () => {
  const env = makeEnv({
    '@/general/ptq/fp8.yaml': 'metadata:\n  recipe_type: ptq\n  description: FP8 everywhere.\nquantize: {}\n',
    '@/general/aq/mixed.yml': 'metadata:\n  recipe_type: auto_quantize\nauto_quantize: {}\n',
    '@/general/dir/metadata.yaml': 'recipe_type: ptq\ndescription: A directory recipe.\n',
    '@/general/dir/quantize.yaml': '',
    '@/old/seed/recipe.yml': 'metadata:\n  recipe_type: ptq\n',
    '@/old/seed/quantize.yml': '',
    '@/configs/numerics/fp8.yaml': S.attr + 'num_bits: e4m3\n',
    '@/general/broken.yaml': 'metadata: [\n',
    '@/general/unknown.yaml': 'metadata:\n  recipe_type: qat\n',
    '@/README.md': '# not yaml\n',
  });
  symlinkSync(env.abs('@/general'), env.abs('@/general/loop'));
  try {
    const found = listBuiltinRecipes(env.builtin);
    assert.deepEqual(
      found.map((r) => [r.name, r.recipeType, r.description]),
      [
        ['general/aq/mixed', 'auto_quantize', 'Model optimization recipe.'],
        ['general/dir', 'ptq', 'A directory recipe.'],
        ['general/ptq/fp8', 'ptq', 'FP8 everywhere.'],
        ['old/seed', 'ptq', 'Model optimization recipe.'],
      ],
    );
    assert.equal(env.short(found[2]!.path), '@/general/ptq/fp8.yaml');
  } finally {
    rmSync(env.root, { recursive: true, force: true });
  }
});

test('every recipe of the shipped library is listed under a name loadRecipe accepts', () => {
  const found = listBuiltinRecipes();
  assert.ok(found.length > 0, 'the shipped library has recipes');
  for (const recipe of found.slice(0, 5)) {
    const loaded = loadRecipe(recipe.name) as { metadata: { recipe_type: string } };
    assert.equal(loaded.metadata.recipe_type, recipe.recipeType, recipe.name);
  }
  assert.ok(found.every((r) => r.path.startsWith(BUILTIN_ROOT)));
});

test('looksLikeRecipe: recipe files and directories yes, snippets, junk and missing paths no', () => {
  const env = makeEnv({
    'r.yaml': 'metadata:\n  recipe_type: nonsense\n',
    'd/metadata.yaml': 'recipe_type: ptq\n',
    's.yaml': S.attr + 'num_bits: 8\n',
    'm.yaml': 'metadata: 5\n',
    'bad.yaml': 'a: [\n',
  });
  try {
    assert.deepEqual(
      ['r.yaml', 'd', 's.yaml', 'm.yaml', 'bad.yaml', 'missing.yaml'].map((p) => looksLikeRecipe(env.abs(p))),
      [true, true, false, false, false, false],
    );
  } finally {
    rmSync(env.root, { recursive: true, force: true });
  }
});
