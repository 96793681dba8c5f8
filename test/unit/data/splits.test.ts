// Splits: randomSplit (shuffle, then cut; PyTorch's fraction rounding), stratifiedSplit (class
// shares kept, every class in both parts), timeSplit (ordered), kFold (plain and stratified).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../helpers.js';
import * as ax from '../../../src/index.js';
import { kFold, randomSplit, stratifiedSplit, timeSplit, Subset, TensorDataset, ValueError } from '../../../src/index.js';
import { throwsWith } from './throws.js';

const sorted = (a: readonly number[]): number[] => [...a].sort((p, q) => p - q);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const countOf = (labels: readonly number[], idx: readonly number[], c: number): number => idx.filter((i) => labels[i] === c).length;

test('randomSplit: shuffles with the seed, then cuts consecutive parts', () => {
  const [a, b] = randomSplit(10, [0.8, 0.2], { seed: 3 });
  const perm = ax.randperm(10, { generator: new ax.Generator(3) }).toArray() as number[];
  assert.deepEqual(a, perm.slice(0, 8));
  assert.deepEqual(b, perm.slice(8));
  assert.deepEqual(randomSplit(10, [0.8, 0.2], { seed: 3 }), [a, b]);
  assert.notDeepEqual(randomSplit(10, [0.8, 0.2], { seed: 4 })[1], b);
  // Lengths instead of fractions.
  assert.deepEqual(randomSplit(10, [7, 3], { seed: 3 }).map((p) => p.length), [7, 3]);
});

test('randomSplit: fractions round like torch.utils.data.random_split (floors, remainder to the first parts)', () => {
  assert.deepEqual(randomSplit(10, [0.33, 0.33, 0.34], { seed: 0 }).map((p) => p.length), [4, 3, 3]);
  assert.deepEqual(randomSplit(7, [0.5, 0.5], { seed: 0 }).map((p) => p.length), [4, 3]);
  assert.deepEqual(randomSplit(5, [0.1, 0.9], { seed: 0 }).map((p) => p.length), [1, 4]);
  throwsWith(() => randomSplit(10, [7, 2]), ValueError, 'randomSplit', 'add up to 9', '10 samples');
  throwsWith(() => randomSplit(10, [0.5, 0.6]), ValueError, 'randomSplit');
  throwsWith(() => randomSplit(10, []), ValueError, 'non-empty');
});

test('randomSplit shuffles before it cuts: sorted labels still give a mixed validation part', () => {
  // The Keras/TF.js validationSplit trap: the last 20% of class-sorted data is all one class.
  const labels = [...new Array(50).fill(0), ...new Array(50).fill(1)];
  const [, val] = randomSplit(100, [0.8, 0.2], { seed: 0 });
  assert.ok(countOf(labels, val!, 0) >= 4 && countOf(labels, val!, 1) >= 4, `validation classes: ${countOf(labels, val!, 0)} / ${countOf(labels, val!, 1)}`);
});

test('randomSplit of a dataset gives Subsets over the shuffled indices', () => {
  const ds = new TensorDataset(ax.arange(6));
  const [train, test] = randomSplit(ds, [4, 2], { seed: 1 });
  assert.ok(train instanceof Subset);
  const [ia, ib] = randomSplit(6, [4, 2], { seed: 1 });
  assert.deepEqual(train!.indices, ia);
  assert.deepEqual(range(2).map((i) => test!.get(i)[0]!.item()), ib);
});

test('stratifiedSplit: exact class shares, disjoint parts covering everything, seeded', () => {
  const labels = [...new Array(60).fill(0), ...new Array(30).fill(1), ...new Array(10).fill(2)];
  const { train, test } = stratifiedSplit(labels, { testFraction: 0.2, seed: 0 });
  assert.equal(test.length, 20);
  assert.deepEqual([0, 1, 2].map((c) => countOf(labels, test, c)), [12, 6, 2]);
  assert.deepEqual([0, 1, 2].map((c) => countOf(labels, train, c)), [48, 24, 8]);
  assert.deepEqual(sorted([...train, ...test]), range(100));
  assert.deepEqual(stratifiedSplit(labels, { testFraction: 0.2, seed: 0 }), { train, test });
  assert.notDeepEqual(stratifiedSplit(labels, { testFraction: 0.2, seed: 1 }).test, test);
  // Both parts come back shuffled, not grouped by class.
  assert.notDeepEqual(test.map((i) => labels[i]), sorted(test.map((i) => labels[i]!)));
});

