/**
 * Every recipe of the ModelOpt 0.47.0 library, loaded by name from mopt's own built-in library
 * (`recipes/`): the config class and the typed full and sparse dumps must equal the real loader's
 * (test/oracle-goldens/builtin-recipes.json). `metadata.description` text is ours by design, so only
 * whether it is set is compared.
 */
import { describe } from 'node:test';
import { loadRecipe } from '../../../src/recipe/index.js';
import { checkListsName, goldenCase } from './expectations.js';
import { assertSameResult, maskDescription, readGolden, type Typed } from './golden.js';

interface GoldenRecipe {
  name: string;
  recipe_class: string;
  full_typed: Typed;
  sparse_typed: Typed;
}

const FILE = 'builtin-recipes.json';
const golden = readGolden<{ recipes: GoldenRecipe[] }>(FILE);

describe('builtin-recipes.json', () => {
  checkListsName(
    FILE,
    golden.recipes.map((r) => r.name),
  );
  for (const r of golden.recipes) {
    goldenCase(FILE, r.name, () => {
      assertSameResult(
        loadRecipe(r.name),
        { kind: 'model', class: r.recipe_class, full: r.full_typed, sparse: r.sparse_typed },
        maskDescription,
      );
    });
  }
});
