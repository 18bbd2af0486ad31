/** `mopt plan`: a header-only dry run of a recipe on a checkpoint (what each quantizer would become). */
import type { Command } from 'commander';
import { relative } from 'node:path';
import type { SourceRef } from '../../errors.js';
import { algorithmLabel, loadQuantizeInput, planModel } from '../../export/index.js';
import { resolveModelPath } from '../../model/hf-cache.js';
import type { PlanReport, SlotReport } from '../../quant/plan/index.js';
import { BUILTIN_ROOT } from '../../recipe/index.js';
import type { CliIO } from '../main.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function showSource(src: SourceRef | undefined): string {
  if (!src) return '(insertion default)';
  const root = BUILTIN_ROOT.replace(/[\\/]+$/, '');
  const file = src.file.startsWith(`${root}/`)
    ? `<builtin>/${src.file.slice(root.length + 1)}`
    : relative(process.cwd(), src.file) || src.file;
  return `${file}:${src.line}`;
}

interface Row {
  layerType: string;
  kind: string;
  enabled: string;
  format: string;
  scaling: string;
  data: string;
  count: number;
  entry: string;
}

/** One row per layer type, quantizer kind, format and winning entry. */
export function planRows(report: PlanReport): Row[] {
  const rows = new Map<string, Row>();
  for (const s of report.slots) {
    const entry = winningEntry(s);
    const key = [s.layerType, s.kind, s.format, entry].join('\u0000');
    const row = rows.get(key);
    if (row) row.count += 1;
    else {
      rows.set(key, {
        layerType: s.layerType,
        kind: s.kind,
        enabled: s.enabled ? 'yes' : 'no',
        format: s.format,
        scaling: s.scaling,
        data: s.needsCalibrationData ? 'yes' : 'no',
        count: 1,
        entry,
      });
    }
  }
  return [...rows.values()];
}

function winningEntry(s: SlotReport): string {
  return showSource(s.enabled ? s.attributesSource : (s.enabledSource ?? s.attributesSource));
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 3 : 1)} MB`;

export function renderPlan(report: PlanReport, model: string, recipe: string, algorithm: string): string {
  const out: string[] = [];
  out.push(
    `model: ${model} (${report.modelType}, ${report.architecture}${report.expertLayout ? `, ${report.expertLayout} experts` : ''})`,
  );
  out.push(`recipe: ${recipe} (algorithm: ${algorithm})`);
  out.push(`quantizers: ${report.quantizerCount} (${report.enabledCount} enabled)`, '');
  const rows = planRows(report).map((r) => [
    r.layerType,
    r.kind,
    r.enabled,
    r.format,
    r.scaling,
    r.data,
    String(r.count),
    r.entry,
  ]);
  out.push(table(['LAYER', 'KIND', 'ON', 'FORMAT', 'SCALING', 'NEEDS DATA', 'COUNT', 'ENTRY'], rows), '');
  const formats = report.formats.map((f) => [
    f.format,
    f.parameters.toLocaleString('en-US'),
    f.bitsPerWeight.toFixed(2),
    mb(f.bytes),
  ]);
  out.push(table(['WEIGHTS', 'PARAMS', 'BITS/W', 'SIZE'], formats));
  const t = report.totals;
  out.push(
    `total: ${t.parameters.toLocaleString('en-US')} params (${t.quantizedParameters.toLocaleString('en-US')} quantized), ` +
      `${mb(t.originalBytes)} -> ${mb(t.projectedBytes)}${t.approximate ? ' (approximate)' : ''}, ${t.bitsPerWeight.toFixed(2)} bits per weight`,
  );
  out.push(`kv cache: ${report.kvCacheFormat ?? 'unquantized'}`);
  out.push(
    report.needsCalibrationData
      ? `calibration data: needed by ${report.calibratedActivationQuantizers} activation quantizers (mopt quantize needs --dataset)`
      : 'calibration data: not needed (data-free)',
  );
  out.push(`exclude_modules: ${report.excludeModules.length ? report.excludeModules.join(', ') : '(none)'}`);
  const warnings = [
    ...unmatchedWarnings(report),
    ...report.warnings.map((w) => `${w.message}${w.source ? ` [${showSource(w.source)}]` : ''}`),
    ...report.flags.map((f) => f.message),
  ];
  if (warnings.length) out.push('', ...warnings.map((w) => `warning: ${w}`));
  return `${out.join('\n')}\n`;
}

/** Unmatched cfg entries; three or more from one file (a shared unit) are folded into one line. */
function unmatchedWarnings(report: PlanReport): string[] {
  const byFile = new Map<string, PlanReport['unmatchedEntries']>();
  for (const u of report.unmatchedEntries) {
    const file = u.source ? showSource(u.source).replace(/:\d+$/, '') : '';
    byFile.set(file, [...(byFile.get(file) ?? []), u]);
  }
  const label = (u: PlanReport['unmatchedEntries'][number]): string =>
    `'${u.quantizer_name}'${u.parent_class ? ` (parent_class ${u.parent_class})` : ''}`;
  const out: string[] = [];
  for (const [file, entries] of byFile) {
    if (entries.length < 3 || !file) {
      for (const u of entries)
        out.push(
          `cfg entry ${u.index} ${label(u)} matches no quantizer${u.source ? ` [${showSource(u.source)}]` : ''}`,
        );
      continue;
    }
    const shown = entries.slice(0, 4).map(label).join(', ');
    out.push(
      `${entries.length} cfg entries of ${file} match no quantizer: ${shown}${entries.length > 4 ? ', …' : ''}`,
    );
  }
  return out;
}

export function registerPlanCommand(program: Command, io: CliIO): void {
  program
    .command('plan')
    .description('dry run: show what a recipe does to each quantizer of a checkpoint (reads headers only)')
    .requiredOption(
      '--model <dir>',
      'model folder (config.json + *.safetensors) or a Hugging Face id in the local cache',
    )
    .requiredOption('--recipe <recipe>', 'a PTQ recipe (built-in name or path) or a QuantizeConfig preset')
    .option('--json', 'print the full plan report as JSON')
    .option('--set <key=value>', 'override a recipe field (repeatable)', collect, [])
    .action((opts: { model: string; recipe: string; json?: boolean; set: string[] }) => {
      const input = loadQuantizeInput(opts.recipe, opts.set);
      const planned = planModel(resolveModelPath(opts.model), input.quantize);
      planned.checkpoint.close();
      if (opts.json) io.stdout(`${JSON.stringify(planned.report, null, 2)}\n`);
      else
        io.stdout(
          renderPlan(planned.report, opts.model, input.display, algorithmLabel(input.quantize.algorithm)),
        );
    });
}
