/**
 * One short greedy continuation, from the original model or from a recipe simulated by fake quantization
 * (the weights and calibrated activations ModelOpt's quantized model computes with): what `mopt quantize`
 * prints before/after, as hf_ptq.py does.
 */
import { generateGreedy } from '../model/forward/generate.js';
import { ReferenceModel } from '../model/forward/reference.js';
import type { ModelTokenizer } from '../model/tokenizer.js';
import type { QuantPlan } from '../quant/plan/index.js';
import type { ActivationStats } from './activation-stats.js';
import { simulatedActivations, simulatedWeights, type WeightMethod } from './simulate.js';

export interface SimulatedModel {
  plan: QuantPlan;
  stats: ActivationStats;
  weights: WeightMethod;
}

export interface GreedySample {
  /** Prompt and continuation, special tokens skipped. */
  text: string;
  newTokens: number;
  elapsedMs: number;
}

/** Greedy decoding of `promptIds` on the reference forward; `sim` fake-quantizes weights and activations. */
export function greedySample(
  modelDir: string,
  tok: Pick<ModelTokenizer, 'decode' | 'eosId'>,
  promptIds: readonly number[],
  maxNewTokens: number,
  sim: SimulatedModel | null = null,
): GreedySample {
  const t0 = performance.now();
  const model = ReferenceModel.open(modelDir, { residentWeights: true });
  try {
    if (sim) {
      const read = (t: string): Float32Array => model.checkpoint.readTensorF32(t);
      model.setWeightTransform(simulatedWeights(sim.plan, sim.weights, read));
    }
    const out = generateGreedy(model, promptIds, maxNewTokens, {
      ...(tok.eosId === undefined ? {} : { eosTokenIds: [tok.eosId] }),
      observer: sim ? simulatedActivations(sim.plan, sim.stats) : null,
    });
    return {
      text: tok.decode([...promptIds, ...out], { skipSpecial: true }),
      newTokens: out.length,
      elapsedMs: performance.now() - t0,
    };
  } finally {
    model.close();
  }
}
