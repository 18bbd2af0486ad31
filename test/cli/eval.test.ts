/** `mopt eval` on stories260K: the comparison table, JSON output, exported checkpoints, and bad inputs. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportCheckpoint, loadQuantizeInput } from '../../src/export/index.js';
import { scratch, storiesModel } from '../calib/helpers.js';
import { evalText, hasStack, mopt } from '../calib/cli-run.js';

const tmp = scratch('cli-eval');
after(() => tmp.cleanup());
const model = storiesModel(tmp.dir);
const text = evalText(tmp.dir);
const quick = ['--window', '96', '--max_windows', '4', '--calib_size', '4', '--calib_seq', '64'];

interface Report {
  windows: number;
  calibration: { engine: string; tokens: number; quantizers: number } | null;
  rows: { variant: string; perplexity: number; delta: number | null; tokens: number }[];
}

async function evalJson(args: string[]): Promise<Report> {
  const r = await mopt(['eval', '--model', model, '--dataset', text, ...quick, '--json', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

test('FP8 simulated stays close to the original on Austen text; NVFP4 moves further', async () => {
  const fp8 = await evalJson(['--recipe', 'general/ptq/fp8_default-kv_fp8']);
  const nvfp4 = await evalJson(['--recipe', 'general/ptq/nvfp4_default-kv_fp8']);
  const [orig, f] = fp8.rows;
  assert.equal(orig!.variant, 'original');
  assert.ok(orig!.perplexity > 5 && orig!.perplexity < 500, `original perplexity ${orig!.perplexity}`);
  assert.equal(orig!.tokens, 4 * 95);
  assert.equal(fp8.calibration!.quantizers, 5 * 9);
  assert.ok(Math.abs(f!.delta!) < 0.03 * orig!.perplexity, `fp8 Δ ${f!.delta}`);
  assert.equal(nvfp4.rows[0]!.perplexity, orig!.perplexity);
  assert.ok(
    nvfp4.rows[1]!.delta! > Math.abs(f!.delta!),
    `nvfp4 Δ ${nvfp4.rows[1]!.delta} vs fp8 Δ ${f!.delta}`,
  );
});

test('the table: one row per variant, an exported checkpoint scored like its simulation', async () => {
  const recipe = 'configs/ptq/presets/model/fp8_per_channel_per_token';
  const out = join(tmp.dir, 'exported-fp8pc');
  exportCheckpoint({
    modelDir: model,
    quantize: loadQuantizeInput(recipe).quantize,
    exportPath: out,
    force: true,
  });
  const r = await mopt([
    'eval',
    '--model',
    model,
    '--dataset',
    text,
    ...quick,
    '--recipe',
    recipe,
    '--quantized',
    out,
  ]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^variant\s+perplexity\s+Δ vs original\s+tokens$/);
  assert.equal(lines.length, 4);
  const ppl = lines.slice(1).map((l) => Number(l.trim().split(/\s{2,}/)[1]));
  assert.ok(Math.abs(ppl[2]! - ppl[1]!) < 0.01 * ppl[1]!, `exported ${ppl[2]} vs simulated ${ppl[1]}`);
  assert.match(r.stderr, /eval: scoring exported exported-fp8pc \(3\/3/);
});

async function fails(args: string[], code: RegExp): Promise<void> {
  const r = await mopt(args);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, code);
  assert.ok(!hasStack(r.stderr), r.stderr);
}

test('bad inputs: clear errors, exit 2, no stack', async () => {
  const empty = join(tmp.dir, 'empty.txt');
  writeFileSync(empty, '\n\n   \n');
  const short = join(tmp.dir, 'short.txt');
  writeFileSync(short, 'Emma Woodhouse, handsome, clever, and rich.\n');
  const noTok = join(tmp.dir, 'no-tokenizer');
  mkdirSync(noTok);
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join(model, f), join(noTok, f));
  await fails(['eval', '--model', model, '--dataset', empty], /holds no text/);
  await fails(
    ['eval', '--model', model, '--dataset', short, '--window', '128'],
    /shorter than one window: \d+ tokens/,
  );
  await fails(
    [
      'eval',
      '--model',
      model,
      '--dataset',
      text,
      '--recipe',
      'general/ptq/fp8_default-kv_fp8',
      '--calib_size',
      '0',
    ],
    /--calib_size/,
  );
  await fails(['eval', '--model', noTok, '--dataset', text], /tokenizer\.json/);
  await fails(['eval', '--model', model, '--dataset', join(tmp.dir, 'missing.txt')], /not found/);
  await fails(['eval', '--model', model, '--dataset', text, '--window', 'ten'], /--window ten/);
  await fails(['eval', '--model', model, '--dataset', text, '--quantized', model], /not a ModelOpt export/);
});
