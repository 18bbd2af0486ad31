/**
 * The override cases of test/oracle-goldens/overrides.json, all on the built-in
 * `general/ptq/fp8_default-kv_fp8`: loadRecipe with the same dotlist overrides must give the same
 * typed full and sparse dumps, or fail with the essential fragments of ModelOpt's message.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { MoptError } from '../../../src/errors.js';
import { loadRecipe } from '../../../src/recipe/index.js';
import { checkListsName, goldenCase } from './expectations.js';
import { assertMessageMatches, type GoldenError } from './fragments.js';
import { assertSameResult, describeResult, readGolden, type GoldenResult, type Typed } from './golden.js';
import { assertSameLoadingLine, assertSameWarnings } from './replay.js';

interface OverrideCase {
  label: string;
  recipe: string;
  overrides: string[];
  ok: boolean;
  result?: GoldenResult;
  error?: GoldenError;
  warnings: { category: string; message: string }[];
  stdout: string;
}

interface GoldenRecipe {
  name: string;
  full_typed: { metadata: { description: string } };
}

const FILE = 'overrides.json';
const golden = readGolden<{ cases: OverrideCase[] }>(FILE);
const builtins = readGolden<{ recipes: GoldenRecipe[] }>('builtin-recipes.json');

/** Our description of a built-in recipe is reworded: an untouched one is compared as "the built-in text". */
function maskUntouched(ourText: string, theirText: string): (t: Typed) => Typed {
  return (t) => {
    if (t === null || typeof t !== 'object' || Array.isArray(t)) return t;
    const metadata = t.metadata as { [k: string]: Typed } | undefined;
    const text = metadata?.description;
    if (text !== ourText && text !== theirText) return t;
    return { ...t, metadata: { ...metadata, description: '<built-in description>' } };
  };
}

/**
 * OmegaConf's TypeError for a list index reads "Cannot merge incompatible container types" (2.4.0) or
 * "Cannot merge DictConfig with ListConfig" (2.2.2, the spec's wording, which mopt uses): the key phrase.
 */
function expectedError(c: OverrideCase): GoldenError {
  if (c.error!.type === 'TypeError' && c.error!.message.startsWith('Cannot merge')) {
    return { type: 'ValueError', message: 'Cannot merge' };
  }
  return c.error!;
}

const ourDescriptions = new Map<string, string>();

function ourDescription(name: string): string {
  if (!ourDescriptions.has(name)) {
    const full = describeResult(loadRecipe(name)).full as { metadata: { description: string } };
    ourDescriptions.set(name, full.metadata.description);
  }
  return ourDescriptions.get(name)!;
}

describe('overrides.json', () => {
  checkListsName(
    FILE,
    golden.cases.map((c) => c.label),
  );
  for (const c of golden.cases) {
    goldenCase(FILE, c.label, () => {
      if (c.ok) {
        const theirs = builtins.recipes.find((r) => r.name === c.recipe)!.full_typed.metadata.description;
        const mask = maskUntouched(ourDescription(c.recipe), theirs);
        const warnings: string[] = [];
        const recipe = loadRecipe(c.recipe, { overrides: c.overrides, warnings });
        assertSameResult(recipe, c.result!, mask);
        assertSameWarnings(warnings, c.warnings);
        assertSameLoadingLine(recipe, c.stdout, undefined);
        return;
      }
      let failure: unknown;
      try {
        loadRecipe(c.recipe, { overrides: c.overrides });
      } catch (err) {
        failure = err;
      }
      assert.ok(
        failure instanceof MoptError,
        `expected a MoptError for ${c.error!.type}: ${c.error!.message}`,
      );
      assertMessageMatches(failure.message, expectedError(c));
      for (const o of c.overrides) assert.ok(failure.message.includes(o), `the message names override ${o}`);
    });
  }
});
