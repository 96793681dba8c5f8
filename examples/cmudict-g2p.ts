// Grapheme-to-phoneme conversion (spelling → pronunciation) on the Carnegie Mellon Pronouncing
// Dictionary, as translation: an encoder–decoder Transformer reads the letters of a word and writes
// its ARPAbet phonemes (stress digits kept: "READ" → R IY1 D).
//   Data: the CMUdict words spelled with A–Z and the apostrophe only (abbreviations such as "A.",
//   entries with digits or braces are left out), each with all its pronunciations. The split is by
//   word: `testWords` words (default 3,000) are held out with every one of their pronunciations,
//   so no variant of a test word is seen in training. Training pairs are (word, pronunciation)
//   for every listed pronunciation.
//   Model: 2 + 2 pre-LN layers, width 64, 4 heads, feed-forward 256, dropout 0.1, sinusoidal
//   positions (small, so that 15 minutes on two CPU cores see many steps); AdamW with 100 warm-up
//   steps then a cosine decay over the epochs or the time budget (default 15 minutes), whichever
//   ends first; batches of 64 pairs of similar length.
//   Decoding: greedy and beam search (beamSize 5), both through the library's beamSearch.
//   Scores on the test words: phoneme error rate (edit distance to the nearest listed
//   pronunciation / its length, summed over words) and word error rate (the share of words whose
//   output matches none of their pronunciations), the usual G2P definitions.
// Published Transformer G2P on CMUdict (Yolchuyeva et al. 2019) reaches ≈ 20–25% WER after long
// training of larger models; this run is sized for two CPU cores and minutes.
// Unknown characters: encodeSpelling throws a ValueError naming the character and the alphabet
// (no <unk> token: a spelling outside A–Z and ' has no pronunciation to learn from here).
import {
  AdamW, Embedding, Generator, LayerNorm, Linear, Module, SinusoidalPositionalEncoding, TransformerDecoder,
  TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer, ValueError, beamSearch, clipGradNorm,
  crossEntropy, editDistance, indexSelect, loadCmudict, manualSeed, noGrad, reshape, scope, select, tensor,
  type Hypothesis, type Tensor,
} from '../src/index.js';
import type { ExampleOptions, ExampleResult } from './example.js';

export const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ'";
const SRC_PAD = 0; // source ids: 0 = padding, 1..27 = letters
const EOS = 0; // target ids: 0 = end, 1 = start, 2.. = phonemes
const BOS = 1;
const IGNORE = -100; // crossEntropy's ignoreIndex on padded target positions
const BATCH = 64;
const MAX_PHONES = 24; // longest pronunciation of a kept word is 20 (+ end)

export interface CmudictG2pOptions extends ExampleOptions {
  /** Held-out words (default 3,000). */
  testWords?: number;
  /** Train on at most this many words (tests; default: all the others). */
  maxTrainWords?: number;
  /** Stop training after this many seconds (default 900: 15 minutes). */
  budgetSeconds?: number;
  /** Beam width for the beam-search scores (default 5). */
  beamSize?: number;
  /** Model width (default 64) and layers per stack (default 2). */
  dModel?: number;
  layers?: number;
  /** Peak learning rate (default 3e-3). */
  lr?: number;
}

/** Letter ids of a spelling (upper-cased first); a clear error for a character outside A–Z and '. */
export function encodeSpelling(word: string): number[] {
  return [...word.toUpperCase()].map((c, i) => {
    const id = LETTERS.indexOf(c);
    if (id < 0) throw new ValueError('cmudict-g2p', `character ${JSON.stringify(c)} at ${i} of ${JSON.stringify(word)} is not in the model's alphabet "${LETTERS}"; spell the word with letters and apostrophes only (digits and punctuation have no learned pronunciation)`);
    return id + 1;
  });
}

