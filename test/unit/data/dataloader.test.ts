// Dataset, TensorDataset, Subset, DataLoader (batching, seeded reshuffles, the indexSelect fast
// path, default collate), WeightedRandomSampler and classBalancedWeights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../helpers.js';
import * as ax from '../../../src/index.js';
import { DataLoader, Subset, TensorDataset, ValueError, ShapeError, WeightedRandomSampler, classBalancedWeights, type Dataset } from '../../../src/index.js';
import { throwsWith } from './throws.js';

/** x row i is [3i, 3i+1, 3i+2], y[i] = i: every batch value says which rows it holds. */
function rows(n: number): { x: ax.Tensor; y: ax.Tensor } {
  return { x: ax.arange(0, 3 * n, 1, { dtype: 'float32' }).reshape([n, 3]), y: ax.arange(n) };
}

test('TensorDataset: get(i) returns the i-th row of every tensor; tensors are exposed', () => {
  const { x, y } = rows(5);
  const ds = new TensorDataset(x, y);
  assert.equal(ds.length, 5);
  const [xi, yi] = ds.get(3);
  assert.deepEqual(xi!.toArray(), [9, 10, 11]);
  assert.equal(yi!.item(), 3);
  assert.equal(yi!.dtype, 'int32');
  assert.equal(ds.tensors[0], x);
  assert.equal(ds.tensors[1], y);
  throwsWith(() => ds.get(5), ValueError, 'TensorDataset.get', 'index 5', '5 samples');
  throwsWith(() => new TensorDataset(x, ax.arange(4)), ShapeError, 'TensorDataset', '[5,3]', '[4]', 'dim 0');
  throwsWith(() => new TensorDataset(), ValueError, 'TensorDataset', 'at least one');
  throwsWith(() => new TensorDataset(ax.tensor(1)), ShapeError, 'scalar');
});

test('Subset: indices into another dataset, validated up front', () => {
  const { x, y } = rows(6);
  const sub = new Subset(new TensorDataset(x, y), [4, 1, 4]);
  assert.equal(sub.length, 3);
  assert.deepEqual(sub.get(0)[1]!.item(), 4);
  assert.deepEqual(sub.get(1)[0]!.toArray(), [3, 4, 5]);
  throwsWith(() => new Subset(new TensorDataset(x, y), [0, 6]), ValueError, 'Subset', 'index 6', '6 samples');
});

test('DataLoader: sequential batches with the exact rows, a short last batch, dropLast', () => {
  const { x, y } = rows(10);
  const ds = new TensorDataset(x, y);
  const loader = new DataLoader(ds, { batchSize: 4 });
  assert.equal(loader.length, 3);
  const batches = [...loader];
  assert.equal(batches.length, 3);
  assert.deepEqual(batches.map(([, yb]) => yb!.toArray()), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual(batches[2]![0]!.toArray(), [[24, 25, 26], [27, 28, 29]]);
  assert.equal(batches[0]![1]!.dtype, 'int32');

  const dropped = new DataLoader(ds, { batchSize: 4, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.deepEqual([...dropped].map(([, yb]) => yb!.toArray()), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.equal(new DataLoader(ds).length, 10); // batchSize defaults to 1
});

test('DataLoader shuffle: each epoch a fresh permutation; the same seed repeats the whole sequence', () => {
  const { x, y } = rows(10);
  const ds = new TensorDataset(x, y);
  const epochs = (seed: number): number[][] => {
    const loader = new DataLoader(ds, { batchSize: 3, shuffle: true, seed });
    return [0, 1, 2].map(() => [...loader].flatMap(([, yb]) => yb!.toArray() as number[]));
  };
  const a = epochs(7);
  const b = epochs(7);
  assert.deepEqual(a, b);
  for (const e of a) assert.deepEqual([...e].sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.notDeepEqual(a[0], a[1]);
  assert.notDeepEqual(a[1], a[2]);
  assert.notDeepEqual(epochs(8)[0], a[0]);
  // The first epoch is exactly randperm with a generator of that seed.
  assert.deepEqual(a[0], ax.randperm(10, { generator: new ax.Generator(7) }).toArray());
  // Rows and labels stay paired through the shuffle.
  for (const [xb, yb] of new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 1 })) {
    const ys = yb!.toArray() as number[];
    assert.deepEqual(xb!.toArray(), ys.map((i) => [3 * i, 3 * i + 1, 3 * i + 2]));
  }
});

test('DataLoader without a seed draws from the default generator (manualSeed makes it reproducible)', () => {
  const ds = new TensorDataset(rows(8).y);
  const order = (): number[] => [...new DataLoader(ds, { batchSize: 8, shuffle: true })].flatMap(([yb]) => yb!.toArray() as number[]);
  ax.manualSeed(3);
  const a = order();
  ax.manualSeed(3);
  assert.deepEqual(order(), a);
  throwsWith(() => new DataLoader(ds, { seed: 1, generator: new ax.Generator(1) }), ValueError, 'DataLoader', 'seed', 'generator');
});

test('DataLoader fast path: TensorDataset batches never call get(); equal to the default collate path', () => {
  class Counting<T extends ax.Tensor[]> extends TensorDataset<T> {
    calls = 0;
    override get(i: number): T { this.calls++; return super.get(i); }
  }
  const { x, y } = rows(9);
  const ds = new Counting(x, y);
  const fast = [...new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 5 })];
  assert.equal(ds.calls, 0);
  const slow = [...new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 5, collate: (s) => ax.defaultCollate(s) })];
  assert.equal(ds.calls, 9);
  assert.equal(fast.length, slow.length);
  fast.forEach((b, i) => {
    assert.deepEqual(b[0]!.toArray(), slow[i]![0]!.toArray());
    assert.deepEqual(b[1]!.toArray(), slow[i]![1]!.toArray());
    assert.equal(b[1]!.dtype, slow[i]![1]!.dtype);
  });
});

