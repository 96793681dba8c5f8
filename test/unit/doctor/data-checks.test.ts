// diagnoseData on real data: each mistake injected into MNIST/iris/penguins/co2 is named with the
// right fix, and the clean splits raise no warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { alarms, find, mlp, pick, range, tabular } from './helpers.js';

const mnist = ax.loadMnist({ trainSize: 2000, testSize: 500 });

test('clean MNIST, iris and penguins (standardized) splits raise no warning', async () => {
  const m = await mnist;
  const r = ax.diagnoseData({ train: m.train, validation: m.test, loss: 'crossEntropy', model: mlp([784, 64, 10]) });
  assert.deepEqual(alarms(r.findings), []);
  assert.equal(find(r.findings, 'class-balance')?.severity, 'info');
  for (const loader of [ax.loadIris, ax.loadPenguins]) {
    const d = await tabular(loader);
    const c = ax.diagnoseData({ train: d.std.train, validation: d.std.val, loss: 'crossEntropy', model: mlp([4, 16, 3]), featureNames: d.names });
    assert.deepEqual(alarms(c.findings), [], loader.name);
    assert.ok(c.baselines!.linear.accuracy! >= 0.9 && c.baselines!.gbt.accuracy! >= 0.9, JSON.stringify(c.baselines));
  }
});

test('exact and near duplicates of training digits in the test set are found (hashing + projections)', async () => {
  const m = await mnist;
  const copies = [3, 50, 700];
  const noisy = ax.add(pick(m.train.x, [10, 20]), ax.mul(ax.randn([2, 784], { generator: new ax.Generator(5) }), 0.001)); // tiny noise
  const x = ax.cat([pick(m.test.x, range(495)), pick(m.train.x, copies), noisy], 0);
  const y = ax.cat([pick(m.test.y, range(495)), pick(m.train.y, copies), pick(m.train.y, [10, 20])], 0);
  const t0 = performance.now();
  const r = ax.diagnoseData({ train: m.train, test: { x, y } });
  const ms = performance.now() - t0;
  const f = find(r.findings, 'duplicates-train-test')!;
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.exact, 3);
  assert.equal(f.evidence.near, 2);
  assert.match(f.fix, /remove the repeated rows/);
  assert.ok(ms < 5000, `${ms} ms`);
});

test('a column that encodes the label is named as a leak; iris itself (petal width ~95%) is not', async () => {
  const d = await tabular(ax.loadIris);
  const leak = (s: { x: ax.Tensor; y: ax.Tensor }): ax.Tensor => ax.cat([s.x, ax.add(ax.mul(s.y.float(), 3).reshape(-1, 1), ax.mul(ax.randn([s.x.shape[0]!, 1], { generator: new ax.Generator(1) }), 0.1))], 1);
  const r = ax.diagnoseData({ train: { x: leak(d.std.train), y: d.std.train.y }, validation: { x: leak(d.std.val), y: d.std.val.y }, featureNames: [...d.names, 'speciesCode'] });
  const f = find(r.findings, 'feature-leak')!;
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.feature, 4);
  assert.match(f.title, /'speciesCode'/);
  assert.match(f.fix, /drop it/);
});