/** A sequence-to-sequence Transformer (Vaswani et al. 2017) with pre-LN layers. */
export class G2PTransformer extends Module {
  srcEmb: Embedding;
  tgtEmb: Embedding;
  pos: SinusoidalPositionalEncoding;
  encoder: TransformerEncoder;
  decoder: TransformerDecoder;
  out: Linear;
  constructor(readonly srcVocab: number, readonly tgtVocab: number, d: number, layers: number, dropout: number) {
    super();
    const o = { dimFeedforward: 4 * d, dropout, batchFirst: true, normFirst: true };
    this.srcEmb = new Embedding(srcVocab, d);
    this.tgtEmb = new Embedding(tgtVocab, d);
    this.pos = new SinusoidalPositionalEncoding(d, 64, { dropout });
    this.encoder = new TransformerEncoder(new TransformerEncoderLayer(d, 4, o), layers, { norm: new LayerNorm(d) });
    this.decoder = new TransformerDecoder(new TransformerDecoderLayer(d, 4, o), layers, { norm: new LayerNorm(d) });
    this.out = new Linear(d, tgtVocab);
  }
  /** Teacher-forced logits: src (B, S) int32, srcPad (B, S) bool, tgt (B, T) int32 → (B, T, V). */
  forward(src: Tensor, srcPad: Tensor, tgt: Tensor): Tensor {
    return this.decode(tgt, this.encode(src, srcPad), srcPad);
  }
  /** src (B, S) int32, srcPad (B, S) bool → memory (B, S, d). */
  encode(src: Tensor, srcPad: Tensor): Tensor {
    return this.encoder.forward(this.pos.forward(this.srcEmb.forward(src)), { srcKeyPaddingMask: srcPad }); // (B, S) -> (B, S, d)
  }
  /** tgt (B, T) int32 (starting with BOS) → next-phoneme logits (B, T, V). */
  decode(tgt: Tensor, memory: Tensor, srcPad: Tensor): Tensor {
    const h = this.decoder.forward(this.pos.forward(this.tgtEmb.forward(tgt)), memory, { tgtIsCausal: true, memoryKeyPaddingMask: srcPad }); // (B, T, d)
    return this.out.forward(h); // (B, T, d) -> (B, T, V)
  }
}

interface Pair { src: number[]; tgt: number[] }

const padTo = (rows: number[][], fill: number): number[][] => {
  const L = Math.max(...rows.map((r) => r.length));
  return rows.map((r) => r.concat(new Array<number>(L - r.length).fill(fill)));
};

function shuffle<T>(xs: T[], g: Generator): T[] {
  for (let i = xs.length - 1; i > 0; i--) { const j = g.int(0, i + 1); [xs[i], xs[j]] = [xs[j]!, xs[i]!]; }
  return xs;
}

/**
 * Batches of BATCH pairs of similar length (less padding: ~1.4× fewer positions than random
 * batches), in random order: shuffled pairs are sorted by length within pools of 50 batches.
 */
function lengthBuckets(shuffled: Pair[], g: Generator): Pair[][] {
  const batches: Pair[][] = [];
  const pool = 50 * BATCH;
  for (let p = 0; p < shuffled.length; p += pool) {
    const sorted = shuffled.slice(p, p + pool).sort((a, b) => a.src.length - b.src.length || a.tgt.length - b.tgt.length);
    for (let i = 0; i < sorted.length; i += BATCH) batches.push(sorted.slice(i, i + BATCH));
  }
  return shuffle(batches, g);
}

/**
 * Decode `words` (letter ids) with beam search of width `beamSize` (1 = greedy), in chunks of
 * 256 words; returns the best phoneme-id sequence per word.
 */
export function decodeWords(model: G2PTransformer, words: number[][], beamSize: number): number[][] {
  const byLength = words.map((_, i) => i).sort((a, b) => words[a]!.length - words[b]!.length); // chunks of similar length: less padding
  const out: number[][] = new Array<number[]>(words.length);
  const was = model.training;
  model.eval();
  try {
    for (let c = 0; c < words.length; c += 256) {
      const ids = byLength.slice(c, c + 256);
      const chunk = padTo(ids.map((i) => words[i]!), SRC_PAD);
      noGrad(() => scope(() => {
        const src = tensor(chunk, { dtype: 'int32' }); // (n, S)
        const srcPad = tensor(chunk.map((r) => r.map((v) => (v === SRC_PAD ? 1 : 0))), { dtype: 'bool' }); // (n, S)
        const memory = model.encode(src, srcPad); // (n, S, d)
        const best: Hypothesis[][] = beamSearch((prefixes, items) => scope(() => {
          const idx = tensor(items, { dtype: 'int32' });
          const logits = model.decode(tensor(prefixes, { dtype: 'int32' }), indexSelect(memory, 0, idx), indexSelect(srcPad, 0, idx)); // (P, t, V)
          const last = select(logits, 1, prefixes[0]!.length - 1); // (P, V)
          const d = last.data();
          const V = model.tgtVocab;
          return prefixes.map((_, p) => d.slice(p * V, (p + 1) * V));
        }), chunk.length, { beamSize, bos: BOS, eos: EOS, maxLength: MAX_PHONES });
        best.forEach((h, k) => { out[ids[k]!] = h[0]?.tokens ?? []; });
      }));
    }
  } finally {
    model.train(was);
  }
  return out;
}

