/**
 * JSON text as Python's `json.dump(value, f, indent=4)` writes it (how ModelOpt writes
 * hf_quant_config.json and config.json): ", " / ": " separators, non-ASCII escaped as \uXXXX,
 * and floats in Python's repr form (1e-06, not 0.000001). Numbers that are whole are written as ints.
 */

function pyFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x);
  // same shortest digits as JS; only the switch to exponent form differs (exp < -4 or >= 16)
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return x.toString();
}

function pyString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function pyJsonDumps(value: unknown, indent = 4, level = 0): string {
  const pad = ' '.repeat(indent * (level + 1));
  const end = ' '.repeat(indent * level);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pyFloat(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + pyJsonDumps(v, indent, level + 1)).join(',\n')}\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const items = entries.map(([k, v]) => `${pad}${pyString(k)}: ${pyJsonDumps(v, indent, level + 1)}`);
  return `{\n${items.join(',\n')}\n${end}}`;
}
