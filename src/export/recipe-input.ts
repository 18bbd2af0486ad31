/**
 * What `--recipe` names for plan/quantize: a PTQ recipe (built-in name or path), or a model preset
 * file whose schema is QuantizeConfig (e.g. configs/ptq/presets/model/w4a16_nvfp4).
 */
import { MoptError } from '../errors.js';
import { loadConfig, loadRecipe, recipeSource } from '../recipe/index.js';
import type { QuantizeConfig } from '../recipe/types.js';

export interface QuantizeInput {
  quantize: QuantizeConfig;
  /** How to show where it came from (`<builtin>/general/ptq/...yaml` or a path). */
  display: string;
}

function isQuantizeConfig(v: unknown): v is QuantizeConfig {
  return typeof v === 'object' && v !== null && Array.isArray((v as { quant_cfg?: unknown }).quant_cfg);
}

export function loadQuantizeInput(name: string, overrides: readonly string[] = []): QuantizeInput {
  let recipe: unknown;
  try {
    recipe = loadRecipe(name, { overrides: [...overrides] });
  } catch (err) {
    if (!(err instanceof MoptError) || err.code !== 'E_RECIPE_TYPE_MISSING') throw err;
    // not a recipe: accept a QuantizeConfig preset file
    const preset = loadConfig(name);
    if (!isQuantizeConfig(preset)) throw err;
    if (overrides.length > 0) {
      throw new MoptError(
        'E_USAGE',
        `--set overrides apply to recipes only; ${name} is a QuantizeConfig preset`,
      );
    }
    return { quantize: preset, display: name };
  }
  const meta = (recipe as { metadata?: { recipe_type?: string } }).metadata;
  const quantize = (recipe as { quantize?: unknown }).quantize;
  if (meta?.recipe_type !== 'ptq' || !isQuantizeConfig(quantize)) {
    throw new MoptError(
      'E_RECIPE_KIND',
      `${name} is a '${meta?.recipe_type ?? 'unknown'}' recipe; plan and quantize need a 'ptq' recipe`,
    );
  }
  return { quantize, display: recipeSource(recipe as object)?.display ?? name };
}
