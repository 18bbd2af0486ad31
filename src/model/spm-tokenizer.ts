/**
 * Builds a Hugging Face `tokenizer.json` (BPE model with byte fallback) and `tokenizer_config.json` for a
 * SentencePiece-BPE vocabulary, the way HF's Llama tokenizers are laid out: normalizer prepends "▁" and turns
 * spaces into "▁"; no pre-tokenizer; decoder maps "▁" back to spaces, fuses byte tokens and strips one
 * leading space; merges come from the piece scores.
 */

export const SPACE_MARK = '▁';

/** One vocabulary entry; its id is its position in the list. */
export interface SpmPiece {
  piece: string;
  score: number;
  /** Control tokens (<unk>, <s>, </s>) and byte tokens (<0x00>..<0xFF>) never take part in merges. */
  kind: 'normal' | 'control' | 'byte';
}

export interface SpecialTokens {
  unk: string;
  bos: string;
  eos: string;
}

export const LLAMA_SPECIALS: SpecialTokens = { unk: '<unk>', bos: '<s>', eos: '</s>' };

export function byteTokenName(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/**
 * Every (left, right) split of a normal piece into two vocabulary pieces, ordered by the merged piece's score
 * (highest first, vocabulary order on ties), and within one piece by the ids of left then right.
 */
export function spmMerges(pieces: SpmPiece[]): [string, string][] {
  const ids = new Map<string, number>();
  pieces.forEach((p, i) => ids.set(p.piece, i));
  const found: { left: string; right: string; score: number }[] = [];
  for (const p of pieces) {
    if (p.kind !== 'normal') continue;
    const chars = Array.from(p.piece);
    const local: { left: string; right: string; score: number }[] = [];
    for (let cut = 1; cut < chars.length; cut++) {
      const left = chars.slice(0, cut).join('');
      const right = chars.slice(cut).join('');
      if (ids.has(left) && ids.has(right)) local.push({ left, right, score: p.score });
    }
    local.sort((a, b) => ids.get(a.left)! - ids.get(b.left)! || ids.get(a.right)! - ids.get(b.right)!);
    found.push(...local);
  }
  found.sort((a, b) => b.score - a.score); // stable: ties keep vocabulary order
  return found.map((m) => [m.left, m.right]);
}

function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** The tokenizer.json object (serialise with JSON.stringify). */
export function buildSpmTokenizerJson(
  pieces: SpmPiece[],
  specials: SpecialTokens = LLAMA_SPECIALS,
): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  pieces.forEach((p, i) => (vocab[p.piece] = i));
  const bosId = vocab[specials.bos];
  const specialTemplate = (typeId: number): Record<string, unknown> => ({
    SpecialToken: { id: specials.bos, type_id: typeId },
  });
  const sequence = (id: string, typeId: number): Record<string, unknown> => ({
    Sequence: { id, type_id: typeId },
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: pieces.flatMap((p, i) => (p.kind === 'control' ? [addedToken(i, p.piece)] : [])),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: SPACE_MARK },
        { type: 'Replace', pattern: { String: ' ' }, content: SPACE_MARK },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [specialTemplate(0), sequence('A', 0)],
      pair: [specialTemplate(0), sequence('A', 0), specialTemplate(1), sequence('B', 1)],
      special_tokens: { [specials.bos]: { id: specials.bos, ids: [bosId], tokens: [specials.bos] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: SPACE_MARK }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: specials.unk,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges: spmMerges(pieces).map(([l, r]) => `${l} ${r}`),
    },
  };
}

/** tokenizer_config.json in the LlamaTokenizerFast style. */
export function buildSpmTokenizerConfig(
  pieces: SpmPiece[],
  modelMaxLength: number,
  specials: SpecialTokens = LLAMA_SPECIALS,
): Record<string, unknown> {
  const decoderEntries: Record<string, unknown> = {};
  pieces.forEach((p, i) => {
    if (p.kind !== 'control') return;
    const { id: _id, ...rest } = addedToken(i, p.piece);
    decoderEntries[String(i)] = rest;
  });
  return {
    add_bos_token: true,
    add_eos_token: false,
    added_tokens_decoder: decoderEntries,
    bos_token: specials.bos,
    clean_up_tokenization_spaces: false,
    eos_token: specials.eos,
    legacy: true,
    model_max_length: modelMaxLength,
    pad_token: null,
    padding_side: 'left',
    sp_model_kwargs: {},
    tokenizer_class: 'LlamaTokenizer',
    unk_token: specials.unk,
    use_default_system_prompt: false,
  };
}
