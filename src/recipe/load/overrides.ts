/**
 * Dotlist overrides on a loaded recipe (recipes.md §3.5): `a.b.c=value` entries merged OmegaConf-style
 * into the recipe's full dump, then re-validated with the original recipe class.
 * Beyond ModelOpt, `quant_cfg[<quantizer_name>]` / `quant_cfg[N]` address one list entry (see parseKey).
 */
import { MoptError } from '../../errors.js';
import { isDict, isList, pyRepr, type PyDict, type PyKey, type PyList, type PyValue } from '../pyvalue.js';
import type { SchemaType } from '../schema/api.js';
import { dumpFull, validate } from '../schema/index.js';
import { parseOverrideValue } from './dotlist-value.js';
import { collectWarnings, formatIssues } from './issues.js';

interface KeySegment {
  key: string;
  /** Bracket selectors after the key: a list index (`[2]`) or an exact quantizer_name (`[*lm_head*]`). */
  selectors: string[];
}

interface ParsedOverride {
  text: string;
  segments: KeySegment[];
  value: PyValue;
  /** The concrete path it wrote, list indices resolved (used to name the override behind an issue). */
  touched: PyKey[];
}

export interface OverrideResult {
  value: unknown;
  /** True when an override replaced `quantize` or `quantize.quant_cfg` as a whole. */
  replacedQuantCfg: boolean;
}

/** Check every entry has `=` (after the recipe loaded once, §3.5), merge them in order, re-validate. */
export function applyOverrides(
  recipe: unknown,
  overrides: readonly string[],
  schema: SchemaType,
  warnings?: string[],
): OverrideResult {
  for (const entry of overrides) {
    if (!entry.includes('=')) {
      throw new MoptError('E_OVERRIDE_SYNTAX', `Invalid override (missing '='): ${pyRepr(entry)}`);
    }
  }
  const parsed = overrides.map(parseOverride);
  const data = dumpFull(recipe);
  if (!isDict(data))
    throw new MoptError('E_OVERRIDE_TARGET', 'Overrides need a recipe mapping to apply to.', { exitCode: 1 });
  let pending: ParsedOverride[] = [];
  const flush = (): void => {
    if (pending.length) mergeInto(data, buildTree(pending), pending);
    pending = [];
  };
  for (const override of parsed) {
    if (override.segments.some((s) => s.selectors.length > 0)) {
      flush();
      applyAddressed(data, override);
    } else {
      override.touched = override.segments.map((s) => s.key);
      pending.push(override);
    }
  }
  flush();
  const result = validate(schema, data);
  collectWarnings(warnings, result.warnings);
  if (!result.ok) {
    const first = result.issues[0]!;
    const culprit = [...parsed].reverse().find((o) => overlaps(o.touched, first.path));
    const who = culprit ? `Override ${pyRepr(culprit.text)} makes` : 'The overrides make';
    throw new MoptError(
      'E_OVERRIDE_INVALID',
      `${who} the recipe invalid: ${formatIssues(schema.label, result.issues)}`,
    );
  }
  const replacedQuantCfg = parsed.some(
    (o) => overlaps(o.touched, ['quantize', 'quant_cfg']) && o.touched.length <= 2,
  );
  return { value: result.value, replacedQuantCfg };
}

