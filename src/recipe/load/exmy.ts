/**
 * ExMy conversion (recipes.md §2.3): the value of a `num_bits` or `scale_bits` key that is a string
 * like `e4m3` becomes the tuple (4, 3). Python regex rules are kept: `\d` is any Unicode decimal
 * digit and `$` also matches before one trailing newline.
 */
import { PyTuple, type PyValue } from '../pyvalue.js';
import { copyEntryLocation, copySelfLocation } from '../yaml/locations.js';

const EXMY = /^[Ee](\p{Nd}+)[Mm](\p{Nd}+)\n?$/u;
const EXMY_KEYS = new Set(['num_bits', 'scale_bits']);
const IS_DIGIT = /^\p{Nd}$/u;

/** Value of a Unicode decimal digit: digits come in runs of ten starting at zero, so count back to the run's start. */
function digitValue(cp: number): number {
  let start = cp;
  while (start > 0 && IS_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** Python `int()` of a string of Unicode decimal digits. */
function pyIntOfDigits(digits: string): number | bigint {
  let n = 0n;
  for (const ch of digits) n = n * 10n + BigInt(digitValue(ch.codePointAt(0)!));
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** `e4m3` → (4, 3); anything that does not match stays the same string. */
export function parseExMy(s: string): PyValue {
  const m = EXMY.exec(s);
  return m ? new PyTuple([pyIntOfDigits(m[1]!), pyIntOfDigits(m[2]!)]) : s;
}

/** A copy of `v` with ExMy strings converted; containers are new, positions are copied. */
export function convertExMy(v: PyValue): PyValue {
  if (v instanceof Map) {
    const out = new Map();
    copySelfLocation(v, out);
    for (const [k, x] of v) {
      out.set(
        k,
        typeof k === 'string' && EXMY_KEYS.has(k) && typeof x === 'string' ? parseExMy(x) : convertExMy(x),
      );
      copyEntryLocation(v, k, out, k);
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: PyValue[] = [];
    copySelfLocation(v, out);
    v.forEach((x, i) => {
      out.push(convertExMy(x));
      copyEntryLocation(v, i, out, i);
    });
    return out;
  }
  return v;
}
