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
import { QuantizerCfgEntryModel, QuantizerCfgListSchema } from './entry.js';
import { NestedIssues, ValidatorError, valueError, type ValidationContext } from './issues.js';
import { defineModel, isConfigObject, validateModel } from './model.js';

const LEGACY_WARNING =
  'quant_cfg uses a deprecated legacy form (%s); write a list of {quantizer_name, cfg, enable} entries instead.';

/**
 * ModelOpt builds each entry inside quant_cfg's `before` validator, so an entry's errors carry its
 * own location under `quant_cfg` (`quant_cfg.cfg`), and the first bad item stops the list. mopt
 * reports legacy-form entries that way (naming the item in a suffix), but keeps the item index for
 * list-form entries and shape errors: the loader places issues in the YAML source by their path.
 */
function itemHint(item: PyValue, at: PyKey[]): string {
  if (at.length) return ` (quant_cfg item ${String(at[0])})`;
  const key = isDict(item) ? ([...item.keys()][0] ?? null) : null;
  return ` (quant_cfg key ${pyRepr(key)})`;
}

/** One legacy `pattern: value` pair as entry mappings (`default` is `*`, `nn.*` keys scope by parent class). */
function expandLegacyPair(key: PyKey, value: PyValue, at: PyKey[]): PyDict[] {
  if (typeof key === 'string' && key.startsWith('nn.')) {
    if (!isDict(value))
      throw new ValidatorError(
        'value',
        `For 'nn.*' scoped format, value must be a mapping, got ${pyRepr(value)}`,
        [...at, key],
      );
    return [...value].map(([name, sub]) => toEntry({ ...splitEnable(sub), name, parent: key }));
  }
  const name = key === 'default' ? '*' : key;
  return [toEntry({ ...splitEnable(value), name, parent: undefined })];
}

interface LegacyParts {
  name: PyKey;
  parent: string | undefined;
  cfg: PyValue;
  enable: PyValue | undefined;
}

/** A mapping value loses its `enable` key (it becomes the entry's unless None); an empty rest means cfg None. */
function splitEnable(value: PyValue): Omit<LegacyParts, 'name' | 'parent'> {
  if (!isDict(value)) return { cfg: value, enable: undefined };
  const rest = new Map(value);
  rest.delete('enable');
  return { cfg: rest.size ? rest : null, enable: value.get('enable') ?? undefined };
}

function toEntry(p: LegacyParts): PyDict {
  const entry: PyDict = new Map<PyKey, PyValue>([['quantizer_name', p.name as PyValue]]);
  if (p.parent !== undefined) entry.set('parent_class', p.parent);
  entry.set('cfg', p.cfg);
  if (p.enable !== undefined) entry.set('enable', p.enable);
  return entry;
}

/** The entry mappings one item stands for, and whether it used a legacy form; throws for other shapes. */
function itemEntries(item: PyValue, at: PyKey[]): { entries: PyValue[]; legacy: boolean } {
  if (isConfigObject(item) || (isDict(item) && item.has('quantizer_name')))
    return { entries: [isConfigObject(item) ? item : new Map(item as PyDict)], legacy: false };
  const keys = isDict(item) ? [...item.keys()] : [];
  const scoped = keys.some((k) => typeof k === 'string' && k.startsWith('nn.'));
  if (!isDict(item) || (keys.length !== 1 && !(keys.length > 1 && scoped)))
    throw new ValidatorError('value', `Invalid quant_cfg entry: ${pyRepr(item)}.`, at);
  return { entries: [...item].flatMap(([k, x]) => expandLegacyPair(k, x, at)), legacy: true };
}

/**
 * ModelOpt's normalize_quant_cfg_list: accepts the list form and every legacy form, in order, and
 * builds each entry as it goes. Returns QuantizerCfgEntry objects.
 */
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
  for (const [item, at] of items) {
    const { entries, legacy } = itemEntries(item, at);
    // ModelOpt warns only once the item's shape converted cleanly.
    if (legacy && !warned) {
      const first = isDict(item) ? ([...item.keys()][0] ?? null) : null;
      ctx.warnings.push(LEGACY_WARNING.replace('%s', `single-key entry ${pyRepr(first)}`));
      warned = true;
    }
    for (const entry of entries) {
      const r = validateModel(QuantizerCfgEntryModel, entry, legacy ? [] : at, ctx);
      if (!r.ok)
        throw new NestedIssues(
          legacy ? r.issues.map((i) => ({ ...i, message: i.message + itemHint(item, at) })) : r.issues,
        );
      out.push(r.value as unknown as PyValue);
    }
  }
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

/** CompressConfig (the `compress` mode): which weights to compress and whether GEMMs run quantized. */
export const CompressConfigModel = defineModel<{ compress: Map<string, boolean>; quant_gemm: boolean }>({
  name: 'CompressConfig',
  module: 'modelopt.torch.quantization.config',
  fields: {
    compress: { type: z.record(z.string(), z.boolean()), default: () => new Map([['*', true]]) },
    quant_gemm: { type: z.boolean(), default: () => true },
  },
});

/** `_QuantizeExportConfig`: a config class without fields. */
export const QuantizeExportConfigModel = defineModel<Record<never, never>>({
  name: '_QuantizeExportConfig',
  module: 'modelopt.torch.quantization.config',
  fields: {},
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
