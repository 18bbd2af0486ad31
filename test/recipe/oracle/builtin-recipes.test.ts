/**
 * Every recipe of the ModelOpt 0.47.0 library, loaded by name from mopt's own built-in library
 * (`recipes/`): the config class and the typed full and sparse dumps must equal the real loader's
 * (test/oracle-goldens/builtin-recipes.json). `metadata.description` text is ours by design, so only
 * whether it is set is compared.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUILTIN_ROOT, loadRecipe } from '../../../src/recipe/index.js';
import { assertSameLoadingLine, assertSameWarnings } from './replay.js';
import { checkListsName, goldenCase } from './expectations.js';
import { assertSameResult, maskDescription, readGolden, type Typed } from './golden.js';

interface GoldenRecipe {
  name: string;
  recipe_class: string;
  full_typed: Typed;
  sparse_typed: Typed;
  stdout: string;
  warnings: { category: string; message: string }[];
}

const FILE = 'builtin-recipes.json';
const golden = readGolden<{ library: Record<string, string>; recipes: GoldenRecipe[] }>(FILE);

describe('builtin-recipes.json', () => {
  test('every YAML file of the 0.47.0 library sits at the same path in recipes/', () => {
    const yaml = Object.keys(golden.library).filter((p) => /\.ya?ml$/.test(p));
    assert.ok(yaml.length > 140, `the golden lists ${yaml.length} YAML files`);
    assert.deepEqual(
      yaml.filter((p) => !existsSync(join(BUILTIN_ROOT, p))),
      [],
    );
  });
  checkListsName(
    FILE,
    golden.recipes.map((r) => r.name),
  );
  for (const r of golden.recipes) {
    goldenCase(FILE, r.name, () => {
      const warnings: string[] = [];
      const recipe = loadRecipe(r.name, { warnings });
      assertSameWarnings(warnings, r.warnings);
      assertSameLoadingLine(recipe, r.stdout, undefined);
      assertSameResult(
        recipe,
        { kind: 'model', class: r.recipe_class, full: r.full_typed, sparse: r.sparse_typed },
        maskDescription,
      );
    });
  }
});
