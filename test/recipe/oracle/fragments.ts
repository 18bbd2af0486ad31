/**
 * Which parts of a ModelOpt error message mopt must reproduce. Python-only decoration is dropped:
 * pydantic's `[type=…, input_value=…]` suffixes and documentation links, per-member union branch
 * names (`quantize.algorithm.str`), PyYAML's source-mark excerpts and `PosixPath('…')` wrappers.
 * What remains (the message prefix, each error's location and text) must appear in mopt's message.
 */
import assert from 'node:assert/strict';

export interface GoldenError {
  type: string;
  message: string;
}

const PYDANTIC_HEADER = /(\d+) validation errors? for ([^\n]+)\n/;

/** A union-member tag pydantic inserts in a location: `str`, `dict[any,any]`, `function-after[…]`, `RotateConfig`. */
function isUnionTag(segment: string): boolean {
  return (
    /[[\]()]/.test(segment) ||
    /^(str|int|float|bool|none|bytes)$/.test(segment) ||
    /^[A-Z][A-Za-z0-9]*$/.test(segment)
  );
}

/** Split a pydantic location on the dots that are not inside brackets. */
function splitLoc(loc: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of loc) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth--;
    if (ch === '.' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

interface PydanticError {
  loc: string | null;
  union: boolean;
  text: string;
}

function parsePydanticErrors(body: string): PydanticError[] {
  const errors: PydanticError[] = [];
  let loc: string | null = null;
  for (const line of body.split('\n')) {
    if (line.startsWith('    ') || line.trim() === '') continue;
    if (!line.startsWith('  ')) {
      loc = line;
      continue;
    }
    const raw = line.slice(2);
    const cut = raw.lastIndexOf(' [type=');
    const text = cut >= 0 ? raw.slice(0, cut) : raw;
    const segments = loc === null ? [] : splitLoc(loc);
    const kept = segments.filter((s) => !isUnionTag(s));
    errors.push({ loc: loc === null ? null : kept.join('.'), union: kept.length < segments.length, text });
    loc = null;
  }
  return errors;
}

/**
 * What mopt must say for a pydantic ValidationError text (optionally behind a `Config file … does not
 * match …: ` prefix). Plain errors: the count and label, each location and text. Union-branch errors
 * (pydantic lists every failed member; mopt names the best one): one branch's location and text, or its
 * location and an `Input should …` summary.
 */
function pydanticFragments(message: string, header: RegExpExecArray): Expectation[] {
  const prefix = message.slice(0, header.index);
  const label = header[2]!;
  const errors = parsePydanticErrors(message.slice(header.index + header[0].length));
  const unions = errors.filter((e) => e.union);
  const out: Expectation[] = prefix ? [prefix] : [];
  // A generic label such as `list[function-after[…, QuantizerCfgEntry]]` has no mopt counterpart.
  if (!/[[\]]/.test(label)) out.push(unions.length ? ` for ${label}` : header[0].trimEnd());
  for (const e of errors.filter((x) => !x.union)) {
    if (e.loc) out.push(`\n${e.loc}`);
    out.push(/^Assertion failed, *$/.test(e.text) ? 'Assertion failed' : e.text);
  }
  if (unions.length) {
    const at = (e: PydanticError) => (e.loc ? [`\n${e.loc}`] : []);
    const sets = [...unions.map((e) => [...at(e), e.text]), ...unions.map((e) => [...at(e), 'Input should'])];
    out.push({ anyOf: [...new Map(sets.map((x) => [JSON.stringify(x), x])).values()] });
  }
  return dedupe(out);
}

function dedupe(list: Expectation[]): Expectation[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const key = JSON.stringify(x);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Lines of a PyYAML MarkedYAMLError without its `in "<unicode string>"` marks and source excerpts. */
function yamlFragments(message: string): string[] {
  return message
    .split('\n')
    .filter((l) => !l.startsWith('  '))
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** A fragment mopt's message must contain, or alternatives of which one set must be fully contained. */
export type Expectation = string | { anyOf: string[][] };

/** What mopt's message must contain for a golden error message. */
export function expectedFragments(golden: GoldenError): Expectation[] {
  const message = golden.message.replace(/PosixPath\(('[^']*')\)/g, '$1');
  const header = PYDANTIC_HEADER.exec(message);
  if (header) return pydanticFragments(message, header);
  if (/Error$/.test(golden.type) && message.includes('\n  in "<unicode string>"'))
    return yamlFragments(message);
  return [message];
}

/** Assert that mopt's (path-normalised) message carries every fragment of the golden error. */
export function assertMessageMatches(ours: string, golden: GoldenError): void {
  const has = (set: string[]) => set.every((f) => ours.includes(f));
  for (const x of expectedFragments(golden)) {
    assert.ok(
      typeof x === 'string' ? ours.includes(x) : x.anyOf.some(has),
      `mopt message lacks ${JSON.stringify(x)}\n  mopt:   ${JSON.stringify(ours)}\n  golden: ${JSON.stringify(golden.message)}`,
    );
  }
}
