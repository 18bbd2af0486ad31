/**
 * Calibration data end to end: `--dataset` / `--calib_size` / `--calib_seq` / `--text_field` → tokenised samples
 * (all held, at most calib_size × calib_seq ids) → padded batches built on demand. See docs/calibration-data.md.
 */
import { MoptError } from '../../errors.js';
import { type CalibTokenizer, type SourceReport, sourceSamples } from './samples.js';
import { BUILTIN_DATASET, planSources } from './sources.js';

export { type CalibBatch, calibBatches, padBatch, resolveBatchSize, AUTO_BATCH_TOKENS } from './batches.js';
export { evalWindows, type EvalWindows, type EvalWindowsOptions } from './windows.js';
export { type CalibTokenizer, type SourceReport } from './samples.js';
export {
  BUILTIN_DATASET,
  DEFAULT_TEXT_FIELD,
  parseCalibSizes,
  parseDatasetNames,
  planSources,
  type SourcePlan,
} from './sources.js';
export { HF_DATASETS, HF_DATASET_COMBOS } from './hf-datasets.js';
export { BUILTIN_CALIB_TEXT } from './builtin/emma-opening.js';

/** hf_ptq's defaults (quant-engine spec §6). */
export const DEFAULT_CALIB_SIZE = 1024;
export const DEFAULT_CALIB_SEQ = 512;

export interface CalibDataOptions {
  /** Comma-separated names or a list: files, folders, HF dataset ids, combos, "builtin". Default "builtin". */
  dataset?: string | readonly string[];
  /** One size per dataset ("64,32"); missing sizes repeat the last. Default 1024. */
  calibSize?: string | number | readonly number[];
  /** Most tokens per sample, special tokens included. Default 512. */
  calibSeq?: number;
  /** Record field with the text (default "text"). */
  textField?: string;
  /** Environment for locating the HF cache (HF_HUB_CACHE, HF_HOME, XDG_CACHE_HOME). */
  env?: Record<string, string | undefined>;
}

export interface CalibSet {
  /** Unpadded samples in calibration order: sources in the order given, each in its own order. */
  samples: Int32Array[];
  /** The longest sample; batches pad every row to it. */
  seqLen: number;
  calibSeq: number;
  padId: number | undefined;
  sources: SourceReport[];
}

export function loadCalibData(tok: CalibTokenizer, options: CalibDataOptions = {}): CalibSet {
  const calibSeq = options.calibSeq ?? DEFAULT_CALIB_SEQ;
  const specials = tok.specialPrefix.length + tok.specialSuffix.length;
  if (!Number.isSafeInteger(calibSeq) || calibSeq <= specials) {
    throw new MoptError(
      'bad-calib-seq',
      `--calib_seq ${calibSeq}: expected a whole number above ${specials}`,
      {
        hint: `each sample also holds the tokenizer's ${specials} special token(s)`,
      },
    );
  }
  if (options.textField !== undefined && options.textField.trim() === '') {
    throw new MoptError('bad-text-field', '--text_field is empty');
  }
  const plans = planSources(options.dataset ?? BUILTIN_DATASET, options.calibSize ?? DEFAULT_CALIB_SIZE, {
    ...(options.textField !== undefined ? { textField: options.textField } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  const samples: Int32Array[] = [];
  const sources: SourceReport[] = [];
  for (const plan of plans) {
    const one = sourceSamples(tok, plan, calibSeq);
    for (const s of one.samples) samples.push(s);
    sources.push(one.report);
  }
  const seqLen = samples.reduce((m, s) => Math.max(m, s.length), 0);
  return { samples, seqLen, calibSeq, padId: tok.padId, sources };
}
