/**
 * Turns a QuantPlan into what the writer needs: per quantized linear its weight quantizer, format,
 * constant input scale and fusion group; KV-cache scale tensors; the hf_quant_config contents.
 * Everything a data-free export cannot do is rejected here, before any tensor is read.
 */
import { MoptError } from '../errors.js';
import type { TensorSpec } from '../model/safetensors-writer.js';
import type { ModelSlots } from '../quant/names/types.js';
import type { PlannedSlot, QuantPlan } from '../quant/plan/apply.js';
import { excludeModules } from '../quant/plan/summary.js';
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
  /** input_scale from a constant amax, or null (disabled, dynamic, MX, use_constant_amax). */
  inputScale: number | null;
  /** Fusion group key (q/k/v, gate/up, w1/w3 of one block) or the module itself. */
  group: string;
  outputs: TensorSpec[];
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

export function buildExportPlan(model: ModelSlots, plan: QuantPlan): ExportPlan {
  const inputs = new Map<string, PlannedSlot>();
  for (const p of plan.slots) if (p.slot.kind === 'input') inputs.set(p.slot.module, p);
  const modules = new Map<string, ModuleExport>();
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
    const inputScale = constantScale(input, width);
    const outputs = weightOutputs(module, tensor, slot.shape, weight);
    if (inputScale !== null) outputs.push({ name: `${module}.input_scale`, dtype: 'F32', shape: [] });
    modules.set(tensor, {
      module,
      tensor,
      shape: slot.shape,
      weight,
      format,
      inputScale,
      group: fusionGroup(module),
      outputs,
    });
    layerConfigs.set(module, layerConfig(format, weight));
  }
  const groups = new Map<string, ModuleExport[]>();
  for (const m of modules.values()) groups.set(m.group, [...(groups.get(m.group) ?? []), m]);

  const kvScales = new Map<string, ScalarTensor>();
  const kvAttrs: QuantizerAttributeConfig[] = [];
  for (const p of plan.slots) {
    if (p.slot.kind !== 'k_bmm' && p.slot.kind !== 'v_bmm') continue;
    const attrs = enabledSingle(p);
    if (!attrs) continue;
    kvAttrs.push(attrs);
    const proj = p.slot.kind === 'k_bmm' ? 'k' : 'v';
    const value = constantScale(attrs, 1);
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
