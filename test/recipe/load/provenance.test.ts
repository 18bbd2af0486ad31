/** entrySource: every validated quant_cfg entry knows the list item (file:line:col + chain) it came from. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../../src/recipe/load/load-config.js';
import { entrySource } from '../../../src/recipe/load/provenance.js';
import { makeEnv, S } from '../conformance/harness.js';

function where(entry: object, short: (p: string) => string): string {
  const at = entrySource(entry);
  if (!at) return 'none';
  const chain = at.chain.map((c) => ` < ${short(c.file)}:${c.line}:${c.col}`).join('');
  return `${short(at.file)}:${at.line}${chain}`;
}

test('entries of a QuantizeConfig point at their own items, spliced ones into the snippet', () => {
  const env = makeEnv({
    'q.yaml':
      S.quantize +
      "imports:\n  deny: deny\nquant_cfg:\n  - $import: deny\n  - quantizer_name: '*weight_quantizer'\n    cfg:\n      num_bits: 8\n",
    'deny.yaml':
      S.list + "- quantizer_name: '*'\n  enable: false\n- quantizer_name: '*lm_head*'\n  enable: false\n",
  });
  const value = loadConfig('q.yaml', env.opts) as { quant_cfg: object[] };
  assert.deepEqual(
    value.quant_cfg.map((e) => where(e, env.short)),
    ['deny.yaml:2 < q.yaml:3:3', 'deny.yaml:4 < q.yaml:3:3', 'q.yaml:6'],
  );
});

test('legacy mapping forms point every expanded entry at the item that produced it', () => {
  const env = makeEnv({
    'q.yaml':
      S.quantize +
      "quant_cfg:\n  '*':\n    enable: false\n  nn.Linear:\n    '*input_quantizer':\n      enable: false\n    '*weight_quantizer':\n      num_bits: 8\n",
  });
  const value = loadConfig('q.yaml', { ...env.opts }) as { quant_cfg: object[] };
  assert.equal(value.quant_cfg.length, 3);
  assert.deepEqual(
    value.quant_cfg.map((e) => where(e, env.short)),
    ['q.yaml:3', 'q.yaml:5', 'q.yaml:5'],
  );
});

test('a top-level entry list records each entry', () => {
  const env = makeEnv({
    'l.yaml': S.list + '- quantizer_name: a\n  enable: false\n- quantizer_name: b\n  enable: true\n',
  });
  const value = loadConfig('l.yaml', env.opts) as object[];
  assert.deepEqual(
    value.map((e) => where(e, env.short)),
    ['l.yaml:2', 'l.yaml:4'],
  );
});

test('a single-entry file records the entry at the file root', () => {
  const env = makeEnv({ 'e.yaml': S.entry + 'quantizer_name: a\nenable: false\n' });
  const value = loadConfig('e.yaml', env.opts) as object;
  assert.equal(where(value, env.short), 'e.yaml:2');
});

test('validated objects that were not loaded from a file have no source', () => {
  assert.equal(entrySource({ quantizer_name: 'x' }), undefined);
});
