/**
 * QuantizerAttributeConfig defaults and the state every quantizer starts in right after
 * `mtq.quantize` inserts it (before quant_cfg is applied).
 */
import type { QuantizerAttributeConfig } from '../../recipe/types.js';
import type { QuantizerSlot } from '../names/types.js';

/** The schema defaults (INT8 per-tensor, static, max calibrator). */
export function defaultAttributes(): QuantizerAttributeConfig {
  return {
    enable: true,
    num_bits: 8,
    effective_bits: null,
    axis: null,
    fake_quant: true,
    unsigned: false,
    narrow_range: false,
    learn_amax: false,
    type: 'static',
    block_sizes: null,
    bias: null,
    trt_high_precision_dtype: 'Float',
    calibrator: 'max',
    rotate: false,
    pass_through_bwd: true,
    backend: null,
    backend_extra_args: null,
    use_constant_amax: false,
    constant_amax: null,
  };
}

export interface QuantizerState {
  enabled: boolean;
  attributes: QuantizerAttributeConfig;
}

/**
 * Output quantizers and nn.Embedding's input quantizer start disabled; all others enabled.
 * QuantLinear's default weight descriptor is INT8 per output row (axis 0).
 */
export function initialState(slot: QuantizerSlot): QuantizerState {
  const attributes = defaultAttributes();
  if (slot.kind === 'weight' && slot.parentClass === 'nn.Linear') attributes.axis = 0;
  const enabled = slot.kind !== 'output' && !slot.alwaysDisabled;
  attributes.enable = enabled;
  return { enabled, attributes };
}

/** A copy that shares nothing mutable with `attrs` (Maps and arrays are cloned one level down). */
export function cloneAttributes(attrs: QuantizerAttributeConfig): QuantizerAttributeConfig {
  const copy: QuantizerAttributeConfig = { ...attrs };
  if (Array.isArray(attrs.num_bits)) copy.num_bits = [...attrs.num_bits];
  if (Array.isArray(attrs.axis)) copy.axis = [...attrs.axis];
  if (attrs.block_sizes) copy.block_sizes = new Map(attrs.block_sizes);
  if (attrs.bias) copy.bias = new Map(attrs.bias);
  if (attrs.backend_extra_args) copy.backend_extra_args = new Map(attrs.backend_extra_args);
  if (typeof attrs.rotate === 'object') copy.rotate = { ...attrs.rotate };
  return copy;
}
