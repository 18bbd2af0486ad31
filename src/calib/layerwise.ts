/**
 * The layer-by-layer calibration pass: every batch is embedded, then layer 0 runs on all batches, then layer 1,
 * and so on. Only the current layer's weights and one hidden state per batch are held (memory = one layer +
 * the calibration activations). Statistics come from ForwardObservers, so algorithms add observers (amax,
 * per-channel abs-mean, Hessians) without touching the forward.
 */
import { MoptError } from '../errors.js';
import type { CalibBatch } from './data/index.js';
import type { BatchInput, ForwardContext } from '../model/forward/context.js';
import type { ForwardArch } from '../model/forward/arch.js';
import type { ForwardObserver } from '../model/forward/observer.js';
import { ReferenceModel } from '../model/forward/reference.js';
import { OnnxModel } from '../model/onnx/runner.js';

export type CalibEngine = 'onnx' | 'reference';

/** What the pass needs from a forward engine; ReferenceModel and OnnxModel both fit. */
export interface LayerEngine {
  readonly arch: ForwardArch;
  context(input: BatchInput): ForwardContext;
  embed(ids: ArrayLike<number>): Float32Array;
  runLayer(l: number, hidden: Float32Array, ctx: ForwardContext): Float32Array | Promise<Float32Array>;
  finalNormAndLogits(
    hidden: Float32Array,
    ctx: ForwardContext,
    rows?: ArrayLike<number>,
  ): Float32Array | Promise<Float32Array>;
}

export interface OpenedEngine {
  engine: LayerEngine;
  kind: CalibEngine;
  close(): Promise<void>;
}

/** Opens the model on ONNX Runtime, or on the TS reference when asked or when ORT cannot load (warned). */
export async function openEngine(
  modelDir: string,
  kind: CalibEngine,
  onWarning: (message: string) => void,
): Promise<OpenedEngine> {
  if (kind === 'onnx') {
    try {
      const m = await OnnxModel.open(modelDir);
      return { engine: m, kind: 'onnx', close: () => m.close() };
    } catch (err) {
      if (!(err instanceof MoptError) || err.code !== 'onnxruntime-unavailable') throw err;
      onWarning(`${err.message}; calibrating with the TypeScript reference forward (slower)`);
    }
  }
  const m = ReferenceModel.open(modelDir);
  return { engine: m, kind: 'reference', close: async () => m.close() };
}

export interface LayerwiseProgress {
  /** Layers done (the head counts as one more step when it runs). */
  step: number;
  steps: number;
  tokens: number;
  elapsedMs: number;
}

export interface LayerwiseOptions {
  observer: ForwardObserver;
  /** Also run the final norm and lm_head (only when an lm_head quantizer needs data). */
  runHead?: boolean;
  onProgress?: (p: LayerwiseProgress) => void;
  /** Aborting stops the pass after the current batch with E_INTERRUPTED. */
  signal?: AbortSignal;
}

/** The error an aborted calibration or export ends with (the CLI exits 130). */
export function interrupted(what: string): MoptError {
  return new MoptError('E_INTERRUPTED', `interrupted during ${what}`, { exitCode: 1 });
}

/** Lets the event loop run (signal handlers) between batches, even when the engine is synchronous. */
async function checkpointAbort(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal.aborted) throw interrupted('calibration');
}

/** Runs all batches through the model one layer at a time, visiting the observer at every point. */
export async function runLayerwise(
  engine: LayerEngine,
  batches: readonly CalibBatch[],
  opts: LayerwiseOptions,
): Promise<void> {
  const t0 = performance.now();
  const tokens = batches.reduce((n, b) => n + b.batch * b.seq, 0);
  const layers = engine.arch.layers;
  const steps = layers + (opts.runHead ? 1 : 0);
  const contexts = batches.map((b) =>
    engine.context({ batch: b.batch, seq: b.seq, attentionMask: b.attentionMask, observer: opts.observer }),
  );
  const hidden = batches.map((b) => engine.embed(b.ids));
  const report = (step: number): void =>
    opts.onProgress?.({ step, steps, tokens, elapsedMs: performance.now() - t0 });
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < batches.length; i++) {
      await checkpointAbort(opts.signal);
      hidden[i] = await engine.runLayer(l, hidden[i]!, contexts[i]!);
    }
    report(l + 1);
  }
  if (opts.runHead) {
    for (let i = 0; i < batches.length; i++) {
      await checkpointAbort(opts.signal);
      await engine.finalNormAndLogits(hidden[i]!, contexts[i]!);
    }
    report(steps);
  }
}
