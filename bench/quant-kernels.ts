/**
 * Export kernels, one weight at a time: the reference path (float32 decode + realQuant /
 * reduceAmax, as the exporter ran before) against the fast paths (realQuantFast on float32,
 * realQuantBf16 / integer amax on bf16 bits). Reports median M elements/s and the ratio to a
 * memcpy of the same bf16 bytes measured in the same run.
 */
import { loadavg } from 'node:os';
import { firstNonFinite } from '../src/model/checkpoint.js';
import { bf16ToF32 } from '../src/model/dtypes.js';
import {
  bf16Amax,
  bf16MaxMagnitudeScalar,
  fp8CodeTableBf16,
  fp8CodeTableBf16Reference,
  numberToBf16Bits,
} from '../src/quant/formats/bf16-bits.js';
import { maxCalibrateWeight } from '../src/quant/calib-weights/max.js';
import { maxCalibrateWeightBf16 } from '../src/quant/calib-weights/max-bf16.js';
import { reduceAmax } from '../src/quant/quantizer/amax.js';
import { realQuant } from '../src/quant/quantizer/real-quant.js';
import { realQuantBf16, realQuantFast } from '../src/quant/quantizer/real-quant-fast.js';
import { closeQuantPool } from '../src/quant/quantizer/pool.js';
import { realQuantBf16Pooled } from '../src/quant/quantizer/real-quant-pool.js';
import { performance } from 'node:perf_hooks';
import type { QuantizerAttributeConfig } from '../src/recipe/types.js';
import { median, timeMedianMs } from './stats.js';
import { defaultAttributes } from '../src/quant/plan/attributes.js';

function cfg(over: Partial<QuantizerAttributeConfig>): QuantizerAttributeConfig {
  return { ...defaultAttributes(), ...over };
}

const FORMATS: Array<[string, QuantizerAttributeConfig]> = [
  ['FP8 per-tensor', cfg({ num_bits: [4, 3] })],
  ['FP8 per-channel', cfg({ num_bits: [4, 3], axis: 0 })],
  [
    'NVFP4 (dynamic, bs16)',
    cfg({
      num_bits: [2, 1],
      block_sizes: new Map<number | string, never>([
        [-1, 16 as never],
        ['type', 'dynamic' as never],
        ['scale_bits', [4, 3] as never],
      ]),
    }),
  ],
  [
    'INT4 blocks (bs128)',
    cfg({
      num_bits: 4,
      block_sizes: new Map<number | string, never>([
        [-1, 128 as never],
        ['type', 'static' as never],
      ]),
    }),
  ],
  [
    'MXFP4 (bs32)',
    cfg({
      num_bits: [2, 1],
      block_sizes: new Map<number | string, never>([
        [-1, 32 as never],
        ['type', 'dynamic' as never],
        ['scale_bits', [8, 0] as never],
      ]),
    }),
  ],
];

/** Normal-ish bf16 weights (std 0.02), like a freshly initialised linear layer. */
function weights(n: number): Uint16Array {
  const bits = new Uint16Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const u = s / 4294967296;
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const v = (s / 4294967296 - 0.5) * 0.04 * (u < 0.5 ? 1 : 2);
    bits[i] = numberToBf16Bits(v);
  }
  return bits;
}

export interface BenchKernelOptions {
  rows?: number;
  cols?: number;
  runs?: number;
}

/** One timed run of an async function, in ms. */
async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * realQuantBf16Pooled on 2 worker threads (as the 2-core target), median of `runs`; the bf16 input
 * sits in a SharedArrayBuffer as the exporter should read it.
 */
