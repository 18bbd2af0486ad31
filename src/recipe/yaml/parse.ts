/**
 * PyYAML `safe_load_all` for mopt: one PyValue per YAML document, with source positions recorded for
 * every container and entry (see locations.ts). Every failure is a MoptError with a position:
 * E_YAML_SYNTAX for bad YAML or tags a safe loader refuses, E_YAML_TOO_COMPLEX for input beyond the
 * nesting/expansion limits.
 */
import { LineCounter, parseAllDocuments, type Node as YNode } from 'yaml';
import { MoptError, type SourceLoc, type SourceRef } from '../../errors.js';
import type { PyValue } from '../pyvalue.js';
import { DocumentBuilder, type StreamState } from './construct.js';
import { findExcessiveNesting, MAX_YAML_DEPTH } from './limits.js';

/** Where a YAML text came from: its file as shown to the user, and the imports that led to it. */
export interface YamlOrigin {
  file: string;
  chain: SourceLoc[];
}

function refAt(lines: LineCounter, offset: number, origin: YamlOrigin): SourceRef {
  const { line, col } = lines.linePos(offset);
  return { file: origin.file, line: Math.max(line, 1), col: Math.max(col, 1), chain: origin.chain };
}

/** Position of `offset` in `text` without a parse (for errors raised before the library runs). */
function refAtText(text: string, offset: number, origin: YamlOrigin): SourceRef {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { file: origin.file, line, col, chain: origin.chain };
}

/** The library's message without its " at line X, column Y" tail, on one line. */
function oneLine(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

/** PyYAML's reader refuses these characters anywhere in the stream. */
const NON_PRINTABLE = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** One parsed document and where it starts (its `---` when it has one). */
export interface YamlDocument {
  value: PyValue;
  start: SourceRef;
}

/** Parse every document of `text`. Empty or comment-only text gives []; a bare `---` document gives null. */
export function parseYamlStream(text: string, origin: YamlOrigin): PyValue[] {
  return parseYamlDocuments(text, origin).map((d) => d.value);
}

/** Like parseYamlStream, also telling where each document starts. */
export function parseYamlDocuments(text: string, origin: YamlOrigin): YamlDocument[] {
  const lines = new LineCounter();
  const bad = NON_PRINTABLE.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).padStart(4, '0');
    throw new MoptError(
      'E_YAML_SYNTAX',
      `unacceptable character #x${code}: special characters are not allowed`,
      {
        source: refAtText(text, bad.index, origin),
      },
    );
  }
  const tooDeep = findExcessiveNesting(text);
  if (tooDeep !== null) {
    throw new MoptError('E_YAML_TOO_COMPLEX', `YAML nesting is deeper than ${MAX_YAML_DEPTH} levels`, {
      source: refAtText(text, tooDeep, origin),
    });
  }
  try {
    const docs = parseAllDocuments(text, {
      version: '1.1',
      schema: 'failsafe',
      merge: false,
      uniqueKeys: false,
      prettyErrors: false,
      lineCounter: lines,
    });
    const list = Array.isArray(docs) ? docs : [];
    for (const doc of list) {
      const err = doc.errors[0];
      if (err)
        throw new MoptError('E_YAML_SYNTAX', `invalid YAML: ${oneLine(err.message)}`, {
          source: refAt(lines, err.pos[0], origin),
        });
    }
    const stream: StreamState = { text, file: origin.file, chain: origin.chain, lines, expanded: 0 };
    return list.map((doc) => {
      const builder = new DocumentBuilder(stream);
      const root = (doc.contents ?? null) as YNode | null;
      builder.compose(root);
      return { value: builder.build(root), start: refAt(lines, doc.range[0], origin) };
    });
  } catch (e) {
    if (e instanceof MoptError) throw e;
    // Safety net: the library must never surface raw; a stack overflow means input too deep for it.
    const tooComplex = e instanceof RangeError;
    throw new MoptError(
      tooComplex ? 'E_YAML_TOO_COMPLEX' : 'E_YAML_SYNTAX',
      tooComplex
        ? 'YAML is too deeply nested to parse'
        : `invalid YAML: ${oneLine(String((e as Error)?.message ?? e))}`,
      { source: { file: origin.file, line: 1, col: 1, chain: origin.chain }, cause: e },
    );
  }
}
