// Beam-search decoding for autoregressive models (sequence-to-sequence or language models): keep
// the beamSize most probable prefixes per input, extend each by every token, keep the best again.
// beamSize 1 is greedy decoding. The model is reached only through a step function, so any
// network (Transformer decoder, RNN, a hand-made table in a test) can be decoded.
import { ShapeError, ValueError } from '../errors.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Scores of the next token after each prefix: logits or log-probabilities, (P, V) as a Tensor or
 * P rows of V numbers. `items[p]` says which input (0..batchSize−1) prefix p belongs to, so a
 * seq2seq model can pick that input's encoder output. Prefixes start with the `bos` token.
 */
export type BeamStep = (prefixes: number[][], items: number[]) => Tensor | readonly ArrayLike<number>[];

export interface BeamSearchOptions {
  /** Hypotheses kept per input at every step; 1 = greedy decoding. Required, an integer ≥ 1. */
  beamSize: number;
  /** The token every prefix starts with. */
  bos: number;
  /** The token that ends a hypothesis (it is not included in the returned tokens). */
  eos: number;
  /** The most tokens generated per hypothesis (eos included); hypotheses still open then are returned unfinished. */
  maxLength: number;
  /**
   * Rank finished hypotheses by logProb / length^α (Wu et al. 2016, GNMT, without its +5 offset);
   * 0 (default) ranks by the plain log-probability, which favours short outputs.
   */
  lengthPenalty?: number;
}

/** One decoded sequence. */
export interface Hypothesis {
  /** The generated tokens, without bos and eos. */
  tokens: number[];
  /** Σ log p(token | prefix) over the generated tokens, eos included when finished. */
  logProb: number;
  /** The ranking score: logProb, or logProb / length^lengthPenalty. */
  score: number;
  /** Whether it ended with eos (false: cut at maxLength). */
  finished: boolean;
}

interface Beam { tokens: number[]; logProb: number }

/**
 * Beam search over `batchSize` inputs at once (one `step` call per position for all open beams of
 * all inputs). Returns, per input, up to `beamSize` hypotheses best first. At each step every open
 * beam is extended by its beamSize best next tokens; of those beamSize² candidates the best
 * beamSize that do not end in `eos` stay open and those that end in `eos` are set aside as
 * finished. An input stops when it has beamSize finished hypotheses, or (lengthPenalty 0) when
 * no open beam can still beat its best finished one, since log-probabilities only fall.
 * Ties go to the lower token id, so beamSize 1 gives exactly the greedy (argmax) decoding.
 *
 * @example
 * const best = beamSearch((prefixes, items) => model.nextLogits(prefixes, items), 32,
 *   { beamSize: 5, bos: BOS, eos: EOS, maxLength: 30 });
 * best[0][0].tokens; // the most probable output for input 0
 */
