/** The loader-facing validate(): results, warnings, config-object identity. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configClassOf, isConfigObject, validate } from '../../../src/recipe/schema/index.js';
import type { SchemaType } from '../../../src/recipe/schema/api.js';
import { ok, py, schema } from './helpers.js';

test('validate returns config objects and the warnings it collected', () => {
  const r = validate(schema('QuantizeConfig'), py({ quant_cfg: { '*': { enable: false } } }));
  assert.ok(r.ok);
  assert.ok(isConfigObject(r.value));
  assert.equal(r.warnings?.length, 1);
});

test('validate of a list schema returns a plain list of config objects', () => {
  const r = validate(schema('QuantizerCfgListConfig'), py([{ quantizer_name: '*', enable: false }]));
  assert.ok(r.ok);
  assert.ok(Array.isArray(r.value));
  assert.ok(!isConfigObject(r.value));
  assert.ok(isConfigObject((r.value as unknown[])[0]));
});

test('an empty snippet validates to all defaults with nothing set', () => {
  const v = ok('QuantizerAttributeConfig', {});
  assert.equal(v.num_bits, 8);
});

test('config objects keep fields-set out of their enumerable properties', () => {
  const v = ok('QuantizerCfgEntry', { quantizer_name: '*', enable: false });
  assert.deepEqual(Object.keys(v), ['quantizer_name', 'parent_class', 'cfg', 'enable']);
  assert.equal(JSON.stringify(v), '{"quantizer_name":"*","parent_class":null,"cfg":null,"enable":false}');
});

test('validate refuses a SchemaType that is not from this registry', () => {
  const foreign: SchemaType = {
    label: 'x',
    child: () => null,
    element: () => null,
    equals: () => false,
    isDict: () => false,
  };
  assert.throws(() => validate(foreign, null), TypeError);
});

test('a config object of another class is refused where a class is expected', () => {
  const rotate = ok('RotateConfig', {});
  const r = validate(schema('QuantizerCfgEntry'), py({ quantizer_name: '*', cfg: rotate }));
  assert.equal(r.ok, false);
});

test('configClassOf names the class of a validated object', () => {
  assert.equal(configClassOf(ok('QuantizeConfig', {})), 'QuantizeConfig');
  assert.equal(configClassOf(ok('QuantizeConfig', {}).quant_cfg[0]), 'QuantizerCfgEntry');
  assert.equal(configClassOf(new Map()), undefined);
});

test('bare dict fields hold a copy of the input mapping', () => {
  const input = py({ backend: 'b', backend_extra_args: { k: 1 } }) as Map<string, Map<string, number>>;
  const v = validate(schema('QuantizerAttributeConfig'), input);
  assert.ok(v.ok);
  (v.value as { backend_extra_args: Map<string, number> }).backend_extra_args.set('k', 2);
  assert.equal(input.get('backend_extra_args')!.get('k'), 1);
});