test('DataLoader over (nested) Subsets of a TensorDataset maps rows correctly', () => {
  const { x, y } = rows(10);
  const inner = new Subset(new TensorDataset(x, y), [9, 8, 7, 6, 5]);
  const outer = new Subset(inner, [4, 0, 2]);
  const [[xb, yb]] = [...new DataLoader(outer, { batchSize: 3 })];
  assert.deepEqual(yb!.toArray(), [5, 9, 7]);
  assert.deepEqual(xb!.toArray(), [[15, 16, 17], [27, 28, 29], [21, 22, 23]]);
});

test('defaultCollate: objects, tuples, numeric arrays, strings and tensors', () => {
  const ds: Dataset<{ x: number[]; label: number; name: string; t: ax.Tensor }> = {
    length: 5,
    get: (i) => ({ x: [i, 2 * i], label: i % 2, name: `s${i}`, t: ax.tensor([[i], [-i]]) }),
  };
  const batches = [...new DataLoader(ds, { batchSize: 2 })];
  assert.equal(batches.length, 3);
  const b = batches[1]!;
  assert.deepEqual(b.x.toArray(), [[2, 4], [3, 6]]);
  assert.deepEqual(b.label.toArray(), [0, 1]);
  assert.equal(b.label.dtype, 'float32');
  assert.deepEqual(b.name, ['s2', 's3']);
  assert.deepEqual(b.t.shape, [2, 2, 1]);
  assert.deepEqual(b.t.toArray(), [[[2], [-2]], [[3], [-3]]]);

  const tuples = ax.defaultCollate([[[1, 2], 0, true], [[3, 4], 1, false]] as [number[], number, boolean][]);
  assert.deepEqual(tuples[0].toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(tuples[1].toArray(), [0, 1]);
  assert.deepEqual(tuples[2].toArray(), [true, false]);
  assert.deepEqual(ax.defaultCollate([new Float64Array([1, 2]), new Float64Array([3, 4])]).toArray(), [[1, 2], [3, 4]]);

  throwsWith(() => ax.defaultCollate([[1, 2], [3]]), ShapeError, 'defaultCollate', 'sample 1', '[2]');
  throwsWith(() => ax.defaultCollate([{ a: 1 }, { a: 'x' }]), ValueError, 'sample 1.a', 'string');
  throwsWith(() => ax.defaultCollate([ax.zeros([2]), ax.zeros([3])]), ShapeError, 'sample 1', '[3]', '[2]');
  throwsWith(() => ax.defaultCollate([null]), ValueError, 'can not be batched');
});

test('DataLoader errors: empty dataset, bad batchSize, batchSize beyond the data with dropLast, sampler + shuffle', () => {
  const ds = new TensorDataset(ax.zeros([5, 2]));
  throwsWith(() => new DataLoader(new TensorDataset(ax.zeros([0, 2]))), ValueError, 'DataLoader', 'empty');
  throwsWith(() => new DataLoader(ds, { batchSize: 0 }), ValueError, 'DataLoader', 'batchSize', 'positive integer', '0');
  throwsWith(() => new DataLoader(ds, { batchSize: 2.5 }), ValueError, 'batchSize', '2.5');
  throwsWith(() => new DataLoader(ds, { batchSize: 8, dropLast: true }), ValueError, 'DataLoader', 'batchSize 8', '5 samples', 'dropLast', 'at most 5');
  assert.equal(new DataLoader(ds, { batchSize: 8 }).length, 1); // without dropLast: one short batch
  const sampler = new WeightedRandomSampler([1, 1, 1, 1, 1], 5, { seed: 0 });
  throwsWith(() => new DataLoader(ds, { sampler, shuffle: true }), ValueError, 'shuffle and sampler');
  throwsWith(() => new DataLoader([] as unknown as Dataset<number>), ValueError, 'Dataset');
});

test('WeightedRandomSampler: zero weights never drawn, frequencies follow the weights, seeded', () => {
  const s = new WeightedRandomSampler([0, 1, 0, 3], 4000, { seed: 11 });
  const draws = [...s];
  assert.equal(draws.length, 4000);
  const count = (v: number): number => draws.filter((d) => d === v).length;
  assert.equal(count(0) + count(2), 0);
  // Binomial(4000, 0.25): mean 1000, sd ≈ 27; 5 sd bounds.
  assert.ok(Math.abs(count(1) - 1000) < 140, `index 1 drawn ${count(1)} times`);
  assert.deepEqual([...new WeightedRandomSampler([0, 1, 0, 3], 50, { seed: 11 })], draws.slice(0, 50));
  assert.notDeepEqual([...s].slice(0, 50), draws.slice(0, 50)); // a new epoch draws anew

  const noRep = [...new WeightedRandomSampler([5, 0, 1, 2], 3, { replacement: false, seed: 2 })];
  assert.deepEqual([...noRep].sort(), [0, 2, 3]);
  throwsWith(() => new WeightedRandomSampler([1, 0, 1], 3, { replacement: false }), ValueError, 'numSamples 3', '2 samples with positive weight');
  throwsWith(() => new WeightedRandomSampler([1, -1], 3), ValueError, 'weight 1 is -1');
  throwsWith(() => new WeightedRandomSampler([0, 0], 3), ValueError, 'all weights are 0');
  throwsWith(() => new WeightedRandomSampler([1], 0), ValueError, 'numSamples');
});

test('classBalancedWeights + sampler oversample a rare class to parity through a DataLoader', () => {
  assert.deepEqual(classBalancedWeights([0, 0, 0, 1]), [1 / 3, 1 / 3, 1 / 3, 1]);
  assert.deepEqual(classBalancedWeights(['a', 'b', 'a']), [0.5, 1, 0.5]);
  const y = ax.tensor([...new Array(90).fill(0), ...new Array(10).fill(1)], { dtype: 'int32' });
  const sampler = new WeightedRandomSampler(classBalancedWeights(y), 2000, { seed: 4 });
  const loader = new DataLoader(new TensorDataset(y), { batchSize: 64, sampler });
  assert.equal(loader.length, Math.ceil(2000 / 64));
  let ones = 0;
  let total = 0;
  for (const [yb] of loader) { ones += (yb!.toArray() as number[]).filter((v) => v === 1).length; total += yb!.shape[0]!; }
  assert.equal(total, 2000);
  // Binomial(2000, 0.5): sd ≈ 22; 5 sd bounds.
  assert.ok(Math.abs(ones - 1000) < 115, `rare class drawn ${ones} of 2000 times`);
  throwsWith(() => classBalancedWeights([]), ValueError, 'empty');
});
