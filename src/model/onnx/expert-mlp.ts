/**
 * Sparse-MoE blocks on ONNX Runtime: routing in TS exactly as the reference (`route`), each expert's SwiGLU
 * as one small graph run on the rows routed to it. The expert graph is shared by all experts and layers;
 * its points are named below the expert module (`w1.input_quantizer`, `gate_proj.output_quantizer`, ...).
 */
import type { MoeArch } from '../forward/arch.js';
import { route } from '../forward/moe.js';
import type { PointKind } from '../forward/observer.js';
import { runLinear, type PointScope } from '../forward/run-linear.js';
import type { MoeWeights } from '../forward/weights.js';
import { PointGraph, type PointGraphResult, type PointRequest } from './point-graph.js';

export const EXPERT_INPUTS = { x: 'x', rowValid: 'row_valid' } as const;
export const EXPERT_OUTPUT = 'y';

/** (suffix, kind) of an expert's points in the reference's visiting order: gate, up, down; input then output. */
export function expertPoints(moe: MoeArch): [string, PointKind][] {
  return moe.projections.flatMap((p) => [
    [`${p}.input_quantizer`, 'input'] as [string, PointKind],
    [`${p}.output_quantizer`, 'output'] as [string, PointKind],
  ]);
}

/** y = down(silu(gate(x)) · up(x)) for x [rows, hidden]. */
export function buildExpertMlpGraph(
  moe: MoeArch,
  hidden: number,
  points: readonly PointRequest[],
  weightType: 'float' | 'float16' = 'float',
): PointGraphResult {
  const pg = new PointGraph('expert_mlp', {
    points,
    weightType,
    rowValid: { name: EXPERT_INPUTS.rowValid, dims: ['tokens'] },
  });
  const g = pg.g;
  const [gateName, upName, downName] = moe.projections;
  const I = moe.intermediate;
  const x = g.input(EXPERT_INPUTS.x, 'float', ['tokens', hidden]);
  const gate = pg.linear(x, gateName, I, hidden, false);
  const up = pg.linear(x, upName, I, hidden, false);
  const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
  g.output(pg.linear(act, downName, hidden, I, false), ['tokens', hidden], EXPERT_OUTPUT);
  return pg.result();
}

/** Runs expert `e` of the block on `rows` rows of x; rowValid marks their real tokens. */
export type ExpertRunner = (
  e: number,
  x: Float32Array,
  rows: number,
  rowValid: Uint8Array | null,
) => Promise<Float32Array>;

const f = Math.fround;

/**
 * The sparse MoE block with the reference's arithmetic: router (TS, its points visited), top-k routing, each
 * routed expert on its rows (all rows with `allExperts`, output of unrouted rows discarded), weighted sum
 * in expert order.
 */
export async function sparseMoeOnnx(
  w: MoeWeights,
  x: Float32Array,
  tokens: number,
  hidden: number,
  scope: PointScope,
  allExperts: boolean,
  runExpert: ExpertRunner,
): Promise<Float32Array> {
  const { numExperts, topK, normTopK } = w.arch;
  const routing = route(runLinear(w.router, x, tokens, scope), tokens, numExperts, topK, normTopK);
  const out = new Float32Array(tokens * hidden);
  for (let e = 0; e < numExperts; e++) {
    const rows: number[] = [];
    const slot: number[] = [];
    for (let t = 0; t < tokens; t++)
      for (let k = 0; k < topK; k++)
        if (routing.experts[t * topK + k] === e) {
          rows.push(t);
          slot.push(k);
        }
    if (rows.length === 0 && !allExperts) continue;
    const valid = scope.rowValid;
    const input = allExperts ? x : gather(x, rows, hidden);
    const rowValid = valid === null ? null : allExperts ? valid : Uint8Array.from(rows, (t) => valid[t]!);
    const y = await runExpert(e, input, allExperts ? tokens : rows.length, rowValid);
    rows.forEach((t, r) => {
      const weight = routing.weights[t * topK + slot[r]!]!;
      const src = (allExperts ? t : r) * hidden;
      const dst = t * hidden;
      for (let i = 0; i < hidden; i++) out[dst + i] = f(out[dst + i]! + f(y[src + i]! * weight));
    });
  }
  return out;
}

function gather(x: Float32Array, rows: number[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((t, r) => out.set(x.subarray(t * width, (t + 1) * width), r * width));
  return out;
}
