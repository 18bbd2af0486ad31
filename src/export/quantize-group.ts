/**
 * Quantizes one fusion group (q/k/v, gate/up, w1/w3, or a single linear) from its weights:
 * max (or mse) calibration, shared scales across the group (§3.1 step 8, §4.3), real quantization
 * and packing. Returns the bytes of every exported tensor of the group, by name. Weights given as
 * bf16 bits run the bit-level kernels (no float32 copy); the bytes equal the float32 path's.
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
import type { PoolOptions } from '../quant/quantizer/pool.js';
import { realQuantBf16Pooled } from '../quant/quantizer/real-quant-pool.js';
import type { PackedTensor, RealQuantResult } from '../quant/quantizer/real-quant.js';
import type { WeightCalibration } from './algorithm.js';
import type { ModuleExport } from './export-plan.js';
import { fp8PerTensorCodes } from './fp8-cast.js';
import { tensorByteLength } from '../model/safetensors-writer.js';
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

/** What the kernel of one member is called with; `bits` set means the bf16 kernel. */
interface MemberJob {
  spec: ReturnType<typeof stageSpecs>[number];
  bits: Uint16Array | undefined;
  amaxes: AmaxInput | Array<AmaxInput | undefined> | undefined;
  opts: FastQuantOptions;
  roundedFp8: boolean;
}

function memberJob(s: MemberState, modelDtype: ModelDtype, take?: TakeBuffer): MemberJob {
  const { m } = s;
  const spec = stageSpecs(m.weight, m.shape)[0]!;
  const weightSpec = m.outputs.find((o) => o.name === `${m.module}.weight`);
  const opts: FastQuantOptions = take && weightSpec ? { weightOut: take(tensorByteLength(weightSpec)) } : {};
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
    spec.format.kind === 'fp8' && spec.granularity.kind === 'tensor' && !!modelDtype && modelDtype !== 'F32';
  const bits = modelDtype !== 'F16' ? s.bits : undefined;
  if (bits && roundedFp8) opts.fp8Divide = 'bf16-intermediate';
  return { spec, bits, amaxes, opts, roundedFp8 };
}

/** The float32 kernel, then ModelOpt's model-dtype rounding of per-tensor FP8 quotients. */
function floatResult(s: MemberState, job: MemberJob, modelDtype: ModelDtype): RealQuantResult {
  const result = realQuantFast(floats(s), s.m.shape, s.m.weight, job.amaxes, job.opts);
  if (job.roundedFp8 && (modelDtype === 'BF16' || modelDtype === 'F16')) {
    const ws = (result.weight_scale.data as Float32Array)[0]!;
    fp8PerTensorCodes(floats(s), ws, modelDtype, result.weight.data as Uint8Array);
  }
  return result;
}

function quantizeMember(s: MemberState, job: MemberJob, modelDtype: ModelDtype): Map<string, Uint8Array> {
  const result = job.bits
    ? realQuantBf16(job.bits, s.m.shape, s.m.weight, job.amaxes, job.opts)
    : floatResult(s, job, modelDtype);
  return memberOutputs(s, job.spec, result);
}

async function quantizeMemberPooled(
  s: MemberState,
  modelDtype: ModelDtype,
  pool: PoolOptions,
  take?: TakeBuffer,
): Promise<Map<string, Uint8Array>> {
  const job = memberJob(s, modelDtype, take);
  if (!job.bits) return quantizeMember(s, job, modelDtype);
  const result = await realQuantBf16Pooled(job.bits, s.m.shape, s.m.weight, job.amaxes, job.opts, pool);
  return memberOutputs(s, job.spec, result);
}

/** FP8 zero-scale fix-up, then the exported tensors of one member by name. */
function memberOutputs(
  s: MemberState,
  spec: MemberJob['spec'],
  result: RealQuantResult,
): Map<string, Uint8Array> {
  const { m } = s;
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

/** Where quantized weights go: a buffer of exactly `bytes` (export/output-buffers.ts reuses them). */
export type TakeBuffer = (bytes: number) => Uint8Array;

/** A member's weights: float32 values, or bf16 bit patterns (read only for bf16 models or no model dtype). */
export type WeightReader = (tensor: string) => Float32Array | Uint16Array;

/**
 * Max calibration's amaxes cover every element and keep NaN and Inf (a NaN or infinite element
 * makes its group's amax non-finite), so all-finite amaxes prove a finite weight without another pass.
 */
function finiteAmaxes(amax: Array<WeightAmax | null>): boolean {
  if (amax.length === 0) return false;
  for (const a of amax) {
    if (!a || (a.globalAmax !== undefined && !Number.isFinite(a.globalAmax))) return false;
    for (const v of a.amax) if (!Number.isFinite(v)) return false;
  }
  return true;
}

/** Reads, checks and calibrates every member of one group, sharing scales where ModelOpt does. */
function calibratedStates(
  members: ModuleExport[],
  read: WeightReader,
  calib: WeightCalibration,
): MemberState[] {
  const states: MemberState[] = members.map((m) => {
    const w = read(m.tensor);
    if (w instanceof Float32Array) {
      validateTensorFinite(m.tensor, w, m.shape);
      return { m, w, amax: [] };
    }
    return { m, bits: w, amax: [] };
  });
  for (const s of states) {
    maxCalibrate(s);
    // bits are checked only when their amaxes do not already prove every element finite
    if (s.bits && !finiteAmaxes(s.amax) && bf16FirstNonFinite(s.bits) >= 0)
      validateTensorFinite(s.m.tensor, bf16Decode(s.bits), s.m.shape);
  }
  shareStaticGlobal(states);
  for (const s of states) mseCalibrate(s, calib);
  unify(states);
  return states;
}

/** Reads, checks, calibrates and packs every member of one group. */
export function quantizeGroup(
  members: ModuleExport[],
  read: WeightReader,
  calib: WeightCalibration,
  modelDtype?: ModelDtype,
  take?: TakeBuffer,
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const s of calibratedStates(members, read, calib))
    for (const [k, v] of quantizeMember(s, memberJob(s, modelDtype, take), modelDtype)) out.set(k, v);
  return out;
}

/**
 * quantizeGroup with the bf16 kernels split across worker threads (realQuantBf16Pooled; per-tensor
 * FP8 stays on this thread); the same bytes. Bits in a SharedArrayBuffer are shared, not copied.
 */
export async function quantizeGroupPooled(
  members: ModuleExport[],
  read: WeightReader,
  calib: WeightCalibration,
  modelDtype: ModelDtype,
  pool: PoolOptions,
  take?: TakeBuffer,
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const s of calibratedStates(members, read, calib))
    for (const [k, v] of await quantizeMemberPooled(s, modelDtype, pool, take)) out.set(k, v);
  return out;
}
