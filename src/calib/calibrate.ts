/**
 * `max` calibration of a plan's activation quantizers over calibration batches (quant-engine §3.1): pick the
 * quantizers that need data, run the layer-by-layer pass with an amax observer (padding included, as ModelOpt),
 * then apply the MoE sync and no-token fallbacks. Weights need no data and are calibrated at export.
 */
import type { CalibBatch } from './data/index.js';
import type { QuantPlan } from '../quant/plan/index.js';
import type { ForwardObserver } from '../model/forward/observer.js';
import { forwardArch } from '../model/forward/arch.js';
import { openCheckpoint } from '../model/checkpoint.js';
import { ActivationStatsObserver, type ActivationStats } from './activation-stats.js';
import { openEngine, runLayerwise, type CalibEngine, type LayerwiseProgress } from './layerwise.js';
import { finishExpertAmax } from './moe-fallback.js';
import { activationTargets } from './targets.js';

export interface CalibrateOptions {
  modelDir: string;
  plan: QuantPlan;
  /** From calibBatches(); all are held (as token ids) for the layer-by-layer pass. */
  batches: Iterable<CalibBatch>;
  /** Default 'onnx'; falls back to 'reference' (with a warning) when onnxruntime-node cannot load. */
  engine?: CalibEngine;
  onProgress?: (p: LayerwiseProgress) => void;
  /** Non-fatal notes: engine fallback, experts without tokens, quantizers the forward cannot feed. */
  onWarning?: (message: string) => void;
  /** More statistics to gather in the same pass (e.g. SmoothQuant abs-mean, GPTQ Hessians). */
  observers?: readonly ForwardObserver[];
  /** Aborting (e.g. on Ctrl-C) stops the pass between batches with E_INTERRUPTED. */
  signal?: AbortSignal;
}

export interface CalibrationResult {
  stats: ActivationStats;
  engine: CalibEngine;
  elapsedMs: number;
}

/** Sends every point to all observers (whole tensors; none of them may transform). */
function fanOut(observers: readonly ForwardObserver[]): ForwardObserver {
  return {
    wants: (name) => observers.some((o) => o.wants(name)),
    observe(name, x, shape, info) {
      for (const o of observers) if (o.wants(name)) o.observe?.(name, x, shape, info);
    },
  };
}

function emptyStats(): ActivationStats {
  return { amax: new Map(), expertTokens: new Map(), tokens: 0, realTokens: 0, fallbacks: new Map() };
}

export async function calibrateActivations(opts: CalibrateOptions): Promise<CalibrationResult> {
  const t0 = performance.now();
  const warn = opts.onWarning ?? (() => {});
  const targets = activationTargets(opts.plan);
  for (const p of opts.plan.slots)
    if (p.slot.kind === 'p_bmm' && p.enabled)
      warn(`${p.slot.name}: softmax (p_bmm) quantization is not simulated; it is left uncalibrated`);
  const batches = [...opts.batches];
  const extra = opts.observers ?? [];
  if (targets.length === 0 && extra.length === 0)
    return { stats: emptyStats(), engine: opts.engine ?? 'onnx', elapsedMs: performance.now() - t0 };

  const ckpt = openCheckpoint(opts.modelDir);
  const arch = (() => {
    try {
      return forwardArch(ckpt.config);
    } finally {
      ckpt.close();
    }
  })();
  const firstProjection = arch.moe.find((m) => m !== null)?.projections[0] ?? null;
  const stats = new ActivationStatsObserver(targets, firstProjection);
  const observer = extra.length === 0 ? stats : fanOut([stats, ...extra]);
  const opened = await openEngine(opts.modelDir, opts.engine ?? 'onnx', warn);
  try {
    await runLayerwise(opened.engine, batches, {
      observer,
      runHead: targets.some((t) => t.name.startsWith('lm_head.')),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } finally {
    await opened.close();
  }

  arch.moe.forEach((m, l) => {
    for (let e = 0; m !== null && e < m.numExperts; e++) {
      const key = `model.layers.${l}.${m.block}.experts.${e}`;
      if (!stats.expertTokens.has(key)) stats.expertTokens.set(key, 0);
    }
  });
  const fallbacks = finishExpertAmax(targets, stats.amax, stats.channelAmax);
  for (const [name, f] of fallbacks) warn(`${name}: ${f.reason}`);
  for (const t of targets)
    if (!stats.amax.has(t.name))
      warn(`${t.name}: the forward never reached this quantizer; it has no calibrated amax`);
  const channelTargets = targets.filter((t) => t.granularity === 'channel');
  const result: ActivationStats = {
    amax: stats.amax,
    expertTokens: stats.expertTokens,
    tokens: batches.reduce((n, b) => n + b.batch * b.seq, 0),
    realTokens: batches.reduce((n, b) => n + b.lengths.reduce((a, c) => a + c, 0), 0),
    fallbacks,
  };
  if (channelTargets.length > 0) result.channelAmax = stats.channelAmax;
  return { stats: result, engine: opened.kind, elapsedMs: performance.now() - t0 };
}
