// Tokenizers: character-level, and byte-level byte-pair encoding (Sennrich et al. 2016; GPT-2's
// byte-level variant) trained from a corpus. Both round-trip arbitrary Unicode and save as JSON.
import { ValueError } from '../errors.js';
import { brief as describe } from '../json-safety.js';
import { checkLimit, type Limits } from '../limits.js';

/** Limits `fromJSON` checks before building a vocabulary: maxVocab (2^20 tokens), maxTokenBytes (4,096), maxVocabBytes (64 MiB). */
export type TokenizerLimits = Pick<Limits, 'maxVocab' | 'maxTokenBytes' | 'maxVocabBytes'>;



/** What every tokenizer offers. */
export interface Tokenizer {
  readonly vocabSize: number;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  toJSON(): unknown;
}

/**
 * One token per Unicode code point (so emoji are one token), ids in order of the sorted
 * characters of the corpus it was built from.
 *
 * @example
 * const tok = CharTokenizer.fromText('hello world');
 * tok.decode(tok.encode('hello')); // 'hello'
 */
export class CharTokenizer implements Tokenizer {
  readonly chars: string[];
  private readonly index: Map<string, number>;

  constructor(chars: readonly string[]) {
    this.chars = [...chars];
    this.index = new Map(this.chars.map((c, i) => [c, i]));
    if (this.index.size !== this.chars.length) throw new ValueError('CharTokenizer', 'the character list has duplicates');
  }

  /** The sorted set of characters (code points) of `text`. */
  static fromText(text: string): CharTokenizer {
    return new CharTokenizer([...new Set(Array.from(text))].sort());
  }

  get vocabSize(): number { return this.chars.length; }

  encode(text: string): number[] {
    return Array.from(text, (c) => {
      const i = this.index.get(c);
      if (i === undefined) throw new ValueError('CharTokenizer.encode', `character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase()}) is not in the vocabulary of ${this.vocabSize}; build the tokenizer from text that contains it, or use BPETokenizer (byte-level, covers everything)`);
      return i;
    });
  }

  decode(ids: readonly number[]): string {
    return ids.map((i) => {
      const c = this.chars[i];
      if (c === undefined) throw new ValueError('CharTokenizer.decode', `id ${i} is outside 0..${this.vocabSize - 1}`);
      return c;
    }).join('');
  }

  toJSON(): { type: 'char'; chars: string[] } { return { type: 'char', chars: this.chars }; }
  /** Rebuild from `toJSON()` output, checking types (one code point per entry) and `maxVocab`. */
  static fromJSON(j: { type: 'char'; chars: string[] }, limits?: TokenizerLimits): CharTokenizer {
    const op = 'CharTokenizer.fromJSON';
    if (j === null || typeof j !== 'object' || j.type !== 'char' || !Array.isArray(j.chars)) throw new ValueError(op, `expected { type: "char", chars: [...] } as written by toJSON(), got ${describe(j)}`);
    checkLimit(op, 'the number of chars', j.chars.length, limits, 'maxVocab');
    j.chars.forEach((c: unknown, i) => {
      if (typeof c !== 'string' || c.length === 0 || c.length > 2 || [...c].length !== 1) throw new ValueError(op, `chars[${i}] is ${describe(c)}; each entry must be a string of one code point`);
    });
    return new CharTokenizer(j.chars);
  }
}

// GPT-2's pre-tokenizer in spirit: words with their leading space, numbers, punctuation runs,
// whitespace. Merges never cross these chunks, which keeps training fast and tokens sensible.
const CHUNK = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * Byte-level BPE: text → UTF-8 bytes (ids 0..255), then the learned merges, in the order they were
 * learned, each replace a pair of ids with a new id 256 + rank. Any string round-trips because
 * every byte is a token.
 *
 * @example
 * const bpe = BPETokenizer.train(corpus, { vocabSize: 512 });
 * bpe.decode(bpe.encode('naïve café 🚀')); // 'naïve café 🚀'
 * const again = BPETokenizer.fromJSON(JSON.parse(JSON.stringify(bpe)));
 */
export class BPETokenizer implements Tokenizer {
  /** merges[r] = [a, b]: the pair that becomes token 256 + r. */
  readonly merges: [number, number][];
  private readonly ranks: Map<string, number>;
  private readonly bytesOf: Uint8Array[];
  private readonly cache = new Map<string, number[]>();

  constructor(merges: readonly (readonly [number, number])[], limits?: TokenizerLimits) {
    checkMerges('BPETokenizer', merges, limits);
    this.merges = merges.map(([a, b]) => [a, b]);
    this.ranks = new Map(this.merges.map(([a, b], r) => [`${a},${b}`, r]));
    this.bytesOf = Array.from({ length: 256 }, (_, i) => Uint8Array.of(i));
    this.merges.forEach(([a, b], r) => {
      if (!(a < 256 + r && b < 256 + r && a >= 0 && b >= 0)) throw new ValueError('BPETokenizer', `merge ${r} [${a}, ${b}] refers to a token not defined before it`);
      const x = this.bytesOf[a]!;
      const y = this.bytesOf[b]!;
      const z = new Uint8Array(x.length + y.length);
      z.set(x); z.set(y, x.length);
      this.bytesOf.push(z);
    });
  }