export function beamSearch(step: BeamStep, batchSize: number, opts: BeamSearchOptions): Hypothesis[][] {
  const { beamSize, bos, eos, maxLength, lengthPenalty = 0 } = opts;
  if (!(Number.isInteger(beamSize) && beamSize >= 1)) throw new ValueError('beamSearch', `beamSize must be an integer ≥ 1, got ${beamSize}; use 1 for greedy decoding or e.g. 5 for a beam`);
  if (!(Number.isInteger(batchSize) && batchSize >= 0)) throw new ValueError('beamSearch', `batchSize must be a non-negative integer, got ${batchSize}`);
  if (!(Number.isInteger(maxLength) && maxLength >= 1)) throw new ValueError('beamSearch', `maxLength must be an integer ≥ 1, got ${maxLength}`);
  if (!(Number.isFinite(lengthPenalty) && lengthPenalty >= 0)) throw new ValueError('beamSearch', `lengthPenalty must be a finite number ≥ 0, got ${lengthPenalty}`);
  const score = (b: Beam, len: number): number => (lengthPenalty === 0 ? b.logProb : b.logProb / Math.max(1, len) ** lengthPenalty);
  const open: Beam[][] = Array.from({ length: batchSize }, () => [{ tokens: [], logProb: 0 }]);
  const done: Hypothesis[][] = Array.from({ length: batchSize }, () => []);
  const active = (i: number): boolean => {
    if (open[i]!.length === 0 || done[i]!.length >= beamSize) return false;
    if (lengthPenalty !== 0 || done[i]!.length === 0) return true;
    return open[i]![0]!.logProb > done[i]![0]!.score; // open beams are sorted best first
  };
  for (let t = 0; t < maxLength; t++) {
    const items: number[] = [];
    const prefixes: number[][] = [];
    for (let i = 0; i < batchSize; i++) if (active(i)) for (const b of open[i]!) { items.push(i); prefixes.push([bos, ...b.tokens]); }
    if (prefixes.length === 0) break;
    const rows = scoreRows(step(prefixes, items), prefixes);
    let r = 0;
    for (let i = 0; i < batchSize; i++) {
      if (!active(i)) continue;
      const candidates: { beam: Beam; token: number; logProb: number }[] = [];
      for (const beam of open[i]!) {
        const lp = rows[r++]!;
        for (const token of topIndices(lp, beamSize)) {
          if (lp[token]! > -Infinity) candidates.push({ beam, token, logProb: beam.logProb + lp[token]! }); // probability 0: no hypothesis
        }
      }
      candidates.sort((a, b) => b.logProb - a.logProb || a.token - b.token); // all finite: no NaN from -Infinity − -Infinity
      const next: Beam[] = [];
      for (const c of candidates) {
        if (next.length === beamSize) break;
        if (c.token === eos) {
          const h = { tokens: c.beam.tokens, logProb: c.logProb };
          done[i]!.push({ ...h, score: score(h, h.tokens.length + 1), finished: true });
        } else {
          next.push({ tokens: [...c.beam.tokens, c.token], logProb: c.logProb });
        }
      }
      done[i]!.sort((a, b) => b.score - a.score);
      open[i] = next;
    }
  }
  return done.map((finished, i) => {
    const unfinished = !active(i) ? [] : open[i]!.map((b) => ({ ...b, score: score(b, b.tokens.length), finished: false }));
    // still active after maxLength steps: its open beams were cut there
    return [...finished, ...unfinished].sort((a, b) => b.score - a.score || Number(b.finished) - Number(a.finished)).slice(0, beamSize);
  });
}

/** The step's scores as P rows of log-probabilities (log-softmax: unchanged if they already are). */
function scoreRows(out: Tensor | readonly ArrayLike<number>[], prefixes: number[][]): Float64Array[] {
  const P = prefixes.length;
  let rows: Float64Array[];
  if (out instanceof Tensor) {
    if (out.ndim !== 2 || out.shape[0] !== P) throw new ShapeError('beamSearch', `the step function must return (${P}, V) scores, one row per prefix, got ${shapeStr(out.shape)}`);
    const V = out.shape[1]!;
    const d = out.data();
    rows = Array.from({ length: P }, (_, p) => Float64Array.from(d.subarray(p * V, (p + 1) * V)));
  } else {
    if (out.length !== P) throw new ShapeError('beamSearch', `the step function must return ${P} rows of scores, one per prefix, got ${out.length}`);
    rows = out.map((r) => Float64Array.from(r));
  }
  for (const [p, r] of rows.entries()) {
    if (r.some(Number.isNaN)) throw new ValueError('beamSearch', `the step function returned NaN scores for prefix ${p} (${JSON.stringify(prefixes[p])}); check the model for NaN weights or inputs`);
    let m = -Infinity;
    for (const v of r) m = Math.max(m, v);
    let s = 0;
    for (const v of r) s += Math.exp(v - m);
    const lse = m + Math.log(s);
    for (let k = 0; k < r.length; k++) r[k] = r[k]! - lse; // (V,) log-softmax
  }
  return rows;
}

/** Indices of the k largest values, largest first, ties to the lower index. */
function topIndices(v: Float64Array, k: number): number[] {
  const top: number[] = [];
  for (let j = 0; j < v.length; j++) {
    if (top.length === k && !(v[j]! > v[top[k - 1]!]!)) continue;
    if (top.length < k) top.push(j);
    else top[k - 1] = j;
    let at = top.length - 1;
    while (at > 0 && v[top[at - 1]!]! < v[j]!) { top[at] = top[at - 1]!; top[at - 1] = j; at--; }
  }
  return top;
}
