/**
 * Plain reference fake quant: one element at a time, amax groups from the multi-index, and the
 * table-search encoders. Slow on purpose; tests check fakeQuant against it bit for bit.
 */

import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import { ceilLog2, clamp, F32_MAX, fround, rint } from '../formats/float32.js';
import { E2M1_VALUES, e2m1IndexReference } from '../formats/fp4.js';
import { E2M3, E3M2 } from '../formats/fp6.js';
import { E4M3, E5M2 } from '../formats/fp8.js';
import { encodeReference, type MiniFloat } from '../formats/minifloat.js';
import { amaxShape } from './amax.js';
import { resolveAmax, scalarAmax, type AmaxInput, type FakeQuantOptions } from './fake-quant.js';
import { quantSpec, type Granularity } from './spec.js';

function e4m3(v: number): number {
  return E4M3.table[encodeReference(E4M3, v)]!;
}

/** amax index of flat element i (straight from the definitions in §2.2). */
function groupOf(i: number, g: Granularity, shape: readonly number[]): number {
  const rank = shape.length;
  const multi: number[] = [];
  let rest = i;
  for (let d = rank - 1; d >= 0; d--) {
    multi[d] = rest % shape[d]!;
    rest = Math.floor(rest / shape[d]!);
  }
  if (g.kind === 'tensor') return 0;
  if (g.kind === 'axis') {
    const as = amaxShape(g, shape);
    let k = 0;
    for (let d = 0; d < rank; d++) k = k * as[d]! + (g.keep.includes(d) ? multi[d]! : 0);
    return k;
  }
  const cols = shape[rank - 1]!;
  if (g.kind === 'block')
    return Math.floor(i / cols) * Math.ceil(cols / g.size) + Math.floor(multi[rank - 1]! / g.size);
  const R = shape[rank - 2]!;
  const lead = Math.floor(i / (R * cols));
  return (
    (lead * Math.ceil(R / g.rows) + Math.floor(multi[rank - 2]! / g.rows)) * Math.ceil(cols / g.cols) +
    Math.floor(multi[rank - 1]! / g.cols)
  );
}

function maxAbs(x: Float32Array, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.abs(x[i]!) > m || x[i] !== x[i] ? Math.abs(x[i]!) : m;
  return m;
}

function nvfp4(x: number, s: number): number {
  const r = fround(E2M1_VALUES[e2m1IndexReference(fround(Math.abs(x) / s))]! * s);
  return x >= 0 ? r : -r;
}

const MX_FORMATS: Record<string, MiniFloat> = { E4M3, E5M2, E3M2, E2M3 };

/** Reference for fakeQuant with a single-stage config. */
export function fakeQuantReference(
  x: Float32Array,
  shape: readonly number[],
  cfg: QuantizerAttributeConfig,
  amax?: AmaxInput,
  opts: FakeQuantOptions = {},
): Float32Array {
  const out = new Float32Array(x.length);
  if (!cfg.enable) return Float32Array.from(x);
  const spec = quantSpec(cfg, shape);
  const f = spec.format;
  const cols = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  if (f.kind === 'mx' || (f.kind === 'nvfp4' && f.dynamic)) {
    const bs = f.blockSize;
    const g =
      f.kind === 'nvfp4'
        ? (spec.constantAmax ?? (amax === undefined ? maxAbs(x, 0, x.length) : scalarAmax(amax)))
        : 0;
    let bmax = 0;
    for (let i = 0; i < x.length; i++) {
      const row = Math.floor(i / cols);
      const b0 = row * cols + Math.floor((i % cols) / bs) * bs;
      if (i === b0) {
        // new block: NVFP4 takes torch's NaN-propagating max, MX the kernel's fmaxf of |x| capped at FLT_MAX
        const end = Math.min(b0 + bs, (row + 1) * cols);
        bmax =
          f.kind === 'mx'
            ? Math.min(
                F32_MAX,
                Math.max(0, ...Array.from(x.subarray(b0, end), (v) => (v !== v ? 0 : Math.abs(v)))),
              )
            : maxAbs(x, b0, end);
      }
      if (f.kind === 'mx') {
        const fmax = f.element === 'INT8' ? 127 : f.element === 'E2M1' ? 6 : MX_FORMATS[f.element]!.maxValue;
        const k =
          bmax === 0 || !Number.isFinite(bmax)
            ? 0
            : Math.min(127, Math.max(-127, ceilLog2(fround(bmax / fmax))));
        const v = fround(x[i]! / 2 ** k);
        const q =
          f.element === 'INT8'
            ? clamp(rint(v), -127, 127)
            : f.element === 'E2M1'
              ? Math.sign(v) * E2M1_VALUES[e2m1IndexReference(Math.abs(v))]!
              : MX_FORMATS[f.element]!.table[encodeReference(MX_FORMATS[f.element]!, v)]!;
        out[i] = fround(q * 2 ** k);
      } else {
        const gs = fround(g / 2688);
        const ratio = Math.min(fround(bmax / fround(6 * (gs > 0 ? gs : fround(1e-12)))), 448);
        let s = fround(e4m3(ratio) * gs);
        if (!(s >= fround(1e-5))) s = 1;
        out[i] = nvfp4(x[i]!, s);
      }
    }
    return out;
  }
  const a = resolveAmax(x, shape, spec, amax);
  const gAmax = opts.globalAmax ?? a.reduce((m, v) => (v > m ? v : m), 0);
  for (let i = 0; i < x.length; i++) {
    const am = a[groupOf(i, spec.granularity, shape)]!;
    if (f.kind === 'int') {
      const scale = fround(f.bounds.maxBound / am);
      out[i] =
        am < 2 ** -24
          ? 0
          : fround(clamp(rint(fround(x[i]! * scale)), f.bounds.minBound, f.bounds.maxBound) / scale);
    } else if (f.kind === 'fp8') {
      out[i] = fp8Ref(x[i]!, am, 448);
    } else if (f.kind === 'nvfp4') {
      const norm = f.fourOverSix ? 256 : 448;
      const s = fp8Ref(fround(am / 6), fround(gAmax / 6), norm);
      out[i] = s === 0 ? 0 : nvfp4(x[i]!, Number.isFinite(s) ? s : 1);
    }
  }
  return out;
}

function fp8Ref(x: number, amax: number, norm: number): number {
  const scale = fround(norm / (amax <= 2 ** -24 ? 1 : amax));
  return fround(e4m3(clamp(fround(x * scale), -448, 448)) * fround(1 / scale));
}
