/** Quantizer naming for HF causal LMs: build the slots ModelOpt would create for a checkpoint. */
export { buildQuantizerSlots, type BuildSlotsOptions } from './build-slots.js';
export { SUPPORTED_MODEL_TYPES } from './architectures.js';
export type { ExpertLayout, ModelSlots, QuantizerKind, QuantizerSlot, TensorInfo } from './types.js';
