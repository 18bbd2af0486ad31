/**
 * Writes the two input checkpoints of the quant oracle with mopt's own model code:
 *   <outdir>/stories260K  — llama2.c stories260K converted to HF Llama, float32 (src/model/llama2c.ts)
 *   <outdir>/qwen3-tiny   — synthetic tiny Qwen3, bf16, seed 0 (src/model/synth.ts)
 *   <outdir>/qwen3-w256   — the same with hidden 256 / intermediate 512 / head_dim 64, so every linear
 *                           has whole 128-blocks (INT4 block 128, FP8 2-D 128x128 need that)
 * and prints {name: {dir, safetensors sha256}} as JSON so the golden index can pin them.
 * Run: node --import tsx tools/oracle/make_inputs.ts tools/oracle/out
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertLlama2c } from '../../src/model/llama2c.js';
import { synthCheckpoint } from '../../src/model/synth.js';
import { SYNTH_PRESETS } from '../../src/model/synth-presets.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const storiesDir = resolve(repoRoot, '../shared/assets/stories260K');
const outDir = resolve(process.argv[2] ?? join(repoRoot, 'tools/oracle/out'));

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

const stories = convertLlama2c({
  modelFile: join(storiesDir, 'stories260K.bin'),
  tokenizerFile: join(storiesDir, 'tok512.bin'),
  outDir: join(outDir, 'stories260K'),
  dtype: 'f32',
  overwrite: true,
});
const qwen = synthCheckpoint({
  arch: 'qwen3',
  preset: 'tiny',
  outDir: join(outDir, 'qwen3-tiny'),
  seed: 0,
  dtype: 'bf16',
  overwrite: true,
});

// Not a shipped preset: registered here only, from the tiny one, for block-aligned shapes.
SYNTH_PRESETS.qwen3['oracle-w256'] = {
  ...SYNTH_PRESETS.qwen3.tiny,
  hidden_size: 256,
  intermediate_size: 512,
  head_dim: 64,
};
const wide = synthCheckpoint({
  arch: 'qwen3',
  preset: 'oracle-w256',
  outDir: join(outDir, 'qwen3-w256'),
  seed: 0,
  dtype: 'bf16',
  overwrite: true,
});

const report: Record<string, { dir: string; files: Record<string, string> }> = {};
for (const [name, dir, files] of [
  ['stories260K', stories.outDir, ['model.safetensors']],
  ['qwen3-tiny', qwen.outDir, qwen.files],
  ['qwen3-w256', wide.outDir, wide.files],
] as const) {
  report[name] = {
    dir,
    files: Object.fromEntries(files.map((f) => [f, sha256(join(dir, f))])),
  };
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
