/**
 * A pure-TS encoder/decoder for SentencePiece-style BPE tokenizer.json files (the layout spm-tokenizer.ts
 * writes and HF Llama-2 tokenizers use): "▁" prefix and spaces, merges by rank, byte fallback.
 * Text is plain text: special-token strings such as "<s>" inside it are not recognised.
 */
import { MoptError } from '../errors.js';
import { byteTokenName, SPACE_MARK } from './spm-tokenizer.js';

export class SpmBpeTokenizer {
  readonly pieces: string[];
  readonly bosId: number;
  readonly eosId: number;
  readonly unkId: number;
  private readonly vocab: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly byteIds: number[];
  private readonly byteOfId: Map<number, number>;
  private readonly controlIds: Set<number>;

  private constructor(
    vocab: Map<string, number>,
    merges: [string, string][],
    control: Map<string, number>,
    unk: string,
  ) {
    this.vocab = vocab;
    this.pieces = [];
    for (const [piece, id] of vocab) this.pieces[id] = piece;
    this.ranks = new Map(merges.map(([l, r], rank) => [`${l} ${r}`, rank]));
    this.byteIds = Array.from({ length: 256 }, (_, b) => vocab.get(byteTokenName(b)) ?? -1);
    this.byteOfId = new Map(this.byteIds.flatMap((id, b) => (id >= 0 ? [[id, b] as [number, number]] : [])));
    this.controlIds = new Set(control.values());
    this.unkId = vocab.get(unk) ?? 0;
    this.bosId = control.get('<s>') ?? vocab.get('<s>') ?? -1;
    this.eosId = control.get('</s>') ?? vocab.get('</s>') ?? -1;
  }

  /** Builds from a parsed tokenizer.json; `source` names the file in errors. */
  static fromJson(json: unknown, source = 'tokenizer.json'): SpmBpeTokenizer {
    const bad = (what: string): MoptError => new MoptError('bad-tokenizer', `${source}: ${what}`);
    const model = (json as { model?: Record<string, unknown> } | null)?.model;
    if (!model || model.type !== 'BPE') throw bad('model.type is not "BPE"');
    if (model.byte_fallback !== true)
      throw bad('model.byte_fallback is not true (not a SentencePiece-style BPE)');
    const vocabObj = model.vocab;
    if (typeof vocabObj !== 'object' || vocabObj === null) throw bad('model.vocab is missing');
    const vocab = new Map<string, number>();
    for (const [piece, id] of Object.entries(vocabObj)) {
      if (!Number.isInteger(id)) throw bad(`model.vocab["${piece}"] is not an integer id`);
      vocab.set(piece, id as number);
    }
    if (!Array.isArray(model.merges)) throw bad('model.merges is not a list');
    const merges = (model.merges as unknown[]).map((m, i): [string, string] => {
      const pair = typeof m === 'string' ? m.split(' ') : m;
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((p) => typeof p === 'string')) {
        throw bad(`model.merges[${i}] is not a pair of pieces`);
      }
      return pair as [string, string];
    });
    const control = new Map<string, number>();
    for (const t of ((json as { added_tokens?: unknown[] }).added_tokens ?? []) as {
      content?: string;
      id?: number;
    }[]) {
      if (typeof t.content === 'string' && typeof t.id === 'number') control.set(t.content, t.id);
    }
    return new SpmBpeTokenizer(
      vocab,
      merges,
      control,
      typeof model.unk_token === 'string' ? model.unk_token : '<unk>',
    );
  }

  encode(text: string, options: { addBos?: boolean } = {}): number[] {
    const ids: number[] = options.addBos === false ? [] : [this.bosId];
    if (text.length === 0) return ids;
    const symbols = Array.from(SPACE_MARK + text.replaceAll(' ', SPACE_MARK));
    for (const piece of this.mergeSymbols(symbols)) {
      const id = this.vocab.get(piece);
      if (id !== undefined) {
        ids.push(id);
        continue;
      }
      for (const byte of new TextEncoder().encode(piece)) {
        const byteId = this.byteIds[byte]!;
        ids.push(byteId >= 0 ? byteId : this.unkId);
      }
    }
    return ids;
  }

  /** Text of the ids; control tokens are skipped, byte tokens are joined and decoded as UTF-8. */
  decode(ids: number[]): string {
    const bytes: number[] = [];
    let text = '';
    const flush = (): void => {
      if (bytes.length > 0) text += new TextDecoder().decode(new Uint8Array(bytes));
      bytes.length = 0;
    };
    for (const id of ids) {
      if (this.controlIds.has(id)) continue;
      const piece = this.pieces[id];
      if (piece === undefined)
        throw new MoptError('bad-token-id', `token id ${id} is outside the vocabulary`);
      const byte = this.byteOfId.get(id);
      if (byte !== undefined) {
        bytes.push(byte);
        continue;
      }
      flush();
      text += piece.replaceAll(SPACE_MARK, ' ');
    }
    flush();
    return text.startsWith(' ') ? text.slice(1) : text;
  }

  /** BPE on a linked list of symbols: always merge the lowest-ranked adjacent pair, leftmost first. */
  private mergeSymbols(symbols: string[]): string[] {
    const n = symbols.length;
    const str = symbols.slice();
    const next = Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const prev = Array.from({ length: n }, (_, i) => i - 1);
    const alive = new Array<boolean>(n).fill(true);
    const heap = new MinHeap();
    const RANK_SCALE = 2 ** 32; // key = rank * 2^32 + position: lower rank first, then leftmost
    const consider = (i: number): void => {
      const j = i >= 0 ? next[i]! : -1;
      if (j < 0) return;
      const rank = this.ranks.get(`${str[i]} ${str[j]}`);
      if (rank !== undefined) heap.push(rank * RANK_SCALE + i);
    };
    for (let i = 0; i < n - 1; i++) consider(i);
    while (heap.size > 0) {
      const key = heap.pop();
      const i = key % RANK_SCALE;
      const rank = Math.floor(key / RANK_SCALE);
      const j = next[i]!;
      if (!alive[i] || j < 0 || this.ranks.get(`${str[i]} ${str[j]}`) !== rank) continue;
      str[i] = str[i]! + str[j]!;
      alive[j] = false;
      next[i] = next[j]!;
      if (next[j]! >= 0) prev[next[j]!] = i;
      consider(prev[i]!);
      consider(i);
    }
    const out: string[] = [];
    for (let i = 0; i >= 0 && i < n; i = next[i]!) out.push(str[i]!);
    return out;
  }
}

/** Binary min-heap of numbers. */
class MinHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(x: number): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
