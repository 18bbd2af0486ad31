/**
 * Candidate grids of the `mse` weight calibrator (§3.2): amax multipliers from torch.linspace in
 * float32, and the FP8 scale sweep over the 126 positive finite E4M3 values.
 */

import { MoptError } from '../../errors.js';
import { fround } from '../formats/float32.js';
import { E4M3_TABLE } from '../formats/fp8.js';

/**
 * n = ceil((stop - start) / step) + 1 (Python float math), then torch.linspace(start, stop, n) in
 * float32: step' = fp32((stop - start) / (n - 1)); the first half counts up from start, the second
 * half down from stop (torch's symmetric formula), each product and sum rounded to float32.
 */
export function mseMultipliers(start: number, stop: number, step: number): Float32Array {
  if (!(step > 0) || !(stop >= start)) {
    throw new MoptError(
      'QUANT_CALIB',
      `mse grid needs step_size > 0 and stop_multiplier >= start_multiplier (got start ${start}, stop ${stop}, step ${step})`,
    );
  }
  const n = Math.ceil((stop - start) / step) + 1;
  const out = new Float32Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const s0 = fround(start);
  const s1 = fround(stop);
  const d = fround(fround(s1 - s0) / (n - 1));
  const halfway = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    out[i] = i < halfway ? fround(s0 + fround(d * i)) : fround(s1 - fround(d * (n - i - 1)));
  }
  return out;
}

/** The 126 sweep candidates v / 448 for E4M3 bytes 0x01..0x7E, ascending. */
export function fp8SweepCandidates(): Float32Array {
  const out = new Float32Array(126);
  for (let code = 1; code <= 0x7e; code++) out[code - 1] = fround(E4M3_TABLE[code]! / 448);
  return out;
}
