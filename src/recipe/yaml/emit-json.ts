/**
 * Python `json.dumps(value, indent=indent)` for PyValues, byte for byte: Python's separators,
 * `ensure_ascii` escapes, float repr (`NaN`/`Infinity` as Python writes them), keys through `str()`.
 */
import { MoptError } from '../../errors.js';
import { PyDate, PyFloat, PyTuple, pyFloatRepr, type PyKey, type PyValue } from '../pyvalue.js';

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A JSON string literal with Python's ensure_ascii escaping (every char outside ' '..'~' escaped). */
export function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (SHORT_ESCAPES[ch] !== undefined) out += SHORT_ESCAPES[ch];
    else if (code < 0x20 || code > 0x7e) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** Python json's float text: repr, with the non-finite values spelled as JavaScript literals. */
export function pyJsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pyFloatRepr(x);
}

function notSerializable(typeName: string): MoptError {
  return new MoptError('E_JSON_TYPE', `Object of type ${typeName} is not JSON serializable`, { exitCode: 1 });
}

function keyText(key: PyKey): string {
  if (typeof key === 'string') return key;
  if (key === null) return 'null';
  if (key === true) return 'true';
  if (key === false) return 'false';
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  if (key instanceof PyFloat) return pyJsonFloat(key.value);
  throw new MoptError(
    'E_JSON_TYPE',
    `keys must be str, int, float, bool or None, not ${key instanceof PyDate ? 'date' : 'tuple'}`,
    { exitCode: 1 },
  );
}

function scalarText(v: PyValue): string | undefined {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return pyJsonString(v);
  if (v instanceof PyFloat) return pyJsonFloat(v.value);
  if (v instanceof PyDate) throw notSerializable('date');
  return undefined;
}

/** `json.dumps(v)` (no indent: `", "` and `": "`) or `json.dumps(v, indent=n)` (`","` at line ends). */
export function toPythonJson(v: PyValue, indent?: number): string {
  const pretty = indent !== undefined && indent !== null;
  const unit = pretty ? ' '.repeat(Math.max(0, indent)) : '';
  const write = (value: PyValue, level: number): string => {
    const scalar = scalarText(value);
    if (scalar !== undefined) return scalar;
    const items: string[] = [];
    let open: string;
    let close: string;
    if (value instanceof Map) {
      [open, close] = ['{', '}'];
      for (const [k, x] of value) items.push(`${pyJsonString(keyText(k))}: ${write(x, level + 1)}`);
    } else {
      [open, close] = ['[', ']'];
      const list = value instanceof PyTuple ? value.items : (value as PyValue[]);
      for (const x of list) items.push(write(x, level + 1));
    }
    if (items.length === 0) return open + close;
    if (!pretty) return open + items.join(', ') + close;
    const inner = '\n' + unit.repeat(level + 1);
    return open + inner + items.join(',' + inner) + '\n' + unit.repeat(level) + close;
  };
  return write(v, 0);
}
