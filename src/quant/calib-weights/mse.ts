/**
 * Data-free `mse` weight calibration (§3.2): starting from the max amax, try candidate amaxes and
 * keep, per amax group (tensor / channel / block), the one whose fake-quant error is smallest.
 */

import { MoptError } from '../../errors.js';
import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import { fround } from '../formats/float32.js';
import { groupIndex } from '../quantizer/amax.js';
import { fakeQuantSpec } from '../quantizer/fake-quant.js';
import { quantSpec } from '../quantizer/spec.js';
import { fp8SweepCandidates, mseMultipliers } from './grid.js';
import type { WeightAmax } from './max.js';

export interface MseOptions {
  step_size?: number;
  start_multiplier?: number;
  stop_multiplier?: number;
  fp8_scale_sweep?: boolean;
}

/**
 * Refines `initial` (from maxCalibrateWeight) for one weight. Dynamic and MX quantizers have
 * nothing to refine and are rejected; with fp8_scale_sweep only static NVFP4 is swept and every
 * other quantizer keeps its max amax. Losses are summed in float64 (ModelOpt sums float32 on the
 * GPU in an unspecified order, so only near-exact ties could differ); ties keep the first candidate.
 */
export function mseCalibrateWeight(
  w: Float32Array,
  shape: readonly number[],
  cfg: QuantizerAttributeConfig,
  initial: WeightAmax,
  opts: MseOptions = {},
): WeightAmax {
  const spec = quantSpec(cfg, shape);
  const f = spec.format;
  if (f.kind === 'mx' || spec.dynamic || (f.kind === 'nvfp4' && f.dynamic)) {
    throw new MoptError(
      'QUANT_CALIB',
      'mse calibration refines only static weight quantizers (not dynamic or MX ones)',
      { exitCode: 1 },
    );
  }
  const isStaticNvfp4 = f.kind === 'nvfp4';
  const globalAmax = initial.globalAmax;
  const fqOpts = globalAmax === undefined ? {} : { globalAmax };
  const groups = groupIndex(spec.granularity, shape);
  const nGroups = initial.amax.length;

  let candidates: Float32Array;
  let candidateAmax: (k: number, c: number) => number;
  if (opts.fp8_scale_sweep) {
    if (!isStaticNvfp4) return { ...initial, amax: Float32Array.from(initial.amax) };
    const g = globalAmax ?? 0;
    candidates = fp8SweepCandidates();
    candidateAmax = (_k, c) => fround(g * c); // per-block amax = global_amax * v/448
  } else {
    candidates = mseMultipliers(
      opts.start_multiplier ?? 0.25,
      opts.stop_multiplier ?? 4.0,
      opts.step_size ?? 0.1,
    );
    candidateAmax = (k, c) => fround(initial.amax[k]! * c);
  }

  const best = Float32Array.from(initial.amax);
  const bestLoss = new Float64Array(nGroups).fill(Infinity);
  const loss = new Float64Array(nGroups);
  const cand = new Float32Array(nGroups);
  const y = new Float32Array(w.length);
  for (const c of candidates) {
    for (let k = 0; k < nGroups; k++) cand[k] = candidateAmax(k, c);
    fakeQuantSpec(w, shape, spec, cand, fqOpts, y);
    loss.fill(0);
    for (let i = 0; i < w.length; i++) {
      const d = w[i]! - y[i]!;
      const k = groups === null ? 0 : groups[i]!;
      loss[k] = loss[k]! + d * d;
    }
    for (let k = 0; k < nGroups; k++) {
      if (loss[k]! < bestLoss[k]!) {
        bestLoss[k] = loss[k]!;
        best[k] = cand[k]!;
      }
    }
  }
  return { amax: best, shape: [...initial.shape], ...(globalAmax === undefined ? {} : { globalAmax }) };
}
