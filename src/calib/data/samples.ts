/**
 * Token samples from one planned source. Records follow hf_ptq: the first N rows in order, empty texts dropped,
 * each cut to calib_seq tokens keeping its start and its special tokens. Running text is packed instead: the
 * paragraph token stream is cut into full windows of calib_seq tokens, each opening with the special prefix.
 */
import { MoptError } from '../../errors.js';
import type { ModelTokenizer } from '../../model/tokenizer.js';
import type { SourcePlan } from './sources.js';

/** The part of the model tokenizer calibration data needs. */
export type CalibTokenizer = Pick<ModelTokenizer, 'encode' | 'specialPrefix' | 'specialSuffix' | 'padId'>;

export interface SourceReport {
  name: string;
  kind: 'text' | 'records';
  files: string[];
  /** Samples asked for (records read, or windows wanted). */
  requested: number;
  /** Samples produced; fewer than requested when the source runs out or has empty records. */
  taken: number;
  /** Records among the first `requested` whose text was empty (hf_ptq drops them without reading more). */
  emptyDropped: number;
  /** Records longer than calib_seq tokens, cut to it. */
  truncated: number;
  /** Tokens in the produced samples, special tokens included. */
  tokens: number;
}

/** A record longer than this many characters per token is cut first, so a huge text is not tokenised in full. */
const MAX_CHARS_PER_TOKEN = 64;
/** Running text is tokenised in pieces of about this many characters, cut at paragraph ends (BPE cost grows
 * faster than linearly with the piece length). */
const TEXT_CHUNK_CHARS = 4000;

export function sourceSamples(
  tok: CalibTokenizer,
  plan: SourcePlan,
  calibSeq: number,
): { samples: Int32Array[]; report: SourceReport } {
  const report: SourceReport = {
    name: plan.name,
    kind: plan.kind,
    files: plan.files,
    requested: plan.calibSize,
    taken: 0,
    emptyDropped: 0,
    truncated: 0,
    tokens: 0,
  };
  const samples =
    plan.kind === 'records' ? recordSamples(tok, plan, calibSeq, report) : textWindows(tok, plan, calibSeq);
  report.taken = samples.length;
  report.tokens = samples.reduce((sum, s) => sum + s.length, 0);
  return { samples, report };
}

function recordSamples(
  tok: CalibTokenizer,
  plan: SourcePlan,
  calibSeq: number,
  report: SourceReport,
): Int32Array[] {
  const prefix = tok.specialPrefix;
  const suffix = tok.specialSuffix;
  const room = calibSeq - prefix.length - suffix.length;
  const samples: Int32Array[] = [];
  let rows = 0;
  for (const text of plan.read()) {
    rows++;
    if (text === '') {
      report.emptyDropped++;
    } else {
      const cut =
        text.length > calibSeq * MAX_CHARS_PER_TOKEN ? text.slice(0, calibSeq * MAX_CHARS_PER_TOKEN) : text;
      const content = tok.encode(cut, { addSpecial: false });
      if (content.length > room) report.truncated++;
      const kept = Math.min(content.length, room);
      const sample = new Int32Array(prefix.length + kept + suffix.length);
      sample.set(prefix, 0);
      for (let i = 0; i < kept; i++) sample[prefix.length + i] = content[i]!;
      sample.set(suffix, prefix.length + kept);
      samples.push(sample);
    }
    // Stop before reading record N+1, so nothing past the requested rows is parsed.
    if (rows >= plan.calibSize) break;
  }
  if (samples.length === 0)
    throw emptySource(plan, rows > 0 ? `its first ${rows} record(s) have empty text` : 'it has no records');
  return samples;
}

function textWindows(tok: CalibTokenizer, plan: SourcePlan, calibSeq: number): Int32Array[] {
  const prefix = tok.specialPrefix;
  const body = calibSeq - prefix.length;
  const windows: Int32Array[] = [];
  let pending: number[] = [];
  let total = 0;
  let paragraphs = 0;
  const take = (chunk: string): void => {
    const ids = tok.encode(chunk, { addSpecial: false });
    total += ids.length;
    pending = pending.length === 0 ? ids : pending.concat(ids);
    while (pending.length >= body && windows.length < plan.calibSize) {
      const w = new Int32Array(calibSeq);
      w.set(prefix, 0);
      w.set(pending.slice(0, body), prefix.length);
      windows.push(w);
      pending = pending.slice(body);
    }
  };
  let chunk = '';
  for (const paragraph of plan.read()) {
    paragraphs++;
    // The blank line that separated paragraphs stays part of the stream.
    chunk += `${paragraph}\n\n`;
    if (chunk.length < TEXT_CHUNK_CHARS) continue;
    take(chunk);
    chunk = '';
    if (windows.length >= plan.calibSize) break;
  }
  if (chunk !== '' && windows.length < plan.calibSize) take(chunk);
  if (paragraphs === 0) throw emptySource(plan, 'it holds no text');
  if (windows.length === 0) {
    throw new MoptError(
      'text-too-short',
      `dataset ${describeSource(plan)} is shorter than one calibration window: ${total} tokens, ` +
        `and a window of --calib_seq ${calibSeq} needs ${body} text tokens`,
      { hint: 'add more text, or lower --calib_seq' },
    );
  }
  return windows;
}

function emptySource(plan: SourcePlan, why: string): MoptError {
  return new MoptError('empty-dataset', `dataset ${describeSource(plan)} is empty: ${why}`, {
    hint: plan.kind === 'records' ? 'check the file and --text_field' : 'check the file',
  });
}

function describeSource(plan: SourcePlan): string {
  if (plan.files.length === 0 || (plan.files.length === 1 && plan.files[0]!.endsWith(plan.name))) {
    return plan.files[0] ?? plan.name;
  }
  return `${plan.name} (${plan.files.length === 1 ? plan.files[0] : `${plan.files.length} files`})`;
}
