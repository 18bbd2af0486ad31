/** The SwiGLU MLP of Llama-family models: down(silu(gate(x)) · up(x)). */
import { runLinear, type PointScope } from './run-linear.js';
import type { GatedMlpWeights } from './weights.js';

const f = Math.fround;

/** silu(gate) · up, elementwise, in float32 (silu(g) = g · sigmoid(g)). */
export function siluMul(
  gate: Float32Array,
  up: Float32Array,
  out: Float32Array = new Float32Array(gate.length),
): Float32Array {
  for (let i = 0; i < gate.length; i++) {
    const g = gate[i]!;
    out[i] = f(f(g / (1 + Math.exp(-g))) * up[i]!);
  }
  return out;
}

export function gatedMlp(w: GatedMlpWeights, x: Float32Array, rows: number, scope: PointScope): Float32Array {
  const gate = runLinear(w.gate, x, rows, scope);
  const up = runLinear(w.up, x, rows, scope);
  const act = siluMul(gate, up);
  return runLinear(w.down, act, rows, scope);
}
