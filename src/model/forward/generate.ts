/** Greedy decoding with a KV cache: one prefill pass over the prompt, then one token per step. */
import { MoptError } from '../../errors.js';
import { KvCache } from './context.js';
import type { ForwardObserver } from './observer.js';
import type { ReferenceModel } from './reference.js';

export interface GenerateOptions {
  /** Stop after emitting one of these ids (it is included in the result). */
  eosTokenIds?: readonly number[];
  observer?: ForwardObserver | null;
}

/** Index of the largest value (the first one on ties, like torch.argmax). */
export function argmax(x: Float32Array, start = 0, length = x.length - start): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (x[start + i]! > x[start + best]!) best = i;
  return best;
}

/**
 * The up to `maxNewTokens` ids that always take the arg-max logit after `promptIds` (prompt not included).
 * Open the model with `residentWeights: true`, or every step re-reads the weights.
 */
export function generateGreedy(
  model: ReferenceModel,
  promptIds: readonly number[],
  maxNewTokens: number,
  opts: GenerateOptions = {},
): number[] {
  if (promptIds.length === 0)
    throw new MoptError('bad-prompt', 'greedy generation needs at least one prompt token (e.g. BOS)');
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0)
    throw new MoptError('bad-prompt', `maxNewTokens must be a non-negative integer, got ${maxNewTokens}`);
  const out: number[] = [];
  if (maxNewTokens === 0) return out;
  const cache = new KvCache(model.arch, 1, promptIds.length + maxNewTokens);
  const eos = new Set(opts.eosTokenIds ?? []);
  const observer = opts.observer ?? null;
  let logits = model.forward(promptIds, { batch: 1, seq: promptIds.length, cache, observer }, [
    promptIds.length - 1,
  ]);
  for (;;) {
    const next = argmax(logits);
    out.push(next);
    if (out.length >= maxNewTokens || eos.has(next)) return out;
    logits = model.forward([next], { batch: 1, seq: 1, cache, observer });
  }
}
