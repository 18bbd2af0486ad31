/**
 * Quantizes one fusion group (q/k/v, gate/up, w1/w3, or a single linear) from its weights:
 * max (or mse) calibration, shared scales across the group (§3.1 step 8, §4.3), real quantization
 * and packing. Returns the bytes of every exported tensor of the group, by name.
 */
import { MoptError } from '../errors.js';
import { validateTensorFinite } from '../model/checkpoint.js';
import { maxCalibrateWeight, maxOf, type WeightAmax } from '../quant/calib-weights/max.js';
import { maxCalibrateWeightBf16 } from '../quant/calib-weights/max-bf16.js';
import { mseCalibrateWeight } from '../quant/calib-weights/mse.js';
import { groupIndex } from '../quant/quantizer/amax.js';
import type { AmaxInput } from '../quant/quantizer/fake-quant.js';
import { bf16Decode, bf16FirstNonFinite } from '../quant/formats/bf16-bits.js';
import { realQuantBf16, realQuantFast, type FastQuantOptions } from '../quant/quantizer/real-quant-fast.js';
import type { PackedTensor, RealQuantResult } from '../quant/quantizer/real-quant.js';
import type { WeightCalibration } from './algorithm.js';
import type { ModuleExport } from './export-plan.js';
import { fp8PerTensorCodes } from './fp8-cast.js';
import { stageSpecs } from './tensor-layout.js';

/** NVFP4 tensor amax used for an all-zero weight, so every scale stays finite (ModelOpt would divide 0 by 0). */
const ZERO_WEIGHT_NVFP4_AMAX = 2688;

interface MemberState {
  m: ModuleExport;
  /** bf16 bit patterns when the weights are read as bf16; the float path leaves it undefined. */
  bits?: Uint16Array;
  /** float32 weights: the float path, or bits decoded once for mse. */
  w?: Float32Array;
  amax: Array<WeightAmax | null>;
}

function floats(s: MemberState): Float32Array {
  s.w ??= bf16Decode(s.bits!);
  return s.w;
}

