/** Applying quant_cfg to quantizer slots and summarising the result (`mopt plan`). */
export {
  planQuantization,
  type PlannedSlot,
  type PlanOptions,
  type PlanWarning,
  type QuantPlan,
  type UnmatchedEntry,
} from './apply.js';
export {
  buildPlanReport,
  planReport,
  attributesToJson,
  type PlanReport,
  type ReportOptions,
  type SlotReport,
} from './report.js';
export { defaultAttributes, initialState, type QuantizerState } from './attributes.js';
export { normQuantizerName, nameMatches, STOCK_REGISTRY_KEYS } from './match.js';
export { attributeLabel, slotLabel, slotScaling, isMx, type Scaling } from './format.js';
export { weightBytes } from './storage.js';
export { summarizeExcludeModules } from './exclude.js';
export {
  excludeModules,
  moduleQuantization,
  type FormatTotal,
  type LayerSummaryRow,
  type PlanFlag,
  type PlanTotals,
} from './summary.js';
