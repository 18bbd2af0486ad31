/** Recipe classes (recipes.md §3.3, §3.6, §4.7): metadata, PTQ, AutoQuantize and speculative rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpSparse, fieldsSetOf } from '../../../src/recipe/schema/index.js';
import { fl, issues, ok, py, rejects } from './helpers.js';

const meta = (recipe_type: string) => ({ recipe_type });

test('metadata: recipe_type required and exact; description default and string-only', () => {
  assert.equal(ok('RecipeMetadataConfig', meta('ptq')).description, 'Model optimization recipe.');
  rejects('RecipeMetadataConfig', {}, 'Field required', ['recipe_type']);
  rejects('RecipeMetadataConfig', meta('Ptq'), "(did you mean 'ptq'?)");
  rejects('RecipeMetadataConfig', meta('qat'), "'speculative_dflash' or 'speculative_medusa'");
  rejects('RecipeMetadataConfig', { recipe_type: 'ptq', description: 5 }, 'Input should be a valid string');
  rejects('RecipeMetadataConfig', { recipe_type: 'ptq', author: 'me' }, 'Extra inputs are not permitted', [
    'author',
  ]);
});

test('ptq: metadata and quantize required; quantize {} gives the defaults; extra top-level keys refused', () => {
  const r = ok('ModelOptPTQRecipe', { metadata: meta('ptq'), quantize: {} });
  assert.equal(r.quantize.algorithm, 'max');
  rejects('ModelOptPTQRecipe', { metadata: meta('ptq') }, 'Field required', ['quantize']);
  rejects('ModelOptPTQRecipe', { quantize: {} }, 'Field required', ['metadata']);
  rejects(
    'ModelOptPTQRecipe',
    { metadata: meta('ptq'), quantize: {}, imports: {} },
    'Extra inputs are not permitted',
    ['imports'],
  );
});

const fmt = { quant_cfg: [{ quantizer_name: '*', enable: false }] };
const AQ = 'ModelOptAutoQuantizeRecipe';

test('auto_quantize: defaults for metadata, quantize None, method gradient, score 128', () => {
  const r = ok(AQ, { auto_quantize: { constraints: {}, candidate_formats: [fmt] } });
  assert.equal(r.metadata.recipe_type, 'auto_quantize');
  assert.equal(r.quantize, null);
  assert.equal(r.auto_quantize.auto_quantize_method, 'gradient');
  assert.equal(r.auto_quantize.score_size, 128);
  assert.equal(r.auto_quantize.constraints.effective_bits, 4.8);
  assert.equal(r.auto_quantize.constraints.cost_model, 'weight');
  assert.deepEqual(r.auto_quantize.disabled_layers, []);
});

test('auto_quantize: constraints required; effective_bits and expert ratio ranges', () => {
  rejects(AQ, { auto_quantize: { candidate_formats: [fmt] } }, 'Field required', [
    'auto_quantize',
    'constraints',
  ]);
  rejects(
    AQ,
    { auto_quantize: { constraints: { effective_bits: 0 }, candidate_formats: [fmt] } },
    'effective_bits must be in (0, 16], got 0.0',
  );
  rejects(
    AQ,
    {
      auto_quantize: {
        constraints: { cost: { active_moe_expert_ratio: fl(1.5) } },
        candidate_formats: [fmt],
      },
    },
    'active_moe_expert_ratio must be in (0, 1], got 1.5',
  );
  assert.equal(ok('AutoQuantizeCost', { active_moe_expert_ratio: 1 }).active_moe_expert_ratio, 1);
});

test('auto_quantize: candidates or search spaces are required', () => {
  rejects(
    AQ,
    { auto_quantize: { constraints: {} } },
    'auto_quantize requires candidate_formats or at least one module_search_spaces entry. For uniform quantization, use a PTQ recipe instead.',
  );
});

test('auto_quantize: search spaces need patterns and candidates', () => {
  rejects(
    'AutoQuantizeModuleSearchSpace',
    { module_name_patterns: [], candidate_formats: [fmt] },
    'module_search_spaces requires at least 1 module_name_pattern',
  );
  rejects(
    'AutoQuantizeModuleSearchSpace',
    { module_name_patterns: ['*mlp*'] },
    'module_search_spaces requires at least 1 candidate_format',
  );
  assert.equal(
    ok('AutoQuantizeModuleSearchSpace', { module_name_patterns: ['*mlp*'], candidate_formats: [fmt] })
      .allow_no_quant,
    true,
  );
});

test('auto_quantize: a search space without patterns gets the at-least-one message (default [])', () => {
  rejects(
    'AutoQuantizeModuleSearchSpace',
    { candidate_formats: [fmt] },
    'requires at least 1 module_name_pattern',
    ['module_name_patterns'],
  );
});

test('base recipe classes: metadata required; speculative sections default', () => {
  rejects('ModelOptRecipeBase', {}, 'Field required', ['metadata']);
  const r = ok('ModelOptSpeculativeRecipeBase', { metadata: meta('speculative_eagle') });
  assert.equal(r.data.mode, 'online');
  assert.equal(
    ok(AQ, { auto_quantize: { constraints: {}, candidate_formats: [fmt] } }).metadata.description,
    'Model optimization recipe.',
  );
  assert.deepEqual(
    fieldsSetOf(ok(AQ, { auto_quantize: { constraints: {}, candidate_formats: [fmt] } }).metadata),
    ['recipe_type', 'description'],
  );
});

test('CompressConfig and _QuantizeExportConfig', () => {
  const c = ok('CompressConfig', { quant_gemm: false });
  assert.equal(c.compress.get('*'), true);
  rejects('CompressConfig', { compress: { '*': 'maybe' } }, 'valid boolean');
  rejects('_QuantizeExportConfig', { x: 1 }, 'Extra inputs are not permitted', ['x']);
});

test('auto_quantize: a fixed baseline must not list top-level candidates', () => {
  const space = { module_name_patterns: ['*mlp*'], candidate_formats: [fmt] };
  rejects(
    AQ,
    {
      quantize: fmt,
      auto_quantize: { constraints: {}, candidate_formats: [fmt], module_search_spaces: [space] },
    },
    'An AutoQuantize recipe with a fixed quantize baseline must omit top-level auto_quantize.candidate_formats',
  );
  assert.ok(
    ok(AQ, { quantize: fmt, auto_quantize: { constraints: {}, module_search_spaces: [space] } }).quantize,
  );
});

test('auto_quantize: no baseline needs top-level candidates', () => {
  const space = { module_name_patterns: ['*mlp*'], candidate_formats: [fmt] };
  rejects(
    AQ,
    { auto_quantize: { constraints: {}, module_search_spaces: [space] } },
    'An AutoQuantize recipe without a fixed quantize baseline requires top-level auto_quantize.candidate_formats for unmatched modules.',
  );
});

test('auto_quantize: method literal, kv_cache is a QuantizeConfig', () => {
  const base = { constraints: {}, candidate_formats: [fmt] };
  rejects(
    AQ,
    { auto_quantize: { ...base, auto_quantize_method: 'kl' } },
    "Input should be 'gradient' or 'kl_div'",
  );
  assert.equal(ok(AQ, { auto_quantize: { ...base, kv_cache: fmt } }).auto_quantize.kv_cache.algorithm, 'max');
});

const EAGLE = 'ModelOptEagleRecipe';

test('speculative: data.mode is recomputed from the configured source', () => {
  assert.equal(ok(EAGLE, { eagle: {} }).data.mode, 'online');
  assert.equal(ok(EAGLE, { data: { mode: 'offline' }, eagle: {} }).data.mode, 'online');
  assert.equal(ok(EAGLE, { data: { offline_data_path: '/d' }, eagle: {} }).data.mode, 'offline');
  assert.equal(
    ok(EAGLE, { data: { streaming_server_url: 'http://x', streaming_model_name: 'm' }, eagle: {} }).data.mode,
    'streaming',
  );
});

test('speculative: ambiguous or incomplete data sources are refused', () => {
  rejects(
    EAGLE,
    { data: { offline_data_path: '/d', streaming_server_url: 'u' }, eagle: {} },
    'ambiguous: set only one of data.offline_data_path / data.streaming_server_url',
    ['data'],
  );
  rejects(
    EAGLE,
    { data: { streaming_server_url: 'u' }, eagle: {} },
    "data.mode='streaming' requires data.streaming_server_url and data.streaming_model_name",
  );
  rejects(
    EAGLE,
    { data: { sample_size: 0 }, eagle: {} },
    'sample_size must be -1 (use all samples) or a positive integer',
    ['data', 'sample_size'],
  );
  assert.equal(ok(EAGLE, { data: { sample_size: 100 }, eagle: {} }).data.sample_size, 100);
});

test('speculative: data.mode is derived after the fields validate, like ModelOpt', () => {
  // A given mode is still type-checked before it is replaced.
  rejects(EAGLE, { data: { mode: 'foo' } }, "Input should be 'online', 'offline' or 'streaming'", [
    'data',
    'mode',
  ]);
  // A bad source type is reported as such, not as the ambiguity it would otherwise cause.
  const found = issues(EAGLE, { data: { offline_data_path: 5, streaming_server_url: 'u' } });
  assert.deepEqual(
    found.map((i) => i.message),
    ['Input should be a valid string'],
  );
  // An empty model name is as missing as none.
  rejects(
    EAGLE,
    { data: { streaming_server_url: 'u', streaming_model_name: '' } },
    "data.mode='streaming' requires",
    ['data'],
  );
  assert.deepEqual(
    dumpSparse(ok('DataArguments', { data_path: 'x' })),
    py({ mode: 'online', data_path: 'x' }),
  );
});

test('speculative: the rope warning compares like Python (2048.0 equals 2048, "2048" does not, None skips)', () => {
  const warn = (original: unknown) => {
    const warnings: string[] = [];
    ok(
      EAGLE,
      { eagle: { eagle_export_rope_scaling: { original_max_position_embeddings: original } } },
      warnings,
    );
    return warnings;
  };
  assert.deepEqual(warn(fl(2048)), []);
  assert.deepEqual(warn(null), []);
  assert.match(warn('2048')[0]!, /original_max_position_embeddings \(2048\) differs/);
  assert.match(
    warn(fl(1024))[0]!,
    /\(1024\.0\) differs from training\.training_seq_len \(2048\)\. This may affect/,
  );
});

test('eagle: a falsy rope_type falls through to the legacy type key', () => {
  rejects(
    'EagleConfig',
    { eagle_architecture_config: { rope_scaling: { rope_type: '', type: 'yarn' } } },
    "has rope_type='yarn'",
  );
  assert.ok(ok('EagleConfig', { eagle_architecture_config: { rope_scaling: { rope_type: 0 } } }));
});

test('speculative: eagle_offline and dflash_offline are derived from data.mode and count as set', () => {
  const online = ok(EAGLE, { eagle: { eagle_offline: true } });
  assert.equal(online.eagle.eagle_offline, false);
  const offline = ok(EAGLE, { data: { offline_data_path: '/d' }, eagle: {} });
  assert.equal(offline.eagle.eagle_offline, true);
  assert.ok(fieldsSetOf(offline.eagle).includes('eagle_offline'));
  assert.equal(
    ok('ModelOptDFlashRecipe', { data: { offline_data_path: '/d' }, dflash: {} }).dflash.dflash_offline,
    true,
  );
});

test('speculative: model/data are strict, training keeps extras', () => {
  rejects(EAGLE, { model: { name: 'x' }, eagle: {} }, 'Extra inputs are not permitted', ['model', 'name']);
  rejects(EAGLE, { data: { data_pth: 'x' }, eagle: {} }, "(did you mean 'data_path'?)");
  const r = ok(EAGLE, {
    training: { training_seq_len: 4096, learning_rate: fl(1e-4), output_dir: 'out' },
    eagle: { eagle_export_rope_scaling: { original_max_position_embeddings: 4096 } },
  });
  assert.equal(r.training.output_dir, 'out');
  assert.deepEqual(fieldsSetOf(r.training), ['training_seq_len', 'learning_rate', 'output_dir']);
});

test('speculative: a null section is refused; sections default; metadata defaults per class', () => {
  rejects(EAGLE, { eagle: null }, 'Input should be a valid dictionary or instance of EagleConfig', ['eagle']);
  const r = ok('ModelOptMedusaRecipe', {});
  assert.equal(r.medusa.medusa_num_heads, 2);
  assert.equal(r.metadata.recipe_type, 'speculative_medusa');
  assert.equal(r.model.model_name_or_path, 'TinyLlama/TinyLlama-1.1B-Chat-v1.0');
});

test('speculative: rope scaling mismatch is a warning, not an error', () => {
  const warnings: string[] = [];
  ok(EAGLE, { training: { training_seq_len: 4096 }, eagle: {} }, warnings);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /original_max_position_embeddings \(2048\).*training_seq_len \(4096\)/);
});

test('dflash: swa window vs block size, dpace alpha range, objective literal', () => {
  const D = 'ModelOptDFlashRecipe';
  rejects(
    D,
    { dflash: { dflash_swa_window_size: 4 } },
    'dflash_swa_window_size (4) must be >= dflash_block_size (8).',
  );
  assert.equal(ok(D, { dflash: { dflash_swa_window_size: 8 } }).dflash.dflash_swa_window_size, 8);
  rejects(D, { dflash: { dflash_dpace_alpha: 0 } }, 'dflash_dpace_alpha must be in (0, 1], got 0.0', [
    'dflash',
  ]);
  rejects(D, { dflash: { dflash_loss_objective: 'dpce' } }, "(did you mean 'dpace'?)");
});

test('recipe_type of a PTQ recipe may name another type (the class does not change)', () => {
  assert.equal(
    ok('ModelOptPTQRecipe', { metadata: meta('speculative_eagle'), quantize: {} }).metadata.recipe_type,
    'speculative_eagle',
  );
});

test('recipe_type must be a string value of the enum', () => {
  rejects('RecipeMetadataConfig', { recipe_type: 1 }, "Input should be 'ptq'");
  rejects('RecipeMetadataConfig', { recipe_type: null }, "Input should be 'ptq'");
});

test('auto_quantize: an explicit quantize None is the same as no baseline', () => {
  const r = ok(AQ, { quantize: null, auto_quantize: { constraints: {}, candidate_formats: [fmt] } });
  assert.equal(r.quantize, null);
  assert.deepEqual(fieldsSetOf(r), ['quantize', 'auto_quantize']);
});

test('auto_quantize: candidate formats get the legacy quant_cfg normalisation too', () => {
  const warnings: string[] = [];
  const r = ok(
    AQ,
    { auto_quantize: { constraints: {}, candidate_formats: [{ quant_cfg: { '*': { enable: false } } }] } },
    warnings,
  );
  assert.equal(r.auto_quantize.candidate_formats[0].quant_cfg[0].enable, false);
  assert.equal(warnings.length, 1);
});

test('auto_quantize: errors inside candidates carry the list index', () => {
  rejects(
    AQ,
    { auto_quantize: { constraints: {}, candidate_formats: [fmt, { quant_cfg: 3 }] } },
    'quant_cfg must be a sequence',
    ['auto_quantize', 'candidate_formats', 1, 'quant_cfg'],
  );
});

test('medusa and eagle sections are strict', () => {
  rejects('ModelOptMedusaRecipe', { medusa: { medusa_heads: 3 } }, "(did you mean 'medusa_num_heads'?)", [
    'medusa',
    'medusa_heads',
  ]);
  rejects(EAGLE, { eagle: { eagle_ttt_step: 2 } }, "(did you mean 'eagle_ttt_steps'?)");
});

test('dflash: newer upstream fields (DSpark warm start) with their types', () => {
  const D = 'ModelOptDFlashRecipe';
  const r = ok(D, {
    data: { final_aux_is_base_hidden: true },
    dflash: {
      dflash_draft_attention: 'causal',
      dflash_attention_sink: true,
      dflash_init_checkpoint: '/ckpt',
    },
  });
  assert.equal(r.dflash.dflash_draft_attention, 'causal');
  assert.equal(r.data.final_aux_is_base_hidden, true);
  rejects(D, { dflash: { dflash_draft_attention: 'casual' } }, "(did you mean 'causal'?)");
});

test('dflash: fields newer than 0.47.0 are refused as extra inputs', () => {
  const D = 'ModelOptDFlashRecipe';
  for (const field of ['dflash_use_flex_attention', 'dflash_lilicorr_w_ce', 'dflash_selector_loss_alpha'])
    rejects(D, { dflash: { [field]: true } }, 'Extra inputs are not permitted', ['dflash', field]);
  const r = ok(D, {});
  assert.ok(!('dflash_fp32_master_weights' in r.dflash));
});

test('eagle: export rope scaling conflicts with a scaled training rope', () => {
  const arch = { rope_scaling: { rope_type: 'yarn', factor: 4 } };
  rejects(
    EAGLE,
    { eagle: { eagle_architecture_config: arch } },
    "eagle_export_rope_scaling is set but eagle_architecture_config has rope_type='yarn'",
  );
  assert.ok(ok(EAGLE, { eagle: { eagle_architecture_config: arch, eagle_export_rope_scaling: {} } }));
  assert.ok(ok(EAGLE, { eagle: { eagle_architecture_config: { rope_scaling: { type: 'default' } } } }));
});
