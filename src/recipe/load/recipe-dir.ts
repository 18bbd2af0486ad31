/**
 * Directory recipes (recipes.md §3.4, seed-library.md §1.4). Two layouts, PTQ only:
 *   V2:   metadata.yml|yaml (the metadata body) + quantize.yml|yaml, imports per file;
 *   seed: recipe.yml|yaml (a nested `metadata:`) + quantize.yml|yaml, where recipe.yml's imports
 *         are the ones quantize.yml's markers see.
 */
import { MoptError } from '../../errors.js';
import { isDict, pyRepr, type PyDict, type PyValue } from '../pyvalue.js';
import { metadataSchema, quantizeSchema, recipeSchema, validate } from '../schema/index.js';
import {
  copyEntryLocation,
  copySelfLocation,
  keyLocation,
  setEntryLocation,
  valueLocation,
} from '../yaml/locations.js';
import { bindImports, fileStart, type LoaderOptions } from './imports.js';
import { collectWarnings } from './issues.js';
import { loadLocatedConfig, validateFile } from './load-config.js';
import { resolveMarkers } from './markers.js';
import { findSectionFile, type LocatedFile } from './paths.js';
import { loadRawConfig } from './raw.js';
import { isRecipeType, recipeTypeEnumRepr } from './recipe-types.js';
import { resolveSchemaName } from './schema-name.js';

/** The validated recipe plus the resolved quantize data its entries came from (for provenance). */
export interface DirRecipe {
  recipe: unknown;
  quantizeData: PyValue;
}

export function loadRecipeDir(dir: LocatedFile, opts: LoaderOptions): DirRecipe {
  const metadataFile = findSectionFile(dir, 'metadata', pathOpts(opts));
  if (metadataFile) return loadV2Layout(dir, metadataFile, opts);
  const descriptor = findSectionFile(dir, 'recipe', pathOpts(opts));
  if (descriptor) return loadSeedLayout(dir, descriptor, opts);
  throw missingSection(dir, 'metadata');
}

function pathOpts(opts: LoaderOptions): { cwd?: string; builtinRoot?: string } {
  return {
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.builtinRoot ? { builtinRoot: opts.builtinRoot } : {}),
  };
}

function missingSection(dir: LocatedFile, section: string): MoptError {
  return new MoptError(
    'E_DIR_SECTION_MISSING',
    `Cannot find ${section} in ${dir.path}. Looked for: ${section}.yml, ${section}.yaml`,
  );
}

function loadV2Layout(dir: LocatedFile, metadataFile: LocatedFile, opts: LoaderOptions): DirRecipe {
  const metadata = loadLocatedConfig(metadataFile, { ...opts, schema: metadataSchema });
  const recipeType = (metadata.value as { recipe_type?: unknown }).recipe_type;
  if (recipeType !== 'ptq') {
    const shown = isRecipeType(recipeType) ? recipeTypeEnumRepr(recipeType) : pyRepr(recipeType as PyValue);
    throw new MoptError('E_RECIPE_UNSUPPORTED', `Unsupported recipe type: ${shown}`, {
      source:
        (isDict(metadata.data) && valueLocation(metadata.data, 'recipe_type')) ||
        fileStart(metadataFile.path),
    });
  }
  const quantizeFile = findSectionFile(dir, 'quantize', pathOpts(opts));
  if (!quantizeFile) throw missingSection(dir, 'quantize');
  const quantize = loadLocatedConfig(quantizeFile, { ...opts, schema: quantizeSchema });
  return { recipe: combine(dir, metadata.data, quantize.data, opts), quantizeData: quantize.data };
}

function loadSeedLayout(dir: LocatedFile, descriptor: LocatedFile, opts: LoaderOptions): DirRecipe {
  const raw = loadRawConfig(descriptor, []);
  const body = raw.body;
  const metadata = isDict(body) ? (body.get('metadata') ?? new Map()) : null;
  const recipeType = isDict(metadata) ? metadata.get('recipe_type') : undefined;
  if (!isDict(body) || !isDict(metadata) || recipeType === undefined || recipeType === null) {
    throw new MoptError(
      'E_RECIPE_TYPE_MISSING',
      `Recipe file ${descriptor.path} must contain a 'metadata.recipe_type' field.`,
      { source: (isDict(body) && valueLocation(body, 'metadata')) || fileStart(descriptor.path) },
    );
  }
  if (recipeType !== 'ptq') {
    throw new MoptError('E_RECIPE_UNSUPPORTED', `Unsupported recipe type: ${pyRepr(recipeType)}`, {
      source: valueLocation(metadata, 'recipe_type'),
    });
  }
  validateFile(descriptor, raw, metadataSchema, metadata, opts.warnings);
  const scope = bindImports(raw, new Set(), opts);

  const quantizeFile = findSectionFile(dir, 'quantize', pathOpts(opts));
  if (!quantizeFile) throw missingSection(dir, 'quantize');
  const quantizeRaw = loadRawConfig(quantizeFile, []);
  if (quantizeRaw.schema) resolveSchemaName(quantizeRaw.schema.name, quantizeRaw.schema.loc);
  // The seed loader never consumed an `imports` key inside quantize.yml: it stays data and fails validation.
  const quantizeBody =
    quantizeRaw.imports !== undefined && isDict(quantizeRaw.body)
      ? withImportsKey(quantizeRaw.body, quantizeRaw.imports, quantizeRaw.importsLoc)
      : quantizeRaw.body;
  const quantizeData = resolveMarkers(quantizeBody, quantizeSchema, scope);
  validateFile(quantizeFile, quantizeRaw, quantizeSchema, quantizeData, opts.warnings);
  return { recipe: combine(dir, metadata, quantizeData, opts), quantizeData };
}

function withImportsKey(body: PyDict, imports: PyValue, loc: ReturnType<typeof keyLocation>): PyDict {
  const out: PyDict = new Map([['imports', imports]]);
  copySelfLocation(body, out);
  if (loc) setEntryLocation(out, 'imports', loc);
  for (const [key, value] of body) {
    out.set(key, value);
    copyEntryLocation(body, key, out, key);
  }
  return out;
}

/** Build the recipe object from both sections' resolved data (each already validated on its own). */
function combine(dir: LocatedFile, metadata: PyValue, quantize: PyValue, opts: LoaderOptions): unknown {
  const data: PyDict = new Map([
    ['metadata', metadata],
    ['quantize', quantize],
  ]);
  const result = validate(recipeSchema('ptq'), data);
  collectWarnings(opts.warnings, result.warnings);
  if (result.ok) return result.value;
  const first = result.issues[0];
  throw new MoptError(
    'E_SCHEMA_MISMATCH',
    `Recipe directory ${dir.path} does not form a valid recipe: ${first ? first.message : 'unknown error'}`,
    { exitCode: 1 },
  );
}
