/**
 * Maps ModelOpt 0.47.0 quantizer names (as mtq.quantize names them on a transformers 5.14 model) to the
 * reference forward's observer points and checkpoint tensors. Dense modules share the names; transformers 5
 * fuses each MoE layer's experts into `mlp.experts` (Mixtral's block_sparse_moe too), where ModelOpt keeps one
 * input quantizer per fused projection for all experts (`gate_up_proj_input_quantizer`, `down_proj_input_quantizer`)
 * and one weight quantizer per expert (`gate_up_proj_weight_quantizers.<e>`, `down_proj_weight_quantizers.<e>`).
 */
import type { ForwardArch } from '../../../src/model/forward/index.js';

const FUSED =
  /^model\.layers\.(\d+)\.mlp\.experts\.(gate_up_proj|down_proj)_(input_quantizer|weight_quantizers\.(\d+))$/;

export interface Mapped {
  /** Observer points whose amaxes ModelOpt's one amax is the max of (activation quantizers). */
  points: string[];
  /** Checkpoint tensors whose max |w| it is (weight quantizers). */
  tensors: string[];
}

export function mapQuantizer(name: string, arch: ForwardArch): Mapped {
  const m = FUSED.exec(name);
  if (!m) {
    if (name.endsWith('.weight_quantizer'))
      return { points: [], tensors: [`${name.slice(0, -'_quantizer'.length)}`] };
    return { points: [name], tensors: [] };
  }
  const layer = Number(m[1]);
  const moe = arch.moe[layer];
  if (!moe) throw new Error(`${name}: layer ${layer} of the reference has no MoE block`);
  const [gate, up, down] = moe.projections;
  const projs = m[2] === 'gate_up_proj' ? [gate, up] : [down];
  const expert = (e: number, p: string): string => `model.layers.${layer}.${moe.block}.experts.${e}.${p}`;
  if (m[4] !== undefined)
    return { points: [], tensors: projs.map((p) => `${expert(Number(m[4]), p)}.weight`) };
  const experts = Array.from({ length: moe.numExperts }, (_, e) => e);
  // gate and up read the same input, so the gate projection's point stands for both
  return { points: experts.map((e) => `${expert(e, projs[0]!)}.input_quantizer`), tensors: [] };
}
