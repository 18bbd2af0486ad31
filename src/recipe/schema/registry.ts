/**
 * The schema registry (recipes.md §2.5, D7) and SchemaType (§2.8): how the loader walks a
 * document with a schema context, and which names a `# modelopt-schema:` comment may use.
 */
import type * as z from 'zod';
import type { PyKey } from '../pyvalue.js';
import type { RecipeType } from '../types.js';
import * as algorithms from './algorithms.js';
import type { SchemaType } from './api.js';
import * as auto from './auto-quantize.js';
import { RotateConfigModel, QuantizerAttributeConfigModel } from './attribute.js';
import { defOf, isBareDict, isIntSchema, typeLabel, unwrapOptional } from './zod-defs.js';
import { QuantizerCfgEntryModel, QuantizerCfgListSchema } from './entry.js';
import { RecipeMetadataConfigModel } from './metadata.js';
import { modelOf, type Model } from './model.js';
import { CompressConfigModel, QuantizeConfigModel, QuantizeExportConfigModel } from './quantize.js';
import { ModelOptRecipeBaseModel, ModelOptSpeculativeRecipeBaseModel, RECIPE_MODELS } from './recipes.js';
import { SharedStatesConfigModel } from './shared-states.js';
import * as speculative from './speculative.js';

/** A zod schema seen as a loader schema context. */
export class ZodSchemaType implements SchemaType {
  constructor(
    readonly zod: z.ZodType,
    readonly label: string = labelOf(zod),
  ) {}

  child(key: PyKey): SchemaType | null {
    const s = unwrapOptional(this.zod);
    const model = modelOf(s);
    if (model) {
      const field =
        typeof key === 'string' && Object.hasOwn(model.fields, key) ? model.fields[key] : undefined;
      return field ? new ZodSchemaType(field.type) : null;
    }
    const def = defOf(s);
    if (def.type === 'record' && !isBareDict(s)) return new ZodSchemaType(def.valueType);
    return null;
  }

  element(): SchemaType | null {
    const s = unwrapOptional(this.zod);
    const def = defOf(s);
    if (def.type === 'array') return elementType(def.element);
    if (def.type !== 'union') return null;
    const elements: z.ZodType[] = [];
    for (const option of def.options as z.ZodType[]) {
      const o = defOf(unwrapOptional(option));
      if (o.type === 'array' && !elements.some((e) => sameType(e, o.element))) elements.push(o.element);
    }
    return elements.length === 1 ? elementType(elements[0]!) : null;
  }

  equals(other: SchemaType): boolean {
    return other instanceof ZodSchemaType && sameType(this.zod, other.zod);
  }

  isDict(): boolean {
    return defOf(unwrapOptional(this.zod)).type === 'record';
  }
}

/** `list[Any]` has no element schema (§2.8). */
function elementType(element: z.ZodType): SchemaType | null {
  const t = defOf(element).type;
  return t === 'any' || t === 'unknown' ? null : new ZodSchemaType(element);
}

/** Python's label for a type: class name, `list` for any list, the full repr for unions. */
function labelOf(schema: z.ZodType): string {
  const s = unwrapOptional(schema);
  if (s !== schema && defOf(s).type === 'union') return typeLabel(schema);
  const model = modelOf(s);
  if (model) return model.name;
  const t = defOf(s).type;
  return t === 'array' ? 'list' : t === 'record' ? 'dict' : typeLabel(s);
}

