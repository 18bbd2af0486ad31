/**
 * Turns a QuantPlan into what the writer needs: per quantized linear its weight quantizer, format,
 * input scale (constant or calibrated) and fusion group; KV-cache scale tensors; the hf_quant_config
 * contents. Everything the export cannot do is rejected here, before any tensor is read.
 */
import { MoptError } from '../errors.js';
import type { TensorSpec } from '../model/safetensors-writer.js';
import type { ModelSlots } from '../quant/names/types.js';
import type { PlannedSlot, QuantPlan } from '../quant/plan/apply.js';
import { excludeModules, slotNeedsData } from '../quant/plan/summary.js';
import { activationScale } from '../quant/quantizer/export-amax.js';
import { quantSpec } from '../quant/quantizer/spec.js';
import type { QuantizerAttributeConfig } from '../recipe/types.js';
import {
  kvCacheQuantAlgo,
  layerConfig,
  moduleFormat,
  type ExportFormat,
  type LayerConfig,
  type WeightQuantizer,
} from './layer-format.js';
import { buildHfQuantConfig, type HfQuantConfig } from './quant-config.js';
import { weightOutputs } from './tensor-layout.js';

export interface ModuleExport {
  module: string;
  /** Source weight tensor. */
  tensor: string;
  shape: number[];
  weight: WeightQuantizer;
  format: ExportFormat;
  /** input_scale from a constant or calibrated amax, or null (disabled, dynamic, MX, use_constant_amax). */
  inputScale: number | null;
  /** Fusion group key (q/k/v, gate/up, w1/w3 of one block) or the module itself. */
  group: string;
  outputs: TensorSpec[];
  /** The enabled input quantizer, when there is one. */
  inputAttrs?: QuantizerAttributeConfig;
}

export interface ScalarTensor {
  spec: TensorSpec;
  value: number;
}

export interface ExportPlan {
  /** Quantized modules keyed by their source weight tensor. */
  modules: Map<string, ModuleExport>;
  /** Members of every fusion group (and singletons), in model order. */
  groups: Map<string, ModuleExport[]>;
  /** k_scale / v_scale tensors, keyed by the source tensor they follow (`<attn>.k_proj.weight`). */
  kvScales: Map<string, ScalarTensor>;
  hfQuantConfig: HfQuantConfig;
}

const FUSION = [/^(.*)\.(?:q_proj|k_proj|v_proj)$/, /^(.*)\.(?:gate_proj|up_proj)$/, /^(.*)\.(?:w1|w3)$/];

export function fusionGroup(module: string): string {
  for (let i = 0; i < FUSION.length; i++) {
    const m = FUSION[i]!.exec(module);
    if (m) return `${m[1]}#${i}`;
  }
  return module;
}

function enabledWeight(p: PlannedSlot): WeightQuantizer | null {
  if (!p.enabled) return null;
  if (p.sequential) {
    const stages = p.sequential.filter((s) => s.enabled).map((s) => s.attributes);
    return stages.length === 1 ? stages[0]! : stages.length === 0 ? null : stages;
  }
  return p.attributes;
}

function enabledSingle(p: PlannedSlot | undefined): QuantizerAttributeConfig | null {
  if (!p || !p.enabled) return null;
  if (p.sequential)
    throw new MoptError(
      'E_EXPORT_FORMAT',
      `'${p.slot.name}': sequential activation quantizers cannot be exported`,
    );
  return p.attributes;
}

/** Exported activation scale of a constant-amax quantizer; null when none is written. */
function constantScale(attrs: QuantizerAttributeConfig | null, width: number): number | null {
  if (!attrs || attrs.use_constant_amax || attrs.constant_amax === null) return null;
  return activationScale(attrs.constant_amax, quantSpec(attrs, [1, width]));
}

/**
 * The amax an exported activation scale comes from: calibrated for quantizers that need data (null when no
 * statistics were given: the caller refuses or only checks the plan), the constant otherwise.
 */
function slotAmax(p: PlannedSlot | undefined, amax: ReadonlyMap<string, number> | undefined): number | null {
  if (!p || !slotNeedsData(p) || amax === undefined) return null;
  const v = amax.get(p.slot.name);
  if (v === undefined)
    throw new MoptError(
      'E_MISSING_CALIBRATION',
      `'${p.slot.name}' needs a calibrated amax but none was given`,
      {
        exitCode: 1,
      },
    );
  return v;
}

/** Scale from a calibrated amax; only per-tensor activation quantizers have an input_scale to write. */
function calibratedScale(name: string, attrs: QuantizerAttributeConfig, width: number, amax: number): number {
  const spec = quantSpec(attrs, [1, width]);
  // dynamic NVFP4 blocks keep a per-tensor amax (the global scale); any other non-tensor granularity has none
  if (spec.granularity.kind !== 'tensor' && spec.format.kind !== 'nvfp4')
    throw new MoptError(
      'E_EXPORT_UNSUPPORTED',
      `'${name}': a static per-channel activation quantizer has no per-tensor scale to export`,
      { hint: 'use a per-tensor (axis null) activation quantizer for export' },
    );
  return activationScale(amax, spec);
}