export async function benchQuantKernelsPooled(opts: BenchKernelOptions = {}): Promise<string[]> {
  const rows = opts.rows ?? 2048;
  const cols = opts.cols ?? 4096;
  const runs = opts.runs ?? 5;
  const n = rows * cols;
  const bits = new Uint16Array(new SharedArrayBuffer(n * 2));
  bits.set(weights(n));
  const lines = [
    `pooled (2 workers, shared bf16 input), [${rows}, ${cols}]; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  ];
  for (const [label, c] of FORMATS) {
    const times: number[] = [];
    await realQuantBf16Pooled(bits, [rows, cols], c, undefined, {}, { threads: 2 });
    for (let i = 0; i < runs; i++)
      times.push(
        await timeAsync(() => realQuantBf16Pooled(bits, [rows, cols], c, undefined, {}, { threads: 2 })),
      );
    lines.push(`  ${label}: realQuantBf16Pooled ${(n / 1e3 / median(times)).toFixed(0)} M elem/s`);
  }
  await closeQuantPool();
  return lines;
}

export function benchQuantKernels(opts: BenchKernelOptions = {}): string[] {
  const rows = opts.rows ?? 2048;
  const cols = opts.cols ?? 4096;
  const runs = opts.runs ?? 5;
  const n = rows * cols;
  const shape = [rows, cols];
  const bits = weights(n);
  const w = bf16ToF32(bits, new Float32Array(n));
  const rate = (ms: number) => n / 1e3 / ms; // M elements/s
  const dst = Buffer.allocUnsafe(n * 2);
  const src = Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength);
  const memcpy = rate(timeMedianMs(() => src.copy(dst), runs * 2));
  const fmt = (label: string, ms: number) =>
    `  ${label}: ${rate(ms).toFixed(0)} M elem/s (${((rate(ms) / memcpy) * 100).toFixed(1)}% of memcpy)`;
  const lines = [
    `quant kernels: [${rows}, ${cols}] bf16 weight (${(n / 1e6).toFixed(1)} M elements), median of ${runs}; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
    `  baseline memcpy of the bf16 bytes (Buffer.copy): ${memcpy.toFixed(0)} M elem/s`,
  ];
  const scratch = new Float32Array(n);
  lines.push(
    fmt(
      'bf16 decode + finite check + amax, reference (bf16ToF32, firstNonFinite, reduceAmax)',
      timeMedianMs(() => {
        bf16ToF32(bits, scratch);
        firstNonFinite(scratch);
        reduceAmax(scratch, shape, { kind: 'tensor' });
      }, runs),
    ),
    fmt(
      'bf16 amax + finite check, scalar (integer max of the magnitude bits, two per 32-bit load)',
      timeMedianMs(() => bf16MaxMagnitudeScalar(bits), runs),
    ),
    fmt(
      'bf16 amax + finite check, fast (WebAssembly SIMD, eight per instruction)',
      timeMedianMs(() => bf16Amax(bits), runs),
    ),
  );
  // the 64K-entry per-tensor FP8 code table, built once per weight: ms per table, not elem/s
  const ws = Math.fround(bf16Amax(bits) / 448);
  const tableRef = timeMedianMs(() => fp8CodeTableBf16Reference(ws, 'bf16-intermediate'), runs);
  const tableFast = timeMedianMs(() => fp8CodeTableBf16(ws, 'bf16-intermediate'), runs * 4);
  lines.push(
    `  FP8 code table for one weight (65 536 bf16 patterns): scalar castE4M3Torch ${tableRef.toFixed(2)} ms, ` +
      `WebAssembly SIMD ${tableFast.toFixed(2)} ms (${(tableRef / tableFast).toFixed(1)}x)`,
  );
  for (const [label, c] of FORMATS) {
    const calibrated = !label.startsWith('MX'); // MX formats store no amax: nothing to calibrate
    const refRuns = Math.max(3, Math.ceil(runs / 2));
    if (calibrated)
      lines.push(
        fmt(
          `${label}: max calibration, reference`,
          timeMedianMs(() => maxCalibrateWeight(w, shape, c), refRuns, 1),
        ),
        fmt(
          `${label}: max calibration, bf16 fast`,
          timeMedianMs(() => maxCalibrateWeightBf16(bits, shape, c), runs),
        ),
      );
    lines.push(
      fmt(
        `${label}: realQuant reference (float32)`,
        timeMedianMs(() => realQuant(w, shape, c), refRuns, 1),
      ),
      fmt(
        `${label}: realQuantFast (float32)`,
        timeMedianMs(() => realQuantFast(w, shape, c), runs),
      ),
      fmt(
        `${label}: realQuantBf16 (bf16 bits)`,
        timeMedianMs(() => realQuantBf16(bits, shape, c), runs),
      ),
    );
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const l of benchQuantKernels()) process.stdout.write(`${l}\n`);
  for (const l of await benchQuantKernelsPooled()) process.stdout.write(`${l}\n`);
}
