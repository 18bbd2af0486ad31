/**
 * Calibration batches: samples in order (no shuffle), every one left-padded to the longest sample of the whole
 * set (hf_ptq tokenises all samples at once with padding=True), built one batch at a time.
 */
import { MoptError } from '../../errors.js';

export interface PaddedSet {
  /** Unpadded samples, in calibration order. */
  samples: readonly Int32Array[];
  /** Length every sample is padded to: the longest sample. */
  seqLen: number;
  padId: number | undefined;
}

export interface CalibBatch {
  /** Row-major [batch, seq] token ids; padding sits on the left of each row. */
  ids: Int32Array;
  /** [batch, seq]: 1 for a real token, 0 for padding. */
  attentionMask: Uint8Array;
  /** Real tokens per row. */
  lengths: Int32Array;
  batch: number;
  seq: number;
  /** Index of the batch's first sample in the whole set. */
  first: number;
}

/** Tokens per batch that batch size 0 ("auto") aims at on the CPU. */
export const AUTO_BATCH_TOKENS = 4096;

/**
 * `--batch_size`: a positive value is used as is (capped at the sample count, as hf_ptq does); 0 picks the most
 * rows whose tokens fit AUTO_BATCH_TOKENS, rounded like hf_ptq's memory probe (1, 2, then multiples of 4, ≤ 512).
 */
export function resolveBatchSize(requested: number, sampleCount: number, seqLen: number): number {
  if (!Number.isSafeInteger(requested) || requested < 0) {
    throw new MoptError(
      'bad-batch-size',
      `--batch_size ${requested}: expected a whole number (0 = automatic)`,
    );
  }
  if (requested > 0) return Math.max(1, Math.min(requested, sampleCount));
  const fit = Math.max(1, Math.floor(AUTO_BATCH_TOKENS / Math.max(1, seqLen)));
  const rounded = fit < 2 ? 1 : fit < 4 ? 2 : fit < 512 ? fit - (fit % 4) : 512;
  return Math.max(1, Math.min(rounded, sampleCount));
}

/** Left-pads `samples` into one [samples.length, seq] batch. */
export function padBatch(
  samples: readonly Int32Array[],
  seq: number,
  padId: number | undefined,
  first = 0,
): CalibBatch {
  const batch = samples.length;
  const ids = new Int32Array(batch * seq);
  const attentionMask = new Uint8Array(batch * seq);
  const lengths = new Int32Array(batch);
  samples.forEach((s, row) => {
    if (s.length > seq)
      throw new Error(`sample ${first + row} has ${s.length} tokens, more than the batch length ${seq}`);
    const pad = seq - s.length;
    if (pad > 0) {
      if (padId === undefined) {
        throw new MoptError(
          'no-pad-token',
          'calibration samples differ in length but the tokenizer has no eos or pad token',
          {
            hint: 'set eos_token (or pad_token) in tokenizer_config.json',
          },
        );
      }
      ids.fill(padId, row * seq, row * seq + pad);
    }
    ids.set(s, row * seq + pad);
    attentionMask.fill(1, row * seq + pad, (row + 1) * seq);
    lengths[row] = s.length;
  });
  return { ids, attentionMask, lengths, batch, seq, first };
}

/** The batches of a set, built lazily; the last one may be smaller (no samples are dropped). */
export function* calibBatches(set: PaddedSet, batchSize: number): Generator<CalibBatch> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new MoptError('bad-batch-size', `batch size ${batchSize}: expected a whole number of at least 1`);
  }
  for (let first = 0; first < set.samples.length; first += batchSize) {
    yield padBatch(set.samples.slice(first, first + batchSize), set.seqLen, set.padId, first);
  }
}
