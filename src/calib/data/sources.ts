/**
 * Turns `--dataset` and `--calib_size` into an ordered list of sources, each with its own sample count, following
 * hf_ptq: comma-separated names, one size per name (missing sizes repeat the last one), combos and multi-split
 * datasets expanded into their parts. A source is either running text (packed into windows) or records.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { MoptError } from '../../errors.js';
import { BUILTIN_CALIB_NAME, BUILTIN_CALIB_TEXT } from './builtin/emma-opening.js';
import {
  HF_DATASET_COMBOS,
  type HfDatasetEntry,
  hfDatasetEntry,
  type HfSplitFiles,
  looksLikeHfDataset,
  resolveHfDataset,
  snapshotSplits,
  walkFiles,
} from './hf-datasets.js';
import { readRecordTexts } from './records.js';
import { listTextFiles, readParagraphs } from './text-files.js';

/** `--dataset builtin` (and the default): the public-domain passage shipped with mopt. */
export const BUILTIN_DATASET = 'builtin';
export const DEFAULT_TEXT_FIELD = 'text';

export interface SourcePlan {
  /** What the user named, plus the split for multi-split datasets: "cnn_dailymail", "nvidia/...[stem]". */
  name: string;
  /** 'text': paragraphs packed into full windows; 'records': one sample per record. */
  kind: 'text' | 'records';
  files: string[];
  /** Windows (text) or records (records) to take from the start of the source. */
  calibSize: number;
  /** Paragraphs (text) or record texts (records), in order; read lazily. */
  read: () => Iterable<string>;
}

export interface PlanSourcesOptions {
  /** Record field holding the text; default "text" (registered HF datasets use their own unless this is given). */
  textField?: string;
  env?: Record<string, string | undefined>;
}

/** `--calib_size` as given ("64,32", 64 or [64, 32]): whole numbers ≥ 1. */
export function parseCalibSizes(value: string | number | readonly number[]): number[] {
  const parts =
    typeof value === 'string'
      ? value.split(',').map((p) => p.trim())
      : typeof value === 'number'
        ? [value]
        : [...value];
  return parts.map((p) => {
    const n = typeof p === 'number' ? p : /^\d+$/.test(p) ? Number(p) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new MoptError(
        'bad-calib-size',
        `--calib_size ${String(value)}: "${String(p)}" is not a whole number of at least 1`,
        {
          hint: 'give one sample count per dataset, e.g. --calib_size 512 or --calib_size 256,128',
        },
      );
    }
    return n;
  });
}

export function parseDatasetNames(value: string | readonly string[]): string[] {
  const names = typeof value === 'string' ? value.split(',').map((n) => n.trim()) : [...value];
  if (names.length === 0 || names.some((n) => n === '')) {
    throw new MoptError('bad-dataset', `--dataset "${String(value)}" has an empty name`, {
      hint: 'separate several datasets with commas and no empty entries',
    });
  }
  return names;
}

export function planSources(
  dataset: string | readonly string[],
  calibSize: string | number | readonly number[],
  options: PlanSourcesOptions = {},
): SourcePlan[] {
  const names = parseDatasetNames(dataset);
  const sizes = parseCalibSizes(calibSize);
  if (sizes.length > names.length) {
    throw new MoptError(
      'bad-calib-size',
      `--calib_size has ${sizes.length} values but --dataset names ${names.length} dataset(s)`,
      { hint: 'give at most one size per dataset; missing sizes repeat the last one' },
    );
  }
  const plans: SourcePlan[] = [];
  names.forEach((name, i) => {
    const n = sizes[Math.min(i, sizes.length - 1)]!;
    const members = HF_DATASET_COMBOS[name];
    if (members) {
      const base = Math.floor(n / members.length);
      members.forEach((m, j) => plans.push(...planOne(m, base + (j < n % members.length ? 1 : 0), options)));
    } else {
      plans.push(...planOne(name, n, options));
    }
  });
  return plans.filter((p) => p.calibSize > 0);
}

function planOne(name: string, n: number, options: PlanSourcesOptions): SourcePlan[] {
  if (existsSync(name)) return localSource(name, n, options.textField);
  if (name === BUILTIN_DATASET) {
    const read = (): Iterable<string> => BUILTIN_CALIB_TEXT.split(/\n\s*\n/).filter((p) => p.trim() !== '');
    return [{ name: BUILTIN_CALIB_NAME, kind: 'text', files: [], calibSize: n, read }];
  }
  if (/\.(txt|jsonl?)$/.test(name) || !looksLikeHfDataset(name)) {
    throw new MoptError('dataset-not-found', `dataset ${name} not found: no such file or folder`, {
      hint: 'give a .txt/.jsonl/.json file, a folder of .txt files, a Hugging Face dataset id, or "builtin"',
    });
  }
  const resolved = resolveHfDataset(entryFor(name, options.textField), options.env);
  return splitPlans(name, n, resolved.field, resolved.splits);
}

/** A registered dataset keeps its own field unless --text_field is given. */
function entryFor(name: string, textField: string | undefined): HfDatasetEntry {
  const entry = hfDatasetEntry(name, textField ?? DEFAULT_TEXT_FIELD);
  return textField !== undefined ? { ...entry, field: textField } : entry;
}

/** hf_ptq splits a size over a dataset's splits as n // k each, the last split taking the remainder. */
function splitPlans(name: string, n: number, field: string, splits: HfSplitFiles[]): SourcePlan[] {
  const k = splits.length;
  return splits.map(({ split, files }, j) => ({
    name: k > 1 ? `${name}[${split}]` : name,
    kind: 'records',
    files,
    calibSize: Math.floor(n / k) + (j === k - 1 ? n % k : 0),
    read: () => recordTexts(files, field),
  }));
}

function localSource(path: string, n: number, textField: string | undefined): SourcePlan[] {
  const name = basename(path);
  const field = textField ?? DEFAULT_TEXT_FIELD;
  if (statSync(path).isDirectory()) {
    const hasText = readdirSync(path).some((f) => f.endsWith('.txt'));
    if (!hasText && walkFiles(path).some((f) => f.endsWith('.jsonl') || f.endsWith('.json'))) {
      // A local copy of a dataset repo; its folder name picks a registered config, as in hf_ptq.
      const entry = entryFor(name, textField);
      const missing = (why: string): MoptError =>
        new MoptError('empty-dataset', `dataset folder ${path}: ${why}`);
      return splitPlans(name, n, entry.field, snapshotSplits(entry, path, missing));
    }
    const files = listTextFiles(path);
    return [{ name, kind: 'text', files, calibSize: n, read: () => readParagraphs(files) }];
  }
  if (path.endsWith('.txt')) {
    return [{ name, kind: 'text', files: [path], calibSize: n, read: () => readParagraphs([path]) }];
  }
  if (path.endsWith('.jsonl') || path.endsWith('.json')) {
    return [{ name, kind: 'records', files: [path], calibSize: n, read: () => recordTexts([path], field) }];
  }
  throw new MoptError('unsupported-dataset-file', `dataset file ${path}: unsupported type`, {
    hint: 'use .txt (running text), .jsonl or .json (records with a text field), or a folder of .txt files',
  });
}

function* recordTexts(files: readonly string[], field: string): Generator<string> {
  for (const file of files) for (const record of readRecordTexts(file, field)) yield record.text;
}
