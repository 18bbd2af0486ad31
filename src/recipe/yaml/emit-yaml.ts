/**
 * Readable block YAML for `show`-style output. What it writes parses back (PyYAML rules, see
 * scalars.ts) to an equal value: int keys stay ints, strings that would resolve to something else
 * are quoted, floats always carry a dot, tuples are written as flow sequences `[4, 3]`.
 */
import { MoptError } from '../../errors.js';
import { PyDate, PyFloat, PyTuple, pyFloatRepr, type PyKey, type PyValue } from '../pyvalue.js';
import { resolvePlainTag, TAG } from './scalars.js';

/** Characters that must not appear unescaped: controls, C1 controls, YAML 1.1 line breaks, BOM, lone surrogates. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NEEDS_ESCAPE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/;
const BAD_FIRST = /^[\s\-?:,[\]{}#&*!|>'"%@`]/;

/** A float text PyYAML reads back as the same float (`1e-05` would be a string; `1.0e-05` is a float). */
export function yamlFloat(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  const repr = pyFloatRepr(x);
  const [mant, exp] = repr.split('e') as [string, string | undefined];
  if (exp === undefined) return repr;
  return `${mant.includes('.') ? mant : `${mant}.0`}e${exp}`;
}

function plainAllowed(s: string, flow: boolean): boolean {
  if (s === '' || s.trim() !== s || BAD_FIRST.test(s) || NEEDS_ESCAPE.test(s)) return false;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':') || s.startsWith('...')) return false;
  if (flow && /[,[\]{}:#]/.test(s)) return false;
  return resolvePlainTag(s) === TAG.str;
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code <= 0xffff && NEEDS_ESCAPE.test(ch)) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

export function yamlString(s: string, flow = false): string {
  if (plainAllowed(s, flow)) return s;
  if (NEEDS_ESCAPE.test(s)) return doubleQuoted(s);
  return `'${s.replace(/'/g, "''")}'`;
}

function scalar(v: PyValue, flow: boolean): string | undefined {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return yamlString(v, flow);
  if (v instanceof PyFloat) return yamlFloat(v.value);
  if (v instanceof PyDate)
    return resolvePlainTag(v.text) === TAG.timestamp ? v.text : `!!timestamp ${yamlString(v.text)}`;
  return undefined;
}

function keyText(k: PyKey): string {
  if (k instanceof PyTuple)
    throw new MoptError('E_YAML_EMIT', 'a tuple mapping key cannot be written as YAML', { exitCode: 1 });
  return scalar(k, true)!;
}

function flowText(v: PyValue): string {
  const s = scalar(v, true);
  if (s !== undefined) return s;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${keyText(k)}: ${flowText(x)}`).join(', ')}}`;
  const items = v instanceof PyTuple ? v.items : (v as PyValue[]);
  return `[${items.map(flowText).join(', ')}]`;
}

/** Lines of a value placed after `- ` or `key:`; `inline` is the text for the same line when it fits there. */
function blockLines(v: PyValue, indent: string): { inline: string } | { lines: string[] } {
  const s = scalar(v, false);
  if (s !== undefined) return { inline: s };
  if (v instanceof PyTuple) return { inline: flowText(v) };
  if (v instanceof Map) {
    if (v.size === 0) return { inline: '{}' };
    const lines: string[] = [];
    for (const [k, x] of v) {
      const body = blockLines(x, indent + '  ');
      if ('inline' in body) lines.push(`${indent}${keyText(k)}: ${body.inline}`);
      else lines.push(`${indent}${keyText(k)}:`, ...body.lines);
    }
    return { lines };
  }
  const list = v as PyValue[];
  if (list.length === 0) return { inline: '[]' };
  const lines: string[] = [];
  for (const x of list) {
    const body = blockLines(x, indent + '  ');
    if ('inline' in body) lines.push(`${indent}- ${body.inline}`);
    else lines.push(`${indent}- ${body.lines[0]!.slice(indent.length + 2)}`, ...body.lines.slice(1));
  }
  return { lines };
}

/** Block-style YAML text of `v`, ending with a newline. */
export function toYaml(v: PyValue): string {
  const body = blockLines(v, '');
  return ('inline' in body ? body.inline : body.lines.join('\n')) + '\n';
}
