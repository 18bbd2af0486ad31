/**
 * Python's `fnmatch.fnmatchcase` (the POSIX `fnmatch.fnmatch`), as ModelOpt uses it to match
 * quantizer names: case-sensitive whole-string match; `*` crosses dots, `?` is one character,
 * `[seq]` / `[!seq]` are character classes with ranges, `]` first in a class is literal, an
 * unclosed `[` is a literal `[`, and there is no backslash escaping.
 * Patterns compile once to a RegExp and are cached.
 */

const cache = new Map<string, RegExp>();

/** True when `name` matches the shell-style `pattern` exactly as Python's fnmatchcase decides. */
export function fnmatchcase(name: string, pattern: string): boolean {
  return compileFnmatch(pattern).test(name);
}

/** The cached RegExp equivalent of `pattern` (anchored at both ends). */
export function compileFnmatch(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^${translateFnmatch(pattern)}$`, 'su');
    cache.set(pattern, re);
  }
  return re;
}

/** The unanchored JS regex source for `pattern` (code points, for the `u` flag). */
export function translateFnmatch(pattern: string): string {
  const pat = Array.from(pattern);
  const n = pat.length;
  const out: string[] = [];
  let i = 0;
  while (i < n) {
    const c = pat[i] as string;
    i += 1;
    if (c === '*') {
      // consecutive stars mean the same as one
      if (out[out.length - 1] !== '.*') out.push('.*');
    } else if (c === '?') {
      out.push('.');
    } else if (c === '[') {
      const end = findClassEnd(pat, i);
      if (end < 0) {
        out.push(literal('['));
      } else {
        out.push(translateClass(pat, i, end));
        i = end + 1;
      }
    } else {
      out.push(literal(c));
    }
  }
  return out.join('');
}

/** Index of the `]` closing a class whose body starts at `start`, or -1 if unclosed. */
function findClassEnd(pat: string[], start: number): number {
  let j = start;
  if (j < pat.length && pat[j] === '!') j += 1;
  if (j < pat.length && pat[j] === ']') j += 1;
  while (j < pat.length && pat[j] !== ']') j += 1;
  return j >= pat.length ? -1 : j;
}

/**
 * Python splits the class body at range hyphens into chunks (a hyphen right after the opening
 * `[` or `[!` is literal), drops ranges whose bounds are reversed, and then lets the regex engine
 * read `last-char-of-chunk - first-char-of-next-chunk` as a range.
 */
function translateClass(pat: string[], start: number, end: number): string {
  const body = pat.slice(start, end);
  if (body.length === 0) return '(?!)';
  const chunks: string[][] = [];
  if (!body.includes('-')) {
    chunks.push(body);
  } else {
    let chunkStart = 0;
    let k = body[0] === '!' ? 2 : 1;
    for (;;) {
      k = indexOfFrom(body, '-', k);
      if (k < 0) break;
      chunks.push(body.slice(chunkStart, k));
      chunkStart = k + 1;
      k += 3;
    }
    const last = body.slice(chunkStart);
    if (last.length > 0) chunks.push(last);
    else (chunks[chunks.length - 1] as string[]).push('-');
    for (let c = chunks.length - 1; c > 0; c -= 1) {
      const prev = chunks[c - 1] as string[];
      const next = chunks[c] as string[];
      if (cp(prev[prev.length - 1] as string) > cp(next[0] as string)) {
        chunks[c - 1] = [...prev.slice(0, -1), ...next.slice(1)];
        chunks.splice(c, 1);
      }
    }
  }
  const flat = chunks.flat();
  if (flat.length === 0) return '(?!)';
  if (flat.length === 1 && flat[0] === '!') return '.';
  const negate = flat[0] === '!';
  const items: string[] = [];
  chunks.forEach((chunk, ci) => {
    const chars = ci === 0 && negate ? chunk.slice(1) : chunk;
    chars.forEach((ch, k) => {
      const isRangeEnd = ci > 0 && k === 0;
      const isRangeStart = ci < chunks.length - 1 && k === chars.length - 1;
      if (isRangeEnd) return; // emitted as part of the previous chunk's range
      if (isRangeStart) {
        const hi = (chunks[ci + 1] as string[])[0] as string;
        items.push(`${classChar(ch)}-${classChar(hi)}`);
      } else {
        items.push(classChar(ch));
      }
    });
  });
  if (items.length === 0) return negate ? '.' : '(?!)';
  return `[${negate ? '^' : ''}${items.join('')}]`;
}

function indexOfFrom(chars: string[], needle: string, from: number): number {
  for (let k = from; k < chars.length; k += 1) if (chars[k] === needle) return k;
  return -1;
}

function cp(ch: string): number {
  return ch.codePointAt(0) ?? 0;
}

function literal(ch: string): string {
  return /[A-Za-z0-9_]/.test(ch) ? ch : `\\u{${cp(ch).toString(16)}}`;
}

function classChar(ch: string): string {
  return `\\u{${cp(ch).toString(16)}}`;
}
