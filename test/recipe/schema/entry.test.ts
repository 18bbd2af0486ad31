/** QuantizerCfgEntry validators (recipes.md §4.2) and the list schema. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldsSetOf } from '../../../src/recipe/schema/index.js';
import { ok, rejects } from './helpers.js';

const E = 'QuantizerCfgEntry';

test('defaults: parent_class None, cfg None, enable True; cfg is a config object', () => {
  const e = ok(E, { quantizer_name: '*weight_quantizer', cfg: { num_bits: 4 } });
  assert.equal(e.parent_class, null);
  assert.equal(e.enable, true);
  assert.equal(e.cfg.num_bits, 4);
  assert.deepEqual(fieldsSetOf(e.cfg), ['num_bits']);
});

test('quantizer_name is required and must be a string', () => {
  rejects(E, { enable: false }, 'Field required', ['quantizer_name']);
  rejects(E, { quantizer_name: 5, enable: false }, 'Input should be a valid string', ['quantizer_name']);
});

test('empty cfg with enable false becomes None and counts as set', () => {
  for (const empty of [{}, [], [{}, {}]]) {
    const e = ok(E, { quantizer_name: '*', cfg: empty, enable: false });
    assert.equal(e.cfg, null);
    assert.deepEqual(fieldsSetOf(e), ['quantizer_name', 'cfg', 'enable']);
  }
});

test('empty cfg without enable false is refused naming the quantizer', () => {
  const msg =
    "QuantizerCfgEntry 'cfg' must specify at least one quantizer attribute; got an empty mapping/list for quantizer '*lm_head*'";
  rejects(E, { quantizer_name: '*lm_head*', cfg: {} }, msg);
  rejects(E, { quantizer_name: '*lm_head*', cfg: [], enable: true }, msg);
  rejects(
    E,
    { quantizer_name: '*lm_head*', cfg: [{}], enable: 0 },
    "To keep existing attributes, drop 'cfg'",
  );
});

test('the quantizer is named by its Python repr in both instruction messages', () => {
  rejects(E, { cfg: {} }, 'got an empty mapping/list for quantizer None.  To keep', []);
  rejects(E, { quantizer_name: 5, cfg: [] }, 'for quantizer 5.  To keep');
  rejects(E, { quantizer_name: "it's" }, `An entry with only 'quantizer_name'="it's" has no effect`);
});

test('a list mixing {} and a real cfg is not empty; {} becomes all defaults', () => {
  const e = ok(E, { quantizer_name: '*', cfg: [{}, { num_bits: 8 }] });
  assert.equal(e.cfg.length, 2);
  assert.deepEqual(fieldsSetOf(e.cfg[0]), []);
});

test('an entry must give cfg or enable; explicit cfg None counts', () => {
  rejects(
    E,
    { quantizer_name: '*' },
    "QuantizerCfgEntry must specify 'cfg', 'enable', or both. An entry with only 'quantizer_name'='*' has no effect",
  );
  rejects(E, { quantizer_name: '*', parent_class: 'nn.Linear' }, 'implicit enable=True is not allowed');
  const e = ok(E, { quantizer_name: '*', cfg: null });
  assert.equal(e.enable, true);
  assert.equal(ok(E, { quantizer_name: '*', enable: false }).cfg, null);
});

test('enable None is an error in V2', () => {
  rejects(E, { quantizer_name: '*', enable: null }, 'Input should be a valid boolean', ['enable']);
});

test('cfg errors point into the list item', () => {
  rejects(E, { quantizer_name: '*', cfg: [{ num_bits: 8 }, { nm_bits: 4 }] }, "(did you mean 'num_bits'?)", [
    'cfg',
    1,
    'nm_bits',
  ]);
});

test('the list schema validates entries in order and keeps duplicates', () => {
  const list = ok('QuantizerCfgListConfig', [
    { quantizer_name: '*', enable: false },
    { quantizer_name: '*', enable: false },
  ]);
  assert.equal(list.length, 2);
  rejects(
    'QuantizerCfgListConfig',
    [{ quantizer_name: '*', enable: false }, { '*lm_head*': { enable: false } }],
    'Field required',
    [1, 'quantizer_name'],
  );
  rejects('QuantizerCfgListConfig', [{ '*lm_head*': { enable: false } }], 'Extra inputs are not permitted', [
    0,
    '*lm_head*',
  ]);
});

test('an explicit parent_class None is kept and counts as set', () => {
  const e = ok(E, { quantizer_name: '*', parent_class: null, enable: false });
  assert.equal(e.parent_class, null);
  assert.deepEqual(fieldsSetOf(e), ['quantizer_name', 'parent_class', 'enable']);
});

test('parent_class must be a string', () => {
  rejects(E, { quantizer_name: '*', parent_class: 5, enable: false }, 'Input should be a valid string', [
    'parent_class',
  ]);
});

test('cfg with enable false inside is still a full cfg (entry enable wins later)', () => {
  const e = ok(E, { quantizer_name: '*', cfg: { enable: false, num_bits: 8 } });
  assert.equal(e.enable, true);
  assert.equal(e.cfg.enable, false);
});

test('a non-empty cfg with enable false is kept', () => {
  const e = ok(E, { quantizer_name: '*', cfg: { num_bits: 4 }, enable: false });
  assert.equal(e.cfg.num_bits, 4);
});