function asBytes(t: PackedTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function maxCalibrate(s: MemberState): void {
  const initial = s.bits
    ? maxCalibrateWeightBf16(s.bits, s.m.shape, s.m.weight)
    : maxCalibrateWeight(s.w!, s.m.shape, s.m.weight);
  s.amax = Array.isArray(initial) ? initial : [initial];
}

/** mse refines static, non-MX single quantizers; the others keep their max amax (§3.2). */
function mseCalibrate(s: MemberState, calib: WeightCalibration): void {
  if (calib.method !== 'mse' || Array.isArray(s.m.weight)) return;
  const spec = stageSpecs(s.m.weight, s.m.shape)[0]!;
  const refinable = spec.format.kind !== 'mx' && !spec.dynamic;
  const a = s.amax[0];
  if (refinable && a) s.amax[0] = mseCalibrateWeight(floats(s), s.m.shape, s.m.weight, a, calib.options);
}

/** §3.1 step 8: static NVFP4 members of a group share one global amax (before mse uses it). */
function shareStaticGlobal(members: MemberState[]): void {
  const withGlobal = members
    .map((s) => s.amax[0])
    .filter((a): a is WeightAmax => a?.globalAmax !== undefined);
  if (withGlobal.length < 2) return;
  const g = Math.max(...withGlobal.map((a) => a.globalAmax!));
  for (const a of withGlobal) a.globalAmax = g;
}

/** §3.1 step 8 and §4.3: shared global / per-tensor amax across the members of a fused group. */
function unify(members: MemberState[]): void {
  const format = members[0]!.m.format;
  if (members.length < 2 || format === 'fp8' || members.some((s) => s.m.format !== format)) return;
  for (const stage of [0, 1]) {
    const amaxes = members.map((s) => s.amax[stage]);
    if (amaxes.some((a) => !a)) continue;
    const all = amaxes as WeightAmax[];
    if (all.every((a) => a.globalAmax !== undefined)) {
      const g = Math.max(...all.map((a) => a.globalAmax!));
      for (const a of all) a.globalAmax = g;
    } else if (all.every((a) => a.amax.length === 1)) {
      const g = Math.max(...all.map((a) => maxOf(a.amax)));
      for (const a of all) a.amax = Float32Array.of(g);
    }
  }
}

/** Float dtype the model holds its weights in during export (undefined: float32 math throughout). */
export type ModelDtype = 'F32' | 'BF16' | 'F16' | undefined;

function quantizeMember(s: MemberState, modelDtype: ModelDtype): Map<string, Uint8Array> {
  const { m } = s;
  const spec = stageSpecs(m.weight, m.shape)[0]!;
  const opts: FastQuantOptions = {};
  if (m.format === 'w4a8_nvfp4_fp8') opts.scale2Divisor = 448;
  const first = s.amax[0] ?? null;
  let amax: AmaxInput | undefined = first?.amax;
  if (spec.format.kind === 'nvfp4') {
    if (first?.globalAmax !== undefined)
      opts.globalAmax = first.globalAmax === 0 ? ZERO_WEIGHT_NVFP4_AMAX : first.globalAmax;
    else if (first && maxOf(first.amax) === 0) amax = ZERO_WEIGHT_NVFP4_AMAX;
  }
  const amaxes = Array.isArray(m.weight) ? s.amax.map((a) => a?.amax) : amax;
  // ModelOpt divides a bf16 / fp16 weight by the per-tensor FP8 scale in the model dtype
  const roundedFp8 =
    spec.format.kind === 'fp8' && spec.granularity.kind === 'tensor' && modelDtype && modelDtype !== 'F32';
  let result: RealQuantResult;
  if (s.bits && modelDtype !== 'F16') {
    if (roundedFp8) opts.fp8Divide = 'bf16-intermediate';
    result = realQuantBf16(s.bits, m.shape, m.weight, amaxes, opts);
  } else {
    result = realQuantFast(floats(s), m.shape, m.weight, amaxes, opts);
    if (roundedFp8) {
      const ws = (result.weight_scale.data as Float32Array)[0]!;
      fp8PerTensorCodes(floats(s), ws, modelDtype, result.weight.data as Uint8Array);
    }
  }
  if (spec.format.kind === 'fp8')
    zeroScaleGroups(
      result.weight.data as Uint8Array,
      result.weight_scale.data as Float32Array,
      spec,
      m.shape,
    );
  const out = new Map<string, Uint8Array>();
  const byName: Record<string, PackedTensor | undefined> = {
    weight: result.weight,
    weight_scale: result.weight_scale,
    weight_scale_2: result.weight_scale_2,
  };
  for (const spec of m.outputs) {
    const suffix = spec.name.slice(m.module.length + 1);
    if (suffix === 'input_scale') {
      out.set(spec.name, new Uint8Array(Float32Array.of(m.inputScale!).buffer));
      continue;
    }
    const t = byName[suffix];
    if (!t || t.dtype !== spec.dtype || !sameLayout(t.shape, spec.shape)) {
      throw new MoptError(
        'E_EXPORT_INTERNAL',
        `"${spec.name}": the quantizer produced ${t ? `${t.dtype} [${t.shape.join(', ')}]` : 'nothing'}, the layout expected ${spec.dtype} [${spec.shape.join(', ')}]`,
        { exitCode: 1 },
      );
    }
    out.set(spec.name, asBytes(t));
  }
  return out;
}

/** Equal shapes, or a one-element tensor written 0-dim (FP8 2-D block weights that fit one block). */
function sameLayout(made: readonly number[], wanted: readonly number[]): boolean {
  if (made.join(',') === wanted.join(',')) return true;
  return wanted.length === 0 && made.every((d) => d === 1);
}

/**
 * FP8 groups whose weight amax is 0 (all-zero rows or tensors) get scale 0; ModelOpt would then
 * cast 0/0 = NaN. Writing code 0 instead keeps the dequantized weight exactly 0.
 */
function zeroScaleGroups(
  codes: Uint8Array,
  ws: Float32Array,
  spec: ReturnType<typeof stageSpecs>[number],
  shape: number[],
): void {
  if (!ws.some((v) => v === 0)) return;
  const idx = groupIndex(spec.granularity, shape);
  for (let i = 0; i < codes.length; i++) if (ws[idx === null ? 0 : idx[i]!] === 0) codes[i] = 0;
}

/** A member's weights: float32 values, or bf16 bit patterns (read only for bf16 models or no model dtype). */
export type WeightReader = (tensor: string) => Float32Array | Uint16Array;

/** Reads, checks, calibrates and packs every member of one group. */
export function quantizeGroup(
  members: ModuleExport[],
  read: WeightReader,
  calib: WeightCalibration,
  modelDtype?: ModelDtype,
): Map<string, Uint8Array> {
  const states: MemberState[] = members.map((m) => {
    const w = read(m.tensor);
    if (w instanceof Float32Array) {
      validateTensorFinite(m.tensor, w, m.shape);
      return { m, w, amax: [] };
    }
    if (bf16FirstNonFinite(w) >= 0) validateTensorFinite(m.tensor, bf16Decode(w), m.shape);
    return { m, bits: w, amax: [] };
  });
  for (const s of states) maxCalibrate(s);
  shareStaticGlobal(states);
  for (const s of states) mseCalibrate(s, calib);
  unify(states);
  const out = new Map<string, Uint8Array>();
  for (const s of states) for (const [k, v] of quantizeMember(s, modelDtype)) out.set(k, v);
  return out;
}
