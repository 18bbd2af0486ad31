/**
 * A small SentencePiece-style BPE vocabulary for synthetic models: control tokens, 256 byte tokens, the
 * printable ASCII characters (space as "▁") and a few common English merges. Exactly TINY_VOCAB pieces.
 */
import { byteTokenName, type SpmPiece, SPACE_MARK } from './spm-tokenizer.js';
import { TINY_VOCAB } from './synth-presets.js';

/** Each entry's two halves are earlier pieces, so every one is reachable by merging. */
const MERGED = [
  '▁t',
  'he',
  '▁a',
  'in',
  'er',
  'an',
  '▁the',
  'on',
  're',
  '▁s',
  'at',
  'en',
  'nd',
  '▁w',
  'ed',
  '▁o',
  'is',
  'it',
  'or',
  'ou',
  '▁c',
  '▁b',
  '▁f',
  '▁h',
  'ing',
  '▁to',
  '▁and',
  '▁of',
  '▁in',
  'es',
];

export function synthTokenizerPieces(): SpmPiece[] {
  const pieces: SpmPiece[] = [
    { piece: '<unk>', score: 0, kind: 'control' },
    { piece: '<s>', score: 0, kind: 'control' },
    { piece: '</s>', score: 0, kind: 'control' },
  ];
  for (let b = 0; b < 256; b++) pieces.push({ piece: byteTokenName(b), score: 0, kind: 'byte' });
  MERGED.forEach((piece, i) => pieces.push({ piece, score: -i, kind: 'normal' }));
  for (let c = 0x20; c < 0x7f; c++) {
    const piece = c === 0x20 ? SPACE_MARK : String.fromCharCode(c);
    pieces.push({ piece, score: -1000 - c, kind: 'normal' });
  }
  if (pieces.length !== TINY_VOCAB) throw new Error(`synthetic vocabulary has ${pieces.length} pieces`);
  return pieces;
}
