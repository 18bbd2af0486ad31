/**
 * Sparse MoE block as HF's Mixtral / Qwen3-MoE (transformers 4.x) compute it: router logits, softmax in
 * float32, top-k (ties to the lower expert index), optional renormalisation of the k weights, then each
 * expert's SwiGLU on its routed tokens, scaled by its weight and summed in expert order.
 */
import { gatedMlp } from './mlp.js';
import { runLinear, type PointScope } from './run-linear.js';
import type { MoeWeights } from './weights.js';

const f = Math.fround;

export interface Routing {
  /** [tokens, topK] expert indices, most probable first. */
  experts: Int32Array;
  /** [tokens, topK] routing weights (renormalised when the block says so). */
  weights: Float32Array;
}

/** softmax(logits) per row, then the top-k experts and their (optionally renormalised) weights. */
export function route(
  logits: Float32Array,
  tokens: number,
  numExperts: number,
  topK: number,
  normTopK: boolean,
): Routing {
  const experts = new Int32Array(tokens * topK);
  const weights = new Float32Array(tokens * topK);
  const probs = new Float32Array(numExperts);
  const taken = new Uint8Array(numExperts);
  for (let t = 0; t < tokens; t++) {
    const row = t * numExperts;
    let max = -Infinity;
    for (let e = 0; e < numExperts; e++) max = Math.max(max, logits[row + e]!);
    let sum = 0;
    for (let e = 0; e < numExperts; e++) {
      probs[e] = Math.exp(logits[row + e]! - max);
      sum += probs[e]!;
    }
    for (let e = 0; e < numExperts; e++) probs[e] = f(probs[e]! / sum);
    taken.fill(0);
    let kept = 0;
    for (let k = 0; k < topK; k++) {
      let best = -1;
      for (let e = 0; e < numExperts; e++) if (!taken[e] && (best < 0 || probs[e]! > probs[best]!)) best = e;
      taken[best] = 1;
      experts[t * topK + k] = best;
      weights[t * topK + k] = probs[best]!;
      kept += probs[best]!;
    }
    if (normTopK) for (let k = 0; k < topK; k++) weights[t * topK + k] = f(weights[t * topK + k]! / f(kept));
  }
  return { experts, weights };
}

export interface MoeOptions {
  /** Also run every expert on every token (its output is discarded) so observers see all experts. */
  allExperts: boolean;
}

export function sparseMoe(
  w: MoeWeights,
  x: Float32Array,
  tokens: number,
  hidden: number,
  scope: PointScope,
  opts: MoeOptions,
): Float32Array {
  const { numExperts, topK, normTopK } = w.arch;
  const logits = runLinear(w.router, x, tokens, scope);
  const routing = route(logits, tokens, numExperts, topK, normTopK);
  const out = new Float32Array(tokens * hidden);
  const slot = new Int32Array(tokens);
  for (let e = 0; e < numExperts; e++) {
    // rows routed to e, in token order, and where e sits in each row's top-k
    const rows: number[] = [];
    for (let t = 0; t < tokens; t++) {
      for (let k = 0; k < topK; k++) {
        if (routing.experts[t * topK + k] === e) {
          slot[rows.length] = k;
          rows.push(t);
        }
      }
    }
    if (rows.length === 0 && !opts.allExperts) continue;
    const all = opts.allExperts;
    const n = all ? tokens : rows.length;
    const input = all ? x : gatherRows(x, rows, hidden);
    const rowValid =
      scope.rowValid === null
        ? null
        : all
          ? scope.rowValid
          : Uint8Array.from(rows, (t) => scope.rowValid![t]!);
    const y = gatedMlp(w.experts[e]!, input, n, { ...scope, expert: e, rowValid });
    rows.forEach((t, r) => {
      const weight = routing.weights[t * topK + slot[r]!]!;
      const src = (all ? t : r) * hidden;
      const dst = t * hidden;
      for (let i = 0; i < hidden; i++) out[dst + i] = f(out[dst + i]! + f(y[src + i]! * weight));
    });
  }
  return out;
}

function gatherRows(x: Float32Array, rows: number[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((t, r) => out.set(x.subarray(t * width, (t + 1) * width), r * width));
  return out;
}
