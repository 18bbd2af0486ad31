/**
 * Test oracle: llama2.c's own encoder algorithm (run.c `encode`), written from its description: dummy-prefix
 * space, one token per UTF-8 code point (byte fallback at id byte+3), then repeatedly merge the adjacent pair
 * whose concatenation has the highest score, leftmost on ties.
 */
import type { Llama2cVocab } from '../../src/model/llama2c-tokenizer.js';

export function llama2cEncode(vocab: Llama2cVocab, text: string, bos = true): number[] {
  const ids = new Map<string, number>();
  vocab.tokens.forEach((t, i) => {
    if (!ids.has(t)) ids.set(t, i);
  });
  const tokens: number[] = bos ? [1] : [];
  if (text.length > 0) tokens.push(ids.get(' ')!);
  for (const ch of text) {
    const id = ids.get(ch);
    if (id !== undefined) tokens.push(id);
    else for (const b of new TextEncoder().encode(ch)) tokens.push(b + 3);
  }
  const start = bos ? 1 : 0;
  for (;;) {
    let bestScore = -1e10;
    let bestId = -1;
    let bestIdx = -1;
    for (let i = start; i < tokens.length - 1; i++) {
      const id = ids.get(vocab.tokens[tokens[i]!]! + vocab.tokens[tokens[i + 1]!]!);
      if (id !== undefined && vocab.scores[id]! > bestScore) {
        bestScore = vocab.scores[id]!;
        bestId = id;
        bestIdx = i;
      }
    }
    if (bestIdx < 0) return tokens;
    tokens.splice(bestIdx, 2, bestId);
  }
}