/** CO2 as a supervised problem: the previous 12 months (standardized) predict the next month. */
async function co2Lags(): Promise<{ x: ax.Tensor; y: ax.Tensor; t: number[] }> {
  const { co2, dates } = await ax.loadCo2();
  const v = Array.from(co2.data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  const z = v.map((a) => (a - mean) / sd);
  const rows: number[][] = [];
  const ys: number[] = [];
  const t: number[] = [];
  for (let i = 12; i < z.length; i++) { rows.push(z.slice(i - 12, i)); ys.push(z[i]!); t.push(dates[i]!.getTime()); }
  return { x: ax.tensor(rows), y: ax.tensor(ys), t };
}

test('co2: a shuffled split of a time series is flagged; the time-ordered split is not', async () => {
  const { x, y, t } = await co2Lags();
  const n = t.length;
  const [tr, va] = ax.randomSplit(n, [n - 145, 145], { seed: 0 }) as [number[], number[]];
  const bad = ax.diagnoseData({ train: { x: pick(x, tr), y: pick(y, tr) }, validation: { x: pick(x, va), y: pick(y, va) }, timeIndex: { train: tr.map((i) => t[i]!), validation: va.map((i) => t[i]!) }, loss: 'mse' });
  const f = find(bad.findings, 'time-split-validation')!;
  assert.equal(f.severity, 'warning');
  assert.ok(f.evidence.share! > 0.9, JSON.stringify(f.evidence));
  assert.match(f.fix, /split by time/);
  const { train, test } = ax.timeSplit(n, { testFraction: 0.2 });
  const good = ax.diagnoseData({ train: { x: pick(x, train), y: pick(y, train) }, validation: { x: pick(x, test), y: pick(y, test) }, timeIndex: { train: train.map((i) => t[i]!), validation: test.map((i) => t[i]!) }, loss: 'mse' });
  assert.deepEqual(alarms(good.findings), []);
  assert.equal(find(good.findings, 'feature-leak')?.severity, 'info', 'a lag of the target is expected to predict it');
  assert.ok(good.baselines!.linear.r2! > 0.9, JSON.stringify(good.baselines));
});

test('raw co2 targets (ppm around 350) under MSE are flagged: standardize the target', async () => {
  const { co2 } = await ax.loadCo2();
  const n = co2.shape[0]! - 1;
  const x = ax.tensor(range(n).map((i) => [i / n]));
  const r = ax.diagnoseData({ train: { x, y: pick(co2, range(n, 1)) }, loss: 'mse' });
  assert.match(find(r.findings, 'target-scale')!.fix, /standardize the target/);
});

test('a 95/5 class imbalance (MNIST zeros vs the rest) gives the majority baseline and recommends class weights and F1', async () => {
  const m = await mnist;
  const labels = Array.from(m.train.y.data());
  const zeros = range(2000).filter((i) => labels[i] === 0).slice(0, 50);
  const others = range(2000).filter((i) => labels[i] !== 0).slice(0, 950);
  const idx = [...zeros, ...others];
  const y = ax.tensor(idx.map((i) => (labels[i] === 0 ? 1 : 0)), { dtype: 'int32' });
  const r = ax.diagnoseData({ train: { x: pick(m.train.x, idx), y } });
  const f = find(r.findings, 'class-imbalance')!;
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.majorityBaselineAccuracy, 0.95);
  assert.match(f.fix, /classWeight: 'balanced'/);
  assert.match(f.fix, /WeightedRandomSampler/);
  assert.match(f.fix, /F1/);
  const handled = ax.diagnoseData({ train: { x: pick(m.train.x, idx), y }, classWeighted: true });
  assert.equal(find(handled.findings, 'class-imbalance')!.severity, 'info');
});

test('label/loss mismatches on iris: MSE on labels or one-hot, cross-entropy on continuous values, BCE on 3 classes, Softmax before crossEntropy, labels beyond the outputs', async () => {
  const d = await tabular(ax.loadIris);
  const train = d.std.train;
  const ids = (loss: string, y: ax.Tensor, model = mlp([4, 8, 3])): string[] => ax.diagnoseData({ train: { x: train.x, y }, loss, model }).findings.map((f) => f.id);
  assert.ok(ids('mse', train.y).includes('mse-on-class-labels'));
  const oneHot = ax.oneHotEncode(train.y).encoded.float();
  assert.ok(ids('mse', oneHot).includes('mse-on-one-hot'));
  assert.ok(ids('crossEntropy', train.x.slice(null, [0, 1]).reshape(-1)).includes('cross-entropy-on-continuous'));
  assert.ok(ids('binaryCrossEntropyWithLogits', train.y).includes('binary-loss-on-multiclass'));
  ax.manualSeed(0);
  const soft = new ax.Sequential(new ax.Linear(4, 8), new ax.ReLU(), new ax.Linear(8, 3), new ax.Softmax({ dim: 1 }));
  const r = ax.diagnoseData({ train, loss: 'crossEntropy', model: soft });
  assert.match(find(r.findings, 'softmax-before-cross-entropy')!.fix, /remove the final Softmax/);
  const out = ax.diagnoseData({ train, loss: 'crossEntropy', model: mlp([4, 8, 2]) });
  const f = find(out.findings, 'labels-out-of-range')!;
  assert.deepEqual([f.evidence.maxLabel, f.evidence.outputs], [2, 2]);
  assert.match(f.fix, /3 outputs/);
  const clean = ax.diagnoseData({ train, loss: 'crossEntropy', model: mlp([4, 8, 3]) }).findings;
  assert.deepEqual(alarms(clean), []);
});

