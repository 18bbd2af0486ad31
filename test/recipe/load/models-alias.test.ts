/** ModelOpt 0.47.0's recipe-name alias: a `huggingface/models/…` name that finds nothing is read as `models/…`. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveRecipePath } from '../../../src/recipe/load/paths.js';
import { makeTree } from '../paths/fixture.js';

function setup() {
  const t = makeTree();
  return { t, opts: { cwd: t.cwd, builtinRoot: t.builtin } };
}

test('a huggingface/models/ recipe name finds the models/ file', () => {
  const { t, opts } = setup();
  t.add('builtin', 'models/org/m/ptq/r.yaml');
  const r = resolveRecipePath('huggingface/models/org/m/ptq/r', opts);
  assert.equal(r.located.path, join(t.builtin, 'models/org/m/ptq/r.yaml'));
  t.cleanup();
});

test('a file under the name as written wins over the models/ file (spec-era names stay reachable)', () => {
  const { t, opts } = setup();
  t.add('builtin', 'models/org/m/r.yaml', 'huggingface/models/org/m/r.yaml');
  const r = resolveRecipePath('huggingface/models/org/m/r', opts);
  assert.equal(r.located.path, join(t.builtin, 'huggingface/models/org/m/r.yaml'));
  t.cleanup();
});

test('a local file under the name as written also wins over the aliased library file', () => {
  const { t, opts } = setup();
  t.add('builtin', 'models/org/m/r.yaml');
  t.add('cwd', 'huggingface/models/org/m/r.yaml');
  assert.equal(
    resolveRecipePath('huggingface/models/org/m/r', opts).located.path,
    'huggingface/models/org/m/r.yaml',
  );
  t.cleanup();
});

test('a local models/ file is found through the alias', () => {
  const { t, opts } = setup();
  t.add('cwd', 'models/org/m/r.yml');
  const r = resolveRecipePath('huggingface/models/org/m/r', opts);
  assert.deepEqual([r.located.path, r.located.builtin], ['models/org/m/r.yml', false]);
  t.cleanup();
});

test('without a models/ file the literal huggingface/models/ name still resolves', () => {
  const { t, opts } = setup();
  t.add('builtin', 'huggingface/models/org/old/r.yaml');
  const r = resolveRecipePath('huggingface/models/org/old/r', opts);
  assert.equal(r.located.path, join(t.builtin, 'huggingface/models/org/old/r.yaml'));
  t.cleanup();
});

test('the not-found error names the name as given', () => {
  const { t, opts } = setup();
  assert.throws(() => resolveRecipePath('huggingface/models/none/r', opts), {
    code: 'E_RECIPE_NOT_FOUND',
    message: "Recipe path 'huggingface/models/none/r' is not a valid YAML file or directory.",
  });
  t.cleanup();
});

test('only the exact prefix is aliased', () => {
  const { t, opts } = setup();
  t.add('builtin', 'models/org/r.yaml');
  assert.throws(() => resolveRecipePath('./huggingface/models/org/r', opts), { code: 'E_RECIPE_NOT_FOUND' });
  assert.throws(() => resolveRecipePath('huggingface/modelsx/org/r', opts), { code: 'E_RECIPE_NOT_FOUND' });
  t.cleanup();
});
