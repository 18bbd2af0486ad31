/** QuantizerAttributeConfig defaults and validators R1–R8, and RotateConfig (recipes.md §4.3). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fl, ok, rejects, tup } from './helpers.js';

const A = 'QuantizerAttributeConfig';
const attr = (cfg: Record<string, unknown>) => ok(A, cfg);
const nvfp4 = (extra: Record<string, unknown> = {}) => ({
  num_bits: tup(2, 1),
  block_sizes: { '-1': 16, type: 'dynamic', scale_bits: tup(4, 3), ...extra },
});

test('an empty cfg has every default in schema order', () => {
  const c = attr({});
  assert.deepEqual(Object.keys(c), [
    'enable',
    'num_bits',
    'effective_bits',
    'axis',
    'fake_quant',
    'unsigned',
    'narrow_range',
    'learn_amax',
    'type',
    'block_sizes',
    'bias',
    'trt_high_precision_dtype',
    'calibrator',
    'rotate',
    'pass_through_bwd',
    'backend',
    'backend_extra_args',
    'use_constant_amax',
    'constant_amax',
  ]);
  assert.equal(c.enable, true);
  assert.equal(c.num_bits, 8);
  assert.equal(c.type, 'static');
  assert.equal(c.trt_high_precision_dtype, 'Float');
  assert.equal(c.calibrator, 'max');
  assert.equal(c.rotate, false);
  assert.equal(c.pass_through_bwd, true);
  assert.equal(c.constant_amax, null);
});

test('R1: {enable: true} alone is refused, also nested', () => {
  rejects(A, { enable: true }, "Cannot specify only {'enable': True}");
  rejects(A, nvfp4({ scale_block_sizes: { enable: true } }), "Cannot specify only {'enable': True}");
});

test('R1: enable true with other keys, enable false alone, and rotate {enable: true} pass', () => {
  assert.equal(attr({ enable: true, num_bits: 4 }).num_bits, 4);
  assert.equal(attr({ enable: false }).enable, false);
  assert.equal(attr({ enable: 1 }).enable, true);
  assert.equal(attr({ rotate: { enable: true } }).rotate.enable, true);
});

test('R2: effective_bits must lie in (0, 16]', () => {
  assert.equal(attr({ effective_bits: fl(4.5) }).effective_bits, 4.5);
  assert.equal(attr({ effective_bits: 16 }).effective_bits, 16);
  rejects(A, { effective_bits: 0 }, 'effective_bits must be in (0, 16], got 0.0', ['effective_bits']);
  rejects(A, { effective_bits: fl(16.5) }, 'effective_bits must be in (0, 16], got 16.5');
});

test('R3: block_sizes and axis exclude each other', () => {
  rejects(
    A,
    { axis: 0, block_sizes: { '-1': 128 } },
    'Assertion failed, axis must be None when block_sizes is not None.',
    ['block_sizes'],
  );
});

test('R3: dynamic blocks quantize exactly one axis', () => {
  assert.ok(attr(nvfp4()).block_sizes);
  rejects(
    A,
    { block_sizes: { '-1': 16, '-2': 16, type: 'dynamic' } },
    'Dynamic block quantization only supports quantization last axis.',
  );
  rejects(
    A,
    { block_sizes: { type: 'dynamic' } },
    'Dynamic block quantization only supports quantization last axis.',
  );
  assert.ok(attr({ block_sizes: { '-1': 128, '-2': 128 } }).block_sizes);
});

test('R3: unknown string keys fail with an assertion naming the key; four_over_six is allowed', () => {
  const issue = rejects(A, { block_sizes: { '-1': 16, typ: 'static' } }, 'Assertion failed, ');
  assert.match(issue.message, /'typ'.*did you mean 'type'/);
  rejects(A, { block_sizes: new Map<unknown, unknown>([['-1', 16]]) as never }, 'Assertion failed, ');
  assert.equal(attr({ block_sizes: { '-1': 16, four_over_six: true } }).block_sizes.get('four_over_six'), 1);
});

test('R3: axis keys need int or None sizes; int keys stay numbers; type is not checked', () => {
  rejects(
    A,
    { block_sizes: { '-1': 'big' } },
    'Assertion failed, block size for axis -1 must be an int or None',
  );
  const b = attr({ block_sizes: { '-1': null, type: 'whatever' } }).block_sizes;
  assert.deepEqual([...b.keys()], [-1, 'type']);
  assert.equal(b.get('type'), 'whatever');
  assert.equal(attr({ block_sizes: { '-1': 16, scale_bits: 'e9m9' } }).block_sizes.get('scale_bits'), 'e9m9');
});

test('R4: bias type, method and axis keys', () => {
  const b = attr({ bias: { '-2': null, '-4': null, type: 'static' } }).bias;
  assert.deepEqual([...b.keys()], [-2, -4, 'type']);
  rejects(
    A,
    { bias: { '-1': null, type: 'mean' } },
    "Invalid bias type: mean, expected 'static' or 'dynamic'",
  );
  rejects(
    A,
    { bias: { '-1': null, method: 'static' } },
    "Invalid bias method: static, expected 'mean' or 'max_min'",
  );
  rejects(A, { bias: { type: 'static' } }, 'The axis for bias computation is not specified.');
  rejects(A, { bias: { enable: true, '-1': null } }, "Invalid axis type <class 'list'>, expected int");
  rejects(A, { bias: { axis: 1 } }, "Invalid axis type <class 'list'>, expected int");
});

test('R5: calibrator strings must be max or histogram; lists become constructor tuples', () => {
  assert.equal(attr({ calibrator: 'histogram' }).calibrator, 'histogram');
  rejects(A, { calibrator: 'minmax' }, 'Assertion failed, ', ['calibrator']);
  assert.deepEqual(attr({ calibrator: ['my.Calib', { x: 1 }] }).calibrator.length, 2);
});

test('R6: constant_amax must be positive', () => {
  assert.equal(attr({ constant_amax: 2688 }).constant_amax, 2688);
  // An assert in ModelOpt, so pydantic words it as an assertion.
  rejects(A, { constant_amax: 0 }, 'Assertion failed, constant_amax must be a positive value.', [
    'constant_amax',
  ]);
  rejects(A, { constant_amax: fl(-1) }, 'constant_amax must be a positive value.');
});

test('R7: integer num_bits must be positive', () => {
  rejects(A, { num_bits: 0 }, 'num_bits must be a positive integer or a tuple of positive integers. 0', []);
});

test('R7: tuple num_bits must be positive and a supported FPx format', () => {
  for (const bad of [tup(0, 3), tup(3, 0), tup(-4, 3)])
    rejects(A, { num_bits: bad }, 'num_bits must be a positive integer or a tuple of positive integers.');
  rejects(
    A,
    { num_bits: tup(6, 1) },
    'Supported FPx quantization formats: FP8 (E4M3, E5M2), FP6(E3M2, E2M3), FP4(E2M1).',
  );
});

test('R7: formats other than E4M3/E2M1 need dynamic blocks; the message keeps its literal braces', () => {
  rejects(
    A,
    { num_bits: tup(5, 2) },
    'Only blockwise dynamic quantization is supported with quantization formats E{num_bis[0]}M{num_bits[1]}.',
  );
  assert.deepEqual(
    attr({ num_bits: tup(3, 2), block_sizes: { '-1': 32, type: 'dynamic', scale_bits: tup(8, 0) } }).num_bits,
    [3, 2],
  );
  assert.deepEqual(attr({ num_bits: tup(4, 3) }).num_bits, [4, 3]);
});

test('R7 is skipped with a custom backend; string formats always pass', () => {
  assert.equal(attr({ num_bits: 0, backend: 'mine' }).num_bits, 0);
  assert.equal(attr({ num_bits: 'e4m3 ' }).num_bits, 'e4m3 ');
});

test('R8: use_constant_amax and constant_amax are exclusive', () => {
  assert.equal(attr({ use_constant_amax: true }).use_constant_amax, true);
  rejects(
    A,
    { use_constant_amax: true, constant_amax: 448 },
    'Assertion failed, use_constant_amax and constant_amax are mutually exclusive; set only one.',
    [],
  );
});

test('learn_amax true is refused; type and trt dtype follow their patterns', () => {
  rejects(A, { learn_amax: true }, 'learn_amax is deprecated and reserved for backward compatibility.');
  rejects(A, { type: 'Dynamic' }, "String should match pattern '^static$|^dynamic$'", ['type']);
  rejects(
    A,
    { trt_high_precision_dtype: 'float' },
    "String should match pattern '^Float$|^Half$|^BFloat16$'",
  );
  assert.equal(attr({ trt_high_precision_dtype: 'BFloat16' }).trt_high_precision_dtype, 'BFloat16');
});

test('backend_extra_args keeps any mapping verbatim', () => {
  const extra = attr({
    backend: 'b',
    backend_extra_args: { '1': [1, 2], k: { x: fl(0.5) } },
  }).backend_extra_args;
  assert.deepEqual([...extra.keys()], [1, 'k']);
});

test('RotateConfig: defaults, mode literal, block_size checked before coercion', () => {
  const r = ok('RotateConfig', {});
  assert.deepEqual(r, { enable: false, mode: 'rotate', rotate_fp32: false, block_size: null });
  assert.equal(ok('RotateConfig', { block_size: 64 }).block_size, 64);
  for (const bad of [true, 0, fl(1.5), '4'])
    rejects('RotateConfig', { block_size: bad }, 'block_size must be a positive int, got', ['block_size']);
  rejects('RotateConfig', { block_size: '4' }, "got '4'");
  assert.equal(attr({ rotate: true }).rotate, true);
  assert.equal(attr({ rotate: { mode: 'rotate_back' } }).rotate.mode, 'rotate_back');
  rejects(A, { rotate: { modes: 'rotate' } }, "Extra inputs are not permitted (did you mean 'mode'?)", [
    'rotate',
    'modes',
  ]);
});

test('num_bits typing: negative ints fail R7, a quoted number passes as a format name', () => {
  rejects(A, { num_bits: -4 }, 'num_bits must be a positive integer or a tuple of positive integers. -4');
  assert.equal(attr({ num_bits: '8' }).num_bits, '8');
});

test('axis tuples need ints', () => {
  rejects(A, { axis: [0, 'x'] }, 'Input should be a valid integer', ['axis', 1]);
  assert.deepEqual(attr({ axis: tup(-2, -1) }).axis, [-2, -1]);
});

test('scale_block_sizes is an int-to-int mapping', () => {
  const b = attr(nvfp4({ scale_block_sizes: { '-1': 16 } })).block_sizes;
  assert.deepEqual([...b.get('scale_block_sizes').entries()], [[-1, 16]]);
});

test('bias values: tuples, bools and ints are kept', () => {
  const b = attr({ bias: { '-1': [0, 1], '-2': true, '-3': 4, method: 'max_min' } }).bias;
  assert.deepEqual(b.get(-1), [0, 1]);
  assert.equal(b.get(-2), true);
  assert.equal(b.get(-3), 4);
  assert.equal(b.get('method'), 'max_min');
});

test('R1 applies inside backend_extra_args and lists too', () => {
  rejects(
    A,
    { backend: 'b', backend_extra_args: { inner: { enable: true } } },
    "Cannot specify only {'enable': True}",
  );
  rejects(A, { calibrator: ['C', { enable: true }] }, "Cannot specify only {'enable': True}");
});

test('the block_sizes error path keeps the int axis key', () => {
  rejects(A, { block_sizes: { '-1': [1, 2, 3] } }, 'Tuple should have at most 2 items', ['block_sizes', -1]);
});

test('a bool rotate stays a bool; a bad rotate mode names the field', () => {
  assert.equal(attr({ rotate: 'yes' }).rotate, true);
  rejects(A, { rotate: { mode: 'spin' } }, "Input should be 'rotate' or 'rotate_back'", ['rotate', 'mode']);
});
