/**
 * PyYAML's YAML 1.1 scalar rules (SafeLoader): which type a plain scalar resolves to, and how a
 * scalar of a given tag is turned into a Python value. The regexes follow PyYAML's resolver so that
 * `1e-4` stays a string, `017` is 15, `1:30` is 90 and `y` is not a boolean.
 */
import { PyDate, PyFloat, type PyScalar } from '../pyvalue.js';

export const TAG = {
  str: 'tag:yaml.org,2002:str',
  int: 'tag:yaml.org,2002:int',
  float: 'tag:yaml.org,2002:float',
  bool: 'tag:yaml.org,2002:bool',
  null: 'tag:yaml.org,2002:null',
  timestamp: 'tag:yaml.org,2002:timestamp',
  merge: 'tag:yaml.org,2002:merge',
  value: 'tag:yaml.org,2002:value',
  map: 'tag:yaml.org,2002:map',
  seq: 'tag:yaml.org,2002:seq',
} as const;

const BOOL_RE = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT_RE =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT_RE =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL_RE = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP_RE =
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/;

/** The tag PyYAML's implicit resolver gives a plain scalar (PyYAML's order: bool, float, int, merge, null, timestamp, value). */
export function resolvePlainTag(text: string): string {
  if (BOOL_RE.test(text)) return TAG.bool;
  if (FLOAT_RE.test(text)) return TAG.float;
  if (INT_RE.test(text)) return TAG.int;
  if (text === '<<') return TAG.merge;
  if (NULL_RE.test(text)) return TAG.null;
  if (TIMESTAMP_RE.test(text)) return TAG.timestamp;
  if (text === '=') return TAG.value;
  return TAG.str;
}

/** Thrown by the constructors below; the caller turns it into a positioned MoptError. */
export class ScalarError extends Error {}

/** A Python int as mopt stores it: a number when exact, else a bigint. */
function normInt(v: bigint): number | bigint {
  if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return v;
}

const DIGITS: Record<number, RegExp> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };
const PREFIX: Record<number, string> = { 2: '0b', 8: '0o', 16: '0x' };

/** Python `int(text, base)` for the inputs PyYAML passes it (underscores already removed). */
function pyIntParse(text: string, base: 2 | 8 | 10 | 16): bigint {
  let t = text.trim();
  let neg = false;
  if (t.startsWith('-') || t.startsWith('+')) {
    neg = t.startsWith('-');
    t = t.slice(1);
  }
  const prefix = PREFIX[base];
  if (prefix && t.toLowerCase().startsWith(prefix)) t = t.slice(2);
  if (!DIGITS[base]!.test(t)) throw new ScalarError(`invalid literal for int() with base ${base}: '${text}'`);
  const magnitude = BigInt(base === 10 ? t : prefix + t);
  return neg ? -magnitude : magnitude;
}

/** PyYAML `construct_yaml_int`. */
export function constructInt(text: string): number | bigint {
  let value = text.replace(/_/g, '');
  if (value.length === 0) throw new ScalarError('an int needs at least one digit');
  let sign = 1n;
  if (value[0] === '-') sign = -1n;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '0') return 0;
  if (value.startsWith('0b')) return normInt(sign * pyIntParse(value.slice(2), 2));
  if (value.startsWith('0x')) return normInt(sign * pyIntParse(value.slice(2), 16));
  if (value.startsWith('0')) return normInt(sign * pyIntParse(value, 8));
  if (value.includes(':')) {
    let total = 0n;
    let base = 1n;
    for (const part of value.split(':').reverse()) {
      total += pyIntParse(part, 10) * base;
      base *= 60n;
    }
    return normInt(sign * total);
  }
  return normInt(sign * pyIntParse(value, 10));
}

/** Python `float(text)` for decimal text (PyYAML has already removed underscores and lower-cased). */
function pyFloatParse(text: string): number {
  const t = text.trim();
  if (/^[-+]?(?:inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(t)) return NaN;
  if (!/^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?$/.test(t))
    throw new ScalarError(`could not convert string to float: '${text}'`);
  return Number(t);
}

/** PyYAML `construct_yaml_float`. */
export function constructFloat(text: string): PyFloat {
  let value = text.replace(/_/g, '').toLowerCase();
  if (value.length === 0) throw new ScalarError('a float needs at least one digit');
  let sign = 1;
  if (value[0] === '-') sign = -1;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '.inf') return new PyFloat(sign * Infinity);
  if (value === '.nan') return new PyFloat(NaN);
  if (value.includes(':')) {
    let total = 0;
    let base = 1;
    for (const part of value.split(':').reverse()) {
      total += pyFloatParse(part) * base;
      base *= 60;
    }
    return new PyFloat(sign * total);
  }
  return new PyFloat(sign * pyFloatParse(value));
}

const BOOL_VALUES: Record<string, boolean> = {
  yes: true,
  no: false,
  true: true,
  false: false,
  on: true,
  off: false,
};

/** PyYAML `construct_yaml_bool` (only the six YAML 1.1 words, any case). */
export function constructBool(text: string): boolean {
  const v = BOOL_VALUES[text.toLowerCase()];
  if (v === undefined) throw new ScalarError(`'${text}' is not a YAML boolean`);
  return v;
}

/** PyYAML `construct_yaml_timestamp`: the date must exist; the text is kept as written. */
export function constructTimestamp(text: string): PyDate {
  const m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})/.exec(text);
  if (!TIMESTAMP_RE.test(text) || !m) throw new ScalarError(`'${text}' is not a YAML timestamp`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || probe.getUTCDate() !== day || year < 1)
    throw new ScalarError(`'${text}' is not a valid date`);
  return new PyDate(text);
}

/** Build the Python value of a scalar whose tag is known; throws ScalarError for tags a safe loader refuses. */
export function constructScalar(tag: string, text: string): PyScalar {
  switch (tag) {
    case TAG.str:
      return text;
    case TAG.int:
      return constructInt(text);
    case TAG.float:
      return constructFloat(text);
    case TAG.bool:
      return constructBool(text);
    case TAG.null:
      return null;
    case TAG.timestamp:
      return constructTimestamp(text);
    case TAG.map:
      throw new ScalarError('expected a mapping node, but found scalar');
    case TAG.seq:
      throw new ScalarError('expected a sequence node, but found scalar');
    default:
      throw new ScalarError(
        tag === 'tag:yaml.org,2002:binary'
          ? `the tag '${tag}' is valid YAML but not supported in mopt recipes`
          : `could not determine a constructor for the tag '${tag}'`,
      );
  }
}
