/** `mopt plan` and `mopt synth` end to end through the built bin, on tiny synthetic Llama and Qwen3-MoE checkpoints. */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasStackTrace, runCli } from './run-cli.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mopt-plan-cli-'));
  for (const arch of ['llama', 'qwen3_moe']) {
    const r = runCli(['synth', '--arch', arch, '--preset', 'tiny', join(dir, arch)]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^wrote .*${arch}: ${arch}/tiny, \\d+ tensors`));
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

const row = (layer: string, kind: string, on: string, format: string, count: number, entry: string): RegExp =>
  new RegExp(
    `^${layer.replace(/[.*]/g, '\\$&')}\\s+${kind}\\s+${on}\\s+${format.replace(/[()]/g, '\\$&')}\\s+\\w+\\s+(yes|no)\\s+${count}\\s+\\S*${entry.replace(/[./]/g, '\\$&')}$`,
    'm',
  );

describe('mopt plan', () => {
  it('prints rows per layer type and quantizer kind with the winning entry, totals and the data need (llama, nvfp4_default)', () => {
    const r = runCli(['plan', '--model', join(dir, 'llama'), '--recipe', 'general/ptq/nvfp4_default-kv_fp8']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^quantizers: 56 \(32 enabled\)$/m);
    assert.match(
      r.stdout,
      row(
        'self_attn.q_proj',
        'weight',
        'yes',
        'NVFP4 (block 16, dynamic)',
        2,
        '<builtin>/configs/ptq/units/w4a4_nvfp4_nvfp4.yaml:6',
      ),
    );
    assert.match(
      r.stdout,
      row(
        'mlp.down_proj',
        'input',
        'yes',
        'NVFP4 (block 16, dynamic)',
        2,
        '<builtin>/configs/ptq/units/w4a4_nvfp4_nvfp4.yaml:9',
      ),
    );
    assert.match(
      r.stdout,
      row('self_attn', 'k_bmm', 'yes', 'FP8 per-tensor', 2, '<builtin>/configs/ptq/units/kv_fp8.yaml:6'),
    );
    assert.match(
      r.stdout,
      row(
        'lm_head',
        'weight',
        'no',
        'disabled',
        1,
        '<builtin>/configs/ptq/units/default_disabled_quantizers.yaml:14',
      ),
    );
    assert.match(r.stdout, /^NVFP4 \(block 16, dynamic\)\s+73,728\s+4\.5\d/m);
    assert.match(r.stdout, /^calibration data: needed by 18 activation quantizers/m);
    assert.match(r.stdout, /^exclude_modules: lm_head, model\.embed_tokens$/m);
    assert.match(
      r.stdout,
      /^warning: \d+ cfg entries of <builtin>\/configs\/ptq\/units\/default_disabled_quantizers\.yaml match no quantizer/m,
    );
    assert.equal(r.stderr, '');
  });

  it('--json prints the PlanReport; --set overrides reach the recipe', () => {
    const r = runCli([
      'plan',
      '--model',
      join(dir, 'llama'),
      '--recipe',
      'general/ptq/nvfp4_weight_only-kv_fp8_cast',
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      quantizerCount: number;
      enabledCount: number;
      needsCalibrationData: boolean;
      kvCacheFormat: string;
      slots: Array<{ name: string; enabled: boolean; attributesSource?: { file: string; line: number } }>;
    };
    assert.equal(report.quantizerCount, 56);
    assert.equal(report.enabledCount, 18);
    assert.equal(report.needsCalibrationData, false);
    assert.equal(report.kvCacheFormat, 'FP8 per-tensor (constant amax)');
    const q = report.slots.find((s) => s.name === 'model.layers.1.self_attn.q_proj.weight_quantizer')!;
    assert.equal(q.enabled, true);
    assert.match(q.attributesSource!.file, /units\/w4_nvfp4\.yaml$/);
    const mse = runCli([
      'plan',
      '--model',
      join(dir, 'llama'),
      '--recipe',
      'general/ptq/int4_blockwise_weight_only',
      '--set',
      'quantize.algorithm=mse',
    ]);
    assert.equal(mse.status, 0, mse.stderr);
    assert.match(mse.stdout, /\(algorithm: mse\)/);
    assert.match(mse.stdout, /^calibration data: not needed \(data-free\)$/m);
  });

  it('Qwen3-MoE: experts quantized, routers and attention excluded', () => {
    const r = runCli([
      'plan',
      '--model',
      join(dir, 'qwen3_moe'),
      '--recipe',
      'general/ptq/nvfp4_experts_only-kv_fp8_cast',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^model: .*\(qwen3_moe, Qwen3MoeForCausalLM, sequential experts\)$/m);
    assert.match(r.stdout, /^quantizers: 116 \(52 enabled\)$/m);
    assert.match(
      r.stdout,
      row(
        'mlp.experts.*.gate_proj',
        'weight',
        'yes',
        'NVFP4 (block 16, dynamic)',
        8,
        '<builtin>/general/ptq/nvfp4_experts_only-kv_fp8_cast.yaml:20',
      ),
    );
    assert.match(
      r.stdout,
      row(
        'mlp.gate',
        'weight',
        'no',
        'disabled',
        2,
        '<builtin>/configs/ptq/units/default_disabled_quantizers.yaml:18',
      ),
    );
    assert.match(
      r.stdout,
      /^exclude_modules: lm_head, model\.embed_tokens, model\.layers\.0\.mlp\.gate, model\.layers\.0\.self_attn\*, model\.layers\.1\.mlp\.gate, model\.layers\.1\.self_attn\*$/m,
    );
    assert.match(
      r.stdout,
      /^warning: cfg entry 3 '\*block_sparse_moe\*weight_quantizer' matches no quantizer \[<builtin>\/general\/ptq\/nvfp4_experts_only-kv_fp8_cast\.yaml:26\]$/m,
    );
  });

  it('flags MoE experts left unquantized', () => {
    const recipe = join(dir, 'attn-only.yaml');
    writeFileSync(
      recipe,
      `imports:
  base_disable_all: configs/ptq/units/base_disable_all
  fp8: configs/numerics/fp8
metadata: {recipe_type: ptq, description: attention weights only}
quantize:
  algorithm: max
  quant_cfg:
    - $import: base_disable_all
    - quantizer_name: '*weight_quantizer'
      cfg: {$import: fp8}
    - quantizer_name: '*experts*'
      enable: false
`,
    );
    const r = runCli(['plan', '--model', join(dir, 'qwen3_moe'), '--recipe', recipe]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^warning: 24 of 24 MoE expert weight quantizers are disabled; those experts stay unquantized$/m,
    );
    assert.match(
      r.stdout,
      row('mlp.experts.*.down_proj', 'weight', 'no', 'disabled', 8, 'attn-only.yaml:11'),
    );
  });

  it('resolves a Hugging Face id through the local hub cache', () => {
    const cache = join(dir, 'hub');
    const snapshot = join(cache, 'models--acme--tiny-llama', 'snapshots', 'abc123');
    mkdirSync(join(cache, 'models--acme--tiny-llama', 'refs'), { recursive: true });
    cpSync(join(dir, 'llama'), snapshot, { recursive: true });
    writeFileSync(join(cache, 'models--acme--tiny-llama', 'refs', 'main'), 'abc123');
    const r = runCli(
      ['plan', '--model', 'acme/tiny-llama', '--recipe', 'general/ptq/int4_blockwise_weight_only'],
      {
        env: { HF_HUB_CACHE: cache },
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^model: acme\/tiny-llama \(llama, LlamaForCausalLM\)$/m);
    const missing = runCli(
      ['plan', '--model', 'acme/absent', '--recipe', 'general/ptq/int4_blockwise_weight_only'],
      {
        env: { HF_HUB_CACHE: cache },
      },
    );
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /model acme\/absent is not in the local Hugging Face cache/);
  });

  it('bad inputs: missing model folder, unknown recipe, unknown synth arch — exit 2, one clear line', () => {
    for (const args of [
      ['plan', '--model', join(dir, 'nope'), '--recipe', 'general/ptq/int4_blockwise_weight_only'],
      ['plan', '--model', join(dir, 'llama'), '--recipe', 'general/ptq/no_such_recipe'],
      ['synth', '--arch', 'gpt2', '--preset', 'tiny', join(dir, 'gpt2')],
    ]) {
      const r = runCli(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^mopt: error: /);
      assert.equal(hasStackTrace(r.stderr), false, r.stderr);
      assert.equal(r.stdout, '');
    }
  });
});
