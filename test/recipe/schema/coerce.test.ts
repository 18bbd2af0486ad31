/** pydantic's lax coercions and smart unions (recipes.md §4.1 table), through real config fields. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fl, issues, ok, rejects, tup } from './helpers.js';

const attr = (cfg: Record<string, unknown>) => ok('QuantizerAttributeConfig', cfg);

test('bool accepts true/false, 1/0, 1.0/0.0 and the truthy/falsy words in any case', () => {
  for (const v of [true, 1, fl(1), 'true', 'YES', 'On', 'y', 'T', '1'])
    assert.equal(attr({ fake_quant: v }).fake_quant, true);
  for (const v of [false, 0, fl(0), 'False', 'no', 'OFF', 'n', 'f', '0'])
    assert.equal(attr({ fake_quant: v }).fake_quant, false);
});

test('bool rejects 2, 0.5, None, empty and other strings', () => {
  for (const v of [2, fl(0.5), null])
    rejects('QuantizerAttributeConfig', { fake_quant: v }, 'Input should be a valid boolean', ['fake_quant']);
  for (const v of ['', '2', 'maybe'])
    rejects('QuantizerAttributeConfig', { unsigned: v }, 'unable to interpret input');
});

test('int accepts 8.0, True and a numeric string with spaces', () => {
  assert.equal(ok('QuantizeConfig', {}).quant_cfg.length, 1);
  assert.equal(
    ok('AutoQuantizeConfig', { constraints: {}, candidate_formats: [{}], score_size: fl(64) }).score_size,
    64,
  );
  assert.equal(
    ok('AutoQuantizeConfig', { constraints: {}, candidate_formats: [{}], score_size: true }).score_size,
    1,
  );
  assert.equal(
    ok('AutoQuantizeConfig', { constraints: {}, candidate_formats: [{}], score_size: ' 8 ' }).score_size,
    8,
  );
});

test('int rejects 8.5 and hex strings', () => {
  const base = { constraints: {}, candidate_formats: [{}] };
  rejects('AutoQuantizeConfig', { ...base, score_size: fl(8.5) }, 'fractional part', ['score_size']);
  rejects('AutoQuantizeConfig', { ...base, score_size: '0x10' }, 'unable to parse string as an integer');
});

test('int text like pydantic: `_` separators and a zero fraction are accepted, nothing else', () => {
  const heads = (v: string) => ok('MedusaConfig', { medusa_num_heads: v }).medusa_num_heads;
  assert.equal(heads('3.0'), 3);
  assert.equal(heads(' -3.00 '), -3);
  assert.equal(heads('3_000'), 3000);
  assert.equal(heads('3_0.0'), 30);
  assert.ok(Object.is(heads('-0'), 0));
  for (const bad of ['3.5', '3.', '.0', '3.0_0', '3__0', '_3', '3_', '1e3'])
    rejects('MedusaConfig', { medusa_num_heads: bad }, 'unable to parse string as an integer');
});

test('float text allows `_` between digits', () => {
  const decay = (v: string) => ok('EagleConfig', { eagle_loss_decay_factor: v }).eagle_loss_decay_factor;
  assert.equal(decay('1_000.5'), 1000.5);
  assert.equal(decay('1.5_0'), 1.5);
  assert.equal(decay('1e1_0'), 1e10);
  assert.equal(decay('1.'), 1);
  for (const bad of ['1__0.0', '_1.0', '1.0_'])
    rejects('EagleConfig', { eagle_loss_decay_factor: bad }, 'unable to parse string as a number');
});

test('float accepts ints, bools and numeric strings including 1e-4 and inf', () => {
  const bits = (v: unknown) => ok('AutoQuantizeConstraints', { effective_bits: v }).effective_bits;
  assert.equal(bits(4), 4);
  assert.equal(bits(true), 1);
  assert.equal(bits('4.5'), 4.5);
  assert.equal(ok('AutoQuantizeCost', { active_moe_expert_ratio: '1e-4' }).active_moe_expert_ratio, 1e-4);
  assert.equal(ok('MseCalibConfig', { stop_multiplier: 'inf' }).stop_multiplier, Infinity);
});

test('float rejects non-numeric strings', () => {
  rejects('AutoQuantizeConstraints', { effective_bits: 'four' }, 'unable to parse string as a number', [
    'effective_bits',
  ]);
});

test('str is never coerced from numbers or bools', () => {
  for (const v of [5, fl(1.5), true])
    rejects(
      'RecipeMetadataConfig',
      { recipe_type: 'ptq', description: v },
      'Input should be a valid string',
      ['description'],
    );
});

test('tuple accepts a list or a tuple; [] is the empty tuple', () => {
  assert.deepEqual(attr({ num_bits: [4, 3] }).num_bits, [4, 3]);
  assert.deepEqual(attr({ num_bits: tup(4, 3) }).num_bits, [4, 3]);
  assert.deepEqual(attr({ axis: [] }).axis, []);
  assert.deepEqual(attr({ axis: [0, 1] }).axis, [0, 1]);
});

test('a three-element num_bits list is rejected', () => {
  rejects(
    'QuantizerAttributeConfig',
    { num_bits: [4, 3, 1] },
    'Tuple should have at most 2 items after validation, not 3',
    ['num_bits'],
  );
});

test('literals and enums need the exact value and suggest the closest one', () => {
  rejects('RecipeMetadataConfig', { recipe_type: 'PTQ' }, "Input should be 'ptq', 'auto_quantize'", [
    'recipe_type',
  ]);
  rejects('RotateConfig', { mode: 'rotate_bak' }, "(did you mean 'rotate_back'?)", ['mode']);
  rejects('AutoQuantizeConstraints', { cost_model: 'Weight' }, "Input should be 'weight' or 'active_moe'");
});

test('smart union keeps an exact match: the string "8" stays a string', () => {
  assert.equal(attr({ num_bits: '8' }).num_bits, '8');
  assert.equal(attr({ num_bits: 'e4m3x' }).num_bits, 'e4m3x');
});

test('smart union falls back to the first lax member: True -> 1, 4.0 -> 4', () => {
  assert.equal(attr({ num_bits: true }).num_bits, 1);
  assert.equal(attr({ num_bits: fl(4) }).num_bits, 4);
  assert.equal(attr({ axis: true }).axis, 1);
  // No member accepts 4.5: each member's refusal is reported, as pydantic does.
  const found = issues('QuantizerAttributeConfig', { num_bits: fl(4.5) });
  assert.deepEqual(
    found.map((i) => i.message),
    [
      'Input should be a valid integer, got a number with a fractional part',
      'Input should be a valid tuple',
      'Input should be a valid string',
    ],
  );
});

test('four_over_six: true becomes 1 (block-size values are int-first)', () => {
  const blocks = attr({
    num_bits: tup(2, 1),
    block_sizes: { '-1': 16, type: 'static', four_over_six: true },
  }).block_sizes;
  assert.equal(blocks.get('four_over_six'), 1);
  assert.equal(attr({ block_sizes: { '-1': 16, four_over_six: false } }).block_sizes.get('four_over_six'), 0);
});

test('unknown keys are rejected with a did-you-mean hint', () => {
  rejects(
    'QuantizerAttributeConfig',
    { num_bit: 8 },
    "Extra inputs are not permitted (did you mean 'num_bits'?)",
    ['num_bit'],
  );
  rejects('QuantizerAttributeConfig', { axsi: 0 }, "(did you mean 'axis'?)");
  const far = rejects('QuantizerAttributeConfig', { zzzzzz: 0 }, 'Extra inputs are not permitted');
  assert.doesNotMatch(far.message, /did you mean/);
});

test('a non-mapping where a config class is expected is refused', () => {
  rejects('QuantizerCfgEntry', { quantizer_name: '*', cfg: 'fp8' }, 'Input should be a valid list', ['cfg']);
  rejects(
    'QuantizerCfgEntry',
    { quantizer_name: '*', cfg: 'fp8' },
    'Input should be a valid dictionary or instance of QuantizerAttributeConfig',
    ['cfg'],
  );
  rejects(
    'ModelOptPTQRecipe',
    { metadata: { recipe_type: 'ptq' }, quantize: null },
    'Input should be a valid dictionary or instance of QuantizeConfig',
    ['quantize'],
  );
  rejects(
    'ModelOptPTQRecipe',
    { metadata: { recipe_type: 'ptq' }, quantize: [] },
    'Input should be a valid dictionary or instance of QuantizeConfig',
  );
});

test('int accepts bigint and signed numeric strings', () => {
  const base = { constraints: {}, candidate_formats: [{}] };
  assert.equal(ok('AutoQuantizeConfig', { ...base, score_size: 64n }).score_size, 64);
  assert.equal(ok('AutoQuantizeConfig', { ...base, score_size: '+32' }).score_size, 32);
  assert.equal(ok('AutoQuantizeConfig', { ...base, score_size: '-1' }).score_size, -1);
});

test('float accepts nan and -inf text; the value stays a number', () => {
  assert.ok(Number.isNaN(ok('EagleConfig', { eagle_loss_decay_factor: 'nan' }).eagle_loss_decay_factor));
  assert.equal(ok('EagleConfig', { eagle_loss_decay_factor: '-inf' }).eagle_loss_decay_factor, -Infinity);
  rejects('MseCalibConfig', { step_size: '-inf' }, 'Input should be greater than 0', ['step_size']);
});

test('a list field accepts a tuple (lax) and keeps a list', () => {
  const r = ok('AutoQuantizeConfig', {
    constraints: {},
    candidate_formats: [{}],
    disabled_layers: tup('*a*', '*b*'),
  });
  assert.deepEqual(r.disabled_layers, ['*a*', '*b*']);
  rejects(
    'AutoQuantizeConfig',
    { constraints: {}, candidate_formats: [{}], disabled_layers: '*a*' },
    'Input should be a valid list',
    ['disabled_layers'],
  );
});

test('list items are checked one by one with their index in the path', () => {
  rejects(
    'AutoQuantizeConfig',
    { constraints: {}, candidate_formats: [{}], disabled_layers: ['*a*', 3] },
    'Input should be a valid string',
    ['disabled_layers', 1],
  );
});

test('a bool block_sizes key is coerced to an int axis, a float key too', () => {
  const b = attr({ block_sizes: new Map<unknown, unknown>([[true, 16]]) as never }).block_sizes;
  assert.deepEqual([...b.keys()], [1]);
  const f = attr({ block_sizes: new Map<unknown, unknown>([[fl(-1), 16]]) as never }).block_sizes;
  assert.deepEqual([...f.keys()], [-1]);
});

test('several problems are all reported, each at its own path', () => {
  const r = rejects(
    'QuantizerAttributeConfig',
    { num_bits: fl(4.5), fake_quant: 'maybe', nope: 1 },
    'Extra inputs are not permitted',
    ['nope'],
  );
  assert.ok(r);
  rejects(
    'QuantizerAttributeConfig',
    { num_bits: fl(4.5), fake_quant: 'maybe' },
    'unable to interpret input',
    ['fake_quant'],
  );
});

test('non-string keys in a config mapping are extra inputs', () => {
  rejects(
    'RecipeMetadataConfig',
    new Map<unknown, unknown>([
      ['recipe_type', 'ptq'],
      [5, 'x'],
    ]) as never,
    'Extra inputs are not permitted',
    [5],
  );
});
