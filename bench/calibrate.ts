/**
 * Calibration throughput: `max` calibration of FP8 W8A8 + FP8 KV (general/ptq/fp8_default-kv_fp8) on a
 * synthetic Qwen2.5-0.5B-shaped bf16 model, layer by layer on onnxruntime-node. Reports tokens/s, the
 * GFLOP/s achieved, and their ratio to ORT's own MatMul peak measured in the same run; peak RSS against
 * one layer's weights (f32, as ORT holds them) plus the calibration activations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrateActivations } from '../src/calib/index.js';
import { padBatch, type CalibBatch } from '../src/calib/data/index.js';
import { loadQuantizeInput, planModel } from '../src/export/index.js';
import { measureOrtGemmPeak } from '../src/model/onnx/gemm-peak.js';
import { synthCheckpoint } from '../src/model/synth.js';

const SAMPLES = 8;
const SEQ = 512;
const BATCH = 4;

function syntheticBatches(vocab: number): CalibBatch[] {
  let state = 12345;
  const next = (): number => (state = (state * 1103515245 + 12345) >>> 0) % vocab;
  const samples = Array.from({ length: SAMPLES }, () => Int32Array.from({ length: SEQ }, next));
  const out: CalibBatch[] = [];
  for (let i = 0; i < SAMPLES; i += BATCH) out.push(padBatch(samples.slice(i, i + BATCH), SEQ, 0, i));
  return out;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

export async function benchCalibrate(): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), 'mopt-bench-calib-'));
  try {
    const modelDir = join(work, 'qwen2-0.5b');
    const synth = synthCheckpoint({ arch: 'qwen2', preset: '0.5b', outDir: modelDir, seed: 1 });
    const cfg = synth.config as Record<string, number>;
    const { quantize } = loadQuantizeInput('general/ptq/fp8_default-kv_fp8');
    const planned = planModel(modelDir, quantize);
    const layerParams = [...planned.checkpoint.tensors.values()]
      .filter((t) => t.name.startsWith('model.layers.0.'))
      .reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    const linearParams = [...planned.checkpoint.tensors.values()]
      .filter((t) => /^model\.layers\.\d+\..*_proj\.weight$/.test(t.name))
      .reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    planned.checkpoint.close();

    // ORT's peak: the better median of two square MatMul sizes (small sizes underfill the cores).
    const peaks = [
      await measureOrtGemmPeak({ size: 1024, runs: 5 }),
      await measureOrtGemmPeak({ size: 2048, runs: 3 }),
    ];
    const peak = peaks.reduce((a, b) => (b.gflops > a.gflops ? b : a));
    const rssBefore = process.memoryUsage().rss;
    const batches = syntheticBatches(cfg.vocab_size!);
    const result = await calibrateActivations({ modelDir, plan: planned.plan, batches, engine: 'onnx' });
    const seconds = result.elapsedMs / 1000;
    const tokens = SAMPLES * SEQ;
    const L = cfg.num_hidden_layers!;
    const attnFlops = 4 * SEQ * cfg.num_attention_heads! * (cfg.hidden_size! / cfg.num_attention_heads!) * L;
    const flops = tokens * (2 * linearParams + attnFlops);
    const gflops = flops / seconds / 1e9;
    const maxRss = process.resourceUsage().maxRSS * 1024;
    const activations = tokens * cfg.intermediate_size! * 4 * 3;
    return [
      `calibrate: synthetic Qwen2.5-0.5B shape (${L} layers, ${(synth.totalBytes / 1e9).toFixed(2)} GB bf16), ${SAMPLES}x${SEQ} tokens, batch ${BATCH}, onnxruntime-node, 2 threads`,
      `  throughput: ${(tokens / seconds).toFixed(0)} tokens/s (${seconds.toFixed(1)} s), ${gflops.toFixed(1)} GFLOP/s achieved`,
      `  baseline, ORT MatMul ${peak.size}^3 f32 peak in the same run: ${peak.gflops.toFixed(1)} GFLOP/s; ratio ${((100 * gflops) / peak.gflops).toFixed(0)}% (target >= 40%)`,
      `  peak RSS ${mb(maxRss)} (${mb(rssBefore)} before calibrating); one layer's weights in f32 ${mb(layerParams * 4)}, activations ~${mb(activations)}; budget layer + activations + 300 MB = ${mb(layerParams * 4 + activations + 300e6)}`,
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
