/**
 * `mopt quantize`: hf_ptq.py end to end on the CPU. Plan the recipe, calibrate the activation quantizers that
 * need data (layer by layer), export a ModelOpt unified HF checkpoint, and print a greedy sample from the
 * original and the simulated quantized model. With no arguments it runs a built-in demo (quantize-default.ts).
 * Ctrl-C during calibration or export leaves nothing behind and exits 130.
 */
import type { Command } from 'commander';
import { MoptError, isMoptError } from '../../errors.js';
import { calibrateActivations, greedySample, type ActivationStats } from '../../calib/index.js';
import { activationTargets } from '../../calib/targets.js';
import { BUILTIN_DATASET, calibBatches, loadCalibData, resolveBatchSize } from '../../calib/data/index.js';
import {
  checkExportTarget,
  exportCheckpointAsync,
  loadQuantizeInput,
  prepareExport,
  type PreparedExport,
} from '../../export/index.js';
import { resolveModelPath } from '../../model/hf-cache.js';
import { loadTokenizer, type ModelTokenizer } from '../../model/tokenizer.js';
import type { CliIO } from '../main.js';
import { intFlag } from './eval.js';
import {
  DEFAULT_RECIPE,
  defaultQuality,
  ensureDefaultModel,
  freshExportPath,
  qualityLine,
  type DefaultModel,
} from './quantize-default.js';
import { expertLine, humanReporter, jsonReporter, type QuantizeReporter } from './quantize-report.js';

export { progressLine, progressReporter, renderSummary } from './quantize-report.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const SAMPLE_PROMPT_TOKENS = 16;
const SAMPLE_NEW_TOKENS = 24;

interface QuantizeOpts {
  model?: string;
  recipe?: string;
  export_path?: string;
  export_fmt: string;
  force?: boolean;
  set: string[];
  dataset?: string;
  calib_size: string;
  calib_seq: string;
  batch_size: string;
  text_field?: string;
  engine: string;
  json?: boolean;
  skip_generate?: boolean;
}

interface Calibrated {
  stats: ActivationStats;
  /** The first calibration sample (hf_ptq's preview prompt). */
  firstSample: Int32Array | null;
  summary: Record<string, unknown>;
}

/** tokenizer → loadCalibData → resolveBatchSize → calibBatches → calibrateActivations (docs/calibration-data.md). */
async function calibrate(
  opts: QuantizeOpts,
  modelDir: string,
  tok: ModelTokenizer,
  prepared: PreparedExport,
  report: QuantizeReporter,
  signal: AbortSignal,
): Promise<Calibrated> {
  if (opts.dataset === undefined)
    report.note(
      'calibrate: no --dataset given; the recipe needs data, so the built-in text (Austen, Emma ch. I-II) is used',
    );
  const set = loadCalibData(tok, {
    dataset: opts.dataset ?? BUILTIN_DATASET,
    calibSize: opts.calib_size,
    calibSeq: intFlag('calib_seq', opts.calib_seq, 1),
    ...(opts.text_field !== undefined ? { textField: opts.text_field } : {}),
  });
  const batchSize = resolveBatchSize(
    intFlag('batch_size', opts.batch_size, 0),
    set.samples.length,
    set.seqLen,
  );
  report.note(`calibrate: ${set.samples.length} samples of ${set.seqLen} tokens, batch size ${batchSize}`);
  const r = await calibrateActivations({
    modelDir,
    plan: prepared.plan,
    batches: calibBatches(set, batchSize),
    engine: opts.engine as 'onnx' | 'reference',
    onWarning: (m) => report.warn(m),
    onProgress: (p) => report.calibLayer(p),
    signal,
  });
  const experts = r.stats.expertTokens;
  const line = expertLine(experts);
  if (line) report.note(line);
  for (const [e, n] of experts) if (n === 0) report.warn(`${e} saw no calibration tokens`);
  return {
    stats: r.stats,
    firstSample: set.samples[0] ?? null,
    summary: {
      engine: r.engine,
      samples: set.samples.length,
      seq: set.seqLen,
      batch_size: batchSize,
      tokens: r.stats.tokens,
      real_tokens: r.stats.realTokens,
      quantizers: r.stats.amax.size,
      elapsed_s: Math.round(r.elapsedMs) / 1000,
      sources: set.sources,
      ...(experts.size > 0 ? { expert_tokens: Object.fromEntries(experts) } : {}),
    },
  };
}

function samples(
  modelDir: string,
  tok: ModelTokenizer,
  prepared: PreparedExport,
  cal: Calibrated | null,
  report: QuantizeReporter,
): void {
  const prompt = cal?.firstSample
    ? [...cal.firstSample.subarray(0, SAMPLE_PROMPT_TOKENS)]
    : tok.encode('Once upon a time');
  const stats = cal?.stats ?? {
    amax: new Map(),
    expertTokens: new Map(),
    tokens: 0,
    realTokens: 0,
    fallbacks: new Map(),
  };
  report.sample('original', greedySample(modelDir, tok, prompt, SAMPLE_NEW_TOKENS).text);
  const sim = { plan: prepared.plan, stats, weights: prepared.calibration };
  report.sample('quantized', greedySample(modelDir, tok, prompt, SAMPLE_NEW_TOKENS, sim).text);
}

