/**
 * Hugging Face dataset names resolved in the local hub cache (<cache>/datasets--org--name/snapshots/<commit>/),
 * with hf_ptq's registered datasets (repo, config folder, splits, text field). Nothing is downloaded, and only
 * .jsonl / .json data files are read (no Parquet or Arrow reader ships with mopt).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { MoptError } from '../../errors.js';
import { hfHubCacheDir } from '../../model/hf-cache.js';

export interface HfDatasetEntry {
  repo: string;
  /** The dataset config, which HF repos keep as a folder of data files (e.g. cnn_dailymail "3.0.0"). */
  config?: string;
  splits: string[];
  field: string;
}

/** hf_ptq's registered datasets that mopt knows (dataset_utils.SUPPORTED_DATASET_CONFIG). */
export const HF_DATASETS: Record<string, HfDatasetEntry> = {
  cnn_dailymail: { repo: 'abisee/cnn_dailymail', config: '3.0.0', splits: ['train'], field: 'article' },
  'nemotron-post-training-dataset-v2': {
    repo: 'nvidia/Nemotron-Post-Training-Dataset-v2',
    splits: ['stem', 'chat', 'math', 'code'],
    field: 'messages',
  },
};

/** Names that stand for several datasets; a calib size is split evenly over the members (first ones get the rest). */
export const HF_DATASET_COMBOS: Record<string, string[]> = {
  default: ['cnn_dailymail', 'nemotron-post-training-dataset-v2'],
  cnn_nemotron_v2_mix: ['cnn_dailymail', 'nemotron-post-training-dataset-v2'],
};

const DATASET_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;
const READABLE = ['.jsonl', '.json'];
const UNREADABLE = ['.parquet', '.arrow', '.csv', '.tsv', '.txt', '.jsonl.gz', '.json.gz', '.zst'];

export function looksLikeHfDataset(name: string): boolean {
  return DATASET_ID.test(name) && !name.includes('..');
}

export interface HfSplitFiles {
  split: string;
  files: string[];
}

export interface HfDataset {
  repo: string;
  field: string;
  snapshot: string;
  splits: HfSplitFiles[];
}

/** The registry entry for a registered name or repo id, else a plain entry (split "train", the given field). */
export function hfDatasetEntry(name: string, textField: string): HfDatasetEntry {
  const lower = name.toLowerCase();
  const hit = Object.entries(HF_DATASETS).find(([key, e]) => key === name || e.repo.toLowerCase() === lower);
  return hit ? hit[1] : { repo: name, splits: ['train'], field: textField };
}

export function resolveHfDataset(
  entry: HfDatasetEntry,
  env: Record<string, string | undefined> = process.env,
): HfDataset {
  const repoDir = join(hfHubCacheDir(env), `datasets--${entry.repo.replace('/', '--')}`);
  const where = join(repoDir, 'snapshots', '<commit>', entry.config ?? '');
  const notCached = (why: string): MoptError =>
    new MoptError(
      'dataset-not-cached',
      `dataset ${entry.repo} is not in the local Hugging Face cache (${why})`,
      {
        hint:
          `put its ${entry.splits.join('/')} data as .jsonl or .json files named <split>-*.jsonl in ${where}/ ` +
          `(with the commit name in ${join(repoDir, 'refs', 'main')}), or pass a local .jsonl/.json/.txt path ` +
          `as --dataset; set HF_HUB_CACHE or HF_HOME if the cache lives elsewhere`,
      },
    );
  const snapshots = join(repoDir, 'snapshots');
  if (!existsSync(snapshots)) throw notCached(`${snapshots} does not exist`);
  const snapshot = pickSnapshot(repoDir, snapshots, notCached);
  const splits = snapshotSplits(entry, snapshot, notCached);
  return { repo: entry.repo, field: entry.field, snapshot, splits };
}

/**
 * The data files of each split in a snapshot folder (a cached repo, or a local copy of one): the config folder if
 * present, files named by split (`train-00000-of-00003.jsonl`, `data/stem-*.jsonl`, `train/…`), else all files.
 */
export function snapshotSplits(
  entry: HfDatasetEntry,
  snapshot: string,
  missing: (why: string) => MoptError,
): HfSplitFiles[] {
  const configDir = entry.config !== undefined ? join(snapshot, entry.config) : snapshot;
  const root = existsSync(configDir) ? configDir : snapshot;
  const all = walkFiles(root).sort();
  const matchesSplit = (file: string, split: string): boolean => {
    const parts = relative(root, file).split(sep);
    const base = parts[parts.length - 1]!;
    return (
      parts.slice(0, -1).includes(split) ||
      new RegExp(`(^|[-._ 0-9])${escape(split)}([-._ 0-9]|$)`).test(base)
    );
  };
  const anySplitNamed = all.some((f) => entry.splits.some((s) => matchesSplit(f, s)));
  return entry.splits.map((split) => {
    // HF's rule for repos without split-named files: everything is the "train" split.
    const candidates = anySplitNamed ? all.filter((f) => matchesSplit(f, split)) : all;
    const files = candidates.filter((f) => READABLE.some((ext) => f.endsWith(ext)));
    if (files.length > 0) return { split, files };
    const unreadable = candidates.filter((f) => UNREADABLE.some((ext) => f.endsWith(ext)));
    if (unreadable.length > 0) {
      const shown = unreadable.slice(0, 3).map((f) => relative(snapshot, f));
      throw new MoptError(
        'dataset-format',
        `dataset ${entry.repo} split "${split}" has only ${shown.join(', ')}` +
          `${unreadable.length > 3 ? ', ...' : ''}; mopt reads .jsonl and .json data files only`,
        {
          hint:
            `convert it once with Python, e.g. datasets.load_dataset("${entry.repo}"` +
            `${entry.config ? `, "${entry.config}"` : ''}, split="${split}").to_json("${join(root, `${split}.jsonl`)}")` +
            `, or pass a local .jsonl file as --dataset`,
        },
      );
    }
    throw missing(`no ${split} data files in ${root}`);
  });
}

function pickSnapshot(repoDir: string, snapshots: string, notCached: (why: string) => MoptError): string {
  const refFile = join(repoDir, 'refs', 'main');
  if (existsSync(refFile)) {
    const snapshot = join(snapshots, readFileSync(refFile, 'utf8').trim());
    if (!existsSync(snapshot)) throw notCached(`refs/main points to ${snapshot}, which does not exist`);
    return snapshot;
  }
  const dirs = readdirSync(snapshots).filter((d) => statSync(join(snapshots, d)).isDirectory());
  if (dirs.length === 0) throw notCached(`${snapshots} is empty`);
  if (dirs.length > 1) {
    throw new MoptError(
      'ambiguous-snapshot',
      `${snapshots} holds ${dirs.length} snapshots and there is no refs/main`,
      {
        hint: `write the commit to use into ${refFile}`,
      },
    );
  }
  return join(snapshots, dirs[0]!);
}

/** Files below `dir` (following the cache's symlinks into blobs/), skipping dot-folders such as .cache. */
export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...walkFiles(path));
    else if (st.isFile()) out.push(path);
  }
  return out;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
