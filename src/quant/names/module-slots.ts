/**
 * The quantizers each quantized module type registers, in registration order:
 * QuantLinear (input, output, weight), QuantEmbedding (weight, input, output),
 * HF attention (q/k/v/p bmm) and transformers-5 fused experts.
 */
import type { QuantizerSlot } from './types.js';

export interface SlotContext {
  layerType: string;
  layer?: number;
  expert?: number;
}

function base(
  module: string,
  ctx: SlotContext,
): Pick<QuantizerSlot, 'module' | 'layerType' | 'layer' | 'expert'> {
  const out: Pick<QuantizerSlot, 'module' | 'layerType' | 'layer' | 'expert'> = {
    module,
    layerType: ctx.layerType,
  };
  if (ctx.layer !== undefined) out.layer = ctx.layer;
  if (ctx.expert !== undefined) out.expert = ctx.expert;
  return out;
}

/** QuantLinear: `_setup` registers input, then output, then weight quantizer. */
export function linearSlots(
  module: string,
  ctx: SlotContext,
  weightTensor: string,
  shape: number[],
  exportModule = module,
): QuantizerSlot[] {
  const common = {
    ...base(module, ctx),
    parentClass: 'nn.Linear',
    parentKeys: ['nn.Linear'],
    exportModules: [exportModule],
  };
  return [
    { ...common, name: `${module}.input_quantizer`, kind: 'input' },
    { ...common, name: `${module}.output_quantizer`, kind: 'output' },
    { ...common, name: `${module}.weight_quantizer`, kind: 'weight', weightTensors: [weightTensor], shape },
  ];
}

/** QuantEmbedding: weight, a hard-disabled input (ids are integers), then output. */
export function embeddingSlots(
  module: string,
  ctx: SlotContext,
  weightTensor: string,
  shape: number[],
): QuantizerSlot[] {
  const common = {
    ...base(module, ctx),
    parentClass: 'nn.Embedding',
    parentKeys: ['nn.Embedding'],
    exportModules: [module],
  };
  return [
    { ...common, name: `${module}.weight_quantizer`, kind: 'weight', weightTensors: [weightTensor], shape },
    { ...common, name: `${module}.input_quantizer`, kind: 'input', alwaysDisabled: true },
    { ...common, name: `${module}.output_quantizer`, kind: 'output' },
  ];
}

/** `_QuantAttention` adds q, k, v and p bmm quantizers after the attention's own children. */
export function attentionSlots(module: string, ctx: SlotContext, attentionClass: string): QuantizerSlot[] {
  const common = {
    ...base(module, ctx),
    parentClass: attentionClass,
    parentKeys: [attentionClass],
    exportModules: [],
  };
  return (['q_bmm', 'k_bmm', 'v_bmm', 'p_bmm'] as const).map((kind) => ({
    ...common,
    name: `${module}.${kind}_quantizer`,
    kind,
  }));
}

export interface FusedExpert {
  /** Tensors the per-expert gate_up quantizer sees (gate rows first) and its shape `[2I, H]`. */
  gateUpTensors: string[];
  gateUpShape: number[];
  downTensors: string[];
  downShape: number[];
  /** Hub-named modules the expert exports as: gate, up, down. */
  gateModule: string;
  upModule: string;
  downModule: string;
}

/**
 * `_QuantFusedExperts`: one shared gate_up input quantizer, a ModuleList of per-expert gate_up
 * weight quantizers, then the same pair for down_proj.
 */
export function fusedExpertSlots(
  module: string,
  ctx: SlotContext,
  expertsClass: string,
  experts: FusedExpert[],
  layerPrefix: string,
): QuantizerSlot[] {
  const shared = { ...base(module, ctx), parentClass: expertsClass, parentKeys: [expertsClass] };
  const perExpert = { ...base(module, ctx), parentClass: 'nn.ModuleList', parentKeys: [] as string[] };
  const slots: QuantizerSlot[] = [];
  for (const [proj, pick] of [
    ['gate_up_proj', (e: FusedExpert) => [e.gateModule, e.upModule]],
    ['down_proj', (e: FusedExpert) => [e.downModule]],
  ] as const) {
    const layerType = `${layerPrefix}.*.${proj}`;
    slots.push({
      ...shared,
      layerType,
      name: `${module}.${proj}_input_quantizer`,
      kind: 'input',
      exportModules: experts.flatMap(pick),
    });
    experts.forEach((e, idx) => {
      const gateUp = proj === 'gate_up_proj';
      slots.push({
        ...perExpert,
        layerType,
        expert: idx,
        name: `${module}.${proj}_weight_quantizers.${idx}`,
        kind: 'weight',
        weightTensors: gateUp ? e.gateUpTensors : e.downTensors,
        shape: gateUp ? e.gateUpShape : e.downShape,
        exportModules: pick(e),
      });
    });
  }
  return slots;
}
