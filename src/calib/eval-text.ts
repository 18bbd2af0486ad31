/**
 * The evaluation text of `mopt eval --dataset`: a .txt file, a folder of .txt files, or `builtin`, read as
 * paragraphs and tokenised as one stream (pieces of about 4,000 characters cut at paragraph ends, no special
 * tokens), the same way calibration reads running text. evalWindows then cuts the stream.
 */
import { existsSync, statSync } from 'node:fs';
import { MoptError } from '../errors.js';
import type { ModelTokenizer } from '../model/tokenizer.js';
import { BUILTIN_CALIB_TEXT, BUILTIN_DATASET } from './data/index.js';
import { listTextFiles, readParagraphs } from './data/text-files.js';

const PIECE_CHARS = 4000;

function paragraphs(source: string): Iterable<string> {
  if (source === BUILTIN_DATASET) return BUILTIN_CALIB_TEXT.split(/\n\s*\n/).filter((p) => p.trim() !== '');
  if (!existsSync(source))
    throw new MoptError('dataset-not-found', `evaluation text not found: ${source}`, {
      hint: 'give a .txt file, a folder of .txt files, or "builtin"',
    });
  if (statSync(source).isDirectory()) return readParagraphs(listTextFiles(source));
  if (!source.endsWith('.txt'))
    throw new MoptError(
      'unsupported-dataset-file',
      `evaluation text must be a .txt file or folder: ${source}`,
    );
  return readParagraphs([source]);
}

/** Token ids of the whole text (no BOS/EOS; evalWindows adds BOS per window). */
export function evalTokens(tok: Pick<ModelTokenizer, 'encode'>, source: string): number[] {
  const ids: number[] = [];
  let piece = '';
  let count = 0;
  const flush = (): void => {
    for (const id of tok.encode(piece, { addSpecial: false })) ids.push(id);
    piece = '';
  };
  for (const p of paragraphs(source)) {
    count++;
    piece += `${p}\n\n`;
    if (piece.length >= PIECE_CHARS) flush();
  }
  if (piece !== '') flush();
  if (count === 0 || ids.length === 0)
    throw new MoptError('empty-dataset', `evaluation text ${source} holds no text`);
  return ids;
}
