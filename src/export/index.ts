/** ModelOpt unified HF checkpoint export (data-free or with calibrated activations): the public entry of the export layer. */
export {
  exportCheckpoint,
  exportCheckpointAsync,
  EXPORT_MAX_SHARD_BYTES,
  type ExportOptions,
  type AsyncExportOptions,
  type ExportProgress,
  type ExportSummary,
} from './export-checkpoint.js';
export { exportDtype } from './tensor-reads.js';
export {
  planModel,
  prepareExport,
  needsDataError,
  type PlannedModel,
  type PrepareOptions,
  type PreparedExport,
} from './prepare.js';
export { buildExportPlan, fusionGroup, type ExportPlan, type ModuleExport } from './export-plan.js';
export {
  moduleFormat,
  layerConfig,
  kvCacheQuantAlgo,
  type ExportFormat,
  type LayerConfig,
} from './layer-format.js';
export {
  buildHfQuantConfig,
  configJsonQuantization,
  hasQuantization,
  PRODUCER,
  MODELOPT_COMPAT_VERSION,
  type HfQuantConfig,
} from './quant-config.js';
export { weightCalibration, algorithmLabel, type WeightCalibration } from './algorithm.js';
export { checkExportTarget, stageExportDir } from './output-dir.js';
export { loadQuantizeInput, type QuantizeInput } from './recipe-input.js';
export { weightOutputs } from './tensor-layout.js';