/** Equality after unwrapping Optional; generics compare their arguments (§2.5). */
export function sameType(x: z.ZodType, y: z.ZodType): boolean {
  const a = unwrapOptional(x);
  const b = unwrapOptional(y);
  if (a === b) return true;
  const da = defOf(a);
  const db = defOf(b);
  if (da.type !== db.type || modelOf(a) || modelOf(b)) return false;
  switch (da.type) {
    case 'array':
      return sameType(da.element, db.element);
    case 'record':
      return (
        isBareDict(a) === isBareDict(b) &&
        sameType(da.keyType, db.keyType) &&
        sameType(da.valueType, db.valueType)
      );
    case 'tuple':
    case 'union': {
      const xs = (da.items ?? da.options) as z.ZodType[];
      const ys = (db.items ?? db.options) as z.ZodType[];
      return xs.length === ys.length && xs.every((t, i) => sameType(t, ys[i]!));
    }
    case 'number':
      return isIntSchema(da) === isIntSchema(db);
    case 'literal':
    case 'enum':
      return typeLabel(a) === typeLabel(b);
    default:
      return true;
  }
}

const QUANT = 'modelopt.torch.quantization.config';
const RECIPE = 'modelopt.recipe.config';

function modelsIn(mod: Record<string, unknown>): Model<unknown>[] {
  return Object.values(mod).filter(
    (m): m is Model<unknown> => typeof m === 'object' && m !== null && 'zod' in m && 'fieldNames' in m,
  );
}

function buildRegistry(): Map<string, ZodSchemaType> {
  const registry = new Map<string, ZodSchemaType>();
  const add = (module: string, name: string, schema: z.ZodType) =>
    registry.set(`${module}.${name}`, new ZodSchemaType(schema, name));
  const models: Model<unknown>[] = [
    RotateConfigModel,
    QuantizerAttributeConfigModel,
    QuantizerCfgEntryModel,
    QuantizeConfigModel,
    CompressConfigModel,
    QuantizeExportConfigModel,
    SharedStatesConfigModel,
    RecipeMetadataConfigModel,
    ModelOptRecipeBaseModel,
    ModelOptSpeculativeRecipeBaseModel,
    ...Object.values(RECIPE_MODELS),
    ...modelsIn(algorithms),
    ...modelsIn(auto),
    ...modelsIn(speculative),
  ] as Model<unknown>[];
  for (const m of models) add(m.module, m.name, m.zod);
  // modelopt.recipe.config imports these classes, so ModelOpt resolves them under that module too
  // (the label stays the class name, as in pydantic's messages).
  const alias = (name: string, m: Model<unknown>) =>
    registry.set(`${RECIPE}.${name}`, new ZodSchemaType(m.zod, m.name));
  alias('QuantizeConfig', QuantizeConfigModel as Model<unknown>);
  for (const m of [
    speculative.EagleConfigModel,
    speculative.DFlashConfigModel,
    speculative.MedusaConfigModel,
  ])
    alias(m.name, m as Model<unknown>);
  alias('SpecModelArgs', speculative.ModelArgumentsModel as Model<unknown>);
  alias('SpecDataArgs', speculative.DataArgumentsModel as Model<unknown>);
  alias('SpecTrainingArgs', speculative.TrainingArgumentsModel as Model<unknown>);
  add(QUANT, 'QuantizerCfgListConfig', QuantizerCfgListSchema);
  add(QUANT, 'QuantizeQuantCfgType', QuantizerCfgListSchema);
  add(RECIPE, 'LayerPatternList', auto.LayerPatternListSchema);
  return registry;
}

let registry: Map<string, ZodSchemaType> | undefined;

/** Registry lookup by full dotted name; undefined for names ModelOpt would not resolve. */
export function getSchemaByName(name: string): ZodSchemaType | undefined {
  registry ??= buildRegistry();
  return registry.get(name);
}

export function registeredSchemaNames(): string[] {
  registry ??= buildRegistry();
  return [...registry.keys()];
}

export function recipeSchema(type: RecipeType): ZodSchemaType {
  return getSchemaByName(`${RECIPE}.${RECIPE_MODELS[type].name}`)!;
}

export const metadataSchema: ZodSchemaType = new ZodSchemaType(RecipeMetadataConfigModel.zod);
export const quantizeSchema: ZodSchemaType = new ZodSchemaType(QuantizeConfigModel.zod);
