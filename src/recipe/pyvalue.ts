/**
 * Plain data as PyYAML hands it to ModelOpt, kept distinguishable in TypeScript:
 * integer keys stay apart from string keys (`-1` vs `'-1'`), floats stay floats (`2688.0`),
 * and tuples (ExMy results such as `(4, 3)`) stay apart from lists.
 */

/** A Python float. Integers are plain JS numbers (or bigint beyond 2^53); floats are wrapped. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Python tuple, e.g. the `(4, 3)` that ExMy conversion makes of `e4m3`. */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A YAML timestamp (`2024-01-01`): kept as its source text. Recipes never need one. */
export class PyDate {
  constructor(readonly text: string) {}
}

export type PyScalar = null | boolean | number | bigint | string | PyFloat | PyDate;
export type PyKey = PyScalar | PyTuple;
/** A Python dict: insertion-ordered, keys compared by value for primitives. */
export type PyDict = Map<PyKey, PyValue>;
export type PyList = PyValue[];
export type PyValue = PyScalar | PyTuple | PyList | PyDict;

export function isDict(v: unknown): v is PyDict {
  return v instanceof Map;
}

export function isList(v: unknown): v is PyList {
  return Array.isArray(v);
}

/** True for a Python int (JS integer number or bigint); booleans are not ints here. */
export function isInt(v: unknown): v is number | bigint {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
}

/** The Python type name used in ModelOpt's messages (`dict`, `list`, `str`, `NoneType`, ...). */
export function pyTypeName(v: PyValue | undefined): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyDate) return 'date';
  if (v instanceof PyTuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** Python `bool(v)`: the falsy values are None, False, 0, 0.0, '', and empty containers. */
export function pyTruthy(v: PyValue | undefined): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

/** Python `repr()` of plain data, as ModelOpt embeds values in its messages. */
export function pyRepr(v: PyValue | undefined): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return pyStrRepr(v);
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (v instanceof PyDate) return `datetime.date(${v.text})`;
  if (v instanceof PyTuple)
    return v.items.length === 1 ? `(${pyRepr(v.items[0])},)` : `(${v.items.map(pyRepr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return `{${[...v.entries()].map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
}

/** Characters Python's `str.isprintable()` rejects (other than the ASCII space): repr escapes them. */
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

function pyEscapeCodePoint(code: number): string {
  if (code <= 0xff) return '\\x' + code.toString(16).padStart(2, '0');
  if (code <= 0xffff) return '\\u' + code.toString(16).padStart(4, '0');
  return '\\U' + code.toString(16).padStart(8, '0');
}

/** Python's str repr: single quotes unless the text holds a single quote and no double quote. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += pyEscapeCodePoint(code);
    else out += ch;
  }
  return out + quote;
}

/** Python's float repr: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mant, exp] = x.toExponential().split('e') as [string, string];
    const e = Number(exp);
    const sign = e < 0 ? '-' : '+';
    return `${mant}e${sign}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}
