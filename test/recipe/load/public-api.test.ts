/** The recipe layer's public entry and the error text a user sees for a problem deep in an import chain. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { MoptError } from '../../../src/errors.js';
import * as recipe from '../../../src/recipe/index.js';
import { makeEnv, S } from '../conformance/harness.js';

test('the public entry exposes the loader, schema and dump functions', () => {
  for (const name of [
    'loadConfig',
    'loadRecipe',
    'recipeSource',
    'entrySource',
    'listBuiltinRecipes',
    'validate',
    'getSchemaByName',
    'dumpFull',
    'dumpSparse',
    'toPythonJson',
    'toYaml',
  ] as const) {
    assert.equal(typeof (recipe as Record<string, unknown>)[name], 'function', name);
  }
  assert.equal(typeof recipe.BUILTIN_ROOT, 'string');
});

test('an error two imports deep reads "file:line:col" then each importer, nearest first', () => {
  const env = makeEnv({
    'recipe.yaml':
      'imports:\n  mid: mid\nmetadata:\n  recipe_type: ptq\nquantize:\n  quant_cfg:\n    - $import: mid\n',
    'mid.yaml': S.list + 'imports:\n  leaf: leaf\n---\n- quantizer_name: a\n  cfg:\n    $import: leaf\n',
    'leaf.yaml': S.attr + 'num_bits: 8\ntype: sometimes\n',
  });
  try {
    assert.throws(
      () => recipe.loadRecipe('recipe.yaml', env.opts),
      (err: unknown) => {
        assert.ok(err instanceof MoptError);
        const text = err
          .format()
          .split(env.cwd + '/')
          .join('');
        const lines = text.split('\n');
        assert.match(lines[0]!, /^leaf\.yaml:3:7: Config file leaf\.yaml does not match modelopt-schema/);
        assert.deepEqual(lines.slice(-2), [
          '  imported from mid.yaml:3:3',
          '  imported from recipe.yaml:2:3',
        ]);
        assert.equal(err.exitCode, 2);
        return true;
      },
    );
  } finally {
    rmSync(env.root, { recursive: true, force: true });
  }
});
