/**
 * mopt's library API: the recipe system (loadRecipe, loadConfig, schemas, dumps), planning, data-free
 * and calibrated quantization with ModelOpt-format export, and the model runtime it rests on.
 */
export { MoptError, formatLoc, isMoptError } from './errors.js';
export type { SourceLoc, SourceRef } from './errors.js';
export * from './recipe/index.js';
export { isDict, isInt, isList, pyFloatRepr, pyStrRepr, pyTruthy } from './recipe/pyvalue.js';
export type { PyList, PyScalar } from './recipe/pyvalue.js';

export { buildQuantizerSlots, SUPPORTED_MODEL_TYPES } from './quant/names/index.js';
export { planQuantization, buildPlanReport, planReport } from './quant/plan/index.js';
export { fnmatchcase } from './quant/fnmatch.js';
export { fakeQuant } from './quant/quantizer/fake-quant.js';
export { realQuant } from './quant/quantizer/real-quant.js';

export { openCheckpoint } from './model/checkpoint.js';
export { resolveModelPath } from './model/hf-cache.js';
export { convertLlama2c } from './model/llama2c.js';
export { synthCheckpoint } from './model/synth.js';
export { loadTokenizer } from './model/tokenizer.js';
export { ReferenceModel, generateGreedy, perplexity } from './model/forward/index.js';

export { loadCalibData, calibBatches } from './calib/data/index.js';
export { calibrateActivations, openDequantized, evaluateVariants } from './calib/index.js';
export { exportCheckpoint, planModel } from './export/index.js';
