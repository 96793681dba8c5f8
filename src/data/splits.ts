// Train/validation/test splits. Every random split shuffles *before* it cuts, so a validation set
// is never "the last samples of the file" (the Keras/TF.js `validationSplit` trap, where sorted
// data gives a validation set of one class). Time-ordered data gets `timeSplit`, which never
// shuffles, so no future sample leaks into training.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Subset, type Dataset } from './dataset.js';
import { groupByLabel, isPositiveInt, labelArray, permutation, resolveGenerator, shuffleInPlace, type Label, type SeedOptions } from './random-order.js';

/** Indices of a train part and a test part. */
export interface TrainTest {
  train: number[];
  test: number[];
}

function checkCount(op: string, n: unknown, what = 'n'): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ValueError(op, `${what} must be a non-negative integer, got ${String(n)}`);
  return n;
}

function checkFraction(op: string, name: string, f: unknown, { allowZero = false } = {}): number {
  if (typeof f !== 'number' || !(allowZero ? f >= 0 : f > 0) || !(f < 1)) {
    throw new ValueError(op, `${name} must be a number in ${allowZero ? '[0, 1)' : '(0, 1)'}, got ${String(f)}; e.g. 0.2 holds out 20%`);
  }
  return f;
}

/** ceil(f·n), guarded against float error (0.1·30 is 3.0000000000000004, which is 3 samples). */
function portion(f: number, n: number): number {
  return Math.ceil(f * n - 1e-9);
}

/**
 * Sizes of each part from fractions summing to 1 (floors, then the remainder one by one to the
 * first parts, exactly as torch.utils.data.random_split) or from lengths summing to n.
 */
function splitSizes(op: string, n: number, sizes: readonly number[]): number[] {
  if (!Array.isArray(sizes) || sizes.length === 0) throw new ValueError(op, `sizes must be a non-empty array of fractions (e.g. [0.8, 0.2]) or lengths, got ${JSON.stringify(sizes)}`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 && total <= 1 + 1e-9 && sizes.every((f) => f >= 0 && f <= 1)) {
    const out = sizes.map((f) => Math.floor(n * f));
    const rest = n - out.reduce((a, b) => a + b, 0);
    for (let i = 0; i < rest; i++) out[i % out.length]! += 1;
    return out;
  }
  if (sizes.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new ValueError(op, `sizes ${JSON.stringify(sizes)} are neither fractions summing to 1 nor non-negative integer lengths`);
  }
  if (total !== n) throw new ValueError(op, `lengths ${JSON.stringify(sizes)} add up to ${total} but there are ${n} samples; make them add up to ${n} or give fractions summing to 1`);
  return [...sizes];
}

/**
 * Shuffle 0..n−1 with a seeded generator, then cut it into consecutive parts, like
 * `torch.utils.data.random_split`. `sizes` are fractions summing to 1 (the remainder goes one by
 * one to the first parts) or lengths summing to n. Given a dataset, returns Subsets of it.
 *
 * @example
 * const [train, val] = randomSplit(ds, [0.8, 0.2], { seed: 0 }); // Subsets, shuffled then cut
 * const [a, b] = randomSplit(10, [7, 3], { seed: 0 });          // index arrays
 */
export function randomSplit(n: number, sizes: readonly number[], options?: SeedOptions): number[][];
export function randomSplit<T>(dataset: Dataset<T>, sizes: readonly number[], options?: SeedOptions): Subset<T>[];
export function randomSplit<T>(source: number | Dataset<T>, sizes: readonly number[], options: SeedOptions = {}): number[][] | Subset<T>[] {
  const n = typeof source === 'number' ? checkCount('randomSplit', source) : source.length;
  const lens = splitSizes('randomSplit', n, sizes);
  const order = permutation(n, resolveGenerator('randomSplit', options));
  let at = 0;
  const parts = lens.map((len) => Array.from(order.subarray(at, (at += len))));
  return typeof source === 'number' ? parts : parts.map((p) => new Subset(source, p));
}

export interface StratifiedSplitOptions extends SeedOptions {
  /** Fraction of the samples that goes to the test part. Default 0.2. */
  testFraction?: number;
}

/**
 * Split sample indices into train and test keeping each class's share in both (like sklearn's
 * `StratifiedShuffleSplit` / `train_test_split(stratify=…)`). The test part holds
 * ceil(testFraction·n) samples, shared among classes in proportion to their size (largest
 * remainders first); a class with at least 2 samples always has at least one in each part, a
 * class with a single sample goes to train. Both parts come back shuffled.
 *
 * @example
 * const { train, test } = stratifiedSplit(y, { testFraction: 0.2, seed: 0 });
 */
