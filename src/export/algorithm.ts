/**
 * The calibration algorithms the data-free export runs: `max` (also `null`, no calibration) and
 * `mse` weight refinement. Everything else stops before any work, naming the algorithm.
 */
import { MoptError } from '../errors.js';
import { PyFloat } from '../recipe/pyvalue.js';
import type { AlgorithmSpec } from '../recipe/types.js';
import type { MseOptions } from '../quant/calib-weights/mse.js';

export type WeightCalibration = { method: 'max' } | { method: 'mse'; options: MseOptions };

const MSE_KEYS = ['step_size', 'start_multiplier', 'stop_multiplier'] as const;

function methodOf(spec: AlgorithmSpec): string | null {
  if (spec === null || typeof spec === 'string') return spec;
  if (spec instanceof Map) {
    const m = spec.get('method');
    return m === undefined || m === null ? null : String(m);
  }
  return 'list';
}

function unsupported(name: string): MoptError {
  return new MoptError(
    'E_ALGORITHM_UNSUPPORTED',
    `calibration algorithm '${name}' is not supported yet; data-free export runs 'max' (or null) and 'mse'`,
    {
      hint: 'use a recipe whose quantize.algorithm is max or mse, or override it with --set quantize.algorithm=max',
    },
  );
}

/** Reads quantize.algorithm into the weight calibration to run. */
export function weightCalibration(spec: AlgorithmSpec): WeightCalibration {
  if (Array.isArray(spec)) {
    if (spec.length === 1) return weightCalibration(spec[0]!);
    throw unsupported(`a list of ${spec.length} algorithms`);
  }
  const method = methodOf(spec);
  if (method === null || method === 'max') return { method: 'max' };
  if (method !== 'mse') throw unsupported(method);
  const options: MseOptions = {};
  if (spec instanceof Map) {
    for (const key of MSE_KEYS) {
      const v = spec.get(key);
      if (typeof v === 'number') options[key] = v;
      else if (v instanceof PyFloat) options[key] = v.value;
    }
    const sweep = spec.get('fp8_scale_sweep');
    if (sweep === true) options.fp8_scale_sweep = true;
  }
  return { method: 'mse', options };
}

/** A short label for summaries: `max`, `none`, `mse`, `mse (fp8_scale_sweep)`. */
export function algorithmLabel(spec: AlgorithmSpec): string {
  const method = methodOf(spec);
  if (method === null) return 'none';
  if (method !== 'mse' || !(spec instanceof Map)) return method;
  return spec.get('fp8_scale_sweep') === true ? 'mse (fp8_scale_sweep)' : 'mse';
}
