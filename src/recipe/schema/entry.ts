/**
 * QuantizerCfgEntry, one item of `quant_cfg` (recipes.md §4.2), and the list schema
 * QuantizerCfgListConfig (= QuantizeQuantCfgType).
 */
import * as z from 'zod';
import { isDict, pyRepr, type PyDict, type PyValue } from '../pyvalue.js';
import type { QuantizerCfgEntry } from '../types.js';
import { QuantizerAttributeConfigModel } from './attribute.js';
import { valueError } from './issues.js';
import { defineModel, isConfigObject } from './model.js';

/** `{}`, `[]`, or a list made only of `{}`: a cfg that sets nothing. */
function isEmptyCfg(cfg: PyValue | undefined): boolean {
  if (isDict(cfg)) return cfg.size === 0 && !isConfigObject(cfg);
  if (Array.isArray(cfg)) return cfg.every((item) => isDict(item) && item.size === 0);
  return false;
}

function dropEmptyCfg(raw: PyValue): PyValue {
  if (!isDict(raw) || !raw.has('cfg') || !isEmptyCfg(raw.get('cfg'))) return raw;
  if (raw.get('enable') === false) return new Map(raw).set('cfg', null) as PyDict;
  return valueError(
    `QuantizerCfgEntry 'cfg' must specify at least one quantizer attribute; got an empty mapping/list ` +
      `for quantizer ${pyRepr(raw.get('quantizer_name') ?? null)}.  To keep existing attributes, drop 'cfg' ` +
      `and rely on 'enable=True'; to disable, set 'enable=False'.`,
  );
}

export const QuantizerCfgEntryModel = defineModel<QuantizerCfgEntry>({
  name: 'QuantizerCfgEntry',
  module: 'modelopt.torch.quantization.config',
  fields: {
    quantizer_name: {
      type: z.string(),
      description: 'fnmatch pattern over quantizer names, e.g. *weight_quantizer.',
    },
    parent_class: {
      type: z.string().nullable(),
      default: () => null,
      description: 'Only quantizers whose parent module has this class key (e.g. nn.Linear).',
    },
    cfg: {
      type: z
        .union([QuantizerAttributeConfigModel.zod, z.array(QuantizerAttributeConfigModel.zod)])
        .nullable(),
      default: () => null,
      description:
        'Attributes replacing the matched quantizer (a list makes it sequential); null keeps them.',
    },
    enable: { type: z.boolean(), default: () => true, description: 'Turn the matched quantizers on or off.' },
  },
  before: dropEmptyCfg,
  after: (entry, set) => {
    if (!set.has('cfg') && !set.has('enable'))
      valueError(
        `QuantizerCfgEntry must specify 'cfg', 'enable', or both. An entry with only ` +
          `'quantizer_name'=${pyRepr(entry.quantizer_name)} has no effect (implicit enable=True is not allowed; set it explicitly).`,
      );
  },
});

/** `list[QuantizerCfgEntry]`: registered as both QuantizerCfgListConfig and QuantizeQuantCfgType. */
export const QuantizerCfgListSchema = z.array(QuantizerCfgEntryModel.zod);
