/**
 * Perplexity of a model over fixed, non-overlapping windows of one token stream (evalWindows), for the original
 * model, the recipe simulated by fake quantization (weights and activations, as ModelOpt's quantized model
 * computes), and an exported checkpoint dequantized on load. Every variant scores the same tokens.
 */
import { perplexity } from '../model/forward/perplexity.js';
import { ReferenceModel } from '../model/forward/reference.js';
import type { ForwardObserver, WeightTransform } from '../model/forward/observer.js';
import type { QuantPlan } from '../quant/plan/index.js';
import type { ActivationStats } from './activation-stats.js';
import type { EvalWindows } from './data/index.js';
import { openDequantized } from './dequantize.js';
import { simulatedActivations, simulatedWeights, type WeightMethod } from './simulate.js';

export interface EvalRow {
  variant: string;
  perplexity: number;
  /** Mean negative log-likelihood per scored token (nats). */
  nll: number;
  /** perplexity − the original's (null for the original itself). */
  delta: number | null;
  /** Tokens scored. */
  tokens: number;
  elapsedMs: number;
}

export interface EvalVariant {
  label: string;
  /** Builds the model and the observer to score with (closed after use). */
  open(): { model: ReferenceModel; observer: ForwardObserver | null };
}

/** The original checkpoint. */
export function originalVariant(modelDir: string): EvalVariant {
  return { label: 'original', open: () => ({ model: ReferenceModel.open(modelDir), observer: null }) };
}

/** The recipe simulated on the original weights: fake-quantized weights and calibrated activations. */
export function fakeQuantVariant(
  modelDir: string,
  label: string,
  plan: QuantPlan,
  stats: ActivationStats,
  weights: WeightMethod = { method: 'max' },
): EvalVariant {
  return {
    label,
    open: () => {
      const model = ReferenceModel.open(modelDir);
      const read = (t: string): Float32Array => model.checkpoint.readTensorF32(t);
      const weightTransform: WeightTransform = simulatedWeights(plan, weights, read);
      model.setWeightTransform(weightTransform);
      return { model, observer: simulatedActivations(plan, stats) };
    },
  };
}

/** An exported unified HF checkpoint, dequantized on load, with its activation scales applied. */
export function exportedVariant(exportDir: string, label = 'exported'): EvalVariant {
  return {
    label,
    open: () => {
      const d = openDequantized(exportDir);
      try {
        return { model: new ReferenceModel(d.checkpoint), observer: d.activations };
      } catch (err) {
        d.checkpoint.close();
        throw err;
      }
    },
  };
}

export interface EvaluateOptions {
  /** Rows per forward (windows are equal length). Default 4. */
  batchSize?: number;
  onVariant?: (label: string, index: number, total: number) => void;
}

/** Scores every variant on the same windows; the first one is the baseline for Δ. */
export function evaluateVariants(
  variants: readonly EvalVariant[],
  windows: EvalWindows,
  opts: EvaluateOptions = {},
): EvalRow[] {
  const window = windows.windows[0]!.length;
  const stream: number[] = [];
  for (const w of windows.windows) for (const id of w) stream.push(id);
  const rows: EvalRow[] = [];
  variants.forEach((v, i) => {
    opts.onVariant?.(v.label, i, variants.length);
    const t0 = performance.now();
    const { model, observer } = v.open();
    try {
      const r = perplexity(model, stream, { window, batchSize: opts.batchSize ?? 4, observer });
      rows.push({
        variant: v.label,
        perplexity: r.perplexity,
        nll: r.nll,
        delta: i === 0 ? null : r.perplexity - rows[0]!.perplexity,
        tokens: r.predicted,
        elapsedMs: performance.now() - t0,
      });
    } finally {
      model.close();
    }
  });
  return rows;
}
