/**
 * `mopt eval`: perplexity of the original model, of a recipe simulated by fake quantization (after calibrating
 * its activation quantizers), and of an exported checkpoint dequantized on load, over the same windows of a text.
 * Also holds the recipe-simulation setup `mopt generate` shares.
 */
import type { Command } from 'commander';
import { MoptError } from '../../errors.js';
import { calibrateActivations, type ActivationStats } from '../../calib/index.js';
import { activationTargets } from '../../calib/targets.js';
import { calibBatches, evalWindows, loadCalibData, resolveBatchSize } from '../../calib/data/index.js';
import { evalTokens } from '../../calib/eval-text.js';
import {
  evaluateVariants,
  exportedVariant,
  fakeQuantVariant,
  originalVariant,
  type EvalRow,
  type EvalVariant,
} from '../../calib/evaluate.js';
import type { WeightMethod } from '../../calib/simulate.js';
import { openDequantized } from '../../calib/dequantize.js';
import { loadQuantizeInput, planModel, weightCalibration } from '../../export/index.js';
import { resolveModelPath } from '../../model/hf-cache.js';
import { loadTokenizer, type ModelTokenizer } from '../../model/tokenizer.js';
import type { QuantPlan } from '../../quant/plan/index.js';
import type { CliIO } from '../main.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export interface CalibFlags {
  calib_dataset: string;
  calib_size: string;
  calib_seq: string;
  batch_size: string;
  engine: string;
  set: string[];
}

/** A whole number flag, or a usage error naming it. */
export function intFlag(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min)
    throw new MoptError('E_USAGE', `--${flag} ${value}: expected a whole number >= ${min}`);
  return n;
}

export interface SimulatedRecipe {
  label: string;
  plan: QuantPlan;
  stats: ActivationStats;
  weights: WeightMethod;
  calibration: { engine: string; tokens: number; seconds: number; quantizers: number } | null;
}

/** Plans the recipe on the model and calibrates the activation quantizers that need data. */
export async function simulateRecipe(
  io: CliIO,
  modelDir: string,
  tok: ModelTokenizer,
  recipe: string,
  flags: CalibFlags,
): Promise<SimulatedRecipe> {
  if (flags.engine !== 'onnx' && flags.engine !== 'reference')
    throw new MoptError('E_USAGE', `--engine ${flags.engine}: expected onnx or reference`);
  const input = loadQuantizeInput(recipe, flags.set);
  const weights: WeightMethod = weightCalibration(input.quantize.algorithm);
  const planned = planModel(modelDir, input.quantize);
  planned.checkpoint.close();
  const plan = planned.plan;
  const label = `fake-quant ${recipe.replace(/^.*\//, '').replace(/\.ya?ml$/, '')}`;
  const empty: ActivationStats = {
    amax: new Map(),
    expertTokens: new Map(),
    tokens: 0,
    realTokens: 0,
    fallbacks: new Map(),
  };
  if (activationTargets(plan).length === 0) return { label, plan, stats: empty, weights, calibration: null };
  const set = loadCalibData(tok, {
    dataset: flags.calib_dataset,
    calibSize: flags.calib_size,
    calibSeq: intFlag('calib_seq', flags.calib_seq, 1),
  });
  const batchSize = resolveBatchSize(
    intFlag('batch_size', flags.batch_size, 0),
    set.samples.length,
    set.seqLen,
  );
  io.stderr(`calibrate: ${set.samples.length} samples of ${set.seqLen} tokens, batch size ${batchSize}\n`);
  const r = await calibrateActivations({
    modelDir,
    plan,
    batches: calibBatches(set, batchSize),
    engine: flags.engine,
    onWarning: (m) => io.stderr(`mopt: warning: ${m}\n`),
    onProgress: (p) =>
      io.stderr(`calibrate: layer step ${p.step}/${p.steps}, ${(p.elapsedMs / 1000).toFixed(1)} s\n`),
  });
  const seconds = r.elapsedMs / 1000;
  io.stderr(
    `calibrate: ${r.stats.amax.size} quantizers, ${r.stats.tokens} tokens in ${seconds.toFixed(1)} s (${r.engine})\n`,
  );
  return {
    label,
    plan,
    stats: r.stats,
    weights,
    calibration: { engine: r.engine, tokens: r.stats.tokens, seconds, quantizers: r.stats.amax.size },
  };
}

