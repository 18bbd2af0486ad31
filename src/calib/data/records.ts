/**
 * Text records from .jsonl files (one JSON object a line) and .json files (an array of objects, or an object
 * whose `data` is that array). Each record gives one calibration sample: the value of its text field.
 */
import { readFileSync } from 'node:fs';
import { MoptError } from '../../errors.js';
import { readLines } from './lines.js';

export interface TextRecord {
  text: string;
  /** "file:line" for .jsonl, "file: record i" (0-based) for .json; used in error messages. */
  where: string;
}

/** Every record of one file, in file order. A record whose field is null reads as "" (callers drop empties). */
export function* readRecordTexts(file: string, field: string): Generator<TextRecord> {
  if (file.endsWith('.jsonl')) {
    for (const { line, lineNo } of readLines(file)) {
      if (line.trim() === '') continue;
      const where = `${file}:${lineNo}`;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new MoptError('bad-json', `${where}: not valid JSON (${(err as Error).message})`);
      }
      yield { text: recordText(value, field, where), where };
    }
    return;
  }
  const records = jsonRecords(file);
  for (let i = 0; i < records.length; i++) {
    const where = `${file}: record ${i}`;
    yield { text: recordText(records[i], field, where), where };
  }
}

function jsonRecords(file: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file-not-found' : 'bad-json';
    throw new MoptError(code, `${file}: ${(err as Error).message}`, { cause: err });
  }
  if (Array.isArray(json)) return json;
  const data = (json as { data?: unknown } | null)?.data;
  if (Array.isArray(data)) return data;
  throw new MoptError(
    'bad-dataset-json',
    `${file}: expected a JSON array of records or an object with a "data" array`,
    {
      hint: 'for one record per line, name the file .jsonl',
    },
  );
}

/**
 * The text of one record: a string field as is; a list of chat turns ({content}) or of strings joined with "\n"
 * (how hf_ptq reads Nemotron's `messages`, without a chat template); null as "".
 */
export function recordText(record: unknown, field: string, where: string): string {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new MoptError(
      'bad-record',
      `${where}: expected a JSON object with a "${field}" field, got ${describe(record)}`,
    );
  }
  const obj = record as Record<string, unknown>;
  if (!(field in obj)) {
    const fields = Object.keys(obj);
    throw new MoptError('missing-text-field', `${where}: no "${field}" field in the record`, {
      hint:
        fields.length > 0
          ? `its fields are ${fields.map((f) => `"${f}"`).join(', ')}; choose one with --text_field`
          : 'the record is empty',
    });
  }
  const value = obj[field];
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (Array.isArray(value)) {
    return value
      .map((turn, i) => {
        if (typeof turn === 'string') return turn;
        const content = (turn as { content?: unknown } | null)?.content;
        if (typeof content === 'string') return content;
        throw new MoptError(
          'bad-text-field',
          `${where}: "${field}"[${i}] is neither a string nor a turn with a "content" string`,
        );
      })
      .join('\n');
  }
  throw new MoptError('bad-text-field', `${where}: "${field}" is ${describe(value)}, not text`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
