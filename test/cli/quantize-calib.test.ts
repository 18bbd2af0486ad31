/**
 * `mopt quantize` with calibration, through the built bin: the no-argument demo, --json events, MoE expert
 * token counts, and Ctrl-C during calibration (exit 130, no export folder, no staging folder left).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openCheckpoint } from '../../src/model/checkpoint.js';
import { BIN, REPO_ROOT, runCli } from './run-cli.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mopt-quantize-calib-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const synth = (arch: string, name: string): string => {
  const out = join(dir, name);
  assert.equal(runCli(['synth', '--arch', arch, '--preset', 'tiny', out]).status, 0);
  return out;
};

const events = (stdout: string): Array<Record<string, unknown>> =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('mopt quantize with calibration', () => {
  it('with no arguments runs the built-in demo and reports where the export went and its quality', () => {
    const r = runCli(['quantize']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /running general\/ptq\/fp8_default-kv_fp8 on a built-in tiny Llama/);
    assert.match(r.stderr, /^calibrate: layer 2\/2, \d+ tokens, \d+ tokens\/s, .*ETA 0 s$/m);
    const exported = /^exported (\S+) in /m.exec(r.stdout)?.[1];
    assert.ok(exported && exported.startsWith(tmpdir()), r.stdout);
    assert.match(r.stdout, /^example output before quantization: ".+"$/m);
    assert.match(r.stdout, /^example output after quantization: ".+"$/m);
    assert.match(
      r.stdout,
      /^quality \(perplexity on held-apart built-in text, \d+ windows of 128\): original \d+\.\d+, exported \d+\.\d+ \(-?\d+\.\d+%\)$/m,
    );
    const ck = openCheckpoint(exported);
    const scale = ck.readTensorF32('model.layers.0.self_attn.q_proj.input_scale')[0]!;
    assert.ok(scale > 0 && scale !== 1, `calibrated input_scale ${scale}`);
    assert.ok(ck.tensors.has('model.layers.1.self_attn.k_proj.k_scale'));
    ck.close();
    rmSync(join(exported, '..'), { recursive: true, force: true });
  });

  it('--json prints only JSON events on stdout: start, calib_layer, export_tensor, sample, done', () => {
    const model = synth('qwen3', 'qwen3');
    const out = join(dir, 'qwen3-nvfp4');
    const r = runCli([
      ...['quantize', '--model', model, '--recipe', 'general/ptq/nvfp4_default-kv_fp8', '--export_path', out],
      ...['--calib_size', '4', '--calib_seq', '64', '--json'],
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /no --dataset given; .*built-in text/);
    const ev = events(r.stdout);
    const kinds = ev.map((e) => e.event);
    assert.equal(kinds[0], 'start');
    assert.equal(kinds.at(-1), 'done');
    assert.deepEqual(
      [...new Set(kinds)],
      ['start', 'calib_layer', 'export_tensor', 'sample', 'done'],
      'events in phase order',
    );
    assert.equal(kinds.filter((k) => k === 'calib_layer').length, 2);
    assert.deepEqual(
      ev.filter((e) => e.event === 'sample').map((e) => e.model),
      ['original', 'quantized'],
    );
    const done = ev.at(-1)!.summary as Record<string, unknown>;
    assert.equal(done.quant_algo, 'NVFP4');
    assert.equal(done.kv_cache_quant_algo, 'FP8');
    assert.equal((done.calibration as { samples: number }).samples, 4);
    const ck = openCheckpoint(out);
    const gs = ck.readTensorF32('model.layers.0.mlp.gate_proj.input_scale')[0]!;
    const us = ck.readTensorF32('model.layers.0.mlp.up_proj.input_scale')[0]!;
    assert.equal(gs, us, 'gate/up share the group max input scale');
    ck.close();
  });

  it('MoE: reports per expert how many calibration tokens it saw', () => {
    const model = synth('qwen3_moe', 'moe');
    const out = join(dir, 'moe-fp8');
    const r = runCli([
      ...['quantize', '--model', model, '--recipe', 'general/ptq/fp8_default-kv_fp8', '--export_path', out],
      ...['--calib_size', '2', '--calib_seq', '32', '--json', '--skip_generate'],
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      /^experts: \d+ of 8 saw calibration tokens \(min \d+, max \d+ tokens per expert\)$/m,
    );
    const done = events(r.stdout).at(-1)!.summary as {
      calibration: { expert_tokens: Record<string, number> };
    };
    const counts = done.calibration.expert_tokens;
    assert.equal(Object.keys(counts).length, 8);
    assert.ok(Object.keys(counts).every((k) => /^model\.layers\.[01]\.mlp\.experts\.[0-3]$/.test(k)));
    // each of the 64 token rows goes to 2 experts per layer
    assert.equal(
      Object.values(counts).reduce((a, b) => a + b, 0),
      2 * 2 * 64,
    );
  });

  it('Ctrl-C during calibration exits 130 and leaves no export and no staging folder', async () => {
    const model = synth('llama', 'llama');
    const parent = join(dir, 'interrupted');
    const out = join(parent, 'export');
    const child = spawn(
      process.execPath,
      [
        BIN,
        ...['quantize', '--model', model, '--recipe', 'general/ptq/fp8_default-kv_fp8', '--export_path', out],
        ...[
          '--engine',
          'reference',
          '--calib_size',
          '64',
          '--calib_seq',
          '512',
          '--batch_size',
          '1',
          '--json',
        ],
      ],
      { cwd: REPO_ROOT },
    );
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // the calibration pass has started
      if (!sent && /^calibrate: \d+ samples/m.test(stderr)) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), 150);
      }
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    assert.ok(sent, stderr);
    assert.equal(status, 130, stderr);
    assert.match(stderr, /interrupted during calibration; no export was written/);
    assert.ok(!stdout.includes('"event":"done"'));
    assert.ok(!existsSync(out));
    assert.deepEqual(existsSync(parent) ? readdirSync(parent) : [], []);
    assert.equal(readFileSync(join(model, 'config.json'), 'utf8').includes('quantization_config'), false);
  });
});
