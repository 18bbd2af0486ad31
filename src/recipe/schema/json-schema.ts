/**
 * JSON Schema (draft-07, input side) for editors (yaml-language-server), generated from the same zod
 * schemas that validate. Adds what the loader accepts before validation: a top-level `imports`, and
 * `$import` in any config mapping (whose other keys then come from the snippet, so only the marker is
 * checked) and as a quant_cfg item. ExMy strings pass because num_bits/scale_bits accept strings.
 */
import * as z from 'zod';
import type { RecipeType } from '../types.js';
import { BlockSizeValueSchema, QuantizerAttributeConfigModel } from './attribute.js';
import { LayerPatternListSchema } from './auto-quantize.js';
import { QuantizerCfgEntryModel, QuantizerCfgListSchema } from './entry.js';
import { modelOf } from './model.js';
import { RECIPE_TYPES, RecipeMetadataConfigModel } from './metadata.js';
import { QuantizeConfigModel } from './quantize.js';
import { RECIPE_MODELS, RECIPE_SECTIONS } from './recipes.js';

type Json = Record<string, unknown>;
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

const importNames: Json = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
const importMarker: Json = { type: 'object', required: ['$import'], properties: { $import: importNames } };
const importsSection: Json = {
  type: ['object', 'null'],
  description: 'Snippets this file may reference with $import: name -> config path.',
  additionalProperties: { type: 'string' },
};

function toJson(schema: z.ZodType): Json {
  const json = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const js = ctx.jsonSchema as Json;
      if (modelOf(ctx.zodSchema)) {
        js.properties = { ...(js.properties as Json), $import: importNames };
        if ((ctx.zodSchema as unknown) !== schema) acceptImportMarker(js);
      }
      // A typed list may splice or append a snippet: `- $import: name` is a valid item of any list.
      if (js.type === 'array' && js.items && typeof js.items === 'object' && !Array.isArray(js.items))
        js.items = { anyOf: [js.items, importMarker] };
      // pydantic turns booleans into ints here (four_over_six: true -> 1).
      if (ctx.zodSchema === BlockSizeValueSchema) (js.anyOf as Json[]).push({ type: 'boolean' });
    },
  }) as Json;
  delete json.$schema;
  return json;
}

/** A mapping with `$import` gets its other keys from a snippet: accept it on the marker alone. */
function acceptImportMarker(js: Json): void {
  const own = { ...js };
  for (const key of Object.keys(js)) delete js[key];
  js.anyOf = [own, importMarker];
}

function withImports(json: Json): Json {
  if (json.type === 'object') json.properties = { ...(json.properties as Json), imports: importsSection };
  return json;
}

function recipeBranch(type: RecipeType): Json {
  const json = withImports(toJson(RECIPE_MODELS[type].zod));
  const props = json.properties as Json;
  props.metadata = {
    allOf: [
      props.metadata,
      { type: 'object', required: ['recipe_type'], properties: { recipe_type: { const: type } } },
    ],
  };
  json.required = [...new Set([...((json.required as string[]) ?? []), 'metadata', RECIPE_SECTIONS[type]])];
  return json;
}

/** A whole recipe file: one branch per recipe type, chosen by metadata.recipe_type. */
export function recipeJsonSchema(): Json {
  return { $schema: DRAFT_07, title: 'ModelOpt recipe', oneOf: RECIPE_TYPES.map(recipeBranch) };
}

/** One schema per snippet kind a `# modelopt-schema:` comment can name. */
export function snippetJsonSchemas(): Record<string, Json> {
  const kinds: Record<string, z.ZodType> = {
    QuantizerAttributeConfig: QuantizerAttributeConfigModel.zod,
    QuantizerCfgEntry: QuantizerCfgEntryModel.zod,
    QuantizerCfgListConfig: QuantizerCfgListSchema,
    QuantizeConfig: QuantizeConfigModel.zod,
    LayerPatternList: LayerPatternListSchema,
    RecipeMetadataConfig: RecipeMetadataConfigModel.zod,
  };
  const out: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(kinds))
    out[name] = { $schema: DRAFT_07, title: name, ...withImports(toJson(schema)) };
  return out;
}
