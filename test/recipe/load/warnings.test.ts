/** Deprecation warnings reach the caller's `warnings` sink from every validation a load performs. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig, loadRecipe } from '../../../src/recipe/index.js';

const QUANTIZE = '# modelopt-schema: modelopt.torch.quantization.config.QuantizeConfig\n';
const LEGACY_FLAT = "quant_cfg:\n  default: {enable: false}\n  '*weight_quantizer': {num_bits: 8, axis: 0}\n";

function project(files: Record<string, string>): { cwd: string; done: () => void } {
  const cwd = mkdtempSync(join(tmpdir(), 'mopt-warn-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  return { cwd, done: () => rmSync(cwd, { recursive: true, force: true }) };
}

test('a legacy flat quant_cfg in the loaded file warns once', () => {
  const p = project({ 'q.yaml': QUANTIZE + LEGACY_FLAT });
  const warnings: string[] = [];
  loadConfig('q', { cwd: p.cwd, warnings });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /deprecated/);
  p.done();
});

test('a legacy form inside an imported snippet warns too', () => {
  const p = project({
    'preset.yaml': QUANTIZE + LEGACY_FLAT,
    'r.yaml': 'imports:\n  p: preset\nmetadata:\n  recipe_type: ptq\nquantize:\n  $import: p\n',
  });
  const warnings: string[] = [];
  loadRecipe('r', { cwd: p.cwd, warnings });
  assert.equal(warnings.length, 1);
  p.done();
});

test('an override that writes a legacy quant_cfg warns', () => {
  const p = project({ 'r.yaml': 'metadata:\n  recipe_type: ptq\nquantize:\n  quant_cfg: []\n' });
  const warnings: string[] = [];
  loadRecipe('r', {
    cwd: p.cwd,
    warnings,
    overrides: ["quantize.quant_cfg=[{'*weight_quantizer': {num_bits: 8}}]"],
  });
  assert.equal(warnings.length, 1);
  p.done();
});

test('modern files leave the sink empty, and loading without a sink works', () => {
  const p = project({ 'q.yaml': QUANTIZE + "quant_cfg:\n  - quantizer_name: '*'\n    enable: false\n" });
  const warnings: string[] = [];
  loadConfig('q', { cwd: p.cwd, warnings });
  assert.deepEqual(warnings, []);
  const legacy = project({ 'q.yaml': QUANTIZE + LEGACY_FLAT });
  assert.doesNotThrow(() => loadConfig('q', { cwd: legacy.cwd }));
  p.done();
  legacy.done();
});
