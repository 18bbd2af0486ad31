/**
 * Reads llama2.c's tokenizer.bin (int32 max_token_length, then per token: f32 score, int32 length, bytes) and
 * turns it back into SentencePiece pieces: spaces become "▁" again, "\n<s>\n" / "\n</s>\n" become <s> / </s>.
 */
import { readFileSync } from 'node:fs';
import { MoptError } from '../errors.js';
import { byteTokenName, type SpmPiece, SPACE_MARK } from './spm-tokenizer.js';

export interface Llama2cVocab {
  maxTokenLength: number;
  /** Token text exactly as stored (UTF-8 decoded; spaces are plain spaces). */
  tokens: string[];
  scores: number[];
}

export function readLlama2cVocab(file: string, vocabSize: number): Llama2cVocab {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new MoptError(
      'file-not-found',
      `cannot read llama2.c tokenizer ${file}: ${(err as Error).message}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mismatch = (what: string): MoptError =>
    new MoptError(
      'tokenizer-mismatch',
      `${file}: ${what}; the model has a vocabulary of ${vocabSize} tokens`,
      {
        hint: 'use the tokenizer .bin that was exported with this checkpoint',
      },
    );
  if (bytes.byteLength < 4) throw mismatch('file is too short for the max_token_length field');
  const maxTokenLength = view.getInt32(0, true);
  if (maxTokenLength < 1 || maxTokenLength > 4096)
    throw mismatch(`max_token_length ${maxTokenLength} is not plausible`);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const tokens: string[] = [];
  const scores: number[] = [];
  let pos = 4;
  for (let id = 0; id < vocabSize; id++) {
    if (pos + 8 > bytes.byteLength) throw mismatch(`file ends after ${id} tokens`);
    const score = view.getFloat32(pos, true);
    const len = view.getInt32(pos + 4, true);
    pos += 8;
    if (len < 1 || len > maxTokenLength || pos + len > bytes.byteLength) {
      throw mismatch(
        `token ${id} has length ${len} (max_token_length ${maxTokenLength}, ${bytes.byteLength - pos} bytes left)`,
      );
    }
    try {
      tokens.push(decoder.decode(bytes.subarray(pos, pos + len)));
    } catch {
      throw new MoptError('bad-tokenizer', `${file}: token ${id} is not valid UTF-8`);
    }
    scores.push(score);
    pos += len;
  }
  if (pos !== bytes.byteLength) {
    throw mismatch(
      `${bytes.byteLength - pos} bytes remain after ${vocabSize} tokens (the file holds more tokens)`,
    );
  }
  return { maxTokenLength, tokens, scores };
}

/** The SentencePiece vocabulary behind a llama2.c tokenizer: <unk>, <s>, </s>, 256 byte tokens, then pieces. */
export function readLlama2cTokenizer(file: string, vocabSize: number): SpmPiece[] {
  const { tokens, scores } = readLlama2cVocab(file, vocabSize);
  const expectAt = (id: number, want: string): void => {
    if (tokens[id] !== want) {
      throw new MoptError(
        'bad-tokenizer',
        `${file}: token ${id} is ${JSON.stringify(tokens[id])}, expected ${JSON.stringify(want)}`,
        {
          hint: 'only SentencePiece BPE vocabularies with byte fallback (Llama 2 style) are converted',
        },
      );
    }
  };
  if (vocabSize < 259)
    throw new MoptError(
      'bad-tokenizer',
      `${file}: ${vocabSize} tokens cannot hold the 3 control and 256 byte tokens`,
    );
  expectAt(0, '<unk>');
  expectAt(1, '\n<s>\n');
  expectAt(2, '\n</s>\n');
  for (let b = 0; b < 256; b++) expectAt(3 + b, byteTokenName(b));
  const names = ['<unk>', '<s>', '</s>'];
  return tokens.map((text, id): SpmPiece => {
    const score = scores[id]!;
    if (id < 3) return { piece: names[id]!, score, kind: 'control' };
    if (id < 259) return { piece: text, score, kind: 'byte' };
    return { piece: text.replaceAll(' ', SPACE_MARK), score, kind: 'normal' };
  });
}
