/**
 * Max calibration statistics: for each observed point, the running max |x| over the whole tensor and per
 * channel of the last dim (plus Σ|x| per channel) (the [in] vector of a linear input, [head_dim] of K/V), skipping padding rows
 * unless asked. NaN propagates, as torch.amax does.
 */
import type { ForwardObserver, PointInfo } from '../observer.js';

export interface AmaxStats {
  /** max |x| over everything seen. */
  amax: number;
  /** max |x| per index of the last dim. */
  channelAmax: Float32Array;
  /** Σ|x| per index of the last dim; ÷ rows gives the mean |x| per channel that AWQ scales by. */
  channelAbsSum: Float64Array;
  /** Real rows (tokens; (b, head, s) for K/V) seen so far. */
  rows: number;
}

export interface AmaxObserverOptions {
  /** Which points to record (default: every point). */
  names?: Iterable<string> | ((name: string) => boolean);
  /**
   * Count padding rows too. ModelOpt's calibration does (pad tokens flow through the linears); the
   * default skips them so statistics depend only on real text.
   */
  includePadding?: boolean;
}

export class AmaxObserver implements ForwardObserver {
  readonly stats = new Map<string, AmaxStats>();
  private readonly filter: (name: string) => boolean;
  private readonly includePadding: boolean;

  constructor(opts: AmaxObserverOptions = {}) {
    const names = opts.names;
    if (names === undefined) this.filter = () => true;
    else if (typeof names === 'function') this.filter = names;
    else {
      const set = new Set(names);
      this.filter = (n) => set.has(n);
    }
    this.includePadding = opts.includePadding ?? false;
  }

  wants(name: string): boolean {
    return this.filter(name);
  }

  observe(name: string, x: Float32Array, shape: readonly number[], info: PointInfo): void {
    const cols = shape[shape.length - 1] ?? 1;
    let s = this.stats.get(name);
    if (!s) {
      s = { amax: 0, channelAmax: new Float32Array(cols), channelAbsSum: new Float64Array(cols), rows: 0 };
      this.stats.set(name, s);
    }
    const ch = s.channelAmax;
    const sums = s.channelAbsSum;
    const valid = this.includePadding ? null : info.rowValid;
    const rows = cols === 0 ? 0 : x.length / cols;
    for (let r = 0; r < rows; r++) {
      if (valid !== null && valid[r] === 0) continue;
      s.rows++;
      const base = r * cols;
      for (let c = 0; c < cols; c++) {
        const a = Math.abs(x[base + c]!);
        if (a > ch[c]! || a !== a) ch[c] = a;
        sums[c] = sums[c]! + a;
      }
    }
    let m = s.amax;
    for (let c = 0; c < cols; c++) if (ch[c]! > m || ch[c] !== ch[c]) m = ch[c]!;
    s.amax = m;
  }

  /** The per-tensor amax of a point, or undefined if it saw nothing. */
  amax(name: string): number | undefined {
    const s = this.stats.get(name);
    return s && s.rows > 0 ? s.amax : undefined;
  }
}
