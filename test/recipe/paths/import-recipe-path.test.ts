/** Import paths (mopt decision b), recipe paths (recipes.md §1.3) and section files (§1.5). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  findSectionFile,
  resolveConfigPath,
  resolveImportPath,
  resolveRecipePath,
} from '../../../src/recipe/load/paths.js';
import { BUILTIN_ROOT } from '../../../src/recipe/builtin.js';
import { makeTree } from './fixture.js';

function setup() {
  const t = makeTree();
  return { t, opts: { cwd: t.cwd, builtinRoot: t.builtin } };
}

test("import: the importing file's directory is probed first", () => {
  const { t, opts } = setup();
  t.add('cwd', 'proj/r.yaml', 'proj/snips/fp8.yaml', 'snips/fp8.yaml');
  const importer = resolveConfigPath('proj/r', opts);
  const f = resolveImportPath('snips/fp8', importer, opts);
  assert.equal(f.path, 'proj/snips/fp8.yaml');
  t.cleanup();
});

test('import: then the cwd, then the built-in library', () => {
  const { t, opts } = setup();
  t.add('cwd', 'proj/r.yaml', 'snips/a.yaml');
  t.add('builtin', 'snips/a.yaml', 'configs/b.yaml');
  const importer = resolveConfigPath('proj/r', opts);
  assert.equal(resolveImportPath('snips/a', importer, opts).path, 'snips/a.yaml');
  const b = resolveImportPath('configs/b', importer, opts);
  assert.equal(b.path, join(t.builtin, 'configs/b.yaml'));
  assert.equal(b.builtin, true);
  t.cleanup();
});

test('import from a built-in file: the built-in library wins over a stray ./configs in the cwd', () => {
  const { t, opts } = setup();
  t.add('builtin', 'general/ptq/r.yaml', 'configs/numerics/fp8.yaml');
  t.add('cwd', 'configs/numerics/fp8.yaml');
  const importer = resolveRecipePath('general/ptq/r', opts).located;
  assert.equal(importer.builtin, true);
  const f = resolveImportPath('configs/numerics/fp8', importer, opts);
  assert.equal(f.path, join(t.builtin, 'configs/numerics/fp8.yaml'));
  assert.equal(f.builtin, true);
  t.cleanup();
});

test('import from a built-in file may still reach the cwd when the library lacks the name', () => {
  const { t, opts } = setup();
  t.add('builtin', 'general/ptq/r.yaml');
  t.add('cwd', 'mine/x.yaml');
  const importer = resolveRecipePath('general/ptq/r', opts).located;
  assert.equal(resolveImportPath('mine/x', importer, opts).path, 'mine/x.yaml');
  t.cleanup();
});

test('import not found lists every candidate once, in probe order', () => {
  const { t, opts } = setup();
  t.add('cwd', 'proj/r.yaml');
  const importer = resolveConfigPath('proj/r', opts);
  assert.throws(() => resolveImportPath('s/q', importer, opts), {
    code: 'E_CONFIG_NOT_FOUND',
    message: `Cannot find config file of s/q, paths checked: ['proj/s/q.yml', 'proj/s/q.yaml', 's/q.yml', 's/q.yaml', '${t.builtin}/s/q.yml', '${t.builtin}/s/q.yaml']`,
  });
  t.cleanup();
});

test('import of a non-string path is E_INVALID_CONFIG_ARG', () => {
  const { t, opts } = setup();
  t.add('cwd', 'r.yaml');
  const importer = resolveConfigPath('r', opts);
  assert.throws(() => resolveImportPath(5, importer, opts), {
    code: 'E_INVALID_CONFIG_ARG',
    message: 'Invalid config file of 5',
  });
  t.cleanup();
});

test('recipe: built-in first, a local file of the same name does not shadow it', () => {
  const { t, opts } = setup();
  t.add('builtin', 'general/ptq/fp8.yaml');
  t.add('cwd', 'general/ptq/fp8.yaml');
  const r = resolveRecipePath('general/ptq/fp8', opts);
  assert.equal(r.kind, 'file');
  assert.equal(r.located.path, join(t.builtin, 'general/ptq/fp8.yaml'));
  assert.equal(r.located.builtin, true);
  t.cleanup();
});

test('recipe: a local file is found when the library lacks it', () => {
  const { t, opts } = setup();
  t.add('cwd', 'mine/r.yml');
  const r = resolveRecipePath('mine/r', opts);
  assert.deepEqual([r.kind, r.located.path, r.located.builtin], ['file', 'mine/r.yml', false]);
  t.cleanup();
});

test('recipe: a directory named exactly wins over r.yaml; r.yml wins over r.yaml', () => {
  const { t, opts } = setup();
  t.add('builtin', 'r/', 'r.yaml', 's.yml', 's.yaml');
  assert.equal(resolveRecipePath('r', opts).kind, 'dir');
  assert.equal(resolveRecipePath('s', opts).located.path, join(t.builtin, 's.yml'));
  t.cleanup();
});

test('recipe: a name with a YAML suffix is probed without extra suffixes', () => {
  const { t, opts } = setup();
  t.add('cwd', 'r.yaml.yml');
  assert.throws(() => resolveRecipePath('r.yaml', opts), { code: 'E_RECIPE_NOT_FOUND' });
  t.cleanup();
});

test('recipe: a suffix-less file is found (the config loader rejects it later)', () => {
  const { t, opts } = setup();
  t.add('cwd', 'plain');
  assert.equal(resolveRecipePath('plain', opts).kind, 'file');
  assert.throws(() => resolveConfigPath('plain', opts), { code: 'E_CONFIG_NOT_FOUND' });
  t.cleanup();
});

test('recipe not found: Python repr of the input in the message', () => {
  const { t, opts } = setup();
  assert.throws(() => resolveRecipePath('nope/x', opts), {
    code: 'E_RECIPE_NOT_FOUND',
    message: "Recipe path 'nope/x' is not a valid YAML file or directory.",
  });
  t.cleanup();
});

test('section files: X.yml before X.yaml, files only, undefined when missing', () => {
  const { t, opts } = setup();
  t.add('cwd', 'rd/metadata.yml', 'rd/metadata.yaml', 'rd/quantize.yaml', 'rd/extra.yml/');
  assert.equal(findSectionFile(join(t.cwd, 'rd'), 'metadata')?.path, join(t.cwd, 'rd/metadata.yml'));
  assert.equal(findSectionFile('rd', 'quantize', opts)?.path, 'rd/quantize.yaml');
  assert.equal(findSectionFile('rd', 'extra', opts), undefined);
  assert.equal(findSectionFile('rd', 'missing', opts), undefined);
  t.cleanup();
});

test('section files of a built-in directory are built-in', () => {
  const { t, opts } = setup();
  t.add('builtin', 'general/d/metadata.yaml');
  const dir = resolveRecipePath('general/d', opts);
  assert.equal(dir.kind, 'dir');
  assert.equal(findSectionFile(dir.located, 'metadata', opts)?.builtin, true);
  t.cleanup();
});

test('BUILTIN_ROOT is the recipes/ folder beside package.json', () => {
  assert.ok(BUILTIN_ROOT.endsWith('/recipes'));
  assert.ok(existsSync(join(dirname(BUILTIN_ROOT), 'package.json')));
});
