/**
 * How fast ONNX Runtime multiplies matrices on this machine: an n×n×n float32 MatMul, median of several
 * runs, as a yardstick for the benchmarks (calibration throughput is reported against it).
 */
import { GraphBuilder } from './graph-builder.js';
import { createSession, loadOrt, runSession } from './ort.js';

export interface GemmPeakOptions {
  /** Matrix size n (default 1024). */
  size?: number;
  /** Timed runs after one warm-up (default 5). */
  runs?: number;
  intraOpNumThreads?: number;
}

export interface GemmPeak {
  /** 2·n³ / median run time, in GFLOP/s. */
  gflops: number;
  medianMs: number;
  size: number;
  threads: number;
}

export async function measureOrtGemmPeak(options: GemmPeakOptions = {}): Promise<GemmPeak> {
  const n = options.size ?? 1024;
  const runs = options.runs ?? 5;
  const threads = options.intraOpNumThreads ?? 2;
  const ort = await loadOrt();
  const g = new GraphBuilder('gemm_peak');
  g.output(g.op('MatMul', [g.input('A', 'float', [n, n]), g.input('B', 'float', [n, n])]), [n, n], 'C');
  const session = await createSession(g.build(), 'GEMM benchmark', { intraOpNumThreads: threads });
  try {
    const fill = (seed: number): Float32Array =>
      Float32Array.from({ length: n * n }, (_, i) => ((i * seed) % 17) / 17 - 0.5);
    const feeds = {
      A: new ort.Tensor('float32', fill(7), [n, n]),
      B: new ort.Tensor('float32', fill(11), [n, n]),
    };
    await runSession(session, feeds, 'GEMM benchmark');
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      await runSession(session, feeds, 'GEMM benchmark');
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const medianMs = times[Math.floor(times.length / 2)]!;
    return { gflops: (2 * n ** 3) / (medianMs * 1e6), medianMs, size: n, threads };
  } finally {
    await session.release();
  }
}
