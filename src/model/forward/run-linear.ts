/** A linear layer as ModelOpt's QuantLinear sees it: input point, x · Wᵀ + b, output point. */
import { linear } from './linear.js';
import { visitPoint, type ForwardObserver, type PointInfo } from './observer.js';
import type { LinearWeights } from './weights.js';

/** Where points fire: the observer, and which token rows are real. */
export interface PointScope {
  observer: ForwardObserver | null;
  layer: number;
  expert?: number;
  /** [rows] of the tensors passed to runLinear: 1 = real token, 0 = padding; null = all real. */
  rowValid: Uint8Array | null;
}

export function pointInfo(scope: PointScope, kind: PointInfo['kind'], rowValid = scope.rowValid): PointInfo {
  const info: PointInfo = { kind, layer: scope.layer, rowValid };
  if (scope.expert !== undefined) info.expert = scope.expert;
  return info;
}

/** y = output_q(x_q · Wᵀ + b) with x_q = input_q(x); the points are `<module>.input_quantizer` / `.output_quantizer`. */
export function runLinear(
  lin: LinearWeights,
  x: Float32Array,
  rows: number,
  scope: PointScope,
): Float32Array {
  const input = visitPoint(scope.observer, `${lin.module}.input_quantizer`, x, [rows, lin.inDim], () =>
    pointInfo(scope, 'input'),
  );
  const y = linear(input, rows, lin.inDim, lin.weight, lin.outDim, lin.bias);
  return visitPoint(scope.observer, `${lin.module}.output_quantizer`, y, [rows, lin.outDim], () =>
    pointInfo(scope, 'output'),
  );
}
