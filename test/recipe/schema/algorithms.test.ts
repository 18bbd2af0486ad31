/** validateAlgorithm: the calibration algorithm classes and LayerwiseConfig (recipes.md §4.6). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PyValue } from '../../../src/recipe/pyvalue.js';
import { dumpFull, dumpSparse, validateAlgorithm } from '../../../src/recipe/schema/index.js';
import { fl, ok, py } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function algo(spec: unknown): any {
  const r = validateAlgorithm(py(spec));
  if (!r.ok) assert.fail(JSON.stringify(r.issues));
  return r.value;
}
function algoIssue(spec: unknown, fragment: string, path?: (string | number)[]): void {
  const r = validateAlgorithm(py(spec));
  assert.equal(r.ok, false);
  const hit = r.ok ? undefined : r.issues.find((i) => i.message.includes(fragment));
  assert.ok(hit, `wanted ${fragment}, got ${JSON.stringify(r.ok ? [] : r.issues)}`);
  if (path) assert.deepEqual(hit.path, path);
}

test('names and mappings validate against their method class; null stays null', () => {
  assert.equal(algo(null), null);
  assert.equal(algo('max').distributed_sync, true);
  assert.equal(algo({ method: 'smoothquant', alpha: fl(0.5) }).alpha, 0.5);
  assert.equal(algo({ method: 'awq_full' }).max_co_batch_size, 1024);
  assert.equal(algo({ method: 'svdquant' }).lowrank, 32);
  assert.equal(algo({ method: 'local_hessian' }).fp8_scale_sweep, true);
  assert.equal(algo({ method: 'mse' }).fp8_scale_sweep, false);
  assert.equal(algo({}).method, null);
});

test('unknown methods fail like the registry lookup, with a hint', () => {
  algoIssue('awq', 'Algorithm awq not found in CalibrateModeRegistry!');
  algoIssue({ method: 'smoothqant' }, "(did you mean 'smoothquant'?)", ['method']);
});

test('lists validate each item; nested lists are refused', () => {
  assert.equal(algo(['max', { method: 'gptq' }]).length, 2);
  algoIssue([['max']], 'Nested algorithm lists are not supported', [0]);
  algoIssue(['max', { method: 'mse', step_size: 0 }], 'Input should be greater than 0', [1, 'step_size']);
});

test('parameter bounds and unknown parameters', () => {
  algoIssue({ method: 'smoothquant', alpha: fl(1.5) }, 'Input should be less than or equal to 1', ['alpha']);
  algoIssue({ method: 'awq_clip', min_clip_ratio: 1 }, 'Input should be less than 1');
  algoIssue({ method: 'gptq', perc_damp: 0 }, 'Input should be greater than 0');
  algoIssue({ method: 'max', moe_calib_experts_ratio: 2 }, 'Input should be less than or equal to 1');
  algoIssue(
    { method: 'gptq', percdamp: fl(0.1) },
    "Extra inputs are not permitted (did you mean 'perc_damp'?)",
    ['percdamp'],
  );
  algoIssue({ method: 'nvfp4_act_headroom', rho: 28672 }, 'Input should be less than 28672');
});

test('layerwise: null means defaults; bool form and use_sequential are refused', () => {
  assert.equal(algo({ method: 'max', layerwise: null }).layerwise.enable, false);
  algoIssue(
    { method: 'max', layerwise: true },
    'Input should be a valid dictionary or instance of LayerwiseConfig',
    ['layerwise'],
  );
  algoIssue({ method: 'max', use_sequential: true }, 'Extra inputs are not permitted', ['use_sequential']);
  algoIssue({ method: 'max', layerwise: { save_every: 0 } }, 'Input should be greater than or equal to 1');
});

test('layerwise: checkpoint_dir requires enable', () => {
  algoIssue(
    { method: 'mse', layerwise: { checkpoint_dir: '/ckpt' } },
    'layerwise.checkpoint_dir requires layerwise.enable=True.',
    [],
  );
  assert.equal(
    algo({ method: 'mse', layerwise: { enable: true, checkpoint_dir: '/c' } }).layerwise.checkpoint_dir,
    '/c',
  );
  // The rule belongs to the algorithm classes: a LayerwiseConfig on its own accepts the pair.
  assert.equal(ok('LayerwiseConfig', { checkpoint_dir: '/c' }).enable, false);
});

test('layerwise: calib_mutates_weights false only for amax-only methods', () => {
  for (const m of ['max', 'mse', 'local_hessian', 'nvfp4_act_headroom'])
    assert.equal(
      algo({ method: m, layerwise: { calib_mutates_weights: false } }).layerwise.calib_mutates_weights,
      false,
    );
  algoIssue(
    { method: 'gptq', layerwise: { calib_mutates_weights: false } },
    "Algorithm 'gptq' mutates layer weights in-place",
  );
  algoIssue(
    { layerwise: { calib_mutates_weights: false } },
    "Algorithm 'None' mutates layer weights in-place",
  );
});

test('gptq: the injected layerwise flag counts as set, and a given LayerwiseConfig is not altered', () => {
  assert.deepEqual(
    dumpSparse(algo({ method: 'gptq' })),
    py({ method: 'gptq', layerwise: { get_qdq_activations_from_prev_layer: true } }),
  );
  const given = ok('LayerwiseConfig', { enable: true });
  const g = algo(
    new Map<string, unknown>([
      ['method', 'gptq'],
      ['layerwise', given],
    ]),
  );
  assert.equal(g.layerwise.get_qdq_activations_from_prev_layer, true);
  assert.equal(given.get_qdq_activations_from_prev_layer, false);
  assert.equal(g.layerwise.enable, true);
});

test('gptq reads quantized activations of the previous layer unless told otherwise', () => {
  assert.equal(algo({ method: 'gptq' }).layerwise.get_qdq_activations_from_prev_layer, true);
  assert.equal(
    algo({ method: 'gptq', layerwise: { get_qdq_activations_from_prev_layer: false } }).layerwise
      .get_qdq_activations_from_prev_layer,
    false,
  );
  assert.equal(algo({ method: 'awq_lite' }).layerwise.get_qdq_activations_from_prev_layer, false);
});

test('shared_states: only weight_global_amax.patterns with valid regexes', () => {
  assert.ok(
    algo({ method: 'max', shared_states: { weight_global_amax: { patterns: ['(.*)\\.(q|k|v)_proj'] } } })
      .shared_states,
  );
  algoIssue(
    { method: 'max', shared_states: { x_amax: { patterns: [] }, input_amax: { patterns: [] } } },
    "shared_states has unsupported state(s) ['input_amax', 'x_amax']; expected keys from ['weight_global_amax'].",
    ['shared_states'],
  );
  algoIssue(
    { method: 'mse', shared_states: { weight_global_amax: { regex: [], glob: [] } } },
    "shared_states['weight_global_amax'] has unsupported field(s) ['glob', 'regex']; expected ['patterns'].",
  );
  algoIssue(
    { method: 'max', shared_states: { weight_global_amax: { patterns: ['a', '(unclosed'] } } },
    "shared_states['weight_global_amax']['patterns'] has an invalid regex '(unclosed': ",
  );
  // Python-only regex syntax (named groups, leading inline flags) is valid there, so it is here.
  assert.ok(
    algo({ method: 'max', shared_states: { weight_global_amax: { patterns: ['(?i)(?P<l>\\d+)\\.(?P=l)'] } } })
      .shared_states,
  );
});

test('nvfp4_act_headroom: weight_scale_algorithm defaults to max and dumps sparsely', () => {
  const a = algo({ method: 'nvfp4_act_headroom' });
  assert.equal(a.weight_scale_algorithm.method, 'max');
  assert.deepEqual(dumpSparse(a.weight_scale_algorithm), py({ method: 'max' }) as PyValue);
  assert.equal(
    algo({ method: 'nvfp4_act_headroom', weight_scale_algorithm: { method: 'mse' } }).weight_scale_algorithm
      .step_size,
    0.1,
  );
  // A plain union in ModelOpt: every member's refusal is reported.
  const r = validateAlgorithm(
    py({ method: 'nvfp4_act_headroom', weight_scale_algorithm: { method: 'gptq' } }),
  );
  assert.deepEqual(r.ok ? [] : r.issues.map((i) => [i.path.join('.'), i.message]), [
    ['weight_scale_algorithm.method', "Input should be 'max'"],
    ['weight_scale_algorithm.method', "Input should be 'mse'"],
    ['weight_scale_algorithm.method', "Input should be 'local_hessian'"],
  ]);
});

test('scale algorithms dump as their method plus the fields set, even in a full dump', () => {
  const a = algo({
    method: 'nvfp4_act_headroom',
    weight_scale_algorithm: { method: 'mse', step_size: fl(0.2) },
  });
  const full = dumpFull(a) as Map<string, PyValue>;
  assert.deepEqual(full.get('weight_scale_algorithm'), py({ method: 'mse', step_size: fl(0.2) }));
  assert.equal((dumpFull(algo({ method: 'lsq' })) as Map<string, PyValue>).get('scale_algorithm'), null);
});

test('lsq: learnable_amax forms and the tied_amax rule', () => {
  assert.deepEqual(algo({ method: 'lsq' }).learnable_amax, ['post']);
  assert.equal(algo({ method: 'lsq', learnable_amax: 'pre' }).learnable_amax, 'pre');
  assert.ok(algo({ method: 'lsq', tied_amax: true, learnable_amax: ['pre', 'post'] }).tied_amax);
  assert.ok(algo({ method: 'lsq', tied_amax: true, learnable_amax: [] }).tied_amax);
  algoIssue(
    { method: 'lsq', tied_amax: true },
    "tied_amax=True requires learnable_amax to be [] or ['pre', 'post'], got ['post']",
  );
  // Python's str() of the value: a bare string has no quotes.
  algoIssue({ method: 'lsq', tied_amax: true, learnable_amax: 'post' }, "or ['pre', 'post'], got post");
  algoIssue({ method: 'lsq', learnable_amax: 'mid' }, "Input should be 'pre' or 'post'");
  assert.equal(
    algo({ method: 'lsq', scale_algorithm: { method: 'local_hessian' } }).scale_algorithm.block_size,
    16,
  );
});

test('the algorithm classes are also registered schemas', () => {
  assert.equal(ok('LayerwiseConfig', {}).save_every, 1);
  assert.equal(ok('MaxCalibConfig', {}).method, 'max');
});
