/**
 * What `mopt quantize` tells the user while it works: human progress on stderr (calibration per layer with
 * throughput and ETA, then the export per tensor) and the summary on stdout, or with --json one JSON object
 * per line on stdout (start, calib_layer, export_tensor, sample, done) and nothing else there.
 */
import { readdirSync } from 'node:fs';
import type { LayerwiseProgress } from '../../calib/index.js';
import type { ExportProgress, ExportSummary } from '../../export/index.js';
import type { CliIO } from '../main.js';

const gb = (bytes: number): string =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 3 : 1)} MB`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function progressLine(p: ExportProgress): string {
  const s = p.elapsedMs / 1000;
  const rate = s > 0 ? p.bytesRead / s : 0;
  const eta = rate > 0 ? (p.totalBytes - p.bytesRead) / rate : 0;
  return `quantize: ${p.done}/${p.total} tensors, ${gb(p.bytesRead)} of ${gb(p.totalBytes)}, ${(rate / 1e9).toFixed(3)} GB/s, ETA ${eta.toFixed(0)} s`;
}

/** Tokens through the whole model per second, and seconds left, after `step` of `steps` layer passes. */
export function calibRates(p: LayerwiseProgress): { tokensPerSecond: number; etaSeconds: number } {
  const s = p.elapsedMs / 1000;
  const tokensPerSecond = s > 0 ? (p.tokens * p.step) / p.steps / s : 0;
  const etaSeconds = p.step > 0 ? (s * (p.steps - p.step)) / p.step : 0;
  return { tokensPerSecond, etaSeconds };
}

export function calibLine(p: LayerwiseProgress): string {
  const { tokensPerSecond, etaSeconds } = calibRates(p);
  return `calibrate: layer ${p.step}/${p.steps}, ${p.tokens} tokens, ${Math.round(tokensPerSecond)} tokens/s, ${secs(p.elapsedMs)}, ETA ${etaSeconds.toFixed(0)} s`;
}

/** Progress on stderr: one rewritten line on a terminal; plain lines at every 10% otherwise. */
export function progressReporter(io: CliIO, tty: boolean): (p: ExportProgress) => void {
  let lastDecile = -1;
  let lastDraw = 0;
  return (p) => {
    if (tty) {
      if (p.done !== p.total && p.elapsedMs - lastDraw < 100) return;
      lastDraw = p.elapsedMs;
      io.stderr(`\r${progressLine(p)}\u001b[K${p.done === p.total ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor((p.done * 10) / p.total);
    if (decile === lastDecile) return;
    lastDecile = decile;
    io.stderr(`${progressLine(p)}\n`);
  };
}

export function renderSummary(s: ExportSummary): string {
  const formats =
    Object.entries(s.formats)
      .map(([k, v]) => `${k} (${v} modules)`)
      .join(', ') || 'none (nothing quantized)';
  const kv = s.hfQuantConfig.quantization.kv_cache_quant_algo;
  return (
    [
      `exported ${s.exportPath} in ${secs(s.elapsedMs)}`,
      `  size: ${gb(s.sourceBytes)} -> ${gb(s.exportBytes)} (${((s.exportBytes / s.sourceBytes) * 100).toFixed(1)}%)`,
      `  formats: ${formats}; kv cache: ${kv === null || kv === undefined ? 'unquantized' : String(kv)}`,
      `  files: ${readdirSync(s.exportPath).sort().join(', ')}`,
    ].join('\n') + '\n'
  );
}

/** MoE: "experts: 7 of 8 saw calibration tokens (min 0, max 310)"; null for dense models. */
export function expertLine(expertTokens: ReadonlyMap<string, number>): string | null {
  if (expertTokens.size === 0) return null;
  const counts = [...expertTokens.values()];
  const seen = counts.filter((c) => c > 0).length;
  return `experts: ${seen} of ${counts.length} saw calibration tokens (min ${Math.min(...counts)}, max ${Math.max(...counts)} tokens per expert)`;
}

export interface QuantizeReporter {
  start(info: Record<string, unknown>): void;
  note(message: string): void;
  warn(message: string): void;
  calibLayer(p: LayerwiseProgress): void;
  exportTensor(p: ExportProgress): void;
  sample(which: 'original' | 'quantized', text: string): void;
  done(summary: ExportSummary, extra: Record<string, unknown>, humanTail: string): void;
}

export function humanReporter(io: CliIO, tty: boolean): QuantizeReporter {
  const exportProgress = progressReporter(io, tty);
  return {
    start: () => {},
    note: (m) => io.stderr(`${m}\n`),
    warn: (m) => io.stderr(`mopt: warning: ${m}\n`),
    calibLayer: (p) => io.stderr(`${calibLine(p)}\n`),
    exportTensor: exportProgress,
    sample: (which, text) =>
      io.stdout(
        `example output ${which === 'original' ? 'before' : 'after'} quantization: ${JSON.stringify(text)}\n`,
      ),
    done: (summary, _extra, tail) => io.stdout(renderSummary(summary) + tail),
  };
}

/** --json: events on stdout, one object per line; notes and warnings stay on stderr. */
export function jsonReporter(io: CliIO): QuantizeReporter {
  const emit = (event: string, body: Record<string, unknown>): void =>
    io.stdout(`${JSON.stringify({ event, ...body })}\n`);
  return {
    start: (info) => emit('start', info),
    note: (m) => io.stderr(`${m}\n`),
    warn: (m) => io.stderr(`mopt: warning: ${m}\n`),
    calibLayer: (p) => {
      const r = calibRates(p);
      emit('calib_layer', {
        step: p.step,
        steps: p.steps,
        tokens: p.tokens,
        elapsed_s: round3(p.elapsedMs / 1000),
        tokens_per_s: Math.round(r.tokensPerSecond),
        eta_s: round3(r.etaSeconds),
      });
    },
    exportTensor: (p) =>
      emit('export_tensor', {
        tensor: p.tensor ?? null,
        done: p.done,
        total: p.total,
        bytes_read: p.bytesRead,
        total_bytes: p.totalBytes,
        elapsed_s: round3(p.elapsedMs / 1000),
      }),
    sample: (which, text) => emit('sample', { model: which, text }),
    done: (s, extra) =>
      emit('done', {
        summary: {
          export_path: s.exportPath,
          tensors: s.tensors,
          source_bytes: s.sourceBytes,
          export_bytes: s.exportBytes,
          files: s.files,
          formats: s.formats,
          quant_algo: s.hfQuantConfig.quantization.quant_algo ?? null,
          kv_cache_quant_algo: s.hfQuantConfig.quantization.kv_cache_quant_algo ?? null,
          elapsed_s: round3(s.elapsedMs / 1000),
          ...extra,
        },
      }),
  };
}
