/** QuantizeConfig: legacy quant_cfg forms, the algorithm field, effective_bits, need_calibration (§4.5–4.6). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpSparse, fieldsSetOf, needCalibration, validate } from '../../../src/recipe/schema/index.js';
import { PyFloat, PyTuple } from '../../../src/recipe/pyvalue.js';
import { fl, issues, ok, py, rejects, schema } from './helpers.js';

const Q = 'QuantizeConfig';
const names = (q: { quant_cfg: { quantizer_name: string }[] }) => q.quant_cfg.map((e) => e.quantizer_name);

test('defaults: one INT8 entry for *, algorithm max, effective_bits None', () => {
  const q = ok(Q, {});
  assert.deepEqual(dumpSparse(q.quant_cfg), py([{ quantizer_name: '*', cfg: { num_bits: 8, axis: null } }]));
  assert.equal(q.algorithm, 'max');
  assert.equal(q.effective_bits, null);
  assert.deepEqual(fieldsSetOf(q), []);
});

test('the list form is kept in order without warnings', () => {
  const warnings: string[] = [];
  const q = ok(
    Q,
    {
      quant_cfg: [
        { quantizer_name: '*', enable: false },
        { quantizer_name: '*weight_quantizer', cfg: { num_bits: 4 } },
      ],
    },
    warnings,
  );
  assert.deepEqual(names(q), ['*', '*weight_quantizer']);
  assert.deepEqual(warnings, []);
});

test('legacy flat mapping becomes entries in order, with a deprecation warning', () => {
  const warnings: string[] = [];
  const q = ok(
    Q,
    { quant_cfg: { default: { enable: false }, '*weight_quantizer': { num_bits: 8, axis: 0 } } },
    warnings,
  );
  assert.deepEqual(names(q), ['*', '*weight_quantizer']);
  assert.equal(q.quant_cfg[0].enable, false);
  assert.equal(q.quant_cfg[0].cfg, null);
  assert.equal(q.quant_cfg[1].cfg.axis, 0);
  assert.ok(warnings.some((w) => w.includes('deprecated')));
  assert.deepEqual(ok(Q, { quant_cfg: {} }).quant_cfg, []);
});

test('legacy single-key entries: enable moves out, default becomes *, rest becomes cfg', () => {
  const warnings: string[] = [];
  const q = ok(
    Q,
    {
      quant_cfg: [
        { default: { enable: false } },
        { '*input_quantizer': { num_bits: 8, enable: true } },
        { '*lm_head*': { enable: false } },
      ],
    },
    [],
  );
  assert.deepEqual(names(q), ['*', '*input_quantizer', '*lm_head*']);
  assert.deepEqual(fieldsSetOf(q.quant_cfg[0]), ['quantizer_name', 'cfg', 'enable']);
  assert.equal(q.quant_cfg[1].enable, true);
  assert.equal(q.quant_cfg[1].cfg.num_bits, 8);
  assert.equal(q.quant_cfg[2].cfg, null);
  assert.equal(q.quant_cfg[2].enable, false);
  ok(Q, { quant_cfg: [{ '*': { enable: false } }, { '*x*': { enable: false } }] }, warnings);
  assert.equal(warnings.length, 1, 'the single-key warning is emitted once per list');
});

test('legacy nn.* scoped entries yield one entry per pattern with parent_class', () => {
  const q = ok(Q, {
    quant_cfg: [
      { 'nn.Linear': { '*weight_quantizer': { num_bits: 4 }, '*input_quantizer': { enable: false } } },
    ],
  });
  assert.deepEqual(names(q), ['*weight_quantizer', '*input_quantizer']);
  assert.deepEqual(
    q.quant_cfg.map((e: { parent_class: string }) => e.parent_class),
    ['nn.Linear', 'nn.Linear'],
  );
  assert.equal(q.quant_cfg[1].cfg, null);
  assert.equal(q.quant_cfg[1].enable, false);
});

test('legacy multi-key mappings with an nn.* key expand every pair', () => {
  const q = ok(Q, {
    quant_cfg: [{ 'nn.Conv2d': { '*': { enable: false } }, '*lm_head*': { enable: false } }],
  });
  assert.deepEqual(names(q), ['*', '*lm_head*']);
  assert.equal(q.quant_cfg[0].parent_class, 'nn.Conv2d');
  assert.equal(q.quant_cfg[1].parent_class, null);
});

test('nn.* values must be mappings', () => {
  rejects(
    Q,
    { quant_cfg: [{ 'nn.Linear': 8 }] },
    "For 'nn.*' scoped format, value must be a mapping, got 8",
    ['quant_cfg', 0, 'nn.Linear'],
  );
});

test('invalid entries: strings, numbers, multi-key mappings without quantizer_name', () => {
  rejects(Q, { quant_cfg: ['*'] }, "Invalid quant_cfg entry: '*'.", ['quant_cfg', 0]);
  rejects(Q, { quant_cfg: [{ quantizer_name: '*', enable: false }, 5] }, 'Invalid quant_cfg entry: 5.', [
    'quant_cfg',
    1,
  ]);
  rejects(Q, { quant_cfg: [{ a: 1, b: 2 }] }, "Invalid quant_cfg entry: {'a': 1, 'b': 2}.");
});

test('quant_cfg must be a sequence or mapping', () => {
  rejects(
    Q,
    { quant_cfg: null },
    'quant_cfg must be a sequence of entries (or a legacy flat mapping), got NoneType: None.',
    ['quant_cfg'],
  );
  rejects(Q, { quant_cfg: 'fp8' }, "got str: 'fp8'.");
});

test('legacy fallbacks swallow typos: a forgotten quantizer_name, a bare enable', () => {
  const q = ok(Q, { quant_cfg: [{ cfg: { num_bits: 8 } }] });
  assert.equal(q.quant_cfg[0].quantizer_name, 'cfg');
  // `enable` is taken as a pattern whose cfg is False: both cfg union members refuse it.
  const found = issues(Q, { quant_cfg: [{ enable: false }] });
  assert.deepEqual(
    found.map((i) => [i.path.join('.'), i.message]),
    [
      [
        'quant_cfg.cfg',
        'Input should be a valid dictionary or instance of QuantizerAttributeConfig (quant_cfg item 0)',
      ],
      ['quant_cfg.cfg', 'Input should be a valid list (quant_cfg item 0)'],
    ],
  );
});

test('algorithm: any string or mapping is kept verbatim; null and lists allowed', () => {
  assert.equal(ok(Q, { algorithm: 'foo' }).algorithm, 'foo');
  const m = ok(Q, { algorithm: { method: 'awq_lite', alpha_step: fl(0.2), bogus: [1] } }).algorithm;
  assert.ok(m instanceof Map);
  assert.ok(m.get('alpha_step') instanceof PyFloat);
  assert.deepEqual(m.get('bogus'), [1]);
  assert.equal(ok(Q, { algorithm: null }).algorithm, null);
  assert.deepEqual(ok(Q, { algorithm: ['max', { method: 'gptq' }, null] }).algorithm.length, 3);
});

test('algorithm: numbers and nested lists are rejected', () => {
  rejects(Q, { algorithm: 5 }, 'Input should be a valid string', ['algorithm']);
  rejects(Q, { quant_cfg: [{ '*lm_head*': false }] }, 'Input should be a valid list', ['quant_cfg', 'cfg']);
  rejects(Q, { algorithm: [['max']] }, '', ['algorithm', 0]);
});

test('effective_bits range on QuantizeConfig', () => {
  assert.equal(ok(Q, { effective_bits: fl(4.5) }).effective_bits, 4.5);
  rejects(Q, { effective_bits: 17 }, 'effective_bits must be in (0, 16], got 17.0', ['effective_bits']);
});

test('needCalibration: non-max algorithms, even {method: max}, need data', () => {
  assert.equal(needCalibration(ok(Q, { algorithm: 'awq_lite' })), true);
  assert.equal(needCalibration(ok(Q, { algorithm: { method: 'max' }, quant_cfg: [] })), true);
});

test('needCalibration: weight quantizers and dynamic activations do not, static activations do', () => {
  const weightsOnly = {
    quant_cfg: [
      { quantizer_name: '*', enable: false },
      { quantizer_name: '*weight_quantizer', cfg: { num_bits: 4 } },
    ],
  };
  assert.equal(needCalibration(ok(Q, weightsOnly)), false);
  const dyn = {
    quant_cfg: [
      {
        quantizer_name: '*input_quantizer',
        cfg: { num_bits: 8, type: 'dynamic', block_sizes: { '-1': null, type: 'dynamic' } },
      },
    ],
  };
  assert.equal(needCalibration(ok(Q, dyn)), false);
  const nvfp4 = {
    quant_cfg: [
      {
        quantizer_name: '*input_quantizer',
        cfg: { num_bits: [2, 1], block_sizes: { '-1': 16, type: 'dynamic' } },
      },
    ],
  };
  assert.equal(needCalibration(ok(Q, nvfp4)), true, 'block_sizes.type is not consulted');
  assert.equal(
    needCalibration(ok(Q, { quant_cfg: [{ quantizer_name: '*input_quantizer', enable: true }] })),
    true,
  );
  assert.equal(
    needCalibration(
      ok(Q, { quant_cfg: [{ quantizer_name: '*input_quantizer', cfg: { num_bits: 8 }, enable: false }] }),
    ),
    false,
  );
  assert.equal(
    needCalibration(
      ok(Q, {
        quant_cfg: [{ quantizer_name: '*x', cfg: [{ enable: false, num_bits: 8 }, { type: 'dynamic' }] }],
      }),
    ),
    false,
  );
  assert.equal(
    needCalibration(
      ok(Q, { algorithm: null, quant_cfg: [{ quantizer_name: '*x', cfg: [{ num_bits: 4 }] }] }),
    ),
    true,
  );
});

test('a tuple of entries is accepted like a list', () => {
  const q = ok(Q, { quant_cfg: new PyTuple([py({ quantizer_name: '*', enable: false })]) });
  assert.deepEqual(names(q), ['*']);
});

test('already validated entries inside quant_cfg are kept as they are', () => {
  const entry = ok('QuantizerCfgEntry', { quantizer_name: '*x*', enable: false });
  const q = ok(Q, { quant_cfg: [entry] });
  assert.equal(q.quant_cfg[0], entry);
});

test('a legacy flat mapping may hold nn.* scoped keys', () => {
  const q = ok(Q, {
    quant_cfg: { '*': { enable: false }, 'nn.Linear': { '*weight_quantizer': { num_bits: 4 } } },
  });
  assert.deepEqual(names(q), ['*', '*weight_quantizer']);
  assert.equal(q.quant_cfg[1].parent_class, 'nn.Linear');
});

test('a legacy pattern mapped to {} becomes an enable-only entry (cfg None is explicit)', () => {
  const q = ok(Q, { quant_cfg: [{ '*': {} }] });
  assert.equal(q.quant_cfg[0].cfg, null);
  assert.equal(q.quant_cfg[0].enable, true);
  assert.deepEqual(fieldsSetOf(q.quant_cfg[0]), ['quantizer_name', 'cfg']);
});

test('legacy entries report their errors where ModelOpt does (quant_cfg.<field>), naming the item', () => {
  const bad = rejects(Q, { quant_cfg: [{ '*': { num_bit: 8 } }] }, "(did you mean 'num_bits'?)", [
    'quant_cfg',
    'cfg',
    'num_bit',
  ]);
  assert.match(bad.message, /\(quant_cfg item 0\)$/);
  const flat = rejects(Q, { quant_cfg: { '*w*': { axs: 0 } } }, 'Extra inputs', ['quant_cfg', 'cfg', 'axs']);
  assert.match(flat.message, /\(quant_cfg key '\*w\*'\)$/);
  rejects(Q, { quant_cfg: [{ 'nn.Linear': { '*w*': { axs: 0 } } }] }, 'Extra inputs', [
    'quant_cfg',
    'cfg',
    'axs',
  ]);
  rejects(Q, { quant_cfg: [{ '*': { enable: 'maybe' } }] }, 'valid boolean', ['quant_cfg', 'enable']);
});

test('legacy enable: None counts as absent, like ModelOpt', () => {
  const q = ok(Q, {
    quant_cfg: [{ '*': { enable: null } }, { 'nn.Linear': { '*w*': { enable: null, num_bits: 4 } } }],
  });
  assert.deepEqual(
    dumpSparse(q.quant_cfg),
    py([
      { quantizer_name: '*', cfg: null },
      { quantizer_name: '*w*', parent_class: 'nn.Linear', cfg: { num_bits: 4 } },
    ]),
  );
});

test('the first bad item stops the list: later items are not reported', () => {
  const found = issues(Q, {
    quant_cfg: [{ quantizer_name: 'a', cfg: { num_bits: 'x', axis: 'y' } }, { quantizer_name: 'b' }, 'junk'],
  });
  assert.ok(found.every((i) => i.path[1] === 0));
});

test('a legacy item whose shape is wrong gives no deprecation warning', () => {
  const warnings: string[] = [];
  assert.equal(validate(schema(Q), py({ quant_cfg: [{ 'nn.Linear': 5 }] }), warnings).ok, false);
  assert.deepEqual(warnings, []);
  validate(schema(Q), py({ quant_cfg: [{ '*': { num_bit: 8 } }] }), warnings);
  assert.equal(warnings.length, 1, 'a well-shaped legacy item warns even when its entry is invalid');
});

test('entries after an nn.* expansion keep their own input index', () => {
  const data = {
    quant_cfg: [
      { 'nn.Linear': { a: { enable: false }, b: { enable: false } } },
      { quantizer_name: 5, enable: false },
    ],
  };
  rejects(Q, data, 'Input should be a valid string', ['quant_cfg', 1, 'quantizer_name']);
});

test('QuantizeConfig refuses unknown keys with a hint', () => {
  rejects(Q, { quant_cfgs: [] }, "Extra inputs are not permitted (did you mean 'quant_cfg'?)", [
    'quant_cfgs',
  ]);
  rejects(Q, { algoritm: 'max' }, "(did you mean 'algorithm'?)");
});
