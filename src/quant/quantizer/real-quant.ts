/**
 * Real quantization of a weight for export (§4.2): packed codes plus the scale tensors the
 * unified HF checkpoint carries (`weight`, `weight_scale`, `weight_scale_2`).
 */

import { MoptError } from '../../errors.js';
import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import { fround } from '../formats/float32.js';
import { packNibbles } from '../formats/fp4.js';
import { castE4M3Torch } from '../formats/fp8.js';
import { intCodeFromStep } from '../formats/int.js';
import { mxfp4Export, mxfp8Export } from '../formats/mx.js';
import {
  nvfp4ExportNibbles,
  nvfp4ExportScaleDynamic,
  nvfp4ExportScaleStatic,
  nvfp4GlobalScale,
} from '../formats/nvfp4.js';
import { checkShape, groupIndex, reduceAmax, rowsCols } from './amax.js';
import { exportAmax } from './export-amax.js';
import { resolveAmax, scalarAmax, type AmaxInput } from './fake-quant.js';
import { quantSpec, type QuantSpec } from './spec.js';

export type ExportDType = 'F8_E4M3' | 'U8' | 'I8' | 'F32';

export interface PackedTensor {
  dtype: ExportDType;
  shape: number[];
  data: Uint8Array | Int8Array | Float32Array;
}

export interface RealQuantResult {
  weight: PackedTensor;
  weight_scale: PackedTensor;
  weight_scale_2?: PackedTensor;
}

export interface RealQuantOptions {
  /** NVFP4 static: shared global amax (default: max of the block amaxes). */
  globalAmax?: number;
  /** NVFP4: weight_scale_2 = w_amax / divisor; 2688 normally, 448 for W4A8_NVFP4_FP8. */
  scale2Divisor?: number;
}

function f32(shape: number[], data: Float32Array): PackedTensor {
  return { dtype: 'F32', shape, data };
}

function exportError(message: string): MoptError {
  return new MoptError('QUANT_EXPORT', message);
}

/** Real-quantizes `w` under `cfg` (list cfg: W4A8 AWQ = [int4 blocks, fp8 per-tensor]). */
export function realQuant(
  w: Float32Array,
  shape: readonly number[],
  cfg: QuantizerAttributeConfig | QuantizerAttributeConfig[],
  amax?: AmaxInput | Array<AmaxInput | undefined>,
  opts: RealQuantOptions = {},
): RealQuantResult {
  checkShape(w, shape, 'weight');
  if (Array.isArray(cfg)) {
    const amaxes = (amax ?? []) as Array<AmaxInput | undefined>;
    if (cfg.length !== 2)
      throw exportError(
        `a sequential weight quantizer exports only as [int4 blocks, fp8] (W4A8 AWQ); got ${cfg.length} stages`,
      );
    const first = realQuant(w, shape, cfg[0]!, amaxes[0], opts);
    const fp8Spec = quantSpec(cfg[1]!, shape);
    if (fp8Spec.format.kind !== 'fp8' || fp8Spec.granularity.kind !== 'tensor')
      throw exportError('the second W4A8 stage must be FP8 per-tensor');
    const a = exportAmax(resolveAmax(w, shape, fp8Spec, amaxes[1] as AmaxInput | undefined), fp8Spec, shape);
    return { ...first, weight_scale_2: f32([], Float32Array.of(fround(a.data[0]! / 448))) };
  }
  if (!cfg.enable) throw exportError('cannot export a weight whose quantizer is disabled');
  const spec = quantSpec(cfg, shape);
  const f = spec.format;
  if (f.kind === 'fp8') return realQuantFp8(w, shape, spec, amax as AmaxInput | undefined);
  if (f.kind === 'int') return realQuantInt(w, shape, spec, amax as AmaxInput | undefined);
  if (f.kind === 'nvfp4') return realQuantNvfp4(w, shape, spec, amax as AmaxInput | undefined, opts);
  return realQuantMx(w, shape, spec);
}

/** FP8: weight_scale = raw amax / 448 (no zero replacement), weight = torch-cast fp8(W / ws). */
function realQuantFp8(
  w: Float32Array,
  shape: readonly number[],
  spec: QuantSpec,
  amax: AmaxInput | undefined,
): RealQuantResult {
  const a = resolveAmax(w, shape, spec, amax);
  const ws = new Float32Array(a.length);
  for (let k = 0; k < a.length; k++) ws[k] = fround(a[k]! / 448);
  const idx = groupIndex(spec.granularity, shape);
  const q = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = castE4M3Torch(fround(w[i]! / ws[idx === null ? 0 : idx[i]!]!));
  const scaleShape = exportAmax(a, spec, shape).shape;
  return {
    weight: { dtype: 'F8_E4M3', shape: [...shape], data: q },
    weight_scale: f32(spec.granularity.kind === 'tensor' ? [] : scaleShape, ws),
  };
}

