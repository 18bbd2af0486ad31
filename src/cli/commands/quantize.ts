/** `mopt quantize`: data-free PTQ of a checkpoint into a ModelOpt unified HF export. */
import type { Command } from 'commander';
import { MoptError } from '../../errors.js';
import {
  exportCheckpoint,
  loadQuantizeInput,
  type ExportProgress,
  type ExportSummary,
} from '../../export/index.js';
import { resolveModelPath } from '../../model/hf-cache.js';
import type { CliIO } from '../main.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const gb = (bytes: number): string =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 3 : 1)} MB`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function progressLine(p: ExportProgress): string {
  const s = p.elapsedMs / 1000;
  const rate = s > 0 ? p.bytesRead / s : 0;
  const eta = rate > 0 ? (p.totalBytes - p.bytesRead) / rate : 0;
  return `quantize: ${p.done}/${p.total} tensors, ${gb(p.bytesRead)} of ${gb(p.totalBytes)}, ${(rate / 1e9).toFixed(3)} GB/s, ETA ${eta.toFixed(0)} s`;
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
      `  files: ${s.files.join(', ')}, config.json${s.hfQuantConfig.quantization.quant_algo !== null || kv ? ', hf_quant_config.json' : ''}`,
    ].join('\n') + '\n'
  );
}

interface QuantizeOpts {
  model: string;
  recipe: string;
  export_path: string;
  export_fmt: string;
  force?: boolean;
  set: string[];
}

export function registerQuantizeCommand(program: Command, io: CliIO): void {
  program
    .command('quantize')
    .description('quantize a checkpoint with a data-free recipe and export a ModelOpt unified HF checkpoint')
    .requiredOption('--model <dir|hf-id>', 'model folder or a Hugging Face id in the local cache')
    .requiredOption('--recipe <recipe>', 'a PTQ recipe (built-in name or path) or a QuantizeConfig preset')
    .requiredOption(
      '--export_path <dir>',
      'output folder (written atomically; never inside the model folder)',
    )
    .option('--export_fmt <fmt>', 'export format: hf (ModelOpt unified Hugging Face checkpoint)', 'hf')
    .option('--force', 'replace a non-empty export folder')
    .option('--set <key=value>', 'override a recipe field (repeatable)', collect, [])
    .action((opts: QuantizeOpts) => {
      if (opts.export_fmt !== 'hf') {
        throw new MoptError(
          'E_USAGE',
          `--export_fmt '${opts.export_fmt}' is not supported; the only export format is 'hf'`,
        );
      }
      const input = loadQuantizeInput(opts.recipe, opts.set);
      const summary = exportCheckpoint({
        modelDir: resolveModelPath(opts.model),
        quantize: input.quantize,
        exportPath: opts.export_path,
        force: opts.force === true,
        onProgress: progressReporter(io, process.stderr.isTTY === true),
      });
      io.stdout(renderSummary(summary));
    });
}