test('input health: NaN, constant and wildly scaled columns, large magnitudes, token ids left alone, few examples per parameter', async () => {
  const d = await tabular(ax.loadPenguins);
  const x = d.raw.train.x.clone();
  const v = Array.from(x.data());
  v[4 * 7 + 2] = NaN;
  const withNaN = ax.tensor(v).reshape(x.shape);
  const r1 = ax.diagnoseData({ train: { x: withNaN, y: d.raw.train.y }, featureNames: d.names });
  assert.match(find(r1.findings, 'non-finite-inputs')!.title, /flipperLength/);
  const r2 = ax.diagnoseData({ train: d.raw.train, featureNames: d.names, model: mlp([4, 256, 256, 3]) });
  const scales = find(r2.findings, 'feature-scales')!;
  assert.match(scales.title, /bodyMass/);
  assert.match(scales.fix, /StandardScaler on the training rows only/);
  assert.ok(find(r2.findings, 'examples-per-parameter')!.evidence.perParameter! < 0.01);
  const constant = ax.cat([d.std.train.x, ax.ones([d.std.train.x.shape[0]!, 1])], 1);
  assert.equal(find(ax.diagnoseData({ train: { x: constant, y: d.std.train.y } }).findings, 'constant-columns')!.evidence.columns, 1);
  // every column large (but alike): a magnitude problem, named as one
  const big = ax.add(ax.mul(d.std.train.x, 100), 2e4);
  assert.match(find(ax.diagnoseData({ train: { x: big, y: d.std.train.y } }).findings, 'feature-scales')!.title, /large magnitudes/);
  // token ids for an Embedding are indices, not measurements: no scale finding however large
  const g = new ax.Generator(3);
  const ids = ax.randint(0, 20000, [400, 32], { generator: g });
  const r3 = ax.diagnoseData({ train: { x: ids, y: ax.randint(0, 2, [400], { generator: g }) } });
  assert.equal(find(r3.findings, 'feature-scales'), undefined);
});

test('validation sets: one class (a sorted file cut at the end) and rows shaped unlike training', async () => {
  const iris = await ax.loadIris(); // in file order: sorted by species
  const r = ax.diagnoseData({ train: { x: pick(iris.x, range(120)), y: pick(iris.y, range(120)) }, validation: { x: pick(iris.x, range(90, 30)), y: pick(iris.y, range(90, 30)) } });
  assert.equal(find(r.findings, 'validation-one-class'), undefined, 'three classes in both parts');
  const sorted = ax.diagnoseData({ train: { x: pick(iris.x, range(100)), y: pick(iris.y, range(100)) }, validation: { x: pick(iris.x, range(50, 50)), y: pick(iris.y, range(50, 50)) } });
  const one = find(sorted.findings, 'validation-one-class')!;
  assert.equal(one.evidence.rows, 50);
  assert.match(one.fix, /stratified/);
  const unseen = ax.diagnoseData({ train: { x: pick(iris.x, range(100)), y: pick(iris.y, range(100)) }, validation: { x: pick(iris.x, range(30, 120)), y: pick(iris.y, range(30, 120)) } });
  assert.match(find(unseen.findings, 'validation-unseen-classes')!.title, /class\(es\) 2/);
  const shaped = ax.diagnoseData({ train: { x: pick(iris.x, range(100)), y: pick(iris.y, range(100)) }, validation: { x: pick(iris.x, range(80, 20)).slice(null, [0, 3]), y: pick(iris.y, range(80, 20)) } });
  const f = find(shaped.findings, 'validation-shape')!;
  assert.equal(f.severity, 'error');
  assert.match(f.title, /\[3\] vs \[4\]/);
});

test('gradient-boosted trees and the linear baselines score like their textbook versions', async () => {
  const d = await tabular(ax.loadPenguins);
  const g = ax.fitGbt({ values: d.raw.train.x.data(), n: d.raw.train.x.shape[0]!, d: 4 }, { task: 'classification', labels: Int32Array.from(d.raw.train.y.data()), classes: 3, values: null, oneHot: false });
  const out = g.predict({ values: d.raw.val.x.data(), n: d.raw.val.x.shape[0]!, d: 4 });
  const yv = d.raw.val.y.data();
  let right = 0;
  for (let i = 0; i < yv.length; i++) { const row = [0, 1, 2].map((k) => out[i * 3 + k]!); if (row.indexOf(Math.max(...row)) === yv[i]) right++; }
  assert.ok(right / yv.length >= 0.95, `GBT accuracy ${right / yv.length}`);
  // ridge regression on an exactly linear target recovers it (R² ≈ 1)
  const x = d.std.train.x;
  const y = ax.add(ax.matmul(x, ax.tensor([[1], [-2], [0.5], [3]])).reshape(-1), 7);
  const r = ax.diagnoseData({ train: { x, y }, baselines: true });
  assert.ok(r.baselines!.linear.r2! > 0.999, JSON.stringify(r.baselines));
});
