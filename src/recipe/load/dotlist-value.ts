/**
 * The value half of a dotlist override (`key=value`), typed the way OmegaConf reads it (recipes.md §3.5):
 * YAML 1.1 scalars, plus floats without a dot (`1e-4`), minus dates; `[..]` lists and `{..}` mappings.
 */
import { MoptError } from '../../errors.js';
import { PyFloat, type PyDict, type PyKey, type PyList, type PyValue } from '../pyvalue.js';

const NULLS = new Set(['~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

const INT_BIN = /^[-+]?0b[01_]+$/;
const INT_OCT = /^[-+]?0[0-7_]+$/;
const INT_DEC = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const INT_HEX = /^[-+]?0x[0-9a-fA-F_]+$/;
const INT_SEX = /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/;
const FLOAT_DOT = /^[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?$/;
const FLOAT_EXP = /^[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)$/;
const FLOAT_LEAD_DOT = /^\.[0-9_]+(?:[eE][-+][0-9]+)?$/;
const FLOAT_SEX = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/;
const FLOAT_INF = /^[-+]?\.(?:inf|Inf|INF)$/;
const FLOAT_NAN = /^\.(?:nan|NaN|NAN)$/;

/** Type one override value. Throws E_OVERRIDE_SYNTAX (naming `entry`) for unbalanced flow collections. */
export function parseOverrideValue(text: string, entry: string): PyValue {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const parser = new FlowParser(trimmed, entry);
    const value = parser.value();
    parser.end();
    return value;
  }
  if (isQuoted(trimmed)) return unquote(trimmed);
  return resolvePlain(trimmed);
}

function isQuoted(s: string): boolean {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.endsWith(s[0]!);
}

function unquote(s: string): string {
  const body = s.slice(1, -1);
  if (s[0] === "'") return body.replace(/''/g, "'");
  return body.replace(/\\(["\\/nrt0])/g, (_m, c: string) =>
    c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c === '0' ? '\0' : c,
  );
}

/** A plain scalar: null, bool, int (bin/oct/dec/hex/base 60), float, or the text itself. */
export function resolvePlain(s: string): PyValue {
  if (s === '' || NULLS.has(s)) return null;
  if (TRUES.has(s)) return true;
  if (FALSES.has(s)) return false;
  if (FLOAT_DOT.test(s)) return new PyFloat(Number(s.replace(/_/g, '')));
  if (INT_BIN.test(s)) return toInt(s, 2, 2);
  if (INT_HEX.test(s)) return toInt(s, 16, 2);
  if (INT_OCT.test(s)) return toInt(s, 8, 1);
  if (INT_DEC.test(s)) return toInt(s, 10, 0);
  if (INT_SEX.test(s)) return sexagesimal(s);
  if (FLOAT_EXP.test(s) || FLOAT_LEAD_DOT.test(s)) return new PyFloat(Number(s.replace(/_/g, '')));
  if (FLOAT_SEX.test(s)) return new PyFloat(sexagesimal(s) as number);
  if (FLOAT_INF.test(s)) return new PyFloat(s.startsWith('-') ? -Infinity : Infinity);
  if (FLOAT_NAN.test(s)) return new PyFloat(NaN);
  return s;
}

function toInt(s: string, radix: number, prefix: number): number | bigint {
  const negative = s.startsWith('-');
  const digits = s.replace(/^[-+]/, '').slice(prefix).replace(/_/g, '') || '0';
  const big = BigInt(radix === 10 ? digits : `0${radix === 2 ? 'b' : radix === 8 ? 'o' : 'x'}${digits}`);
  const value = negative ? -big : big;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

function sexagesimal(s: string): number {
  const negative = s.startsWith('-');
  const parts = s.replace(/^[-+]/, '').replace(/_/g, '').split(':');
  let value = 0;
  for (const part of parts) value = value * 60 + Number(part);
  return negative ? -value : value;
}

/** A small reader for YAML flow collections: `[a, 1, {b: c}]`, `{-1: 16, type: dynamic}`. */
class FlowParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly entry: string,
  ) {}

  value(): PyValue {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '[') return this.list();
    if (ch === '{') return this.mapping();
    return this.scalar(false);
  }

  end(): void {
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected ${JSON.stringify(this.text.slice(this.pos))}`);
  }

  private list(): PyList {
    const out: PyList = [];
    this.pos++;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === ']') break;
      out.push(this.value());
      if (!this.separator(']')) break;
    }
    this.expect(']');
    return out;
  }

  private mapping(): PyDict {
    const out: PyDict = new Map();
    this.pos++;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') break;
      const key = this.scalar(true) as PyKey;
      this.skipSpace();
      let value: PyValue = null;
      if (this.text[this.pos] === ':') {
        this.pos++;
        this.skipSpace();
        if (this.text[this.pos] !== ',' && this.text[this.pos] !== '}') value = this.value();
      }
      out.set(key, value);
      if (!this.separator('}')) break;
    }
    this.expect('}');
    return out;
  }

  /** After an item: a comma (true) or the closing bracket (false). */
  private separator(close: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] === ',') {
      this.pos++;
      return true;
    }
    if (this.text[this.pos] !== close) this.fail(`expected ',' or '${close}'`);
    return false;
  }

  private scalar(isKey: boolean): PyValue {
    const quote = this.text[this.pos];
    if (quote === '"' || quote === "'") {
      const start = this.pos;
      this.pos++;
      while (this.pos < this.text.length) {
        const c = this.text[this.pos]!;
        if (c === '\\' && quote === '"') this.pos += 2;
        else if (c === quote && quote === "'" && this.text[this.pos + 1] === "'") this.pos += 2;
        else if (c === quote) break;
        else this.pos++;
      }
      if (this.pos >= this.text.length) this.fail('unterminated quoted string');
      this.pos++;
      return unquote(this.text.slice(start, this.pos));
    }
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === ',' || c === ']' || c === '}' || c === '[' || c === '{') break;
      if (isKey && c === ':' && /[\s,}]/.test(this.text[this.pos + 1] ?? ' ')) break;
      this.pos++;
    }
    const plain = this.text.slice(start, this.pos).trim();
    if (!plain && !isKey) this.fail('expected a value');
    return resolvePlain(plain);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  private fail(why: string): never {
    throw new MoptError('E_OVERRIDE_SYNTAX', `Invalid override value in '${this.entry}': ${why}.`);
  }
}
