/**
 * Dequantizes one exported linear of a ModelOpt unified HF checkpoint (quant-engine §4.2) back to float32
 * `[out, in]`. The format is read from the tensors themselves: the weight's dtype and the scales' dtypes and shapes.
 */
import { MoptError } from '../errors.js';
import type { Checkpoint } from '../model/checkpoint.js';
import { decodeE2M1, unpackNibbles } from '../quant/formats/fp4.js';
import { decodeE4M3, fp8FakeQuantWithAmax } from '../quant/formats/fp8.js';
import { decodeE8M0 } from '../quant/formats/e8m0.js';

const f = Math.fround;

export type ExportedWeightFormat =
  'fp8' | 'fp8_per_channel' | 'fp8_block2d' | 'mxfp8' | 'nvfp4' | 'mxfp4' | 'int4_awq' | 'int8';

export interface ExportedLinear {
  module: string;
  format: ExportedWeightFormat;
  /** Logical [out, in] of the dequantized weight. */
  shape: [number, number];
}

function bad(module: string, what: string): MoptError {
  return new MoptError('bad-quantized-weight', `${module}: ${what}`, {
    hint: 'the checkpoint does not look like a ModelOpt unified HF export',
  });
}

/** Reads which format `module.weight` is stored in, and its logical shape; null when it is not quantized. */
export function exportedLinear(ck: Checkpoint, module: string): ExportedLinear | null {
  const w = ck.tensors.get(`${module}.weight`);
  const s = ck.tensors.get(`${module}.weight_scale`);
  if (!w || !s || w.shape.length !== 2) return null;
  const [r, c] = w.shape as [number, number];
  const shape = (format: ExportedWeightFormat, out: number, inDim: number): ExportedLinear => ({
    module,
    format,
    shape: [out, inDim],
  });
  if (w.dtype === 'F8_E4M3') {
    if (s.dtype === 'U8' || s.dtype === 'F8_E8M0') return shape('mxfp8', r, c);
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (n === 1) return shape('fp8', r, c);
    if (s.shape.length === 1 && n === r) return shape('fp8_per_channel', r, c);
    return shape('fp8_block2d', r, c);
  }
  if (w.dtype === 'U8') {
    if (s.dtype === 'F8_E4M3') return shape('nvfp4', r, c * 2);
    if (s.dtype === 'U8' || s.dtype === 'F8_E8M0') return shape('mxfp4', r, c * 2);
    if (s.dtype === 'F32' && s.shape.length === 2 && s.shape[0] === r * 2) return shape('int4_awq', r * 2, c);
  }
  if (w.dtype === 'I8') return shape('int8', r, c);
  throw bad(
    module,
    `weight ${w.dtype} [${w.shape.join(', ')}] with weight_scale ${s.dtype} [${s.shape.join(', ')}] is not a known export format`,
  );
}

/** Per-tensor F32 scale (0-dim or one element). */
function scalar(ck: Checkpoint, name: string): number {
  const v = ck.readTensorF32(name);
  if (v.length !== 1) throw bad(name, `expected one value, found ${v.length}`);
  return v[0]!;
}

/** Elements per scale along the input dim, checked to divide evenly. */
function groupOf(module: string, inDim: number, scaleCols: number): number {
  const g = inDim / scaleCols;
  if (!Number.isInteger(g) || g < 1)
    throw bad(module, `weight_scale has ${scaleCols} columns for ${inDim} inputs`);
  return g;
}

/** Block length along a dim of `n` split into `blocks` tiles: ModelOpt's 128 when it fits, else an even split. */
function blockLength(n: number, blocks: number): number {
  return Math.ceil(n / 128) === blocks ? 128 : Math.ceil(n / blocks);
}

export function dequantizeLinear(ck: Checkpoint, lin: ExportedLinear): Float32Array {
  const { module, format } = lin;
  const [out, inDim] = lin.shape;
  const raw = ck.readTensor(`${module}.weight`);
  const scaleName = `${module}.weight_scale`;
  const scaleInfo = ck.tensor(scaleName);
  const y = new Float32Array(out * inDim);
  switch (format) {
    case 'fp8':
    case 'int8':
    case 'fp8_per_channel': {
      const s = ck.readTensorF32(scaleName);
      const q = format === 'int8' ? new Int8Array(raw.buffer, raw.byteOffset, raw.length) : null;
      for (let o = 0; o < out; o++) {
        const so = s.length === 1 ? s[0]! : s[o]!;
        for (let i = 0, k = o * inDim; i < inDim; i++, k++) y[k] = f((q ? q[k]! : decodeE4M3(raw[k]!)) * so);
      }
      return y;
    }
    case 'fp8_block2d': {
      const s = ck.readTensorF32(scaleName);
      const sh = scaleInfo.shape;
      const nbR = sh[0]!;
      const nbC = sh.length === 4 ? sh[2]! : sh[1]!;
      const rowsPer = blockLength(out, nbR);
      const colsPer = blockLength(inDim, nbC);
      for (let o = 0; o < out; o++)
        for (let i = 0; i < inDim; i++)
          y[o * inDim + i] = f(
            decodeE4M3(raw[o * inDim + i]!) * s[Math.floor(o / rowsPer) * nbC + Math.floor(i / colsPer)]!,
          );
      return y;
    }
    case 'mxfp8':
    case 'mxfp4':
    case 'nvfp4': {
      const s = ck.readTensor(scaleName);
      const g = groupOf(module, inDim, scaleInfo.shape[1]!);
      const ws2 = format === 'nvfp4' ? scalar(ck, `${module}.weight_scale_2`) : 1;
      const codes = format === 'mxfp8' ? raw : unpackNibbles(raw, out, inDim);
      const perRow = inDim / g;
      for (let o = 0; o < out; o++)
        for (let i = 0; i < inDim; i++) {
          const b = s[o * perRow + Math.floor(i / g)]!;
          const k = o * inDim + i;
          if (format === 'mxfp8') y[k] = f(decodeE4M3(codes[k]!) * decodeE8M0(b));
          else if (format === 'mxfp4') y[k] = f(decodeE2M1(codes[k]!) * decodeE8M0(b));
          else y[k] = f(decodeE2M1(codes[k]!) * f(decodeE4M3(b) * ws2));
        }
      return y;
    }
    case 'int4_awq': {
      const s = ck.readTensorF32(scaleName);
      const g = groupOf(module, inDim, scaleInfo.shape[1]!);
      const perRow = inDim / g;
      const ws2 = ck.tensors.has(`${module}.weight_scale_2`) ? scalar(ck, `${module}.weight_scale_2`) : null;
      for (let o = 0; o < out; o++)
        for (let i = 0; i < inDim; i++) {
          const byte = raw[(o >> 1) * inDim + i]!;
          const nib = o % 2 === 0 ? byte & 0xf : byte >>> 4;
          const v = f((nib >= 8 ? nib - 16 : nib) * s[o * perRow + Math.floor(i / g)]!);
          // W4A8: the FP8 stage of the sequential quantizer, amax = weight_scale_2 · 448
          y[o * inDim + i] = ws2 === null ? v : fp8FakeQuantWithAmax(v, ws2 * 448);
        }
      return y;
    }
  }
}
