/**
 * The model's own tokenizer, read from `tokenizer.json` (+ `tokenizer_config.json`) with @huggingface/tokenizers,
 * with the special-token and padding choices hf_ptq makes (pad = eos unless the pad token is "<unk>"), and a check
 * that every token id fits the model's embedding (`vocab_size` in config.json).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { MoptError } from '../errors.js';
import { type JsonObject, readJsonObject } from './checkpoint.js';

export interface ModelTokenizer {
  /** The tokenizer.json this was read from (named in errors). */
  readonly file: string;
  /** Highest token id + 1, counting added tokens. */
  readonly vocabSize: number;
  /** `vocab_size` from config.json (or text_config), when there is one. */
  readonly modelVocabSize: number | undefined;
  readonly bosId: number | undefined;
  readonly eosId: number | undefined;
  /** The id hf_ptq pads with: eos, except when the configured pad token is "<unk>". */
  readonly padId: number | undefined;
  /** Ids the tokenizer puts before / after every text when special tokens are added (e.g. [bos] / []). */
  readonly specialPrefix: readonly number[];
  readonly specialSuffix: readonly number[];
  /** Token ids of `text`; special tokens (prefix and suffix) are added unless `addSpecial` is false. */
  encode(text: string, options?: { addSpecial?: boolean }): number[];
  decode(ids: ArrayLike<number>, options?: { skipSpecial?: boolean }): string;
  tokenToId(token: string): number | undefined;
}

export interface LoadTokenizerOptions {
  /** Overrides the embedding size read from `<modelDir>/config.json`. */
  modelVocabSize?: number;
}

/** Reads `<modelDir>/tokenizer.json` and checks it against the model's vocabulary size. */
export function loadTokenizer(modelDir: string, options: LoadTokenizerOptions = {}): ModelTokenizer {
  const file = join(modelDir, 'tokenizer.json');
  if (!existsSync(file)) throw missingTokenizer(modelDir, file);
  const json = readJsonObject(file, 'tokenizer.json');
  const configFile = join(modelDir, 'tokenizer_config.json');
  const config = existsSync(configFile) ? readJsonObject(configFile, 'tokenizer_config.json') : {};
  const modelConfigFile = join(modelDir, 'config.json');
  const modelConfig = existsSync(modelConfigFile) ? readJsonObject(modelConfigFile, 'config.json') : {};
  let lib: Tokenizer;
  try {
    lib = new Tokenizer(json, config);
  } catch (err) {
    throw new MoptError(
      'bad-tokenizer',
      `${file}: cannot be read as a tokenizer (${(err as Error).message})`,
      {
        cause: err,
      },
    );
  }
  const vocab = lib.get_vocab(true);
  let vocabSize = 0;
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);
  const modelVocabSize = options.modelVocabSize ?? configVocabSize(modelConfig);
  if (modelVocabSize !== undefined && vocabSize > modelVocabSize) {
    throw new MoptError(
      'tokenizer-vocab-mismatch',
      `${file}: the tokenizer has ${vocabSize} token ids but the model's embedding has only ${modelVocabSize} rows ` +
        `(vocab_size in ${modelConfigFile})`,
      { hint: 'use the tokenizer that was saved with this model' },
    );
  }
  const tokenId = (key: 'bos_token' | 'eos_token' | 'pad_token' | 'unk_token'): number | undefined => {
    const name = tokenName(config[key]);
    if (name === undefined) return undefined;
    const id = lib.token_to_id(name);
    if (id === undefined) {
      throw new MoptError(
        'bad-tokenizer-config',
        `${configFile}: ${key} "${name}" is not in the vocabulary of ${file}`,
      );
    }
    return id;
  };
  const bosId = tokenId('bos_token') ?? firstId(modelConfig.bos_token_id);
  const eosId = tokenId('eos_token') ?? firstId(modelConfig.eos_token_id);
  const configuredPad = tokenName(config.pad_token);
  const padId = configuredPad === '<unk>' ? tokenId('pad_token') : (eosId ?? tokenId('pad_token'));
  const { prefix, suffix } = specialFrame(lib, config, bosId, eosId, file, configFile);

  return {
    file,
    vocabSize,
    modelVocabSize,
    bosId,
    eosId,
    padId,
    specialPrefix: prefix,
    specialSuffix: suffix,
    encode(text, opts = {}) {
      const ids = lib.encode(text, { add_special_tokens: false }).ids;
      return opts.addSpecial === false ? ids : [...prefix, ...ids, ...suffix];
    },
    decode(ids, opts = {}) {
      return lib.decode(Array.from(ids), { skip_special_tokens: opts.skipSpecial ?? false });
    },
    tokenToId: (token) => lib.token_to_id(token),
  };
}

/**
 * The ids added around a text. Explicit `add_bos_token` / `add_eos_token` in tokenizer_config.json win (as HF's
 * Llama tokenizers rebuild their post-processor from them); otherwise tokenizer.json's post-processor decides.
 */
function specialFrame(
  lib: Tokenizer,
  config: JsonObject,
  bosId: number | undefined,
  eosId: number | undefined,
  file: string,
  configFile: string,
): { prefix: number[]; suffix: number[] } {
  const addBos = config.add_bos_token;
  const addEos = config.add_eos_token;
  if (typeof addBos === 'boolean' || typeof addEos === 'boolean') {
    const need = (flag: unknown, id: number | undefined, key: string): number[] => {
      if (flag !== true) return [];
      if (id === undefined)
        throw new MoptError('bad-tokenizer-config', `${configFile}: add_${key} is true but no ${key} is set`);
      return [id];
    };
    return { prefix: need(addBos, bosId, 'bos_token'), suffix: need(addEos, eosId, 'eos_token') };
  }
  const probe = 'a';
  const plain: number[] = lib.encode(probe, { add_special_tokens: false }).ids;
  const full: number[] = lib.encode(probe).ids;
  for (let at = 0; at + plain.length <= full.length; at++) {
    if (plain.every((id: number, i: number) => full[at + i] === id)) {
      return { prefix: full.slice(0, at), suffix: full.slice(at + plain.length) };
    }
  }
  throw new MoptError(
    'bad-tokenizer',
    `${file}: the post-processor changes the text's own tokens; cannot tell which ids are special`,
  );
}

function missingTokenizer(modelDir: string, file: string): MoptError {
  const has = (name: string): boolean => existsSync(join(modelDir, name));
  const other = ['tokenizer.model', 'vocab.json', 'merges.txt'].filter(has);
  return new MoptError('tokenizer-not-found', `no tokenizer.json in ${modelDir} (looked for ${file})`, {
    hint:
      other.length > 0
        ? `found ${other.join(', ')}; mopt reads only tokenizer.json: save a fast tokenizer with transformers ` +
          `(AutoTokenizer.from_pretrained(dir).save_pretrained(dir)) and try again`
        : 'copy tokenizer.json (and tokenizer_config.json) from the original model into this folder',
  });
}

/** tokenizer_config.json writes special tokens either as a string or as an AddedToken object. */
function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { content?: unknown }).content === 'string'
  ) {
    return (value as { content: string }).content;
  }
  return undefined;
}

function firstId(value: unknown): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return Number.isInteger(v) ? (v as number) : undefined;
}

function configVocabSize(config: JsonObject): number | undefined {
  const text = config.text_config as JsonObject | undefined;
  const v = config.vocab_size ?? (typeof text === 'object' && text !== null ? text.vocab_size : undefined);
  return Number.isInteger(v) ? (v as number) : undefined;
}
