/** The pure-TS reference forward of Llama-family models, its hooks, and what runs on top of it. */
export {
  forwardArch,
  FORWARD_MODEL_TYPES,
  type ForwardArch,
  type ForwardModelType,
  type MoeArch,
} from './arch.js';
export { KvCache, positionsFromMask, type BatchInput, type ForwardContext } from './context.js';
export {
  composeObservers,
  visitPoint,
  type ForwardObserver,
  type PointInfo,
  type PointKind,
  type WeightInfo,
  type WeightTransform,
} from './observer.js';
export { ReferenceModel, type ReferenceModelOptions } from './reference.js';
export { argmax, generateGreedy, type GenerateOptions } from './generate.js';
export {
  perplexity,
  perplexityWindows,
  type PerplexityOptions,
  type PerplexityResult,
} from './perplexity.js';
export { route, type Routing } from './moe.js';
export { ropeInvFreq } from './rope.js';
export { linear } from './linear.js';
export { rmsNorm } from './rmsnorm.js';
export {
  loadLayer,
  type LayerWeights,
  type LinearWeights,
  type GatedMlpWeights,
  type MoeWeights,
} from './weights.js';
export { AmaxObserver, type AmaxObserverOptions, type AmaxStats } from './observers/amax.js';
export { HessianObserver, type HessianStats } from './observers/hessian.js';
export {
  FakeQuantTransform,
  fakeQuantWeights,
  slotConfig,
  type AmaxLookup,
  type SlotAmax,
} from './observers/fake-quant.js';
