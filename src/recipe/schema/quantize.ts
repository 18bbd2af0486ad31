/**
 * QuantizeConfig (recipes.md §4.5): the ordered quant_cfg list with ModelOpt's legacy-form
 * normalisation, the algorithm kept as written, and need_calibration (§4.6).
 */
import * as z from 'zod';
import { isDict, pyRepr, pyTypeName, PyTuple, type PyDict, type PyKey, type PyValue } from '../pyvalue.js';
import type { QuantizeConfig } from '../types.js';
import { QuantizeAlgorithmConfigModel } from './algorithms.js';
import { checkEffectiveBits } from './attribute.js';
import { pyDict } from './zod-defs.js';
import { QuantizerCfgListSchema } from './entry.js';
import { ValidatorError, valueError, type ValidationContext } from './issues.js';
import { defineModel, isConfigObject } from './model.js';

const LEGACY_WARNING =
  'quant_cfg uses a deprecated legacy form (%s); write a list of {quantizer_name, cfg, enable} entries instead.';

/** Where a produced entry came from in the input, relative to `quant_cfg` (for issue paths). */
interface EntrySource {
  at: PyKey[];
  legacy: boolean;
}
const entrySources = new WeakMap<object, EntrySource[]>();

/** One legacy `pattern: value` pair as entry mappings (`default` is `*`, `nn.*` keys scope by parent class). */
function expandLegacyPair(key: PyKey, value: PyValue, at: PyKey[]): [PyDict, EntrySource][] {
  if (typeof key === 'string' && key.startsWith('nn.')) {
    if (!isDict(value))
      throw new ValidatorError(
        'value',
        `For 'nn.*' scoped format, value must be a mapping, got ${pyRepr(value)}`,
        [...at, key],
      );
    return [...value].map(([name, sub]) => [
      toEntry({ ...splitEnable(sub), name, parent: key }),
      { at: [...at, key, name], legacy: true },
    ]);
  }
  const name = key === 'default' ? '*' : key;
  return [[toEntry({ ...splitEnable(value), name, parent: undefined }), { at: [...at, key], legacy: true }]];
}

/**
 * Maps an issue path inside the normalised list back into the input: a legacy entry's `cfg`
 * is the value under its pattern key, its `enable` sits inside that value.
 */
export function quantCfgIssuePath(normalised: PyValue, rel: PyKey[]): PyKey[] {
  const sources = Array.isArray(normalised) ? entrySources.get(normalised) : undefined;
  const [index, field, ...rest] = rel;
  const source = typeof index === 'number' ? sources?.[index] : undefined;
  if (!source) return rel;
  if (!source.legacy) return [...source.at, ...rel.slice(1)];
  if (field === 'cfg') return [...source.at, ...rest];
  return field === 'enable' ? [...source.at, 'enable'] : source.at;
}

interface LegacyParts {
  name: PyKey;
  parent: string | undefined;
  cfg: PyValue;
  enable: PyValue | undefined;
}

/** A mapping value loses its `enable` key (it becomes the entry's); an empty rest means cfg None. */
function splitEnable(value: PyValue): Omit<LegacyParts, 'name' | 'parent'> {
  if (!isDict(value)) return { cfg: value, enable: undefined };
  const rest = new Map(value);
  rest.delete('enable');
  return { cfg: rest.size ? rest : null, enable: value.get('enable') };
}

function toEntry(p: LegacyParts): PyDict {
  const entry: PyDict = new Map<PyKey, PyValue>([['quantizer_name', p.name as PyValue]]);
  if (p.parent !== undefined) entry.set('parent_class', p.parent);
  entry.set('cfg', p.cfg);
  if (p.enable !== undefined) entry.set('enable', p.enable);
  return entry;
}

/** ModelOpt's normalize_quant_cfg_list: accepts the list form and every legacy form, in order. */
export function normalizeQuantCfgList(v: PyValue, ctx: ValidationContext): PyValue {
  let items: [PyValue, PyKey[]][];
  // One deprecation warning per list: a flat mapping's pairs are not warned about again.
  let warned = isDict(v);
  if (isDict(v)) {
    ctx.warnings.push(LEGACY_WARNING.replace('%s', 'a flat mapping of pattern to cfg'));
    items = [...v].map(([k, x]) => [new Map([[k, x]]), []]);
  } else if (Array.isArray(v) || v instanceof PyTuple)
    items = (Array.isArray(v) ? v : v.items).map((x, i): [PyValue, PyKey[]] => [x, [i]]);
  else
    return valueError(
      `quant_cfg must be a sequence of entries (or a legacy flat mapping), got ${pyTypeName(v)}: ${pyRepr(v)}.`,
    );
  const out: PyValue[] = [];
  const sources: EntrySource[] = [];
  for (const [item, at] of items) {
    if (isConfigObject(item) || (isDict(item) && item.has('quantizer_name'))) {
      out.push(isConfigObject(item) ? item : new Map(item as PyDict));
      sources.push({ at, legacy: false });
      continue;
    }
    const keys = isDict(item) ? [...item.keys()] : [];
    const scoped = keys.some((k) => typeof k === 'string' && k.startsWith('nn.'));
    if (!isDict(item) || (keys.length !== 1 && !(keys.length > 1 && scoped)))
      throw new ValidatorError('value', `Invalid quant_cfg entry: ${pyRepr(item)}.`, at);
    if (!warned)
      ctx.warnings.push(LEGACY_WARNING.replace('%s', `single-key entry ${pyRepr(keys[0] ?? null)}`));
    warned = true;
    for (const [k, x] of item)
      for (const [entry, source] of expandLegacyPair(k, x, at)) {
        out.push(entry);
        sources.push(source);
      }
  }
  entrySources.set(out, sources);
  return out;
}

const algorithmItem = () => z.union([z.string(), pyDict(), QuantizeAlgorithmConfigModel.zod]);

export const QuantizeConfigModel = defineModel<QuantizeConfig>({
  name: 'QuantizeConfig',
  module: 'modelopt.torch.quantization.config',
  fields: {
    quant_cfg: {
      type: QuantizerCfgListSchema,
      default: () => [
        new Map<PyKey, PyValue>([
          ['quantizer_name', '*'],
          [
            'cfg',
            new Map<PyKey, PyValue>([
              ['num_bits', 8],
              ['axis', null],
            ]),
          ],
        ]),
      ],
      description: 'Ordered entries; later entries override earlier ones for the quantizers they match.',
      before: normalizeQuantCfgList,
      issuePath: quantCfgIssuePath,
    },
    algorithm: {
      type: z.union([algorithmItem(), z.array(algorithmItem().nullable())]).nullable(),
      default: () => 'max',
      description:
        'Calibration: a method name, a mapping with method and parameters, null, or a list of those.',
    },
    effective_bits: { type: z.number().nullable(), default: () => null, after: checkEffectiveBits },
  },
});

/** ModelOpt's need_calibration: does this config need a calibration pass over data? */
export function needCalibration(q: QuantizeConfig): boolean {
  if (q.algorithm !== null && q.algorithm !== 'max') return true;
  for (const entry of q.quant_cfg) {
    if (entry.quantizer_name.includes('weight_quantizer')) continue;
    if (Array.isArray(entry.cfg)) {
      if (entry.cfg.some((c) => c.enable !== false && c.type !== 'dynamic')) return true;
    } else if (entry.enable && entry.cfg?.type !== 'dynamic') return true;
  }
  return false;
}
