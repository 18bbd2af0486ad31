/**
 * Names, dtypes and shapes of the tensors one quantized linear exports (quant-engine.md §4.2),
 * known from the weight shape and quantizer alone, so the safetensors headers can be written
 * before any weight is read. Unsupported layouts are rejected here, before any work starts.
 */
import { MoptError } from '../errors.js';
import type { Dtype } from '../model/dtypes.js';
import type { TensorSpec } from '../model/safetensors-writer.js';
import { exportAmaxShape } from '../quant/quantizer/export-amax.js';
import { quantSpec, type QuantSpec } from '../quant/quantizer/spec.js';
import type { WeightQuantizer } from './layer-format.js';

function bad(tensor: string, what: string): MoptError {
  return new MoptError('E_EXPORT_SHAPE', `cannot export tensor "${tensor}": ${what}`, {
    hint: 'exclude that module from quantization in the recipe (an enable: false entry for its weight quantizer)',
  });
}

/** The quant spec of each stage (one for a plain quantizer). */
export function stageSpecs(weight: WeightQuantizer, shape: readonly number[]): QuantSpec[] {
  return (Array.isArray(weight) ? weight : [weight]).map((c) => quantSpec(c, shape));
}

/**
 * A per-tensor quantizer, or an FP8 2-D block quantizer whose weight fits in one block: ModelOpt
 * keeps a scalar amax for the latter, so its weight_scale is 0-dim (and fused siblings share it).
 */
export function singleScale(spec: QuantSpec, shape: readonly number[]): boolean {
  const g = spec.granularity;
  if (g.kind === 'tensor') return true;
  return g.kind === 'block2d' && shape.length === 2 && shape[0]! <= g.rows && shape[1]! <= g.cols;
}

/** weight, weight_scale and (when present) weight_scale_2 specs of `<module>` for `weight`. */
export function weightOutputs(
  module: string,
  tensor: string,
  shape: readonly number[],
  weight: WeightQuantizer,
): TensorSpec[] {
  if (shape.length !== 2)
    throw bad(tensor, `only 2-D linear weights are exported, this one is [${shape.join(', ')}]`);
  const [rows, cols] = shape as [number, number];
  const specs = stageSpecs(weight, shape);
  const spec = specs[0]!;
  const f = spec.format;
  const out = (suffix: string, dtype: Dtype, s: number[]): TensorSpec => ({
    name: `${module}.${suffix}`,
    dtype,
    shape: s,
  });
  const scaleShape = singleScale(spec, shape) ? [] : exportAmaxShape(spec, shape);
  const result: TensorSpec[] = [];
  if (specs.length > 1) {
    const second = specs[1]!;
    if (
      specs.length !== 2 ||
      f.kind !== 'int' ||
      f.bits !== 4 ||
      second.format.kind !== 'fp8' ||
      second.granularity.kind !== 'tensor'
    ) {
      throw bad(
        tensor,
        'a sequential weight quantizer exports only as [INT4 blocks, FP8 per-tensor] (W4A8 AWQ)',
      );
    }
  }
  if (f.kind === 'fp8') {
    result.push(out('weight', 'F8_E4M3', [rows, cols]), out('weight_scale', 'F32', scaleShape));
  } else if (f.kind === 'int') {
    if (f.bits === 8) result.push(out('weight', 'I8', [rows, cols]));
    else if (f.bits === 4) {
      if (rows % 2 !== 0) throw bad(tensor, `INT4 packs pairs of rows; ${rows} rows is odd`);
      const g = spec.granularity;
      if (g.kind === 'block' && cols % g.size !== 0)
        throw bad(
          tensor,
          `INT4 packing needs the input dimension (${cols}) to be a multiple of the block size ${g.size} (ModelOpt refuses partial blocks)`,
        );
      result.push(out('weight', 'U8', [rows / 2, cols]));
    } else throw bad(tensor, `INT${f.bits} weights have no export layout (INT4 and INT8 do)`);
    result.push(out('weight_scale', 'F32', scaleShape));
  } else if (f.kind === 'nvfp4') {
    if (cols % f.blockSize !== 0 || cols % 2 !== 0) {
      throw bad(
        tensor,
        `NVFP4 needs the input dimension (${cols}) to be a multiple of the block size ${f.blockSize}`,
      );
    }
    result.push(
      out('weight', 'U8', [rows, cols / 2]),
      out('weight_scale', 'F8_E4M3', [rows, cols / f.blockSize]),
      out('weight_scale_2', 'F32', []),
    );
  } else {
    if (cols % f.blockSize !== 0)
      throw bad(tensor, `MX formats need the input dimension (${cols}) to be a multiple of ${f.blockSize}`);
    if (f.element === 'E2M1') result.push(out('weight', 'U8', [rows, cols / 2]));
    else if (f.element === 'E4M3') result.push(out('weight', 'F8_E4M3', [rows, cols]));
    else throw bad(tensor, `MX element ${f.element} has no export layout (MXFP4 and MXFP8 do)`);
    result.push(out('weight_scale', 'U8', [rows, cols / f.blockSize]));
  }
  if (specs.length > 1) result.push(out('weight_scale_2', 'F32', []));
  return result;
}
