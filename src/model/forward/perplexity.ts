/**
 * Perplexity of a token stream under the reference forward.
 * Windows: window k covers ids[k·stride, min(k·stride + window, n)); the last window is the first that reaches
 * the end (a final window of a single token predicts nothing and is dropped). Inside a window each token is predicted from the tokens before it in that window only, so the first
 * token of every window is never predicted. A token is scored once, by the first window that predicts it:
 * with stride = window (the default) windows do not overlap and every token except each window's first is
 * scored; with stride < window the overlap only supplies context. Result: mean NLL (natural log) over the
 * scored tokens, and exp of it.
 */
import { MoptError } from '../../errors.js';
import type { ForwardObserver } from './observer.js';
import type { ReferenceModel } from './reference.js';

export interface PerplexityOptions {
  window: number;
  /** Start-to-start distance of windows, 1..window (default: window, i.e. non-overlapping). */
  stride?: number;
  /** Equal-length windows run together in batches of this many rows (default 1). */
  batchSize?: number;
  observer?: ForwardObserver | null;
}

export interface PerplexityResult {
  /** Mean negative log-likelihood per scored token (nats). */
  nll: number;
  perplexity: number;
  /** Number of scored (predicted) tokens. */
  predicted: number;
  windows: number;
}

interface Window {
  start: number;
  end: number;
  /** First position this window scores (> start). */
  scoreFrom: number;
}

export function perplexityWindows(n: number, window: number, stride: number): Window[] {
  const out: Window[] = [];
  let scored = 1;
  for (let start = 0; scored < n; start += stride) {
    const end = Math.min(start + window, n);
    const scoreFrom = Math.max(start + 1, scored);
    if (scoreFrom < end) out.push({ start, end, scoreFrom }); // a 1-token tail predicts nothing
    scored = end;
  }
  return out;
}

export function perplexity(
  model: ReferenceModel,
  ids: readonly number[],
  opts: PerplexityOptions,
): PerplexityResult {
  const { window } = opts;
  const stride = opts.stride ?? window;
  const batchSize = opts.batchSize ?? 1;
  if (!Number.isInteger(window) || window < 2)
    throw new MoptError('bad-perplexity', `window must be an integer >= 2, got ${window}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > window)
    throw new MoptError(
      'bad-perplexity',
      `stride must be an integer in 1..${window} (the window), got ${stride}`,
    );
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new MoptError('bad-perplexity', `batchSize must be a positive integer, got ${batchSize}`);
  if (ids.length < 2)
    throw new MoptError('bad-perplexity', `perplexity needs at least 2 tokens, got ${ids.length}`);
  const windows = perplexityWindows(ids.length, window, stride);
  const V = model.arch.vocab;
  let nll = 0;
  let predicted = 0;
  for (let i = 0; i < windows.length;) {
    const len = windows[i]!.end - windows[i]!.start;
    const group: Window[] = [];
    while (i < windows.length && group.length < batchSize && windows[i]!.end - windows[i]!.start === len)
      group.push(windows[i++]!);
    const batchIds: number[] = [];
    const rows: number[] = [];
    const targets: number[] = [];
    group.forEach((w, b) => {
      for (let p = w.start; p < w.end; p++) batchIds.push(ids[p]!);
      for (let p = w.scoreFrom; p < w.end; p++) {
        rows.push(b * len + (p - 1 - w.start));
        targets.push(ids[p]!);
      }
    });
    const logits = model.forward(
      batchIds,
      { batch: group.length, seq: len, observer: opts.observer ?? null },
      rows,
    );
    targets.forEach((target, r) => {
      nll += negLogLikelihood(logits, r * V, V, target);
    });
    predicted += targets.length;
  }
  const mean = nll / predicted;
  return { nll: mean, perplexity: Math.exp(mean), predicted, windows: windows.length };
}

/** -log softmax(row)[target], in float64 with the max subtracted. */
export function negLogLikelihood(
  logits: Float32Array,
  offset: number,
  vocab: number,
  target: number,
): number {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[offset + v]!);
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[offset + v]! - max);
  return Math.log(sum) + max - logits[offset + target]!;
}