/** §4.3: shared-input siblings export the group max of their input amax, except FP8 per-tensor. */
function unifyGroupInputs(groups: Map<string, ModuleExport[]>, amaxOf: Map<ModuleExport, number>): void {
  for (const members of groups.values()) {
    if (members.length < 2 || members[0]!.format === 'fp8') continue;
    const own = members.map((m) => amaxOf.get(m));
    if (own.some((a) => a === undefined)) continue;
    const max = (own as number[]).reduce((a, b) => (b > a || b !== b ? b : a));
    for (const m of members) m.inputScale = calibratedScale(m.module, m.inputAttrs!, m.shape.at(-1)!, max);
  }
}

/**
 * `activationAmax` (calibrated amax by quantizer name, from calibrateActivations) fills the input_scale,
 * k_scale and v_scale of quantizers that need data; without it those scales are left out.
 */
export function buildExportPlan(
  model: ModelSlots,
  plan: QuantPlan,
  activationAmax?: ReadonlyMap<string, number>,
): ExportPlan {
  const inputs = new Map<string, PlannedSlot>();
  for (const p of plan.slots) if (p.slot.kind === 'input') inputs.set(p.slot.module, p);
  const modules = new Map<string, ModuleExport>();
  const calibratedAmax = new Map<ModuleExport, number>();
  const layerConfigs = new Map<string, LayerConfig>();
  for (const p of plan.slots) {
    if (p.slot.kind !== 'weight') continue;
    const weight = enabledWeight(p);
    if (!weight) continue;
    const { slot } = p;
    const tensors = slot.weightTensors ?? [];
    if (tensors.length !== 1 || !slot.shape) {
      throw new MoptError(
        'E_EXPORT_UNSUPPORTED',
        `'${slot.name}': quantizing fused 3-D expert tensors is not supported yet`,
      );
    }
    const tensor = tensors[0]!;
    const module = slot.module;
    if (tensor !== `${module}.weight` || modules.has(tensor)) {
      throw new MoptError(
        'E_EXPORT_UNSUPPORTED',
        `'${slot.name}': the weight is shared with another module (tied embeddings); quantizing it is not supported`,
        {
          hint: 'keep lm_head and embed_tokens unquantized for models with tie_word_embeddings',
        },
      );
    }
    const input = enabledSingle(inputs.get(module));
    const format = moduleFormat(weight, input);
    const width = slot.shape[slot.shape.length - 1]!;
    const inAmax = slotAmax(inputs.get(module), activationAmax);
    const inputScale =
      inAmax === null || !input ? constantScale(input, width) : calibratedScale(module, input, width, inAmax);
    const outputs = weightOutputs(module, tensor, slot.shape, weight);
    if (inputScale !== null) outputs.push({ name: `${module}.input_scale`, dtype: 'F32', shape: [] });
    const entry: ModuleExport = {
      module,
      tensor,
      shape: slot.shape,
      weight,
      format,
      inputScale,
      group: fusionGroup(module),
      outputs,
    };
    if (input) entry.inputAttrs = input;
    if (inAmax !== null) calibratedAmax.set(entry, inAmax);
    modules.set(tensor, entry);
    layerConfigs.set(module, layerConfig(format, weight));
  }
  const groups = new Map<string, ModuleExport[]>();
  for (const m of modules.values()) groups.set(m.group, [...(groups.get(m.group) ?? []), m]);
  unifyGroupInputs(groups, calibratedAmax);

  const kvScales = new Map<string, ScalarTensor>();
  const kvAttrs: QuantizerAttributeConfig[] = [];
  for (const p of plan.slots) {
    if (p.slot.kind !== 'k_bmm' && p.slot.kind !== 'v_bmm') continue;
    const attrs = enabledSingle(p);
    if (!attrs) continue;
    kvAttrs.push(attrs);
    const proj = p.slot.kind === 'k_bmm' ? 'k' : 'v';
    const kvAmax = slotAmax(p, activationAmax);
    const value = kvAmax === null ? constantScale(attrs, 1) : calibratedScale(p.slot.name, attrs, 1, kvAmax);
    if (value === null) continue;
    const name = `${p.slot.module}.${proj}_proj.${proj}_scale`;
    kvScales.set(`${p.slot.module}.${proj}_proj.weight`, { spec: { name, dtype: 'F32', shape: [] }, value });
  }
  const hfQuantConfig = buildHfQuantConfig(
    layerConfigs,
    kvCacheQuantAlgo(kvAttrs),
    excludeModules(model, plan),
  );
  return { modules, groups, kvScales, hfQuantConfig };
}
