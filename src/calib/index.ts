/** Calibration, simulated quantization and evaluation on top of the forward passes (data loading lives in ./data). */
export { calibrateActivations, type CalibrateOptions, type CalibrationResult } from './calibrate.js';
export { ActivationStatsObserver, type ActivationStats } from './activation-stats.js';
export { activationTargets, type ActivationTarget, type ActivationGranularity } from './targets.js';
export { finishExpertAmax, NO_TOKEN_FALLBACK_AMAX } from './moe-fallback.js';
export {
  interrupted,
  openEngine,
  runLayerwise,
  type CalibEngine,
  type LayerEngine,
  type LayerwiseOptions,
  type LayerwiseProgress,
} from './layerwise.js';
export { simulatedWeights, simulatedActivations, type WeightMethod } from './simulate.js';
export { openDequantized, type DequantizedCheckpoint } from './dequantize.js';
export {
  dequantizeLinear,
  exportedLinear,
  type ExportedLinear,
  type ExportedWeightFormat,
} from './dequantize-weight.js';
export { ExportedActivationQuant } from './exported-activations.js';
export {
  evaluateVariants,
  exportedVariant,
  fakeQuantVariant,
  originalVariant,
  type EvalRow,
  type EvalVariant,
  type EvaluateOptions,
} from './evaluate.js';
export { evalTokens } from './eval-text.js';
export { greedySample, type GreedySample, type SimulatedModel } from './sample.js';