test('stratifiedSplit: a class with ≥ 2 members is in both parts; a singleton goes to train', () => {
  const labels = ['a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'b', 'b', 'c'];
  const { train, test } = stratifiedSplit(labels, { testFraction: 0.1, seed: 2 });
  const cls = (idx: number[]): string[] => [...new Set(idx.map((i) => labels[i]!))].sort();
  assert.deepEqual(cls(train), ['a', 'b', 'c']);
  assert.deepEqual(cls(test), ['a', 'b']);
  assert.equal(test.filter((i) => labels[i] === 'b').length, 1);
  // Tensor labels work too, and the allocation rounds to ceil(0.25·8) = 2 test samples.
  const y = ax.tensor([0, 0, 0, 0, 1, 1, 1, 1], { dtype: 'int32' });
  const s = stratifiedSplit(y, { testFraction: 0.25, seed: 0 });
  assert.deepEqual([0, 1].map((c) => countOf([0, 0, 0, 0, 1, 1, 1, 1], s.test, c)), [1, 1]);
  throwsWith(() => stratifiedSplit([0, 1], { testFraction: 1 }), ValueError, 'stratifiedSplit', 'testFraction', '(0, 1)');
  throwsWith(() => stratifiedSplit([0]), ValueError, 'at least 2');
  throwsWith(() => stratifiedSplit([0, null as unknown as number]), ValueError, 'label 1 is null');
});

test('timeSplit: ordered parts, no shuffling, the test part is the latest', () => {
  assert.deepEqual(timeSplit(10, { testFraction: 0.2, valFraction: 0.1 }), { train: range(7), val: [7], test: [8, 9] });
  assert.deepEqual(timeSplit(5, { testFraction: 0.2 }), { train: [0, 1, 2, 3], val: [], test: [4] });
  // ceil with float guard: 0.1 · 30 is 3.0000000000000004 in floating point, still 3 samples.
  assert.equal(timeSplit(30, { testFraction: 0.1 }).test.length, 3);
  throwsWith(() => timeSplit(2, { testFraction: 0.5, valFraction: 0.5 }), ValueError, 'timeSplit', 'valFraction');
  throwsWith(() => timeSplit(4, { testFraction: 0.5, valFraction: 0.4 }), ValueError, 'timeSplit', '4 samples leave 0 for training');
});

test('kFold: test parts partition the samples, sizes like sklearn, train is the complement', () => {
  const folds = kFold(10, 3, { seed: 0 });
  assert.deepEqual(folds.map((f) => f.test.length), [4, 3, 3]);
  assert.deepEqual(sorted(folds.flatMap((f) => f.test)), range(10));
  for (const f of folds) assert.deepEqual(sorted([...f.train, ...f.test]), range(10));
  assert.deepEqual(kFold(10, 3, { seed: 0 }), folds);
  assert.deepEqual(kFold(6, 3, { shuffle: false }).map((f) => f.test), [[0, 1], [2, 3], [4, 5]]);
  throwsWith(() => kFold(3, 4), ValueError, 'kFold', '4 folds', '3');
  throwsWith(() => kFold(10, 1), ValueError, 'k must be an integer ≥ 2');
});

test('kFold with labels is stratified: each fold keeps the class proportions', () => {
  const labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
  const folds = kFold(12, 3, { seed: 5, labels });
  for (const f of folds) assert.deepEqual([0, 1, 2].map((c) => countOf(labels, f.test, c)), [2, 1, 1]);
  assert.deepEqual(sorted(folds.flatMap((f) => f.test)), range(12));
  throwsWith(() => kFold(4, 3, { labels: [0, 0, 1, 1] }), ValueError, 'larger than the size of every class');
  throwsWith(() => kFold(4, 2, { labels: [0, 1] }), ValueError, '2 entries', 'n is 4');
});
