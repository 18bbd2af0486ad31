/**
 * Plain reference for FP8 export of a bf16 weight with the quotient rounded to bf16 before the
 * E4M3 cast ('bf16-intermediate', how torch evaluates bf16 W / float32 ws): one scalar step per
 * element, any granularity. The table path in real-quant-fast.ts must match it.
 */

import { bf16Decode, roundToBf16, type Fp8DivideMode } from '../formats/bf16-bits.js';
import { castE4M3Torch } from '../formats/fp8.js';
import { groupIndex } from './amax.js';
import { exportAmaxShape } from './export-amax.js';
import { resolveAmax, type AmaxInput } from './fake-quant.js';
import type { RealQuantResult } from './real-quant.js';
import type { QuantSpec } from './spec.js';

export function fp8ReferenceBf16(
  bits: Uint16Array,
  shape: readonly number[],
  spec: QuantSpec,
  amax: AmaxInput | undefined,
  mode: Fp8DivideMode,
): RealQuantResult {
  const w = bf16Decode(bits);
  const a = resolveAmax(w, shape, spec, amax);
  const ws = new Float32Array(a.length);
  for (let k = 0; k < a.length; k++) ws[k] = Math.fround(a[k]! / 448);
  const idx = groupIndex(spec.granularity, shape);
  const q = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const v = Math.fround(w[i]! / ws[idx === null ? 0 : idx[i]!]!);
    q[i] = castE4M3Torch(mode === 'f32' ? v : roundToBf16(v));
  }
  return {
    weight: { dtype: 'F8_E4M3', shape: [...shape], data: q },
    weight_scale: {
      dtype: 'F32',
      shape: spec.granularity.kind === 'tensor' ? [] : exportAmaxShape(spec, shape),
      data: ws,
    },
  };
}
