/**
 * Quantizer slots of one sparse-MoE decoder block, in either expert layout:
 * sequential (router nn.Linear, then one nn.Linear per expert projection) or transformers-5 fused
 * (a quantizer-less TopKRouter plus one fused-experts module), from hub or fused tensors.
 */
import { MoptError } from '../../errors.js';
import type { MoeSpec } from './architectures.js';
import { fusedExpertSlots, linearSlots, type FusedExpert } from './module-slots.js';
import type { TensorIndex } from './tensor-index.js';
import type { ExpertLayout, QuantizerSlot } from './types.js';

export interface MoeBlockResult {
  slots: QuantizerSlot[];
  /** Hub-named router modules that own no quantizer (fused layout). */
  quantizerless: string[];
}

export function moeBlockSlots(
  index: TensorIndex,
  moe: MoeSpec,
  layerPath: string,
  layer: number,
  numExperts: number,
  layout: ExpertLayout,
): MoeBlockResult {
  const fusedOnDisk = index.has(`${layerPath}.${moe.fusedBlock}.experts.gate_up_proj`);
  if (fusedOnDisk) return fusedFromFusedTensors(index, moe, layerPath, layer, numExperts);
  if (layout === 'fused') return fusedFromHubTensors(index, moe, layerPath, layer, numExperts);
  return sequential(index, moe, layerPath, layer, numExperts);
}

function checkExpertCount(index: TensorIndex, expertsPath: string, numExperts: number): void {
  if (index.hasPrefix(`${expertsPath}.${numExperts}.`)) {
    throw new MoptError(
      'E_TENSOR_LAYOUT',
      `checkpoint has tensors for expert ${numExperts} under '${expertsPath}', but config.json declares ${numExperts} experts`,
    );
  }
}

function router(index: TensorIndex, routerPath: string, numExperts: number): number[] {
  const name = `${routerPath}.weight`;
  const shape = index.linearWeight(name, 'in');
  if (shape[0] !== numExperts) {
    throw new MoptError(
      'E_TENSOR_LAYOUT',
      `router '${name}' has ${shape[0]} rows but config.json declares ${numExperts} experts`,
    );
  }
  return shape;
}

function sequential(
  index: TensorIndex,
  moe: MoeSpec,
  layerPath: string,
  layer: number,
  numExperts: number,
): MoeBlockResult {
  const block = `${layerPath}.${moe.hubBlock}`;
  const routerShape = router(index, `${block}.gate`, numExperts);
  const slots = linearSlots(
    `${block}.gate`,
    { layerType: `${moe.hubBlock}.gate`, layer },
    `${block}.gate.weight`,
    routerShape,
  );
  checkExpertCount(index, `${block}.experts`, numExperts);
  for (let e = 0; e < numExperts; e += 1) {
    for (const proj of moe.expertProjections) {
      const module = `${block}.experts.${e}.${proj.name}`;
      const shape = index.linearWeight(`${module}.weight`, proj.hidden);
      index.claimIfPresent(`${module}.bias`);
      const ctx = { layerType: `${moe.hubBlock}.experts.*.${proj.name}`, layer, expert: e };
      slots.push(...linearSlots(module, ctx, `${module}.weight`, shape));
    }
  }
  return { slots, quantizerless: [] };
}

function fusedFromHubTensors(
  index: TensorIndex,
  moe: MoeSpec,
  layerPath: string,
  layer: number,
  numExperts: number,
): MoeBlockResult {
  const hub = `${layerPath}.${moe.hubBlock}`;
  router(index, `${hub}.gate`, numExperts);
  checkExpertCount(index, `${hub}.experts`, numExperts);
  const experts: FusedExpert[] = [];
  for (let e = 0; e < numExperts; e += 1) {
    const at = (p: string): string => `${hub}.experts.${e}.${p}`;
    const gate = index.linearWeight(`${at(moe.gate)}.weight`, 'in');
    const up = index.linearWeight(`${at(moe.up)}.weight`, 'in');
    const down = index.linearWeight(`${at(moe.down)}.weight`, 'out');
    if (gate[0] !== up[0] || down[1] !== gate[0]) {
      throw new MoptError(
        'E_TENSOR_LAYOUT',
        `expert ${e} of '${hub}' has mismatched projection shapes: ${moe.gate} [${gate.join(', ')}], ${moe.up} [${up.join(', ')}], ${moe.down} [${down.join(', ')}]`,
      );
    }
    experts.push({
      gateUpTensors: [`${at(moe.gate)}.weight`, `${at(moe.up)}.weight`],
      gateUpShape: [2 * (gate[0] as number), gate[1] as number],
      downTensors: [`${at(moe.down)}.weight`],
      downShape: down,
      gateModule: at(moe.gate),
      upModule: at(moe.up),
      downModule: at(moe.down),
    });
  }
  const module = `${layerPath}.${moe.fusedBlock}.experts`;
  const slots = fusedExpertSlots(
    module,
    { layerType: '', layer },
    moe.fusedExpertsClass,
    experts,
    `${moe.fusedBlock}.experts`,
  );
  return { slots, quantizerless: [`${hub}.gate`] };
}

function fusedFromFusedTensors(
  index: TensorIndex,
  moe: MoeSpec,
  layerPath: string,
  layer: number,
  numExperts: number,
): MoeBlockResult {
  const block = `${layerPath}.${moe.fusedBlock}`;
  router(index, `${block}.gate`, numExperts);
  const gateUpName = `${block}.experts.gate_up_proj`;
  const downName = `${block}.experts.down_proj`;
  const gateUp = index.require(gateUpName, 3, 'fused experts [E, 2I, H]');
  const down = index.require(downName, 3, 'fused experts [E, H, I]');
  const [e1, twoI, h1] = gateUp as [number, number, number];
  const [e2, h2, i2] = down as [number, number, number];
  if (e1 !== numExperts || e2 !== numExperts || twoI !== 2 * i2 || h1 !== h2) {
    throw new MoptError(
      'E_TENSOR_LAYOUT',
      `fused experts of '${block}' do not fit ${numExperts} experts: '${gateUpName}' [${gateUp.join(', ')}], '${downName}' [${down.join(', ')}]`,
    );
  }
  index.expectHidden(gateUpName, gateUp, 2);
  const experts: FusedExpert[] = [];
  for (let e = 0; e < numExperts; e += 1) {
    const split = (p: string): string => `${block}.experts.${e}.${p}`;
    experts.push({
      gateUpTensors: [gateUpName],
      gateUpShape: [twoI, h1],
      downTensors: [downName],
      downShape: [h2, i2],
      gateModule: split('gate_proj'),
      upModule: split('up_proj'),
      downModule: split('down_proj'),
    });
  }
  const slots = fusedExpertSlots(
    `${block}.experts`,
    { layerType: '', layer },
    moe.fusedExpertsClass,
    experts,
    `${moe.fusedBlock}.experts`,
  );
  return { slots, quantizerless: [`${block}.gate`] };
}
