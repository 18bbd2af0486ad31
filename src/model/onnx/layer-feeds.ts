/**
 * Turns one decoder layer's weights (as the reference forward loads them) into the ORT feeds of a layer
 * graph, keyed by checkpoint suffix (`self_attn.q_proj.weight`, `input_layernorm.weight`, ...).
 */
import { MoptError } from '../../errors.js';
import { f32ToF16 } from '../dtypes.js';
import type { LayerWeights, LinearWeights } from '../forward/weights.js';
import type { OrtModule, OrtTensor } from './ort.js';

/** Suffix → float32 data and dims for every tensor a layer graph may feed (a MoE layer's experts stay in TS). */
export function layerTensors(w: LayerWeights): Map<string, { data: Float32Array; dims: number[] }> {
  const out = new Map<string, { data: Float32Array; dims: number[] }>();
  const vec = (name: string, data: Float32Array | null): void => {
    if (data) out.set(name, { data, dims: [data.length] });
  };
  const lin = (name: string, l: LinearWeights): void => {
    out.set(`${name}.weight`, { data: l.weight, dims: [l.outDim, l.inDim] });
    vec(`${name}.bias`, l.bias);
  };
  vec('input_layernorm.weight', w.inputNorm);
  vec('post_attention_layernorm.weight', w.postNorm);
  lin('self_attn.q_proj', w.attn.q);
  lin('self_attn.k_proj', w.attn.k);
  lin('self_attn.v_proj', w.attn.v);
  lin('self_attn.o_proj', w.attn.o);
  vec('self_attn.q_norm.weight', w.attn.qNorm);
  vec('self_attn.k_norm.weight', w.attn.kNorm);
  if (w.mlp) {
    lin('mlp.gate_proj', w.mlp.gate);
    lin('mlp.up_proj', w.mlp.up);
    lin('mlp.down_proj', w.mlp.down);
  }
  return out;
}

/** ORT tensors for the graph's weight inputs; 2-D weights become float16 when the graph asks for it. */
export function layerWeightFeeds(
  ort: OrtModule,
  w: LayerWeights,
  weightNames: readonly string[],
  weightType: 'float' | 'float16' = 'float',
): Record<string, OrtTensor> {
  const tensors = layerTensors(w);
  const feeds: Record<string, OrtTensor> = {};
  for (const name of weightNames) {
    const t = tensors.get(name);
    if (!t) {
      throw new MoptError(
        'onnx-missing-weight',
        `layer ${w.layer}: the layer graph needs "${name}", which was not loaded`,
        {
          exitCode: 1,
        },
      );
    }
    feeds[name] = toOrt(ort, t.data, t.dims, weightType);
  }
  return feeds;
}

/** Feeds `<name>.weight` for each named linear (an expert's gate/up/down). */
export function layerWeightFeedsFor(
  ort: OrtModule,
  linears: Record<string, LinearWeights>,
  weightType: 'float' | 'float16' = 'float',
): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const [name, l] of Object.entries(linears))
    feeds[`${name}.weight`] = toOrt(ort, l.weight, [l.outDim, l.inDim], weightType);
  return feeds;
}

function toOrt(
  ort: OrtModule,
  data: Float32Array,
  dims: number[],
  weightType: 'float' | 'float16',
): OrtTensor {
  return weightType === 'float16' && dims.length === 2
    ? new ort.Tensor('float16', f32ToF16(data, new Uint16Array(data.length)), dims)
    : new ort.Tensor('float32', data, dims);
}
