// Levenshtein edit distance and the error rates built on it: phoneme error rate (PER), character
// error rate (CER) and word error rate (WER) are all Σ edits / Σ reference length, over phonemes,
// characters or words. Argument order is (pred, target) as in metrics.ts and torchmetrics.
import { ValueError } from '../errors.js';

/** A sequence of comparable tokens: a string (its characters) or an array (phonemes, words, ids). */
export type TokenSequence = string | readonly (string | number)[];

/**
 * The least number of insertions, deletions and substitutions that turn `a` into `b`
 * (Levenshtein 1966), by the two-row dynamic programme in O(|a|·|b|) time and O(|b|) memory.
 * Tokens are compared with ===.
 *
 * @example
 * editDistance('kitten', 'sitting'); // 3
 * editDistance(['K', 'AE1', 'T'], ['K', 'AH0', 'T', 'S']); // 2
 */
export function editDistance(a: TokenSequence, b: TokenSequence): number {
  const m = a.length;
  const n = b.length;
  let prev = new Int32Array(n + 1);
  let cur = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j; // '' → b[0..j): j insertions
  for (let i = 1; i <= m; i++) {
    cur[0] = i; // a[0..i) → '': i deletions
    const ai = a[i - 1];
    for (let j = 1; j <= n; j++) {
      const sub = prev[j - 1]! + (ai === b[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n]!;
}

/**
 * Σ editDistance(pred[i], target[i]) / Σ |target[i]| over a corpus (torchmetrics' CharErrorRate /
 * WordErrorRate, jiwer's wer): the phoneme error rate when the tokens are phonemes, the character
 * error rate for strings, the word error rate for word arrays. It can exceed 1 when predictions
 * are longer than their targets.
 *
 * @example
 * errorRate([['K', 'AE1', 'T']], [['K', 'AH0', 'T']]); // 1/3
 */
export function errorRate(pred: readonly TokenSequence[], target: readonly TokenSequence[]): number {
  if (pred.length !== target.length) throw new ValueError('errorRate', `pred has ${pred.length} sequences but target has ${target.length}; pass one prediction per target`);
  let edits = 0;
  let length = 0;
  for (let i = 0; i < pred.length; i++) {
    edits += editDistance(pred[i]!, target[i]!);
    length += target[i]!.length;
  }
  if (length === 0) throw new ValueError('errorRate', `the targets hold no tokens (${target.length} empty sequences), so the rate Σ edits / Σ target length is undefined; pass non-empty targets`);
  return edits / length;
}
