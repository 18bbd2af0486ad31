/** load_config path resolution (recipes.md §1.2): cwd first, then the built-in library; files only. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MoptError } from '../../../src/errors.js';
import { join } from 'node:path';
import { resolveConfigPath } from '../../../src/recipe/load/paths.js';
import { makeTree } from './fixture.js';

function setup() {
  const t = makeTree();
  return { t, opts: { cwd: t.cwd, builtinRoot: t.builtin } };
}

test('a bare name finds ./S.yml and keeps the path relative', () => {
  const { t, opts } = setup();
  t.add('cwd', 'configs/fp8.yml');
  const f = resolveConfigPath('configs/fp8', opts);
  assert.equal(f.path, 'configs/fp8.yml');
  assert.equal(f.realPath, join(t.cwd, 'configs/fp8.yml'));
  assert.equal(f.builtin, false);
  t.cleanup();
});

test('.yml wins over .yaml when both exist', () => {
  const { t, opts } = setup();
  t.add('cwd', 'c.yml', 'c.yaml');
  assert.equal(resolveConfigPath('c', opts).path, 'c.yml');
  t.cleanup();
});

test('the filesystem (cwd) shadows the built-in library', () => {
  const { t, opts } = setup();
  t.add('cwd', 'configs/numerics/fp8.yaml');
  t.add('builtin', 'configs/numerics/fp8.yaml');
  const f = resolveConfigPath('configs/numerics/fp8', opts);
  assert.equal(f.path, 'configs/numerics/fp8.yaml');
  assert.equal(f.builtin, false);
  t.cleanup();
});

test('the built-in library is used when the cwd has nothing; its path is absolute', () => {
  const { t, opts } = setup();
  t.add('builtin', 'configs/numerics/fp8.yaml');
  const f = resolveConfigPath('configs/numerics/fp8', opts);
  assert.equal(f.path, join(t.builtin, 'configs/numerics/fp8.yaml'));
  assert.equal(f.builtin, true);
  t.cleanup();
});

test('./ prefixes and doubled slashes are normalised like Python Path', () => {
  const { t, opts } = setup();
  t.add('cwd', 'a/b.yaml');
  assert.equal(resolveConfigPath('./a//b', opts).path, 'a/b.yaml');
  t.cleanup();
});

test('an explicit suffix is probed as is: no cross-suffix probing', () => {
  const { t, opts } = setup();
  t.add('cwd', 'c.yaml');
  assert.equal(resolveConfigPath('c.yaml', opts).path, 'c.yaml');
  assert.throws(() => resolveConfigPath('c.yml', opts), {
    code: 'E_CONFIG_NOT_FOUND',
    message: `Cannot find config file of c.yml, paths checked: ['c.yml', '${join(t.builtin, 'c.yml')}']`,
  });
  t.cleanup();
});

test('an upper-case suffix is not a suffix', () => {
  const { t, opts } = setup();
  t.add('cwd', 'c.YAML');
  assert.throws(
    () => resolveConfigPath('c.YAML', opts),
    (thrown: unknown) => {
      const e = thrown as MoptError;
      assert.equal(e.code, 'E_CONFIG_NOT_FOUND');
      assert.match(e.message, /'c\.YAML\.yml', 'c\.YAML\.yaml'/);
      return true;
    },
  );
  t.cleanup();
});

test('directories never match', () => {
  const { t, opts } = setup();
  t.add('cwd', 'd.yaml/');
  t.add('builtin', 'd.yml/');
  assert.throws(() => resolveConfigPath('d', opts), { code: 'E_CONFIG_NOT_FOUND' });
  t.cleanup();
});

test('not found lists every candidate in probe order', () => {
  const { t, opts } = setup();
  assert.throws(() => resolveConfigPath('x/y', opts), {
    code: 'E_CONFIG_NOT_FOUND',
    message: `Cannot find config file of x/y, paths checked: ['x/y.yml', 'x/y.yaml', '${t.builtin}/x/y.yml', '${t.builtin}/x/y.yaml']`,
  });
  t.cleanup();
});

test('an absolute string still gets its (redundant) built-in candidates', () => {
  const { t, opts } = setup();
  const abs = join(t.base, 'nothing');
  assert.throws(() => resolveConfigPath(abs, opts), {
    message: `Cannot find config file of ${abs}, paths checked: ['${abs}.yml', '${abs}.yaml', '${abs}.yml', '${abs}.yaml']`,
  });
  t.add('base', 'abs.yaml');
  assert.equal(resolveConfigPath(join(t.base, 'abs'), opts).path, join(t.base, 'abs.yaml'));
  t.cleanup();
});

test('non-string input is E_INVALID_CONFIG_ARG with Python text', () => {
  assert.throws(() => resolveConfigPath(5), {
    code: 'E_INVALID_CONFIG_ARG',
    message: 'Invalid config file of 5',
  });
  assert.throws(() => resolveConfigPath(null), { message: 'Invalid config file of None' });
  assert.throws(() => resolveConfigPath(true), { message: 'Invalid config file of True' });
  assert.throws(() => resolveConfigPath(['a']), { message: "Invalid config file of ['a']" });
});

test('symlinks are followed and realPath collapses aliases', () => {
  const { t, opts } = setup();
  t.add('builtin', 'general/ptq/r.yaml');
  t.link('builtin', 'general/qad/r.yaml', '../ptq/r.yaml');
  const viaLink = resolveConfigPath('general/qad/r', opts);
  const direct = resolveConfigPath('general/ptq/r', opts);
  assert.equal(viaLink.realPath, direct.realPath);
  assert.equal(viaLink.path, join(t.builtin, 'general/qad/r.yaml'));
  t.cleanup();
});

test('a broken symlink is not a file', () => {
  const { t, opts } = setup();
  t.link('cwd', 'gone.yaml', 'missing.yaml');
  assert.throws(() => resolveConfigPath('gone', opts), { code: 'E_CONFIG_NOT_FOUND' });
  t.cleanup();
});

test('an already located file is accepted as is', () => {
  const { t, opts } = setup();
  t.add('cwd', 'c.yaml');
  const f = resolveConfigPath('c', opts);
  assert.deepEqual(resolveConfigPath(f, opts), f);
  t.cleanup();
});

test('errors carry the source given by the caller', () => {
  const source = { file: 'r.yaml', line: 3, col: 7, chain: [] };
  assert.throws(
    () => resolveConfigPath(7, { source }),
    (e: unknown) => (e as MoptError).source === source,
  );
});