/** INT8 -> I8 codes; INT4 -> two's-complement nibbles packed along rows (even row low). */
function realQuantInt(
  w: Float32Array,
  shape: readonly number[],
  spec: QuantSpec,
  amax: AmaxInput | undefined,
): RealQuantResult {
  const f = spec.format;
  if (f.kind !== 'int' || (f.bits !== 8 && f.bits !== 4))
    throw exportError('only INT8 and INT4 weights have an export layout');
  const ea = exportAmax(resolveAmax(w, shape, spec, amax), spec, shape);
  const ws = new Float32Array(ea.data.length);
  for (let k = 0; k < ws.length; k++) ws[k] = fround(ea.data[k]! / f.bounds.maxBound);
  const idx = groupIndex(spec.granularity, shape);
  const codes = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++)
    codes[i] = intCodeFromStep(w[i]!, ws[idx === null ? 0 : idx[i]!]!, f.bounds);
  const scale = f32(spec.granularity.kind === 'tensor' ? [] : ea.shape, ws);
  if (f.bits === 8) return { weight: { dtype: 'I8', shape: [...shape], data: codes }, weight_scale: scale };
  if (shape.length < 2 || shape[shape.length - 2]! % 2 !== 0) {
    throw exportError(
      `INT4 packing pairs rows: weight shape [${shape.join(', ')}] needs an even second-to-last dimension`,
    );
  }
  const { cols } = rowsCols(shape);
  const packed = new Uint8Array(w.length / 2);
  for (let p = 0; p < packed.length / cols; p++) {
    for (let c = 0; c < cols; c++) {
      packed[p * cols + c] = (codes[2 * p * cols + c]! & 0xf) | ((codes[(2 * p + 1) * cols + c]! & 0xf) << 4);
    }
  }
  const outShape = [...shape];
  outShape[outShape.length - 2] = shape[shape.length - 2]! / 2;
  return { weight: { dtype: 'U8', shape: outShape, data: packed }, weight_scale: scale };
}

function realQuantNvfp4(
  w: Float32Array,
  shape: readonly number[],
  spec: QuantSpec,
  amax: AmaxInput | undefined,
  opts: RealQuantOptions,
): RealQuantResult {
  const f = spec.format;
  if (f.kind !== 'nvfp4') throw exportError('internal: not an NVFP4 spec');
  const { rows, cols } = rowsCols(shape);
  if (cols % f.blockSize !== 0 || cols % 2 !== 0) {
    throw exportError(
      `NVFP4 export needs the last dimension (${cols}) to be a multiple of the block size ${f.blockSize}`,
    );
  }
  const perRow = cols / f.blockSize;
  const scales = new Uint8Array(rows * perRow);
  const codes = new Uint8Array(w.length);
  const blockMax = reduceAmax(w, shape, { kind: 'block', size: f.blockSize });
  let ws2: number;
  if (f.dynamic) {
    const wAmax =
      spec.constantAmax ??
      (amax === undefined ? reduceAmax(w, shape, { kind: 'tensor' })[0]! : scalarAmax(amax));
    ws2 = fround(wAmax / (opts.scale2Divisor ?? 2688));
    for (let b = 0; b < scales.length; b++) scales[b] = nvfp4ExportScaleDynamic(blockMax[b]!, ws2);
  } else {
    const bAmax = resolveAmax(w, shape, spec, amax);
    let g = opts.globalAmax ?? 0;
    if (opts.globalAmax === undefined) for (const v of bAmax) if (v > g) g = v;
    const norm = f.fourOverSix ? 256 : 448;
    ws2 = nvfp4GlobalScale(g, norm);
    for (let b = 0; b < scales.length; b++) scales[b] = nvfp4ExportScaleStatic(bAmax[b]!, g, norm);
  }
  for (let b = 0; b < scales.length; b++)
    nvfp4ExportNibbles(w, codes, b * f.blockSize, (b + 1) * f.blockSize, scales[b]!, ws2);
  const lead = shape.slice(0, -1);
  return {
    weight: { dtype: 'U8', shape: [...lead, cols / 2], data: packNibbles(codes, rows, cols) },
    weight_scale: { dtype: 'F8_E4M3', shape: [...lead, perRow], data: scales },
    weight_scale_2: f32([], Float32Array.of(ws2)),
  };
}

function realQuantMx(w: Float32Array, shape: readonly number[], spec: QuantSpec): RealQuantResult {
  const f = spec.format;
  if (f.kind !== 'mx') throw exportError('internal: not an MX spec');
  const { rows, cols } = rowsCols(shape);
  if (cols % f.blockSize !== 0)
    throw exportError(`MX export needs the last dimension (${cols}) to be a multiple of ${f.blockSize}`);
  const lead = shape.slice(0, -1);
  const scaleShape = [...lead, cols / f.blockSize];
  if (f.element === 'E2M1') {
    const e = mxfp4Export(w, rows, cols, f.blockSize);
    return {
      weight: { dtype: 'U8', shape: [...lead, cols / 2], data: packNibbles(e.codes, rows, cols) },
      weight_scale: { dtype: 'U8', shape: scaleShape, data: e.scales },
    };
  }
  if (f.element === 'E4M3') {
    const e = mxfp8Export(w, rows, cols, f.blockSize);
    return {
      weight: { dtype: 'F8_E4M3', shape: [...shape], data: e.codes },
      weight_scale: { dtype: 'U8', shape: scaleShape, data: e.scales },
    };
  }
  throw exportError(`MX element ${f.element} has no export layout (only MXFP4 and MXFP8 export)`);
}
