/**
 * Data-free quantization throughput: a synthetic bf16 Llama (1B preset, generated once into a temp
 * folder) exported with FP8 per-tensor, NVFP4 and INT4-blockwise weight recipes. Reports GB/s of
 * input weights, the ratio to a memcpy baseline measured in the same run, and peak RSS.
 */
import {
  closeSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportCheckpointAsync, loadQuantizeInput } from '../src/export/index.js';
import { synthCheckpoint } from '../src/model/synth.js';
import { median } from './stats.js';

const FP8_WEIGHT_ONLY = `imports:
  base_disable_all: configs/ptq/units/base_disable_all
  default_disabled_quantizers: configs/ptq/units/default_disabled_quantizers
  fp8: configs/numerics/fp8
metadata:
  recipe_type: ptq
  description: FP8 per-tensor weights only (benchmark)
quantize:
  algorithm: max
  quant_cfg:
    - $import: base_disable_all
    - quantizer_name: '*weight_quantizer'
      cfg: {$import: fp8}
    - $import: default_disabled_quantizers
`;

/** memcpy baseline: Buffer.copy of 256 MiB, median GB/s of 5 runs. */
export function memcpyGBps(): number {
  const size = 256 * 1024 * 1024;
  const src = Buffer.alloc(size, 1);
  const dst = Buffer.allocUnsafe(size);
  const rates: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    src.copy(dst);
    rates.push(size / 1e9 / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

/**
 * File-write baseline: `bytes` written in 16 MiB pieces to a new file in `dir` (what the export's
 * output costs on this machine's page cache), GB/s. Fresh page-cache pages can be far slower than
 * memcpy, and on a VM their speed swings from run to run, so each export is paired with one.
 */
export function fileWriteGBps(dir: string, bytes: number): number {
  const piece = Buffer.alloc(16 * 1024 * 1024, 1);
  const file = join(dir, 'write-baseline.bin');
  const t0 = performance.now();
  const fd = openSync(file, 'w');
  for (let at = 0; at < bytes; at += piece.length)
    writeSync(fd, piece, 0, Math.min(piece.length, bytes - at), at);
  closeSync(fd);
  const rate = bytes / 1e9 / ((performance.now() - t0) / 1000);
  rmSync(file);
  return rate;
}

export interface BenchQuantizeOptions {
  preset?: string;
  layers?: number;
  /** Exports per recipe; the median is reported (default 5 for FP8, 3 for the slower formats). */
  runs?: number;
}

/** Each recipe runs `mopt quantize`'s export (exportCheckpointAsync: writes queued behind the quantization). */
export async function benchQuantize(opts: BenchQuantizeOptions = {}): Promise<string[]> {
  const preset = opts.preset ?? '1b';
  const work = mkdtempSync(join(tmpdir(), 'mopt-bench-quantize-'));
  try {
    const model = join(work, 'model');
    const t0 = performance.now();
    const synth = synthCheckpoint({
      arch: 'llama',
      preset,
      outDir: model,
      ...(opts.layers ? { layers: opts.layers } : {}),
    });
    const genS = (performance.now() - t0) / 1000;
    // the generated files go to disk first, so their writeback does not throttle the exports' writes
    const t1 = performance.now();
    for (const f of readdirSync(model)) {
      const fd = openSync(join(model, f), 'r');
      fsyncSync(fd);
      closeSync(fd);
    }
    const flushS = (performance.now() - t1) / 1000;
    const fp8Recipe = join(work, 'fp8_weight_only.yaml');
    writeFileSync(fp8Recipe, FP8_WEIGHT_ONLY);
    const memcpy = memcpyGBps();
    const params = synth.tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
    const lines = [
      `quantize: synthetic llama/${preset}${opts.layers ? ` (${opts.layers} layers)` : ''}, ${(params / 1e9).toFixed(2)} B params, ${(synth.totalBytes / 1e9).toFixed(2)} GB bf16 (generated in ${genS.toFixed(1)} s, flushed to disk in ${flushS.toFixed(1)} s)`,
      `  baseline memcpy (Buffer.copy 256 MiB, median of 5): ${memcpy.toFixed(2)} GB/s`,
    ];
    for (const [label, recipe, defaultRuns] of [
      ['FP8 per-tensor', fp8Recipe, 5],
      ['NVFP4 (W4A16)', 'general/ptq/nvfp4_weight_only-kv_fp8_cast', 3],
      ['INT4 blockwise', 'general/ptq/int4_blockwise_weight_only', 3],
    ] as const) {
      const out = join(work, 'out');
      const runs: Array<{ s: number; rate: number; userS: number; sysS: number; writeS: number }> = [];
      let exportBytes = 0;
      for (let k = 0; k < (opts.runs ?? defaultRuns); k++) {
        const cpu0 = process.cpuUsage();
        const s = await exportCheckpointAsync({
          modelDir: model,
          quantize: loadQuantizeInput(recipe).quantize,
          exportPath: out,
          force: true,
        });
        const cpu = process.cpuUsage(cpu0);
        exportBytes = s.exportBytes;
        rmSync(out, { recursive: true, force: true });
        // the same number of bytes written to a new file, right after: what the output alone costs now
        const writeS = exportBytes / 1e9 / fileWriteGBps(work, exportBytes);
        runs.push({
          s: s.elapsedMs / 1000,
          rate: s.sourceBytes / 1e9 / (s.elapsedMs / 1000),
          userS: cpu.user / 1e6,
          sysS: cpu.system / 1e6,
          writeS,
        });
      }
      const rate = median(runs.map((r) => r.rate));
      const userS = median(runs.map((r) => r.userS));
      const sysS = median(runs.map((r) => r.sysS));
      const writeRatio = median(runs.map((r) => r.s / r.writeS));
      const rssGB = (process.resourceUsage().maxRSS * 1024) / 1e9;
      const range = runs
        .map((r) => `${r.rate.toFixed(2)}@${(exportBytes / 1e9 / r.writeS).toFixed(1)}`)
        .join(' ');
      lines.push(
        `  ${label}: median ${rate.toFixed(3)} GB/s of input weights over ${runs.length} runs ` +
          `(${((rate / memcpy) * 100).toFixed(1)}% of memcpy, best ${Math.max(...runs.map((r) => r.rate)).toFixed(3)}); ` +
          `CPU ${userS.toFixed(1)} s user (${(synth.totalBytes / 1e9 / userS).toFixed(2)} GB per user-CPU-second) + ${sysS.toFixed(1)} s system; ` +
          `${(exportBytes / 1e9).toFixed(2)} GB out; export time / time to write those bytes alone: median ${writeRatio.toFixed(2)}; peak RSS so far ${rssGB.toFixed(2)} GB`,
        `    per run, GB/s of input @ GB/s of the plain write after it: ${range}`,
      );
    }
    return lines;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
