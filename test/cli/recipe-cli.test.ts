import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasStackTrace, runCli } from './run-cli.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mopt-cli-'));
}

test('recipe show --json prints the full dump of a built-in recipe', () => {
  const r = runCli(['recipe', 'show', 'general/ptq/fp8_default-kv_fp8', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const data = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(data), ['metadata', 'quantize']);
  assert.equal(data.metadata.recipe_type, 'ptq');
  assert.deepEqual(data.quantize.quant_cfg[0], {
    quantizer_name: '*',
    parent_class: null,
    cfg: null,
    enable: false,
  });
  const weight = data.quantize.quant_cfg.find(
    (e: { quantizer_name: string }) => e.quantizer_name === '*weight_quantizer',
  );
  assert.deepEqual(weight.cfg.num_bits, [4, 3]);
  assert.equal(weight.cfg.type, 'static');
  assert.equal(data.quantize.algorithm, 'max');
  assert.equal(r.stderr, '');
});

test('recipe show --sparse keeps only set fields; YAML is the default output', () => {
  const sparse = JSON.parse(
    runCli(['recipe', 'show', 'general/ptq/fp8_default-kv_fp8', '--json', '--sparse']).stdout,
  );
  assert.deepEqual(sparse.quantize.quant_cfg[0], { quantizer_name: '*', enable: false });
  const yaml = runCli(['recipe', 'show', 'general/ptq/fp8_default-kv_fp8']);
  assert.equal(yaml.status, 0, yaml.stderr);
  assert.match(yaml.stdout, /recipe_type: ptq/);
});

test('recipe show --set overrides fields, addressing quant_cfg entries by quantizer_name', () => {
  const r = runCli([
    'recipe',
    'show',
    'general/ptq/fp8_default-kv_fp8',
    '--json',
    '--set',
    'quantize.algorithm=mse',
    '--set',
    'quantize.quant_cfg[*lm_head*].enable=true',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const data = JSON.parse(r.stdout);
  assert.equal(data.quantize.algorithm, 'mse');
  const lm = data.quantize.quant_cfg.filter(
    (e: { quantizer_name: string }) => e.quantizer_name === '*lm_head*',
  );
  assert.equal(lm.at(-1).enable, true);
});

test('config show --json prints a snippet sparse, with ExMy tuples as arrays', () => {
  const r = runCli(['config', 'show', 'configs/numerics/nvfp4', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    num_bits: [2, 1],
    effective_bits: 4.5,
    block_sizes: { '-1': 16, type: 'dynamic', scale_bits: [4, 3] },
  });
});

test('config show of plain data keeps integer keys as Python json.dumps writes them', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'plain.yaml'), 'a:\n  -1: 16\n  x: 1e-4\n  y: 1.0e-4\n  z: yes\n  n: 017\n');
  const r = runCli(['config', 'show', 'plain.yaml', '--json'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { a: { '-1': 16, x: '1e-4', y: 0.0001, z: true, n: 15 } });
});

test('a missing recipe exits 2 with a clear message and no stack trace', () => {
  const r = runCli(['recipe', 'show', 'general/ptq/no_such_recipe']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no_such_recipe/);
  assert.match(r.stderr, /not a valid YAML file or directory/);
  assert.ok(!hasStackTrace(r.stderr), r.stderr);
});

test('a bad field is reported at file:line:col', () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'bad.yaml'),
    [
      'metadata:',
      '  recipe_type: ptq',
      'quantize:',
      '  quant_cfg:',
      "    - quantizer_name: '*weight_quantizer'",
      '      cfg:',
      '        num_bitz: 8',
      '',
    ].join('\n'),
  );
  const r = runCli(['recipe', 'show', join(dir, 'bad.yaml')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.yaml:7:9/);
  assert.match(r.stderr, /num_bits/);
  assert.ok(!hasStackTrace(r.stderr), r.stderr);
});

test('recipe validate lists every bad file and exits 2; good files exit 0', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'good.yaml'), 'metadata:\n  recipe_type: ptq\nquantize: {}\n');
  writeFileSync(join(dir, 'bad1.yaml'), 'metadata:\n  recipe_type: ptq\n');
  writeFileSync(join(dir, 'bad2.yaml'), 'metadata: [\n');
  const ok = runCli(['recipe', 'validate', 'good.yaml'], { cwd: dir });
  assert.equal(ok.status, 0, ok.stderr);
  const bad = runCli(['recipe', 'validate', 'good.yaml', 'bad1.yaml', 'bad2.yaml'], { cwd: dir });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad1\.yaml.*must contain 'quantize'/);
  assert.match(bad.stderr, /bad2\.yaml/);
  assert.match(bad.stderr, /2 of 3 file\(s\) failed/);
  assert.ok(!hasStackTrace(bad.stderr), bad.stderr);
});

test('recipe list shows the built-in library', () => {
  const r = runCli(['recipe', 'list', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const names = (JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name);
  assert.ok(names.includes('general/ptq/fp8_default-kv_fp8'));
  assert.ok(names.includes('general/ptq/fp8_default-fp8_kv'), 'seed-era names are listed too');
});

test('recipe schema prints draft-07 JSON Schema; unknown kind is a usage error', () => {
  const r = runCli(['recipe', 'schema']);
  assert.equal(r.status, 0, r.stderr);
  const schema = JSON.parse(r.stdout);
  assert.match(String(schema.$schema), /draft-07/);
  const bad = runCli(['recipe', 'schema', 'NoSuchKind']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown snippet kind/);
});

test('usage errors exit 2; --help exits 0', () => {
  assert.equal(runCli(['frobnicate']).status, 2);
  assert.equal(runCli(['recipe', 'show']).status, 2);
  assert.equal(runCli(['--help']).status, 0);
});

test('deprecation warnings for legacy quant_cfg forms go to stderr; stdout stays clean JSON', () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'legacy.yaml'),
    "metadata:\n  recipe_type: ptq\nquantize:\n  quant_cfg:\n    '*weight_quantizer': {num_bits: 8, axis: 0}\n    default: {enable: false}\n",
  );
  const r = runCli(['recipe', 'show', join(dir, 'legacy.yaml'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  const data = JSON.parse(r.stdout);
  assert.deepEqual(
    data.quantize.quant_cfg.map((e: { quantizer_name: string }) => e.quantizer_name),
    ['*weight_quantizer', '*'],
  );
  assert.match(r.stderr, /^mopt: warning: .*/m);
});
