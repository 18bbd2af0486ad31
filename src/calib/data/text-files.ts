/**
 * Plain-text sources: a .txt file or a folder of .txt files (read in sorted name order), streamed as paragraphs,
 * i.e. runs of non-blank lines separated by blank lines. Line breaks inside a paragraph are kept.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MoptError } from '../../errors.js';
import { readLines } from './lines.js';

/** The .txt files directly inside `dir`, sorted by name (code-unit order, so the same on every machine). */
export function listTextFiles(dir: string): string[] {
  const names = readdirSync(dir).filter((n) => n.endsWith('.txt') && statSync(join(dir, n)).isFile());
  if (names.length === 0) {
    const others = readdirSync(dir).slice(0, 5);
    throw new MoptError('empty-dataset', `dataset folder ${dir} holds no .txt files`, {
      hint:
        others.length > 0
          ? `it holds ${others.join(', ')}${others.length === 5 ? ', ...' : ''}; pass a .jsonl/.json file directly`
          : 'the folder is empty',
    });
  }
  return names.sort().map((n) => join(dir, n));
}

/** Paragraphs of the files in order; the end of a file also ends a paragraph. */
export function* readParagraphs(files: readonly string[]): Generator<string> {
  for (const file of files) {
    let lines: string[] = [];
    for (const { line } of readLines(file)) {
      if (line.trim() === '') {
        if (lines.length > 0) yield lines.join('\n');
        lines = [];
      } else {
        lines.push(line);
      }
    }
    if (lines.length > 0) yield lines.join('\n');
  }
}
