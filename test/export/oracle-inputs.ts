/**
 * The quant oracle's inputs, remade with the same mopt functions and arguments as
 * tools/oracle/make_inputs.ts, and the recipes each golden case was quantized with.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadQuantizeInput } from '../../src/export/index.js';
import { convertLlama2c } from '../../src/model/llama2c.js';
import { synthCheckpoint } from '../../src/model/synth.js';
import type { QuantizeConfig } from '../../src/recipe/types.js';
import { repoRoot } from '../model/helpers.js';

export const QUANT_GOLDEN_DIR = join(repoRoot(), 'test/oracle-goldens/quant');
const storiesDir = resolve(repoRoot(), '../shared/assets/stories260K');

export const sha256 = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');
export const fileSha256 = (file: string): string => sha256(readFileSync(file));

/** Writes stories260K (f32), qwen3-tiny and qwen3-w256 (bf16, seed 0) under outDir; returns their folders. */
export function makeQuantOracleInputs(outDir: string): Record<string, string> {
  const stories = convertLlama2c({
    modelFile: join(storiesDir, 'stories260K.bin'),
    tokenizerFile: join(storiesDir, 'tok512.bin'),
    outDir: join(outDir, 'stories260K'),
    dtype: 'f32',
    overwrite: true,
  });
  const synth = (preset: string, name: string): string =>
    synthCheckpoint({
      arch: 'qwen3',
      preset,
      outDir: join(outDir, name),
      seed: 0,
      dtype: 'bf16',
      overwrite: true,
    }).outDir;
  return {
    stories260K: stories.outDir,
    'qwen3-tiny': synth('tiny', 'qwen3-tiny'),
    'qwen3-w256': synth('oracle-w256', 'qwen3-w256'),
  };
}

/** The oracle's FP8 weight-only config: preset fp8 with `*input_quantizer` disabled after its format entries. */
function fp8WeightOnly(): QuantizeConfig {
  const preset = loadQuantizeInput('configs/ptq/presets/model/fp8').quantize;
  const entries = [...preset.quant_cfg];
  const last = entries.findLastIndex((e) => e.cfg !== null && e.cfg !== undefined);
  const template = entries[last]!;
  entries.splice(last + 1, 0, { ...template, quantizer_name: '*input_quantizer', cfg: null, enable: false });
  return { ...preset, quant_cfg: entries };
}

/** The QuantizeConfig behind a golden case's `recipe_source`. */
export function oracleQuantizeConfig(recipeSource: string): QuantizeConfig {
  if (recipeSource === "configs/ptq/presets/model/fp8 + '*input_quantizer' disabled") return fp8WeightOnly();
  return loadQuantizeInput(recipeSource).quantize;
}
