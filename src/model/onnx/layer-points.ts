/**
 * Between the ONNX layer graph and a ForwardObserver: which points to request from the graph (full tensor,
 * on-graph reductions, or a cut where a transform may replace the tensor), and handing each result back.
 */
import { MoptError } from '../../errors.js';
import { headRowsValid } from '../forward/context.js';
import type { PointInfo, PointKind } from '../forward/observer.js';
import type { PointOutputs, PointRequest } from './point-graph.js';
import type { ReducingObserver } from './graph-observer.js';
import type { OrtModule, OrtTensor } from './ort.js';

/** Where a graph's points sit: the token rows its tensors hold, and the layer (and expert). */
export interface PointSite {
  batch: number;
  seq: number;
  tokens: number;
  /** [tokens] 1 = real token, or null when all are. */
  tokenValid: Uint8Array | null;
  layer: number;
  expert?: number;
}

/**
 * What a graph must return for this observer. `points` are (suffix, kind) pairs and full names are
 * `prefix + suffix`; every wanted point is a cut when the observer can transform.
 */
export function pointRequests(
  prefix: string,
  points: readonly (readonly [string, PointKind])[],
  obs: ReducingObserver | null,
): PointRequest[] {
  if (!obs) return [];
  const out: PointRequest[] = [];
  for (const [suffix, kind] of points) {
    const name = `${prefix}${suffix}`;
    if (!obs.wants(name)) continue;
    const red = obs.observeReduced ? (obs.reductionsFor?.(name, kind) ?? null) : null;
    const cut = obs.transform !== undefined && (obs.mayTransform?.(name) ?? true);
    out.push({ point: suffix, full: cut || !red, cut, ...(red ?? {}) });
  }
  return out;
}

/**
 * Hands one point's tensor (or its reductions) to the observer; for a cut point, stores the (possibly
 * replaced) tensor under the next segment's input name in `values`.
 */
export function visitPoint(
  ort: OrtModule,
  name: string,
  kind: PointKind,
  p: PointOutputs,
  values: Map<string, OrtTensor>,
  site: PointSite,
  obs: ReducingObserver | null,
): void {
  if (!obs) return;
  const { batch: B, seq: S, tokens: T } = site;
  const shape = p.layout === 'rows' ? [T, p.channels] : [B, p.heads, S, p.channels];
  const info: PointInfo = {
    kind,
    layer: site.layer,
    rowValid: p.layout === 'rows' ? site.tokenValid : headRowsValid(site.tokenValid, B, p.heads, S),
  };
  if (site.expert !== undefined) info.expert = site.expert;
  const reduced = p.amax !== undefined || p.channelAmax !== undefined;
  if (reduced) {
    const stats: { amax?: number; channelAmax?: Float32Array } = {};
    if (p.amax) stats.amax = (values.get(p.amax)!.data as Float32Array)[0]!;
    if (p.channelAmax) stats.channelAmax = values.get(p.channelAmax)!.data as Float32Array;
    obs.observeReduced?.(name, stats, shape, info);
  }
  if (p.full === undefined) return;
  const held = values.get(p.full)!;
  const x = held.data as Float32Array;
  if (!reduced) obs.observe?.(name, x, shape, info);
  if (p.replacedInput === undefined) return;
  const y = obs.transform?.(name, x, shape, info) ?? x;
  if (y.length !== x.length)
    throw new MoptError(
      'observer-transform',
      `transform of "${name}" returned ${y.length} values, expected ${x.length}`,
      {
        exitCode: 1,
      },
    );
  values.set(p.replacedInput, y === x ? held : new ort.Tensor('float32', y, shape));
}
