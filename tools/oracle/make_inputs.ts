/**
 * Writes the two input checkpoints of the quant oracle with mopt's own model code:
 *   <outdir>/stories260K  — llama2.c stories260K converted to HF Llama, float32 (src/model/llama2c.ts)
 *   <outdir>/qwen3-tiny   — synthetic tiny Qwen3, bf16, seed 0 (src/model/synth.ts)
 *   <outdir>/qwen3-w256   — the same with hidden 256 / intermediate 512 / head_dim 64, so every linear
 *                           has whole 128-blocks (INT4 block 128, FP8 2-D 128x128 need that)
 *   <outdir>/<arch>-tiny-f32 — the tiny preset of every synthetic architecture, float32, seed 0 (logits oracle)
 *   <outdir>/mistral-tiny-f32-sw8 — the same Mistral with config.json sliding_window 8
 * and prints {name: {dir, safetensors sha256}} as JSON so the golden index can pin them. It also writes
 * <outdir>/fidelity-inputs.json: how each logits-oracle input was made (so a TS test can remake it), its
 * sha256, and the calibration token ids (CALIB_TEXT tokenized by stories260K's tokenizer).
 * Run: node --import tsx tools/oracle/make_inputs.ts tools/oracle/out
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertLlama2c } from '../../src/model/llama2c.js';
import { SpmBpeTokenizer } from '../../src/model/spm-bpe.js';
import { synthCheckpoint } from '../../src/model/synth.js';
import { SYNTH_ARCHS } from '../../src/model/synth-presets.js';

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

// qwen3/oracle-w256 (src/model/synth-presets.ts): the tiny preset with block-aligned shapes.
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

// Logits oracle: every tiny architecture in float32, so HF runs the same f32 math as the TS forward.
const fidelity: Record<string, { make: Record<string, unknown>; dir: string; sha256: string }> = {
  stories260K: {
    make: { kind: 'llama2c', dtype: 'f32' },
    dir: stories.outDir,
    sha256: report.stories260K!.files['model.safetensors']!,
  },
};
for (const arch of SYNTH_ARCHS) {
  const make = { kind: 'synth', arch, preset: 'tiny', seed: 0, dtype: 'f32' } as const;
  const res = synthCheckpoint({ ...make, outDir: join(outDir, `${arch}-tiny-f32`), overwrite: true });
  if (res.files.length !== 1)
    throw new Error(`${arch}: expected one safetensors file, got ${res.files.join(', ')}`);
  fidelity[`${arch}-tiny-f32`] = { make, dir: res.outDir, sha256: sha256(join(res.outDir, res.files[0]!)) };
}
// Mistral again with a window shorter than the oracle's 24 tokens: same weights, config.json patched after writing.
{
  const config = { sliding_window: 8 };
  const make = { kind: 'synth', arch: 'mistral', preset: 'tiny', seed: 0, dtype: 'f32', config } as const;
  const res = synthCheckpoint({ ...make, outDir: join(outDir, 'mistral-tiny-f32-sw8'), overwrite: true });
  const cfgFile = join(res.outDir, 'config.json');
  writeFileSync(
    cfgFile,
    `${JSON.stringify({ ...JSON.parse(readFileSync(cfgFile, 'utf8')), ...config }, null, 2)}\n`,
  );
  fidelity['mistral-tiny-f32-sw8'] = {
    make,
    dir: res.outDir,
    sha256: sha256(join(res.outDir, res.files[0]!)),
  };
}

// Calibration text (our own prose): rows of BOS + 63 tokens, cut from one tokenized stream.
const CALIB_TEXT = [
  'The morning was grey and the garden was wet. Anna put on her red boots and ran to the gate.',
  'A small brown dog was sitting under the old tree. It looked at her with big sad eyes.',
  '"Are you lost?" Anna asked. The dog wagged its tail and came closer. She gave it a piece of bread.',
  'Her brother Tom came out of the house. "Can we keep him?" he said. Mother laughed and shook her head.',
  '"We must find his family first," she said. So they walked down the road and asked every neighbour.',
  'The baker did not know the dog. The farmer had never seen it. At last an old man opened his door.',
  '"Max!" he cried, and the dog jumped into his arms. The old man was so happy that he gave the',
  'children a big jar of honey. Anna and Tom went home slowly. They were tired, but they smiled all',
  'the way, because they had helped a friend. That night Anna dreamed of a dog who could fly over the sea.',
].join(' ');
const CALIB_ROWS = 4;
const CALIB_SEQ = 64;
const tok = SpmBpeTokenizer.fromJson(
  JSON.parse(readFileSync(join(stories.outDir, 'tokenizer.json'), 'utf8')),
);
const stream = tok.encode(CALIB_TEXT, { addBos: false });
const need = CALIB_ROWS * (CALIB_SEQ - 1);
if (stream.length < need) throw new Error(`calibration text gives ${stream.length} tokens, need ${need}`);
const calibIds = Array.from({ length: CALIB_ROWS }, (_, r) => [
  1,
  ...stream.slice(r * (CALIB_SEQ - 1), (r + 1) * (CALIB_SEQ - 1)),
]);
writeFileSync(
  join(outDir, 'fidelity-inputs.json'),
  `${JSON.stringify({ models: fidelity, calib: { model: 'stories260K', text: CALIB_TEXT, input_ids: calibIds } }, null, 2)}\n`,
);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
