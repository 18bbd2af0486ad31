/**
 * `mopt quantize` with no arguments: a built-in demo. A tiny Llama is generated from a fixed seed by synth.ts
 * (random weights and the synthetic tokenizer, so it copies nobody's weights) into a cache folder under the
 * OS temp dir, calibrated on the first half of the built-in text, and scored on the second half.
 */
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_CALIB_TEXT, evalWindows } from '../../calib/data/index.js';
import { evalTokens } from '../../calib/eval-text.js';
import { evaluateVariants, exportedVariant, originalVariant, type EvalRow } from '../../calib/evaluate.js';
import { synthCheckpoint } from '../../model/synth.js';
import type { ModelTokenizer } from '../../model/tokenizer.js';

export const DEFAULT_RECIPE = 'general/ptq/fp8_default-kv_fp8';
const SEED = 1234;
/** Bump when the generated model changes, so stale caches are not reused. */
const CACHE_NAME = `mopt-default-llama-tiny-seed${SEED}-bf16-v1`;
const EVAL_WINDOW = 128;
/** Enough held-apart tokens to show a difference, few enough to finish in about a second. */
const EVAL_MAX_WINDOWS = 24;

export interface DefaultModel {
  modelDir: string;
  /** The first half of the built-in passage (calibration). */
  calibText: string;
  /** The second half (held apart for perplexity). */
  evalText: string;
}

/** The cached demo model, generated (atomically, so parallel runs agree) when missing. */
export function ensureDefaultModel(): DefaultModel {
  const root = join(tmpdir(), CACHE_NAME);
  const modelDir = join(root, 'model');
  const calibText = join(root, 'calib.txt');
  const evalText = join(root, 'heldout.txt');
  if (!existsSync(join(modelDir, 'model.safetensors')) || !existsSync(evalText)) {
    const staging = mkdtempSync(join(tmpdir(), `${CACHE_NAME}.partial-`));
    try {
      synthCheckpoint({
        arch: 'llama',
        preset: 'tiny',
        outDir: join(staging, 'model'),
        seed: SEED,
        dtype: 'bf16',
      });
      const half = BUILTIN_CALIB_TEXT.lastIndexOf('\n\n', Math.floor(BUILTIN_CALIB_TEXT.length / 2));
      writeFileSync(join(staging, 'calib.txt'), BUILTIN_CALIB_TEXT.slice(0, half));
      writeFileSync(join(staging, 'heldout.txt'), BUILTIN_CALIB_TEXT.slice(half + 2));
      rmSync(root, { recursive: true, force: true });
      renameSync(staging, root);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      // another run finished the cache first
      if (!existsSync(join(modelDir, 'model.safetensors'))) throw err;
    }
  }
  return { modelDir, calibText, evalText };
}

/** A fresh export folder under the OS temp dir. */
export function freshExportPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'mopt-quantize-')), 'export');
}

/** Perplexity of the original and the exported (dequantized on load) model on the held-apart text. */
export function defaultQuality(
  model: DefaultModel,
  tok: ModelTokenizer,
  exportPath: string,
): { rows: EvalRow[]; windows: number; window: number } {
  const ids = evalTokens(tok, model.evalText);
  const all = evalWindows(ids, EVAL_WINDOW, {
    ...(tok.bosId === undefined ? {} : { bosId: tok.bosId }),
    source: model.evalText,
  });
  const windows = { ...all, windows: all.windows.slice(0, EVAL_MAX_WINDOWS) };
  const rows = evaluateVariants([originalVariant(model.modelDir), exportedVariant(exportPath)], windows);
  return { rows, windows: windows.windows.length, window: EVAL_WINDOW };
}

export function qualityLine(q: { rows: EvalRow[]; windows: number; window: number }): string {
  const [orig, exp] = q.rows;
  const pct = ((exp!.perplexity / orig!.perplexity - 1) * 100).toFixed(2);
  return (
    `quality (perplexity on held-apart built-in text, ${q.windows} windows of ${q.window}): ` +
    `original ${orig!.perplexity.toFixed(3)}, exported ${exp!.perplexity.toFixed(3)} (${pct}%)\n`
  );
}
