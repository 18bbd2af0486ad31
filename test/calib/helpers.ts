/** Test fixtures for calibration: scratch folders, stories260K converted once per file, tiny synthetic models. */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertLlama2c } from '../../src/model/llama2c.js';
import { synthCheckpoint } from '../../src/model/synth.js';
import type { SynthArch } from '../../src/model/synth-presets.js';
import { loadQuantizeInput, planModel } from '../../src/export/index.js';
import type { QuantPlan } from '../../src/quant/plan/index.js';
import { STORIES_BIN, TOK512_BIN } from '../model/helpers.js';

export function scratch(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `mopt-calib-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** stories260K as a float32 HF checkpoint (with tokenizer.json) under `dir`. */
export function storiesModel(dir: string): string {
  const out = join(dir, 'stories260K');
  convertLlama2c({
    modelFile: STORIES_BIN,
    tokenizerFile: TOK512_BIN,
    outDir: out,
    dtype: 'f32',
    overwrite: true,
  });
  return out;
}

export function tinyModel(dir: string, arch: SynthArch, preset = 'tiny', seed = 1): string {
  const out = join(dir, `${arch}-${preset}`);
  synthCheckpoint({ arch, preset, outDir: out, seed, dtype: 'f32', overwrite: true });
  return out;
}

export function planFor(modelDir: string, recipe: string): QuantPlan {
  const pm = planModel(modelDir, loadQuantizeInput(recipe).quantize);
  pm.checkpoint.close();
  return pm.plan;
}

/** Overwrites one tensor of `<dir>/model.safetensors` with zeros, in place. */
export function zeroTensor(dir: string, name: string): void {
  const file = join(dir, 'model.safetensors');
  const fd = openSync(file, 'r+');
  try {
    const len = Buffer.alloc(8);
    readSync(fd, len, 0, 8, 0);
    const n = Number(len.readBigUInt64LE(0));
    const header = Buffer.alloc(n);
    readSync(fd, header, 0, n, 8);
    const entry = (JSON.parse(header.toString('utf8')) as Record<string, { data_offsets: [number, number] }>)[
      name
    ];
    if (!entry) throw new Error(`no tensor ${name} in ${file}`);
    const [a, b] = entry.data_offsets;
    writeSync(fd, Buffer.alloc(b - a), 0, b - a, 8 + n + a);
  } finally {
    closeSync(fd);
  }
}