  get vocabSize(): number { return 256 + this.merges.length; }

  /** Learn merges from `corpus` until the vocabulary has `vocabSize` tokens (≥ 256). */
  static train(corpus: string, { vocabSize }: { vocabSize: number }): BPETokenizer {
    if (!(Number.isInteger(vocabSize) && vocabSize >= 256)) throw new ValueError('BPETokenizer.train', `vocabSize must be an integer ≥ 256 (the byte alphabet), got ${vocabSize}`);
    const enc = new TextEncoder();
    const counts = new Map<string, number>();
    for (const m of corpus.match(CHUNK) ?? []) counts.set(m, (counts.get(m) ?? 0) + 1);
    const words = [...counts].map(([w, n]) => ({ ids: Array.from(enc.encode(w)), n }));
    const merges: [number, number][] = [];
    while (256 + merges.length < vocabSize) {
      const pairs = new Map<string, number>();
      for (const { ids, n } of words) for (let i = 0; i + 1 < ids.length; i++) { const k = `${ids[i]},${ids[i + 1]}`; pairs.set(k, (pairs.get(k) ?? 0) + n); }
      let best = '';
      let bestN = 0;
      for (const [k, n] of pairs) if (n > bestN) { best = k; bestN = n; }
      if (bestN < 2) break; // nothing repeats: further merges would memorize single occurrences
      const [a, b] = best.split(',').map(Number) as [number, number];
      const id = 256 + merges.length;
      merges.push([a, b]);
      for (const w of words) w.ids = mergePair(w.ids, a, b, id);
    }
    return new BPETokenizer(merges, { maxVocab: Infinity, maxTokenBytes: Infinity, maxVocabBytes: Infinity }); // learned here, not read from a file
  }

  private encodeChunk(chunk: string): number[] {
    const hit = this.cache.get(chunk);
    if (hit) return hit;
    let ids = Array.from(new TextEncoder().encode(chunk));
    for (;;) {
      let bestRank = Infinity;
      let pair: [number, number] | null = null;
      for (let i = 0; i + 1 < ids.length; i++) {
        const r = this.ranks.get(`${ids[i]},${ids[i + 1]}`);
        if (r !== undefined && r < bestRank) { bestRank = r; pair = [ids[i]!, ids[i + 1]!]; }
      }
      if (!pair) break;
      ids = mergePair(ids, pair[0], pair[1], 256 + bestRank);
    }
    if (this.cache.size < 100_000) this.cache.set(chunk, ids);
    return ids;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const m of text.match(CHUNK) ?? []) out.push(...this.encodeChunk(m));
    return out;
  }

  decode(ids: readonly number[]): string {
    const parts = ids.map((i) => {
      const b = this.bytesOf[i];
      if (!b) throw new ValueError('BPETokenizer.decode', `id ${i} is outside 0..${this.vocabSize - 1}`);
      return b;
    });
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { all.set(p, at); at += p.length; }
    return new TextDecoder().decode(all); // a cut inside a multi-byte character decodes as U+FFFD
  }

  toJSON(): { type: 'bpe'; merges: [number, number][] } { return { type: 'bpe', merges: this.merges }; }
  /** Rebuild from `toJSON()` output; merges are type-checked and sized (see TokenizerLimits) before any token is built. */
  static fromJSON(j: { type: 'bpe'; merges: [number, number][] }, limits?: TokenizerLimits): BPETokenizer {
    if (j?.type !== 'bpe' || !Array.isArray(j.merges)) throw new ValueError('BPETokenizer.fromJSON', 'expected { type: "bpe", merges: [[a, b], …] } as written by toJSON()');
    checkMerges('BPETokenizer.fromJSON', j.merges, limits);
    return new BPETokenizer(j.merges, limits);
  }
}

/**
 * Merges must be [a, b] pairs of integer ids defined before them; the byte length of every
 * merged token, and of all of them, is computed (without building them) against the limits:
 * a few hundred bytes of merges can otherwise double a token's length at every step.
 */
function checkMerges(op: string, merges: unknown, limits?: TokenizerLimits): void {
  if (!Array.isArray(merges)) throw new ValueError(op, `merges must be an array of [a, b] pairs, got ${describe(merges)}`);
  checkLimit(op, 'the vocabulary size (256 bytes + merges)', 256 + merges.length, limits, 'maxVocab');
  const lengths = new Float64Array(256 + merges.length).fill(1, 0, 256);
  let total = 256;
  merges.forEach((m: unknown, r) => {
    const ok = Array.isArray(m) && m.length === 2 && m.every((x) => Number.isInteger(x) && x >= 0 && x < 256 + r);
    if (!ok) throw new ValueError(op, `merge ${r} ${describe(m)} refers to a token not defined before it; each merge is [a, b] with integer ids below ${256 + r}`);
    const len = lengths[(m as number[])[0]!]! + lengths[(m as number[])[1]!]!;
    checkLimit(op, `merge ${r}: the merged token's length in bytes`, len, limits, 'maxTokenBytes');
    lengths[256 + r] = len;
    total += len;
  });
  checkLimit(op, 'the bytes of all tokens together', total, limits, 'maxVocabBytes');
}

function mergePair(ids: number[], a: number, b: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) { out.push(id); i++; } else out.push(ids[i]!);
  }
  return out;
}