function overlaps(a: readonly PyKey[], b: readonly PyKey[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `key=value`: only the first `=` splits; the key is split at dots outside brackets. */
function parseOverride(text: string): ParsedOverride {
  const at = text.indexOf('=');
  const segments = parseKey(text.slice(0, at), text);
  return { text, segments, value: parseOverrideValue(text.slice(at + 1), text), touched: [] };
}

/**
 * `quantize.quant_cfg[*[kv]_bmm_quantizer].cfg.num_bits`: brackets nest, so quantizer names that
 * contain character classes or dots stay one selector.
 */
export function parseKey(key: string, text: string): KeySegment[] {
  const bad = (why: string): MoptError =>
    new MoptError('E_OVERRIDE_SYNTAX', `Invalid override key in ${pyRepr(text)}: ${why}.`);
  const segments: KeySegment[] = [];
  let current: KeySegment = { key: '', selectors: [] };
  let i = 0;
  while (i < key.length) {
    const c = key[i]!;
    if (c === '.') {
      if (!current.key) throw bad('empty key segment');
      segments.push(current);
      current = { key: '', selectors: [] };
      i++;
    } else if (c === '[') {
      if (!current.key) throw bad('a bracket must follow a key');
      let depth = 1;
      let j = i + 1;
      for (; j < key.length && depth > 0; j++) {
        if (key[j] === '[') depth++;
        else if (key[j] === ']') depth--;
      }
      if (depth !== 0) throw bad("unbalanced '['");
      const inner = key.slice(i + 1, j - 1);
      if (!inner) throw bad('empty brackets');
      current.selectors.push(inner);
      i = j;
      if (i < key.length && key[i] !== '.' && key[i] !== '[') throw bad("expected '.' after ']'");
    } else {
      if (current.selectors.length) throw bad("expected '.' after ']'");
      current.key += c;
      i++;
    }
  }
  if (!current.key) throw bad(key ? 'empty key segment' : 'empty key');
  segments.push(current);
  return segments;
}

/** What `OmegaConf.from_dotlist` builds: later entries win, mappings given as values merge. */
function buildTree(overrides: readonly ParsedOverride[]): PyDict {
  const tree: PyDict = new Map();
  for (const o of overrides) {
    let node = tree;
    o.segments.forEach((segment, index) => {
      if (index === o.segments.length - 1) {
        const existing = node.get(segment.key);
        if (isDict(existing) && isDict(o.value)) mergeInto(existing, o.value, [o]);
        else node.set(segment.key, o.value);
        return;
      }
      const next = node.get(segment.key);
      if (isDict(next)) node = next;
      else {
        const fresh: PyDict = new Map();
        node.set(segment.key, fresh);
        node = fresh;
      }
    });
  }
  return tree;
}

/** OmegaConf merge: mappings merge key by key, anything else replaces; a mapping and a list never merge. */
function mergeInto(dest: PyDict, src: PyDict, blame: readonly ParsedOverride[]): void {
  for (const [key, value] of src) {
    const existing = dest.get(key);
    if (isDict(existing) && isDict(value)) mergeInto(existing, value, blame);
    else if ((isDict(existing) && isList(value)) || (isList(existing) && isDict(value))) {
      throw mergeError(blame, key);
    } else dest.set(key, value);
  }
}

function mergeError(blame: readonly ParsedOverride[], key: PyKey): MoptError {
  const texts = blame.map((o) => pyRepr(o.text)).join(', ');
  return new MoptError(
    'E_OVERRIDE_MERGE',
    `Cannot merge DictConfig with ListConfig at key ${pyRepr(key)} (override ${texts}).`,
    { hint: 'Address a quant_cfg entry with quant_cfg[<quantizer_name>] or quant_cfg[<index>].' },
  );
}

/** Apply one override that selects list entries with brackets, directly on the recipe data. */
function applyAddressed(root: PyDict, o: ParsedOverride): void {
  const fail = (code: string, why: string): MoptError =>
    new MoptError(code, `Override ${pyRepr(o.text)}: ${why}`);
  let holder: PyDict | PyList = root;
  let slot: string | number = '';
  const touched: (string | number)[] = [];
  for (let index = 0; index < o.segments.length; index++) {
    const segment = o.segments[index]!;
    if (index > 0) {
      const parent = childOf(holder, slot);
      if (isDict(parent)) holder = parent;
      else if (isList(parent)) throw mergeError([o], slot);
      else if (isList(holder))
        throw fail('E_OVERRIDE_PATH', `${touched.join('.')} does not address a mapping.`);
      else {
        const fresh: PyDict = new Map();
        holder.set(slot, fresh);
        holder = fresh;
      }
    }
    slot = segment.key;
    touched.push(segment.key);
    for (const selector of segment.selectors) {
      const list = childOf(holder, slot);
      if (!isList(list)) throw fail('E_OVERRIDE_PATH', `${touched.join('.')} is not a list.`);
      slot = selectEntry(list, selector, (why) => fail('E_OVERRIDE_INDEX', why));
      holder = list;
      touched.push(slot);
    }
  }
  o.touched = touched;
  const existing = childOf(holder, slot);
  if (isDict(existing) && isDict(o.value)) mergeInto(existing, o.value, [o]);
  else if ((isDict(existing) && isList(o.value)) || (isList(existing) && isDict(o.value)))
    throw mergeError([o], slot);
  else if (isList(holder)) holder[Number(slot)] = o.value;
  else holder.set(slot, o.value);
}

function childOf(holder: PyDict | PyList, slot: string | number): PyValue | undefined {
  return isList(holder) ? holder[Number(slot)] : holder.get(slot);
}

/** `[N]` by position; `[name]` the last entry whose quantizer_name is exactly `name`, appended when absent. */
function selectEntry(list: PyList, selector: string, fail: (why: string) => MoptError): number {
  if (/^\d+$/.test(selector)) {
    const index = Number(selector);
    if (index >= list.length)
      throw fail(`index ${index} is out of range for a list of ${list.length} entries.`);
    return index;
  }
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i];
    if (isDict(item) && item.get('quantizer_name') === selector) return i;
  }
  list.push(new Map<PyKey, PyValue>([['quantizer_name', selector]]));
  return list.length - 1;
}
