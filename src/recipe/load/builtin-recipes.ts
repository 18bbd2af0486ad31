/**
 * The catalogue of the built-in library: every YAML file whose first document has
 * `metadata.recipe_type`, and every directory recipe (V2 `metadata.yaml` or seed `recipe.yaml`).
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { MoptError } from '../../errors.js';
import { isDict, type PyValue } from '../pyvalue.js';
import type { RecipeType } from '../types.js';
import { parseYamlStream } from '../yaml/parse.js';
import { BUILTIN_ROOT } from '../builtin.js';
import { DEFAULT_DESCRIPTION, isRecipeType } from './recipe-types.js';

export interface BuiltinRecipeInfo {
  /** Built-in name as `loadRecipe` accepts it: root-relative, `/`-separated, no suffix. */
  name: string;
  recipeType: RecipeType;
  description: string;
  /** Absolute path of the file or directory. */
  path: string;
}

const YAML_FILE = /\.ya?ml$/;

export function listBuiltinRecipes(root: string = BUILTIN_ROOT): BuiltinRecipeInfo[] {
  const found: BuiltinRecipeInfo[] = [];
  walk(root, root, found, new Set());
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function walk(root: string, dir: string, found: BuiltinRecipeInfo[], seen: Set<string>): void {
  const real = realpathSync(dir);
  if (seen.has(real)) return; // a symlinked folder pointing back up
  seen.add(real);
  const names = readdirSync(dir).sort();
  const dirRecipe = describeDirectory(root, dir, names);
  if (dirRecipe) {
    found.push(dirRecipe);
    return;
  }
  for (const name of names) {
    const full = join(dir, name);
    const stat = statSync(full, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) walk(root, full, found, seen);
    else if (stat.isFile() && YAML_FILE.test(name)) {
      const info = describeFile(full, firstDocument(full));
      if (info) found.push({ ...info, name: builtinName(root, full).replace(YAML_FILE, '') });
    }
  }
}

function describeDirectory(root: string, dir: string, names: string[]): BuiltinRecipeInfo | undefined {
  if (dir === root) return undefined;
  const metadataFile = ['metadata.yml', 'metadata.yaml'].find((n) => names.includes(n));
  const descriptor = ['recipe.yml', 'recipe.yaml'].find((n) => names.includes(n));
  let metadata: PyValue | undefined;
  if (metadataFile) metadata = firstDocument(join(dir, metadataFile));
  else if (descriptor) {
    const doc = firstDocument(join(dir, descriptor));
    metadata = isDict(doc) ? doc.get('metadata') : undefined;
  } else return undefined;
  const info = describeMetadata(dir, metadata);
  return info && { ...info, name: builtinName(root, dir) };
}

function describeFile(path: string, doc: PyValue | undefined): Omit<BuiltinRecipeInfo, 'name'> | undefined {
  return isDict(doc) ? describeMetadata(path, doc.get('metadata')) : undefined;
}

function describeMetadata(
  path: string,
  metadata: PyValue | undefined,
): Omit<BuiltinRecipeInfo, 'name'> | undefined {
  if (!isDict(metadata)) return undefined;
  const recipeType = metadata.get('recipe_type');
  if (!isRecipeType(recipeType)) return undefined;
  const description = metadata.get('description');
  return {
    recipeType,
    description: typeof description === 'string' ? description : DEFAULT_DESCRIPTION,
    path,
  };
}

/**
 * True for a recipe directory, or a YAML file whose first document has `metadata.recipe_type` (any
 * value, so a bad type still goes to loadRecipe for its error). Used to pick loadRecipe vs loadConfig.
 */
export function looksLikeRecipe(path: string): boolean {
  let stat;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch {
    return false; // unreadable: let the loader report it
  }
  if (!stat) return false;
  if (stat.isDirectory()) return true;
  const doc = firstDocument(path);
  const metadata = isDict(doc) ? doc.get('metadata') : undefined;
  return isDict(metadata) && metadata.has('recipe_type');
}

/** The first YAML document of a file, or undefined when it cannot be read or parsed. */
function firstDocument(path: string): PyValue | undefined {
  try {
    return parseYamlStream(readFileSync(path, 'utf8'), { file: path, chain: [] })[0];
  } catch (err) {
    if (err instanceof MoptError || (err as NodeJS.ErrnoException).code) return undefined;
    throw err;
  }
}

function builtinName(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
