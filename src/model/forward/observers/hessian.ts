/**
 * GPTQ-style statistics of linear inputs: the running sum of xᵀx over real token rows ([in, in], float64)
 * and the row count. H = 2·sum / rows is GPTQ's Hessian; kept raw so batches merge exactly.
 */
import type { ForwardObserver, PointInfo } from '../observer.js';

export interface HessianStats {
  inDim: number;
  /** Row-major [in, in] sum of outer products (full, symmetric). */
  sum: Float64Array;
  rows: number;
}

export class HessianObserver implements ForwardObserver {
  readonly stats = new Map<string, HessianStats>();

  /** `names`: the `<linear>.input_quantizer` points to accumulate. */
  constructor(private readonly names: ReadonlySet<string>) {}

  wants(name: string): boolean {
    return this.names.has(name);
  }

  observe(name: string, x: Float32Array, shape: readonly number[], info: PointInfo): void {
    const n = shape[shape.length - 1]!;
    let s = this.stats.get(name);
    if (!s) {
      s = { inDim: n, sum: new Float64Array(n * n), rows: 0 };
      this.stats.set(name, s);
    }
    const h = s.sum;
    const rows = x.length / n;
    for (let r = 0; r < rows; r++) {
      if (info.rowValid !== null && info.rowValid[r] === 0) continue;
      s.rows++;
      const base = r * n;
      for (let i = 0; i < n; i++) {
        const xi = x[base + i]!;
        if (xi === 0) continue;
        const hi = i * n;
        for (let j = i; j < n; j++) h[hi + j] = h[hi + j]! + xi * x[base + j]!;
      }
    }
    // mirror the upper triangle so readers get a full matrix
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) h[j * n + i] = h[i * n + j]!;
  }
}
