/**
 * Finds a model given as a directory or as a Hugging Face id (`org/name`) in the local HF hub cache.
 * Cache layout: <cache>/models--org--name/{refs/main, snapshots/<commit>/...}. Nothing is downloaded.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MoptError } from '../errors.js';

type Env = Record<string, string | undefined>;

/** The hub cache folder, following huggingface_hub: HF_HUB_CACHE, else HF_HOME/hub, else XDG/~/.cache. */
export function hfHubCacheDir(env: Env = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, 'hub');
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'huggingface', 'hub');
}

const MODEL_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export function isModelId(text: string): boolean {
  return MODEL_ID.test(text) && !text.includes('..');
}

/** A directory stays as it is; an `org/name` id resolves to its cached snapshot. */
export function resolveModelPath(idOrDir: string, env: Env = process.env): string {
  if (existsSync(idOrDir)) {
    if (statSync(idOrDir).isDirectory()) return idOrDir;
    throw new MoptError(
      'not-a-directory',
      `${idOrDir} is a file; expected a model directory or a Hugging Face id`,
    );
  }
  if (!isModelId(idOrDir)) {
    throw new MoptError('model-not-found', `no model directory at ${idOrDir}`, {
      hint: 'give a folder holding config.json and *.safetensors, or a Hugging Face id like org/name',
    });
  }
  const cache = hfHubCacheDir(env);
  const repoDir = join(cache, `models--${idOrDir.replace('/', '--')}`);
  const snapshots = join(repoDir, 'snapshots');
  const expected = join(snapshots, '<commit>');
  const notCached = (why: string): MoptError =>
    new MoptError('model-not-cached', `model ${idOrDir} is not in the local Hugging Face cache (${why})`, {
      hint:
        `put the files (config.json, *.safetensors, tokenizer files) in ${expected}/ and write the commit ` +
        `name to ${join(repoDir, 'refs', 'main')}, e.g. with \`huggingface-cli download ${idOrDir}\` ` +
        `on a machine with network access; or pass the model folder path instead`,
    });
  if (!existsSync(snapshots)) throw notCached(`${snapshots} does not exist`);
  const refFile = join(repoDir, 'refs', 'main');
  let snapshot: string;
  if (existsSync(refFile)) {
    snapshot = join(snapshots, readFileSync(refFile, 'utf8').trim());
    if (!existsSync(snapshot)) throw notCached(`refs/main points to ${snapshot}, which does not exist`);
  } else {
    const all = readdirSync(snapshots).filter((d) => statSync(join(snapshots, d)).isDirectory());
    if (all.length === 0) throw notCached(`${snapshots} is empty`);
    if (all.length > 1) {
      throw new MoptError(
        'ambiguous-snapshot',
        `model ${idOrDir} has ${all.length} cached snapshots and no refs/main`,
        {
          hint: `pass one folder directly: ${all.map((d) => join(snapshots, d)).join(', ')}`,
        },
      );
    }
    snapshot = join(snapshots, all[0]!);
  }
  if (!existsSync(join(snapshot, 'config.json'))) throw notCached(`${snapshot} has no config.json`);
  return snapshot;
}