export function stratifiedSplit(labels: Tensor | ArrayLike<Label>, options: StratifiedSplitOptions = {}): TrainTest {
  const op = 'stratifiedSplit';
  const testFraction = checkFraction(op, 'testFraction', options.testFraction ?? 0.2);
  const l = labelArray(op, labels);
  const n = l.length;
  if (n < 2) throw new ValueError(op, `needs at least 2 samples to split, got ${n}`);
  const g = resolveGenerator(op, options);
  const groups = [...groupByLabel(l).values()];
  const nTest = Math.min(n - 1, Math.max(1, portion(testFraction, n)));
  // Largest-remainder apportionment of nTest among the classes.
  const quota = groups.map((idx) => (idx.length * nTest) / n);
  const take = quota.map(Math.floor);
  const byRemainder = groups.map((_, c) => c).sort((a, b) => quota[b]! - take[b]! - (quota[a]! - take[a]!) || groups[b]!.length - groups[a]!.length || a - b);
  for (let r = nTest - take.reduce((a, b) => a + b, 0), k = 0; r > 0; r--, k++) take[byRemainder[k % groups.length]!]! += 1;
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((idx, c) => {
    const m = idx.length;
    const t = m < 2 ? 0 : Math.min(m - 1, Math.max(1, take[c]!));
    const shuffled = [...idx];
    shuffleInPlace(shuffled, g);
    test.push(...shuffled.slice(0, t));
    train.push(...shuffled.slice(t));
  });
  shuffleInPlace(train, g);
  shuffleInPlace(test, g);
  return { train, test };
}

export interface TimeSplitOptions {
  /** Fraction of the samples at the end that form the test part. */
  testFraction: number;
  /** Fraction just before the test part that forms the validation part. Default 0. */
  valFraction?: number;
}

/**
 * Split time-ordered samples without shuffling: train is the earliest part, then validation,
 * then test (the latest), so the model is always evaluated on the future of what it saw.
 * Each part holds ceil(fraction·n) samples.
 *
 * @example
 * const { train, val, test } = timeSplit(1000, { testFraction: 0.2, valFraction: 0.1 });
 * // train 0..699, val 700..799, test 800..999
 */
export function timeSplit(n: number, options: TimeSplitOptions): { train: number[]; val: number[]; test: number[] } {
  const op = 'timeSplit';
  checkCount(op, n);
  const testFraction = checkFraction(op, 'testFraction', options?.testFraction);
  const valFraction = checkFraction(op, 'valFraction', options?.valFraction ?? 0, { allowZero: true });
  const nTest = portion(testFraction, n);
  const nVal = portion(valFraction, n);
  const nTrain = n - nTest - nVal;
  if (nTrain < 1 || nTest < 1) {
    throw new ValueError(op, `${n} samples leave ${nTrain} for training and ${nTest} for test (testFraction ${testFraction}, valFraction ${valFraction}); use more samples or smaller fractions`);
  }
  const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
  return { train: range(0, nTrain), val: range(nTrain, nTrain + nVal), test: range(nTrain + nVal, n) };
}

export interface KFoldOptions extends SeedOptions {
  /** Shuffle before assigning folds. Default true (sorted data would give one-class folds). */
  shuffle?: boolean;
  /** Class labels: makes the folds stratified (each class spread evenly over the folds). */
  labels?: Tensor | ArrayLike<Label>;
}

/**
 * k-fold cross-validation indices: k (train, test) pairs whose test parts partition 0..n−1.
 * Fold sizes differ by at most one (the first n mod k folds are one larger, as in sklearn's
 * KFold). With `labels`, each class is dealt round-robin over the folds (StratifiedKFold), so
 * every fold keeps the class proportions to within one sample per class.
 *
 * @example
 * for (const { train, test } of kFold(150, 5, { seed: 0, labels: y })) { ... }
 */
export function kFold(n: number, k: number, options: KFoldOptions = {}): TrainTest[] {
  const op = 'kFold';
  checkCount(op, n);
  if (!isPositiveInt(k) || k < 2) throw new ValueError(op, `k must be an integer ≥ 2, got ${String(k)}`);
  if (k > n) throw new ValueError(op, `k = ${k} folds need at least ${k} samples, got ${n}; lower k`);
  const { shuffle = true } = options;
  const g = resolveGenerator(op, options);
  const folds: number[][] = Array.from({ length: k }, () => []);
  if (options.labels !== undefined) {
    const l = labelArray(op, options.labels);
    if (l.length !== n) throw new ValueError(op, `labels has ${l.length} entries but n is ${n}; give one label per sample`);
    const groups = [...groupByLabel(l).values()];
    if (groups.every((idx) => idx.length < k)) {
      throw new ValueError(op, `k = ${k} is larger than the size of every class (largest has ${Math.max(...groups.map((x) => x.length))}); lower k`);
    }
    let j = 0;
    for (const idx of groups) {
      const members = [...idx];
      if (shuffle) shuffleInPlace(members, g);
      for (const i of members) folds[j++ % k]!.push(i);
    }
    if (shuffle) for (const f of folds) shuffleInPlace(f, g);
  } else {
    const order = shuffle ? permutation(n, g) : Int32Array.from({ length: n }, (_, i) => i);
    let at = 0;
    for (let f = 0; f < k; f++) {
      const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
      folds[f] = Array.from(order.subarray(at, (at += size)));
    }
  }
  return folds.map((test, f) => ({ train: folds.filter((_, h) => h !== f).flat(), test }));
}