/** PER (Σ edits to the nearest pronunciation / Σ its length) and WER (share of words matching none). */
export function scoreG2p(pred: string[][], refs: string[][][]): { per: number; wer: number } {
  let edits = 0;
  let length = 0;
  let wrong = 0;
  pred.forEach((p, i) => {
    let best = { d: Infinity, n: 0 };
    for (const r of refs[i]!) {
      const d = editDistance(p, r);
      if (d < best.d || (d === best.d && r.length > best.n)) best = { d, n: r.length };
    }
    edits += best.d;
    length += best.n;
    if (best.d > 0) wrong++;
  });
  return { per: edits / length, wer: wrong / pred.length };
}

export async function run({
  epochs = 30, seed = 0, verbose = true, testWords = 3000, maxTrainWords = Infinity, budgetSeconds = 900, beamSize = 5, dModel = 64, layers = 2, lr = 3e-3,
}: CmudictG2pOptions = {}): Promise<ExampleResult> {
  const t0 = performance.now();
  manualSeed(seed);
  const log = (s: string): void => { if (verbose) process.stderr.write(s + '\n'); };
  const g = new Generator(seed + 1);
  const dict = (await loadCmudict()).filter((e) => /^[A-Z']+$/.test(e.word));
  const phones = [...new Set(dict.flatMap((e) => e.pronunciations.flat()))].sort();
  const phoneId = new Map(phones.map((p, i) => [p, i + 2]));
  const words = shuffle(dict, g);
  const test = words.slice(0, testWords);
  const train = words.slice(testWords, testWords + maxTrainWords);
  const pairs: Pair[] = train.flatMap((e) => e.pronunciations.map((p) => ({ src: encodeSpelling(e.word), tgt: p.map((x) => phoneId.get(x)!) })));
  log(`cmudict-g2p: ${dict.length.toLocaleString('en-US')} words (A–Z and '), ${phones.length} phonemes with stress; train ${train.length.toLocaleString('en-US')} words / ${pairs.length.toLocaleString('en-US')} pronunciations, test ${test.length.toLocaleString('en-US')} held-out words`);

  const model = new G2PTransformer(LETTERS.length + 1, phones.length + 2, dModel, layers, 0.1);
  const baseLr = lr;
  const opt = new AdamW(model.parameters(), { lr: baseLr, betas: [0.9, 0.98], weightDecay: 0.01 });
  const stepsPerEpoch = Math.ceil(pairs.length / BATCH);
  const totalSteps = epochs * stepsPerEpoch;
  const warmup = Math.max(1, Math.min(100, Math.floor(totalSteps / 20)));
  const lossOf = (batch: Pair[]): Tensor => {
    const src = padTo(batch.map((p) => p.src), SRC_PAD);
    const tgtIn = padTo(batch.map((p) => [BOS, ...p.tgt]), EOS);
    const tgtOut = padTo(batch.map((p) => [...p.tgt, EOS]), IGNORE);
    const srcPad = tensor(src.map((r) => r.map((v) => (v === SRC_PAD ? 1 : 0))), { dtype: 'bool' }); // (B, S)
    const logits = model.forward(tensor(src, { dtype: 'int32' }), srcPad, tensor(tgtIn, { dtype: 'int32' })); // (B, S) -> (B, T, V)
    return crossEntropy(reshape(logits, [-1, model.tgtVocab]), reshape(tensor(tgtOut, { dtype: 'int32' }), [-1])); // (B·T, V) vs (B·T)
  };

  let step = 0;
  let trainSeconds = 0;
  let firstLoss = NaN;
  let lastLoss = NaN;
  let epochsRun = 0;
  for (let e = 0; e < epochs && trainSeconds < budgetSeconds; e++) {
    const te = performance.now();
    const batches = lengthBuckets(shuffle(pairs.slice(), g), g);
    let sum = 0;
    let n = 0;
    for (let b = 0; b < batches.length && trainSeconds + (performance.now() - te) / 1000 < budgetSeconds; b++, step++) {
      // warm-up, then a cosine to 5% over whichever ends first: the epochs or the time budget
      const progress = Math.min(1, Math.max(step / totalSteps, (trainSeconds + (performance.now() - te) / 1000) / budgetSeconds));
      opt.paramGroups[0]!.lr = baseLr * Math.min(1, (step + 1) / warmup) * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
      const l = scope(() => {
        opt.zeroGrad();
        const loss = lossOf(batches[b]!);
        loss.backward();
        clipGradNorm(model.parameters(), 1.0);
        opt.step();
        return loss.item();
      });
      if (step === 0) firstLoss = l;
      sum += l;
      n++;
      if (verbose && n % 200 === 0) log(`  step ${step + 1}: loss ${(sum / n).toFixed(3)}, ${(trainSeconds + (performance.now() - te) / 1000).toFixed(0)} s`);
    }
    trainSeconds += (performance.now() - te) / 1000;
    lastLoss = sum / Math.max(1, n);
    epochsRun++;
    log(`epoch ${e + 1}: train loss ${lastLoss.toFixed(3)} nats/phoneme over ${n} steps, ${trainSeconds.toFixed(0)} s`);
  }

  const te = performance.now();
  const srcs = test.map((e) => encodeSpelling(e.word));
  const refs = test.map((e) => e.pronunciations);
  const toPhones = (ids: number[]): string[] => ids.map((i) => phones[i - 2] ?? '?');
  const greedy = decodeWords(model, srcs, 1).map(toPhones);
  const greedyScore = scoreG2p(greedy, refs);
  const greedySeconds = (performance.now() - te) / 1000;
  const tb = performance.now();
  const beam = decodeWords(model, srcs, beamSize).map(toPhones);
  const beamScore = scoreG2p(beam, refs);
  const beamSeconds = (performance.now() - tb) / 1000;
  log(`test (${test.length} words): greedy PER ${(100 * greedyScore.per).toFixed(1)}%, WER ${(100 * greedyScore.wer).toFixed(1)}% (${greedySeconds.toFixed(0)} s); beam ${beamSize} PER ${(100 * beamScore.per).toFixed(1)}%, WER ${(100 * beamScore.wer).toFixed(1)}% (${beamSeconds.toFixed(0)} s)`);
  const table = test.slice(0, 12).map((e, i) => `  ${e.word.padEnd(14)} ${beam[i]!.join(' ').padEnd(30)} ${scoreG2p([beam[i]!], [refs[i]!]).wer === 0 ? '✓' : '✗'} ${e.pronunciations.map((p) => p.join(' ')).join(' | ')}`);
  log(`  ${'word'.padEnd(14)} ${`beam ${beamSize}`.padEnd(30)}   dictionary\n${table.join('\n')}`);
  return {
    example: 'cmudict-g2p',
    metrics: {
      greedyPer: greedyScore.per, greedyWer: greedyScore.wer, beamPer: beamScore.per, beamWer: beamScore.wer, beamSize,
      firstLoss, trainLoss: lastLoss, steps: step, trainSeconds, decodeSeconds: greedySeconds + beamSeconds,
      trainWords: train.length, testWords: test.length,
    },
    epochs: epochsRun,
    seconds: (performance.now() - t0) / 1000,
    note: `${test.length} held-out words after ${step} steps (${trainSeconds.toFixed(0)} s): beam ${beamSize} WER ${(100 * beamScore.wer).toFixed(1)}%, PER ${(100 * beamScore.per).toFixed(1)}% (greedy ${(100 * greedyScore.wer).toFixed(1)}% / ${(100 * greedyScore.per).toFixed(1)}%); published Transformer G2P reaches ≈ 20–25% WER`,
  };
}
