// Text for classification: a character or word vocabulary with special tokens (<pad> = 0,
// <unk> = 1), and encoding to padded/truncated int32 ids with the true lengths.
import { ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';

export interface VocabularyOptions {
  /** Split into characters or into words (runs of letters/digits/apostrophes; each other non-space character is a token). Default 'word'. */
  level?: 'char' | 'word';
  /** Lower-case the text first. Default true. */
  lowercase?: boolean;
  /** Keep tokens seen at least this often. Default 1. */
  minFreq?: number;
  /** Keep at most this many tokens (specials included), the most frequent first. Default: all. */
  maxSize?: number;
}

export interface EncodeOptions {
  /** Pad or truncate every sequence to this many tokens. Default: the longest sequence. */
  maxLength?: number;
  /** Which end to cut when a text is too long: keep its start ('end', default) or its end ('start'). */
  truncation?: 'end' | 'start';
}

const PAD = '<pad>';
const UNK = '<unk>';
const WORD = /[\p{L}\p{N}']+|[^\s\p{L}\p{N}']/gu;

/**
 * A token ↔ id table built from training texts. Id 0 is `<pad>`, id 1 is `<unk>` (tokens not in
 * the table); then tokens by falling frequency, ties in first-seen order.
 *
 * @example
 * const vocab = Vocabulary.build(trainTexts, { level: 'word', maxSize: 5000 });
 * const { ids, lengths } = vocab.encode(texts, { maxLength: 100 }); // ids (N, 100) int32, lengths (N) int32
 * new Embedding(vocab.size, 32, { paddingIdx: vocab.padId });
 */
export class Vocabulary {
  readonly tokens: string[];
  readonly level: 'char' | 'word';
  readonly lowercase: boolean;
  readonly padId = 0;
  readonly unkId = 1;
  private readonly index: Map<string, number>;

  constructor(tokens: readonly string[], { level = 'word', lowercase = true }: Pick<VocabularyOptions, 'level' | 'lowercase'> = {}) {
    this.tokens = [PAD, UNK, ...tokens.filter((t) => t !== PAD && t !== UNK)];
    this.level = level;
    this.lowercase = lowercase;
    this.index = new Map(this.tokens.map((t, i) => [t, i]));
  }

  /** Count tokens over `texts` and keep the frequent ones. Build it from the training texts only. */
  static build(texts: readonly string[], opts: VocabularyOptions = {}): Vocabulary {
    const { level = 'word', lowercase = true, minFreq = 1, maxSize = Infinity } = opts;
    if (maxSize < 2) throw new ValueError('Vocabulary.build', `maxSize must be ≥ 2 (room for <pad> and <unk>), got ${maxSize}`);
    const probe = new Vocabulary([], { level, lowercase });
    const counts = new Map<string, number>();
    for (const t of texts) for (const tok of probe.tokenize(t)) counts.set(tok, (counts.get(tok) ?? 0) + 1);
    const kept = [...counts.entries()].filter(([, c]) => c >= minFreq).sort((a, b) => b[1] - a[1]).map(([t]) => t); // stable: ties keep first-seen order
    return new Vocabulary(kept.slice(0, Math.max(0, maxSize - 2)), { level, lowercase });
  }

  /** Number of ids (specials included): the `numEmbeddings` of an Embedding over this vocabulary. */
  get size(): number { return this.tokens.length; }

  /** The text as tokens (characters or words). */
  tokenize(text: string): string[] {
    const s = this.lowercase ? text.toLowerCase() : text;
    return this.level === 'char' ? Array.from(s) : s.match(WORD) ?? [];
  }

  /** Id of a token (`unkId` if unknown). */
  id(token: string): number { return this.index.get(token) ?? this.unkId; }

  /**
   * Encode texts to ids padded with `padId` at the end (or truncated) to one length.
   * lengths[i] is the number of real tokens (at least 1: an empty text is one <pad>, so recurrent
   * layers always have a step to read).
   *
   * Shape: N texts → ids (N, maxLength) int32, lengths (N) int32.
   */
  encode(texts: readonly string[], { maxLength, truncation = 'end' }: EncodeOptions = {}): { ids: Tensor; lengths: Tensor } {
    const seqs = texts.map((t) => this.tokenize(t).map((tok) => this.id(tok)));
    const L = maxLength ?? Math.max(1, ...seqs.map((s) => s.length));
    if (!Number.isInteger(L) || L < 1) throw new ValueError('Vocabulary.encode', `maxLength must be an integer ≥ 1, got ${maxLength}`);
    const ids = new Int32Array(texts.length * L); // zeros = <pad>
    const lengths = new Int32Array(texts.length);
    seqs.forEach((s, i) => {
      const cut = s.length <= L ? s : truncation === 'end' ? s.slice(0, L) : s.slice(s.length - L);
      ids.set(cut, i * L);
      lengths[i] = Math.max(1, cut.length);
    });
    return { ids: fromArray(ids, [texts.length, L], 'int32'), lengths: fromArray(lengths, [texts.length], 'int32') }; // (N, L), (N)
  }

  /** Tokens of `ids` joined back (words with spaces), padding dropped. */
  decode(ids: ArrayLike<number>): string {
    const toks = Array.from(ids).filter((i) => i !== this.padId).map((i) => this.tokens[i] ?? UNK);
    return toks.join(this.level === 'char' ? '' : ' ');
  }
}
