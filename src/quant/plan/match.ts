/**
 * Which quant_cfg entries reach which quantizer slots (recipes.md §5.3): fnmatch on the full name
 * or on its norm() form, plus the optional `parent_class` filter against QuantModuleRegistry keys.
 */
import { MoptError, type SourceRef } from '../../errors.js';
import type { QuantizerCfgEntry } from '../../recipe/types.js';
import { fnmatchcase } from '../fnmatch.js';

/** The stock QuantModuleRegistry keys (plugins add the model's attention / MoE classes). */
export const STOCK_REGISTRY_KEYS: readonly string[] = [
  'nn.Linear',
  ...['1d', '2d', '3d'].flatMap((d) => [`nn.Conv${d}`, `nn.ConvTranspose${d}`]),
  'nn.Embedding',
  'nn.LayerNorm',
  ...['1d', '2d', '3d'].flatMap((d) => [
    `nn.BatchNorm${d}`,
    `nn.InstanceNorm${d}`,
    `nn.MaxPool${d}`,
    `nn.AvgPool${d}`,
    `nn.AdaptiveAvgPool${d}`,
  ]),
  'nn.LeakyReLU',
  'nn.RNN',
  'nn.LSTM',
  'nn.GRU',
];

const INDEXED_QUANTIZER = /(weight|input)_quantizers?\.\d+(?=\.|$)/g;

/**
 * Fused-expert lists and sequential children match like the singular quantizer:
 * `experts.gate_up_proj_weight_quantizers.3` → `experts.gate_up_proj_weight_quantizer`.
 */
export function normQuantizerName(name: string): string {
  return name.replace(INDEXED_QUANTIZER, '$1_quantizer');
}

/** fnmatch on the raw name, or on the normalised name when normalisation changed it. */
export function nameMatches(name: string, pattern: string): boolean {
  if (fnmatchcase(name, pattern)) return true;
  const normed = normQuantizerName(name);
  return normed !== name && fnmatchcase(normed, pattern);
}

/** The entry's class filter, or null when it has none (`null` or `''`). */
export function parentClassFilter(entry: QuantizerCfgEntry): string | null {
  return entry.parent_class === null || entry.parent_class === '' ? null : entry.parent_class;
}

/** Throws the application-time error ModelOpt raises for an unregistered `parent_class`. */
export function checkParentClass(
  entry: QuantizerCfgEntry,
  registry: ReadonlySet<string>,
  source: SourceRef | undefined,
): void {
  const cls = parentClassFilter(entry);
  if (cls === null || registry.has(cls)) return;
  throw new MoptError(
    'E_PARENT_CLASS',
    `parent_class '${cls}' not found in QuantModuleRegistry. Make sure the class has a registered quantized equivalent.`,
    { source, hint: `registered classes for this model: ${[...registry].join(', ')}` },
  );
}