/** A data-free export needs no tokenizer; without one the samples are skipped with a note. */
function optionalTokenizer(modelDir: string, report: QuantizeReporter): ModelTokenizer | null {
  try {
    return loadTokenizer(modelDir);
  } catch (err) {
    if (!isMoptError(err) || err.code !== 'tokenizer-not-found') throw err;
    report.note(`quantize: ${modelDir} has no tokenizer.json; the before/after samples are skipped`);
    return null;
  }
}

async function runQuantize(opts: QuantizeOpts, io: CliIO, signal: AbortSignal): Promise<void> {
  const given = [opts.model, opts.recipe].filter((v) => v !== undefined).length;
  if (given === 1)
    throw new MoptError('E_USAGE', 'give both --model and --recipe, or neither for the built-in demo');
  if (opts.export_fmt !== 'hf')
    throw new MoptError(
      'E_USAGE',
      `--export_fmt '${opts.export_fmt}' is not supported; the only export format is 'hf'`,
    );
  if (opts.engine !== 'onnx' && opts.engine !== 'reference')
    throw new MoptError('E_USAGE', `--engine ${opts.engine}: expected onnx or reference`);
  const report = opts.json ? jsonReporter(io) : humanReporter(io, process.stderr.isTTY === true);
  let demo: DefaultModel | null = null;
  if (given === 0) {
    demo = ensureDefaultModel();
    report.note(
      `mopt quantize: no --model/--recipe given; running ${DEFAULT_RECIPE} on a built-in tiny Llama (${demo.modelDir})`,
    );
    opts.dataset ??= demo.calibText;
  }
  const recipe = opts.recipe ?? DEFAULT_RECIPE;
  const exportPath = opts.export_path ?? (demo ? freshExportPath() : undefined);
  if (exportPath === undefined)
    throw new MoptError('E_USAGE', "required option '--export_path <dir>' not specified");
  const modelDir = demo?.modelDir ?? resolveModelPath(opts.model!);
  const input = loadQuantizeInput(recipe, opts.set);
  // everything but calibration is checked before any time is spent
  const prepared = prepareExport(modelDir, input.quantize, { deferCalibration: true });
  prepared.checkpoint.close();
  checkExportTarget(modelDir, exportPath, opts.force === true);
  const targets = activationTargets(prepared.plan);
  report.start({
    model: modelDir,
    recipe: input.display,
    export_path: exportPath,
    calibrated_quantizers: targets.length,
  });
  const tok = targets.length > 0 || demo ? loadTokenizer(modelDir) : null;
  const cal = targets.length > 0 ? await calibrate(opts, modelDir, tok!, prepared, report, signal) : null;
  if (signal.aborted) throw new MoptError('E_INTERRUPTED', 'interrupted before the export', { exitCode: 1 });
  const summary = await exportCheckpointAsync({
    modelDir,
    quantize: input.quantize,
    exportPath,
    force: opts.force === true,
    onProgress: (p) => report.exportTensor(p),
    signal,
    ...(cal ? { activationStats: cal.stats } : {}),
  });
  if (!opts.skip_generate) {
    const sampleTok = tok ?? optionalTokenizer(modelDir, report);
    if (sampleTok) samples(modelDir, sampleTok, prepared, cal, report);
  }
  let tail = '';
  const extra: Record<string, unknown> = { calibration: cal?.summary ?? null };
  if (demo) {
    const q = defaultQuality(demo, tok!, exportPath);
    tail = qualityLine(q);
    extra.quality = {
      window: q.window,
      windows: q.windows,
      rows: q.rows.map((r) => ({ ...r, elapsedMs: Math.round(r.elapsedMs) })),
    };
  }
  report.done(summary, extra, tail);
}

export function registerQuantizeCommand(program: Command, io: CliIO): void {
  program
    .command('quantize')
    .description(
      'calibrate and quantize a checkpoint with a PTQ recipe and export a ModelOpt unified HF checkpoint (no arguments: a built-in demo)',
    )
    .option('--model <dir|hf-id>', 'model folder or a Hugging Face id in the local cache')
    .option('--recipe <recipe>', 'a PTQ recipe (built-in name or path) or a QuantizeConfig preset')
    .option('--export_path <dir>', 'output folder (written atomically; never inside the model folder)')
    .option('--export_fmt <fmt>', 'export format: hf (ModelOpt unified Hugging Face checkpoint)', 'hf')
    .option('--force', 'replace a non-empty export folder')
    .option('--set <key=value>', 'override a recipe field (repeatable)', collect, [])
    .option(
      '--dataset <names>',
      'calibration data: files, folders, HF ids in the cache, or "builtin" (default when needed)',
    )
    .option('--calib_size <n>', 'calibration samples (comma list, one per dataset)', '1024')
    .option('--calib_seq <n>', 'most tokens per calibration sample', '512')
    .option('--batch_size <n>', 'calibration batch size (0 = automatic)', '0')
    .option('--text_field <field>', 'record field holding the text (default "text")')
    .option('--engine <onnx|reference>', 'forward engine for calibration', 'onnx')
    .option('--skip_generate', 'do not print greedy samples of the original and quantized model')
    .option('--json', 'print machine-readable events on stdout, one JSON object per line')
    .action(async (opts: QuantizeOpts) => {
      const controller = new AbortController();
      const onSigint = (): void => {
        if (controller.signal.aborted) process.exit(130);
        io.stderr('\nmopt: interrupted; stopping and removing the unfinished export...\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        await runQuantize(opts, io, controller.signal);
      } catch (err) {
        if (!isMoptError(err) || err.code !== 'E_INTERRUPTED') throw err;
        io.stderr(`mopt: ${err.message}; no export was written\n`);
        process.exitCode = 130;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
