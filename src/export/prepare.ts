/**
 * Everything `mopt quantize` decides before touching a weight: open the checkpoint, name its
 * quantizers, apply the recipe, and refuse what the export cannot do (unsupported algorithm,
 * activation quantizers without calibration statistics, unexportable layouts).
 */
import { MoptError } from '../errors.js';
import { openCheckpoint, type Checkpoint } from '../model/checkpoint.js';
import { bf16ToNumber, f16ToNumber, numberToBf16, numberToF16 } from '../model/dtypes.js';
import { buildQuantizerSlots } from '../quant/names/index.js';
import type { ModelSlots } from '../quant/names/types.js';
import { planQuantization, type QuantPlan } from '../quant/plan/apply.js';
import { buildPlanReport, type PlanReport } from '../quant/plan/report.js';
import { entrySource } from '../recipe/index.js';
import type { QuantizeConfig } from '../recipe/types.js';
import { weightCalibration, type WeightCalibration } from './algorithm.js';
import { activationTargets } from '../calib/targets.js';
import { buildExportPlan, type ExportPlan } from './export-plan.js';

export interface PlannedModel {
  checkpoint: Checkpoint;
  slots: ModelSlots;
  plan: QuantPlan;
  report: PlanReport;
}

/** Opens `modelDir` header-only and plans `quantize` on it (what `mopt plan` prints). */
export function planModel(modelDir: string, quantize: QuantizeConfig): PlannedModel {
  const checkpoint = openCheckpoint(modelDir);
  try {
    const slots = buildQuantizerSlots(checkpoint.config, [...checkpoint.tensors.values()]);
    const plan = planQuantization(slots.slots, quantize.quant_cfg, {
      entrySource: (e) => entrySource(e),
      registryKeys: slots.registryKeys,
    });
    const report = buildPlanReport(slots, plan, { dtypeBytes: exportDtypeBytes(checkpoint.config) });
    return { checkpoint, slots, plan, report };
  } catch (err) {
    checkpoint.close();
    throw err;
  }
}

function exportDtypeBytes(config: Record<string, unknown>): number {
  const d = config.torch_dtype ?? config.dtype;
  return d === 'float32' ? 4 : 2;
}

/** "self_attn.q_proj, self_attn.k_proj, … (+3 more)" */
function listSome(names: string[], max = 6): string {
  const unique = [...new Set(names)];
  return unique.length <= max
    ? unique.join(', ')
    : `${unique.slice(0, max).join(', ')}, … (+${unique.length - max} more)`;
}

export function needsDataError(report: PlanReport): MoptError {
  const byKind = new Map<string, string[]>();
  for (const row of report.layers) {
    if (!row.needsCalibrationData) continue;
    const key = `${row.kind} quantizers (${row.format})`;
    byKind.set(key, [...(byKind.get(key) ?? []), row.layerType]);
  }
  const parts = [...byKind].map(([kind, layers]) => `${kind} of ${listSome(layers)}`);
  return new MoptError(
    'E_NEEDS_DATA',
    `the recipe enables ${report.calibratedActivationQuantizers} static activation quantizers that need calibration data (--dataset): ${parts.join('; ')}`,
    {
      hint: 'run calibrateActivations with this plan and pass its amax (mopt quantize does this with --dataset), or use a weight-only recipe, dynamic activations, or constant-amax ("cast") KV quantizers',
    },
  );
}

export interface PreparedExport extends PlannedModel {
  calibration: WeightCalibration;
  exportPlan: ExportPlan;
}

export interface PrepareOptions {
  /**
   * Calibrated amax per activation quantizer (ActivationStats.amax from calibrateActivations run with the
   * same plan). With it, data-needing quantizers export calibrated scales instead of being refused.
   */
  activationAmax?: ReadonlyMap<string, number>;
  /**
   * Check everything except calibration data (the algorithm, the layouts, the target): what `mopt quantize`
   * runs before it spends time calibrating. The returned plan then lacks calibrated scales.
   */
  deferCalibration?: boolean;
}

/**
 * ModelOpt holds a calibrated amax in the model dtype (the max of bf16 activations is a bf16 value), so the
 * exported scale is that value / 448; our float32 forward's amax is rounded to the same dtype first.
 */
function modelDtypeAmax(
  amax: ReadonlyMap<string, number>,
  config: Record<string, unknown>,
): ReadonlyMap<string, number> {
  const d = config.torch_dtype ?? config.dtype;
  const round =
    d === 'bfloat16'
      ? (v: number) => bf16ToNumber(numberToBf16(v))
      : d === 'float16'
        ? (v: number) => f16ToNumber(numberToF16(v))
        : null;
  if (round === null) return amax;
  return new Map([...amax].map(([k, v]) => [k, round(v)]));
}

/** Every data-needing quantizer of the plan must have an amax; names the missing ones. */
function checkCalibrated(plan: QuantPlan, amax: ReadonlyMap<string, number>): void {
  const missing = activationTargets(plan)
    .map((t) => t.name)
    .filter((n) => !amax.has(n));
  if (missing.length === 0) return;
  throw new MoptError(
    'E_MISSING_CALIBRATION',
    `the calibration statistics lack ${missing.length} quantizer(s) this recipe needs: ${listSome(missing)}`,
    { exitCode: 1, hint: 'calibrate with the same model and recipe the export uses' },
  );
}

/** planModel plus the export checks; the checkpoint stays open for the caller to close. */
export function prepareExport(
  modelDir: string,
  quantize: QuantizeConfig,
  options: PrepareOptions = {},
): PreparedExport {
  const planned = planModel(modelDir, quantize);
  try {
    if (planned.checkpoint.config.quantization_config !== undefined) {
      throw new MoptError(
        'E_ALREADY_QUANTIZED',
        `${modelDir}/config.json already has a quantization_config; mopt quantizes unquantized checkpoints only`,
      );
    }
    const calibration = weightCalibration(quantize.algorithm);
    const amax = options.activationAmax;
    if (amax !== undefined) checkCalibrated(planned.plan, amax);
    else if (planned.report.needsCalibrationData && options.deferCalibration !== true)
      throw needsDataError(planned.report);
    const exportPlan = buildExportPlan(
      planned.slots,
      planned.plan,
      amax && modelDtypeAmax(amax, planned.checkpoint.config),
    );
    return { ...planned, calibration, exportPlan };
  } catch (err) {
    planned.checkpoint.close();
    throw err;
  }
}
