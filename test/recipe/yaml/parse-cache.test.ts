import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseYamlDocumentsCached } from '../../../src/recipe/yaml/parse-cache.js';
import { valueLocation } from '../../../src/recipe/yaml/locations.js';
import { loadConfig } from '../../../src/recipe/index.js';
import type { PyDict } from '../../../src/recipe/pyvalue.js';

const origin = { file: 'cached.yaml', chain: [] };

test('a cached parse hands out independent copies that keep source positions', () => {
  const text = 'a:\n  b: [1, 2]\n  c: &x {d: 1}\n  e: *x\n';
  const first = parseYamlDocumentsCached(text, origin)[0]!.value as PyDict;
  (first.get('a') as PyDict).set('b', 'mutated');
  const second = parseYamlDocumentsCached(text, origin)[0]!.value as PyDict;
  const a = second.get('a') as PyDict;
  assert.deepEqual(a.get('b'), [1, 2], 'a caller mutating its copy never reaches the cache');
  assert.equal(a.get('c'), a.get('e'), 'an alias still shares one object, as in PyYAML');
  assert.deepEqual(valueLocation(a, 'b'), { file: 'cached.yaml', line: 2, col: 6, chain: [] });
});

test('the cache follows the file text: an edited file is parsed again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mopt-cache-'));
  const file = join(dir, 'snippet.yaml');
  writeFileSync(file, 'x: 1\n');
  assert.deepEqual(loadConfig(file), new Map([['x', 1]]));
  writeFileSync(file, 'x: 2\n');
  assert.deepEqual(loadConfig(file), new Map([['x', 2]]));
});

test('the import chain is part of the key, so positions name the right importer', () => {
  const chainA = [{ file: 'a.yaml', line: 2, col: 3 }];
  const chainB = [{ file: 'b.yaml', line: 5, col: 3 }];
  const viaA = parseYamlDocumentsCached('k: 1\n', { file: 's.yaml', chain: chainA })[0]!.value as PyDict;
  const viaB = parseYamlDocumentsCached('k: 1\n', { file: 's.yaml', chain: chainB })[0]!.value as PyDict;
  assert.deepEqual(valueLocation(viaA, 'k')?.chain, chainA);
  assert.deepEqual(valueLocation(viaB, 'k')?.chain, chainB);
});
