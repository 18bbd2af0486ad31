/**
 * An optional extension of ForwardObserver for the ONNX engine: a point may ask for on-graph reductions
 * (max|x| per tensor and per last-dim channel) instead of the whole tensor, so large activations never
 * travel back to JS. The TS reference forward ignores these methods.
 */
import type { ForwardObserver, PointInfo, PointKind } from '../forward/observer.js';

export interface GraphReductions {
  amax?: boolean;
  channelAmax?: boolean;
  /** Leave padding rows out (they count as 0). */
  validRowsOnly?: boolean;
}

export interface ReducedStats {
  amax?: number;
  channelAmax?: Float32Array;
}

export interface ReducingObserver extends ForwardObserver {
  /** Reductions wanted for a point (then `observeReduced` replaces `observe` there), or null for the full tensor. */
  reductionsFor?(name: string, kind: PointKind): GraphReductions | null;
  observeReduced?(name: string, stats: ReducedStats, shape: readonly number[], info: PointInfo): void;
  /**
   * Whether `transform` may replace the tensor at this point (default: yes whenever `transform` exists).
   * Saying no lets the engine keep the layer in one graph instead of cutting it there.
   */
  mayTransform?(name: string): boolean;
}

/** Running amax statistics gathered entirely on-graph; `wants` picks the points. */
export class GraphAmaxObserver implements ReducingObserver {
  readonly amax = new Map<string, number>();
  readonly channelAmax = new Map<string, Float32Array>();

  constructor(
    readonly wants: (name: string) => boolean,
    private readonly options: { channels?: boolean; includePadding?: boolean } = {},
  ) {}

  reductionsFor(): GraphReductions {
    return {
      amax: true,
      channelAmax: this.options.channels ?? true,
      validRowsOnly: !this.options.includePadding,
    };
  }

  observeReduced(name: string, stats: ReducedStats): void {
    if (stats.amax !== undefined) this.amax.set(name, Math.max(this.amax.get(name) ?? 0, stats.amax));
    if (stats.channelAmax) {
      const held = this.channelAmax.get(name);
      if (!held) this.channelAmax.set(name, stats.channelAmax.slice());
      else for (let i = 0; i < held.length; i++) held[i] = Math.max(held[i]!, stats.channelAmax[i]!);
    }
  }
}