export function renderEvalTable(rows: readonly EvalRow[]): string {
  const cells = rows.map((r) => [
    r.variant,
    r.perplexity.toFixed(4),
    r.delta === null
      ? '-'
      : `${r.delta >= 0 ? '+' : ''}${r.delta.toFixed(4)} (${((r.delta / rows[0]!.perplexity) * 100).toFixed(2)}%)`,
    String(r.tokens),
  ]);
  const head = ['variant', 'perplexity', 'Δ vs original', 'tokens'];
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    c.map((v, i) => (i === 0 ? v.padEnd(width[i]!) : v.padStart(width[i]!))).join('  ');
  return [line(head), ...cells.map(line)].join('\n') + '\n';
}

interface EvalOpts extends CalibFlags {
  model: string;
  recipe?: string;
  quantized?: string;
  dataset: string;
  window: string;
  max_windows?: string;
  eval_batch: string;
  json?: boolean;
}

export function registerEvalCommand(program: Command, io: CliIO): void {
  const evalCmd = program
    .command('eval')
    .description(
      'perplexity of the original model, a recipe simulated by fake quantization, and an exported checkpoint',
    )
    .requiredOption('--model <dir|hf-id>', 'the original (unquantized) model')
    .requiredOption('--dataset <text>', 'evaluation text: a .txt file, a folder of .txt files, or "builtin"')
    .option('--recipe <recipe>', 'simulate this PTQ recipe (weights and activations fake-quantized)')
    .option('--quantized <dir>', 'also score this exported ModelOpt checkpoint, dequantized on load')
    .option('--window <n>', 'tokens per evaluation window (BOS + text)', '512')
    .option('--max_windows <n>', 'score only the first N windows')
    .option('--eval_batch <n>', 'windows per forward', '4')
    .option('--json', 'print the results as JSON');
  addSimulationOptions(evalCmd).action(async (opts: EvalOpts) => {
    const window = intFlag('window', opts.window, 2);
    const modelDir = resolveModelPath(opts.model);
    const tok = loadTokenizer(modelDir);
    const ids = evalTokens(tok, opts.dataset);
    const bos = tok.bosId === undefined ? {} : { bosId: tok.bosId };
    const all = evalWindows(ids, window, { ...bos, source: opts.dataset });
    const max =
      opts.max_windows === undefined ? all.windows.length : intFlag('max_windows', opts.max_windows, 1);
    const windows = { ...all, windows: all.windows.slice(0, max) };
    if (opts.quantized !== undefined) openDequantized(opts.quantized).checkpoint.close(); // fail before scoring
    const variants: EvalVariant[] = [originalVariant(modelDir)];
    let sim: SimulatedRecipe | null = null;
    if (opts.recipe !== undefined) {
      sim = await simulateRecipe(io, modelDir, tok, opts.recipe, opts);
      variants.push(fakeQuantVariant(modelDir, sim.label, sim.plan, sim.stats, sim.weights));
    }
    if (opts.quantized !== undefined)
      variants.push(
        exportedVariant(
          opts.quantized,
          `exported ${opts.quantized.replace(/\/+$/, '').replace(/^.*\//, '')}`,
        ),
      );
    const rows = evaluateVariants(variants, windows, {
      batchSize: intFlag('eval_batch', opts.eval_batch, 1),
      onVariant: (label, i, n) =>
        io.stderr(`eval: scoring ${label} (${i + 1}/${n}, ${windows.windows.length} windows of ${window})\n`),
    });
    if (!opts.json) {
      io.stdout(renderEvalTable(rows));
      return;
    }
    const report = {
      model: modelDir,
      dataset: opts.dataset,
      window,
      windows: windows.windows.length,
      tokensDropped: all.tokensDropped,
      calibration: sim?.calibration ?? null,
      rows: rows.map((r) => ({ ...r, elapsedMs: Math.round(r.elapsedMs) })),
    };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  });
}

/** The flags that say how a recipe is simulated: calibration data, engine and overrides (eval, generate). */
export function addSimulationOptions(cmd: Command): Command {
  return cmd
    .option('--calib_dataset <names>', 'calibration data for --recipe', 'builtin')
    .option('--calib_size <n>', 'calibration samples (comma list per dataset)', '32')
    .option('--calib_seq <n>', 'tokens per calibration sample', '512')
    .option('--batch_size <n>', 'calibration batch size (0 = automatic)', '0')
    .option('--engine <onnx|reference>', 'forward engine for calibration', 'onnx')
    .option('--set <key=value>', 'override a recipe field (repeatable)', collect, []);
}
