// The doctor's building blocks against independent references: column statistics (a tensor
// program) against a plain float64 loop, NaN/Inf counts, constant columns and rare values
// included, and from a row sample keeping every exact part exact; gradient RMS against a loop;
// the two-stage exact-duplicate search (projection key, then full rows) finds copies among rows
// that differ only in their low-spread columns; the linear baseline's objective has the gradient
// finite differences give, LBFGS reaches its minimum, and the baselines recover a linear rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { columnStats, type ColumnStats } from '../../../src/doctor/column-stats.js';
import { findDuplicates, projectionWindow } from '../../../src/doctor/duplicates.js';
import { layerGradients } from '../../../src/doctor/gradient-health.js';
import { fitLinear, linearObjective } from '../../../src/doctor/logistic.js';
import { argsort } from '../../../src/doctor/leakage.js';
import { asMatrix, readTargets } from '../../../src/doctor/matrix.js';
import { linearBaseline, runBaselines } from '../../../src/doctor/baselines.js';
import { mlp, tabular } from './helpers.js';
import { closeEnough, TOL } from '../../tolerances.js';

/** Column statistics by a plain loop over float64 values: the reference. */
function referenceStats(v: ArrayLike<number>, n: number, d: number): ColumnStats {
  const s: ColumnStats = { mean: new Float64Array(d), std: new Float64Array(d), min: new Float64Array(d).fill(Infinity), max: new Float64Array(d).fill(-Infinity), nonFinite: new Int32Array(d) };
  for (let j = 0; j < d; j++) {
    let sum = 0, cnt = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i * d + j]!;
      if (!Number.isFinite(x)) { s.nonFinite[j]++; continue; }
      sum += x; cnt++;
      s.min[j] = Math.min(s.min[j]!, x);
      s.max[j] = Math.max(s.max[j]!, x);
    }
    s.mean[j] = sum / Math.max(cnt, 1);
    let ss = 0;
    for (let i = 0; i < n; i++) { const x = v[i * d + j]!; if (Number.isFinite(x)) ss += (x - s.mean[j]!) ** 2; }
    s.std[j] = Math.sqrt(ss / Math.max(cnt, 1));
  }
  return s;
}

test('columnStats equals a plain float64 loop: NaN/Inf counts, constant columns, a value in one row only', () => {
  const g = new ax.Generator(3);
  const n = 3001, d = 40;
  const v = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) v[i * d + j] = j === 1 ? 7.5 : j === 2 ? (i === 1777 ? 1 : 0) : g.normal() * (j + 1) + j;
  v[5 * d + 3] = NaN;
  v[9 * d + 3] = NaN;
  v[100 * d + 4] = Infinity;
  v[2000 * d + 5] = -Infinity;
  const x = ax.tensor(Array.from(v)).reshape(n, d);
  const fast = columnStats(x);
  const full = referenceStats(v, n, d);
  assert.deepEqual(Array.from(fast.nonFinite), Array.from(full.nonFinite));
  assert.deepEqual(Array.from(fast.nonFinite.slice(0, 7)), [0, 0, 0, 2, 1, 1, 0]);
  assert.deepEqual(Array.from(fast.min), Array.from(full.min));
  assert.deepEqual(Array.from(fast.max), Array.from(full.max));
  assert.equal(fast.std[1], 0); // constant 7.5
  assert.equal(fast.mean[1], 7.5);
  assert.ok(Math.abs(fast.std[2]! - Math.sqrt(1 / n - 1 / n ** 2)) < 1e-12, `${fast.std[2]}`); // nonzero in one row of 3001
  for (let j = 0; j < d; j++) {
    if (j === 1) continue; // constant: std 0 by rule, the loop's std is exactly 0 too

    assert.ok(Math.abs(fast.mean[j]! - full.mean[j]!) <= 1e-9 * (1 + Math.abs(full.mean[j]!)), `mean ${j}`);
    assert.ok(Math.abs(fast.std[j]! - full.std[j]!) <= 1e-9 * (1 + full.std[j]!), `std ${j}`);
  }
});

test('exact duplicates are found among rows that agree on their widest-spread columns and differ only in low-spread ones', () => {
  const g = new ax.Generator(4);
  const n = 1200, m = 300, d = 100;
  // Columns 0–31 (the widest spread) hold one of two patterns, ×10; the other 68 columns are
  // noise: every row agrees with half of all rows on its 32 dominant columns.
  const patterns = [0, 1].map(() => Array.from({ length: 32 }, () => 10 * g.normal()));
  const fill = (rows: number): Float32Array => {
    const a = new Float32Array(rows * d);
    for (let i = 0; i < rows; i++) {
      const p = patterns[i % 2]!;
      for (let j = 0; j < d; j++) a[i * d + j] = j < 32 ? p[j]! : g.normal();
    }
    return a;
  };
  const tr = fill(n);
  const ot = fill(m);
  ot.set(tr.subarray(11 * d, 12 * d), 20 * d); // exact copies of train rows 11 and 400
  ot.set(tr.subarray(400 * d, 401 * d), 250 * d);
  tr.set(tr.subarray(30 * d, 31 * d), 32 * d); // one twin inside train
  const xt = ax.tensor(Array.from(tr)).reshape(n, d);
  const xo = ax.tensor(Array.from(ot)).reshape(m, d);
  const mt = asMatrix(xt);
  const r = findDuplicates(mt, asMatrix(xo), columnStats(xt), xt, xo);
  assert.equal(r.exact, 2);
  assert.equal(r.near, 0);
  assert.deepEqual(r.examples, [20, 250]);
  assert.ok(Math.abs(r.withinTrainRate - 2 / n) < 1e-15, `${r.withinTrainRate}`);
});

test('sampled column statistics: min, max, NaN/Inf counts and constant columns stay exact; std is estimated; a rarely varying column keeps a positive std', () => {
  const g = new ax.Generator(7);
  const n = 9000, d = 12;
  const v = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) v[i * d + j] = j === 1 ? 3 : j === 2 ? (i === 4321 ? 5 : 0) : g.normal() * (j + 1) + 10 * j;
  v[77 * d + 3] = NaN;
  v[8000 * d + 4] = -Infinity;
  const x = ax.tensor(Array.from(v)).reshape(n, d);
  const full = referenceStats(v, n, d);
  const s = columnStats(x, { sampleRows: 1024 });
  assert.deepEqual(Array.from(s.nonFinite), Array.from(full.nonFinite));
  assert.deepEqual(Array.from(s.min), Array.from(full.min));
  assert.deepEqual(Array.from(s.max), Array.from(full.max));
  assert.equal(s.std[1], 0, 'a constant column is constant');
  assert.ok(s.std[2]! > 0 && s.std[2]! <= 5 * Math.sqrt(3 / 1024) + 1e-12, `rare column: ${s.std[2]} (a positive bound, not 0)`);
  for (const j of [0, 3, 4, 5, 8, 11]) {
    assert.ok(Math.abs(s.std[j]! / full.std[j]! - 1) < 0.1, `std ${j}: ${s.std[j]} vs ${full.std[j]}`);
    assert.ok(Math.abs(s.mean[j]! - full.mean[j]!) < 0.2 * full.std[j]!, `mean ${j}: ${s.mean[j]} vs ${full.mean[j]}`);
  }
});

test('the ridge baseline (LBFGS on the tensor objective) recovers a noisy linear rule: held-out error at the noise level', () => {
  const g = new ax.Generator(3);
  const x = ax.randn([3000, 7], { generator: g }); // (3000, 7)
  const w = ax.tensor([[1], [2], [-3], [0.5], [0], [4], [-1]]); // (7, 1)
  const y = ax.add(ax.add(ax.matmul(x, w).reshape(-1), 5), ax.mul(ax.randn([3000], { generator: g }), 0.1)); // (3000): intercept 5, noise σ 0.1
  const part = (t: ax.Tensor, a: number, b: number): ax.Tensor => ax.slice(t, [[a, b]]);
  const r = linearBaseline(asMatrix(part(x, 0, 2500)), readTargets(part(y, 0, 2500)), asMatrix(part(x, 2500, 3000)), readTargets(part(y, 2500, 3000)));
  assert.ok(r.held.mse! > 0.005 && r.held.mse! < 0.02, `held-out MSE ${r.held.mse} (noise variance 0.01)`);
  assert.ok(r.held.r2! > 0.999 && r.train.r2! > 0.999, `R² ${r.held.r2}, ${r.train.r2}`);
});

test('the linear objective\'s gradient (autograd) agrees with finite differences, for softmax and ridge', () => {
  const g = new ax.Generator(4);
  const n = 40, D = 5, K = 3;
  const X = ax.randn([n, D], { generator: g, dtype: 'float64' }); // (n, D)
  const labels = Array.from({ length: n }, () => g.int(0, K));
  const Y = ax.oneHot(ax.tensor(labels, { dtype: 'int32' }), K).double(); // (n, K)
  const y = ax.randn([n, 1], { generator: g, dtype: 'float64' }); // (n, 1)
  for (const [kind, T, k] of [['softmax', Y, K], ['ridge', y, 1]] as const) {
    const w0 = Array.from({ length: D * k }, () => g.normal());
    const f = (w: number[]): number => linearObjective(X, ax.tensor(w, { dtype: 'float64' }).reshape(D, k), T, kind, 0.3).item();
    const W = ax.tensor(w0, { dtype: 'float64', requiresGrad: true });
    linearObjective(X, W.reshape(D, k), T, kind, 0.3).backward();
    const grad = W.grad!.data();
    for (let q = 0; q < D * k; q++) {
      const e = 1e-6;
      const fd = (f(w0.map((v, i) => (i === q ? v + e : v))) - f(w0.map((v, i) => (i === q ? v - e : v)))) / (2 * e);
      assert.ok(Math.abs(fd - grad[q]!) < 1e-6, `${kind} d/dW[${q}]: ${fd} vs ${grad[q]}`);
    }
  }
});

test('fitLinear reaches the logistic minimum on iris (a vanishing gradient) and the baselines classify iris', async () => {
  const d = await ax.loadIris({ seed: 0 });
  const n = d.x.shape[0]!;
  const st = columnStats(d.x);
  const xs = ax.div(ax.sub(d.x.double(), ax.tensor([...st.mean], { dtype: 'float64' })), ax.tensor([...st.std], { dtype: 'float64' })); // (n, 4)
  const X = ax.cat([ax.ones([n, 1], { dtype: 'float64' }), xs], 1); // (n, 5)
  const labels = Int32Array.from(d.y.data());
  const w = fitLinear(X, { labels, classes: 3 }, 1 / n);
  const W = ax.tensor(Array.from(w), { dtype: 'float64', requiresGrad: true });
  const loss = linearObjective(X, W.reshape(5, 3), ax.oneHot(d.y, 3).double(), 'softmax', 1 / n);
  loss.backward();
  const gmax = Math.max(...Array.from(W.grad!.data(), Math.abs));
  assert.ok(gmax < 1e-5, `gradient at the minimum: ${gmax}`);
  assert.ok(loss.item() < 0.3, `loss at the minimum ${loss.item()} (cross-entropy plus the C = 1 penalty)`);
  const t = await tabular(ax.loadIris);
  const r = runBaselines(asMatrix(t.raw.train.x), readTargets(t.raw.train.y), asMatrix(t.raw.val.x), readTargets(t.raw.val.y));
  assert.ok(r.linear.accuracy! >= 0.9 && r.gbt.accuracy! >= 0.9, `held-out accuracy: linear ${r.linear.accuracy}, gbt ${r.gbt.accuracy}`);
  assert.ok(r.linearTrain.loss! < 0.3, `training loss ${r.linearTrain.loss}`);
});

test('layerGradients: the RMS of each weight matrix and its gradient, as a plain loop computes them', () => {
  const model = mlp([6, 9, 4, 2]);
  const x = ax.randn([12, 6], { generator: new ax.Generator(2) });
  ax.sum(ax.square(model.forward(x) as ax.Tensor)).backward();
  const rms = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((s, a) => s + a * a, 0) / v.length);
  const layers = layerGradients(model);
  const weights = [...model.namedParameters()].filter(([, p]) => p.ndim >= 2);
  assert.equal(layers.length, 3);
  layers.forEach((l, i) => {
    const [name, p] = weights[i]!;
    assert.equal(l.name, name);
    assert.ok(closeEnough(l.gradRms, rms(p.grad!.data()), TOL.gradientRmsF32), `${name} grad ${l.gradRms} vs ${rms(p.grad!.data())}`);
    assert.ok(closeEnough(l.weightRms, rms(p.data()), TOL.gradientRmsF32), `${name} weight ${l.weightRms} vs ${rms(p.data())}`);
    assert.ok(l.gradRms > 0);
  });
});

test('layerGradients: float32 gradients near the ends of the range neither underflow nor overflow (tiny, huge, all zero)', () => {
  const model = mlp([3, 4, 2]);
  const x = ax.randn([5, 3], { generator: new ax.Generator(4) });
  ax.sum(model.forward(x) as ax.Tensor).backward();
  const weights = [...model.namedParameters()].filter(([, p]) => p.ndim >= 2);
  for (const scale of [1e-30, 1e30, 0]) {
    const want: number[] = [];
    for (const [, p] of weights) {
      const g = Array.from(p.grad!.data(), (v, i) => (i % 3 === 0 ? 0 : (v + Math.sign(v) * 0.5) * scale)); // (the squares of 1e±30 are outside float32)
      ax.noGrad(() => ax.assign(p.grad!, ax.tensor(g).reshape(p.shape)));
      const f32 = Float32Array.from(g);
      want.push(Math.sqrt(Array.from(f32).reduce((s, a) => s + a * a, 0) / f32.length));
    }
    layerGradients(model).forEach((l, i) => {
      if (scale === 0) assert.equal(l.gradRms, 0, `${l.name}: all-zero gradient`);
      else assert.ok(closeEnough(l.gradRms, want[i]!, TOL.gradientRmsF32), `${l.name} at scale ${scale}: ${l.gradRms} vs ${want[i]}`);
    });
  }
});

test('wide rows are projected through a window of their widest-spread columns, and no near pair outside it is lost', () => {
  const g = new ax.Generator(12);
  const n = 1500, m = 300, d = 600;
  const spread = (j: number): number => (j >= 200 && j < 350 ? 3 : 1); // the widest columns: 200–349
  const fill = (rows: number): Float32Array => Float32Array.from({ length: rows * d }, (_, q) => g.normal() * spread(q % d));
  const tr = fill(n);
  const ot = fill(m);
  const noisy = (src: number, dst: number, cols: (j: number) => boolean): void => {
    for (let j = 0; j < d; j++) ot[dst * d + j] = tr[src * d + j]! + (cols(j) ? 0.004 * spread(j) * g.normal() : 0);
  };
  noisy(5, 10, () => true); // near everywhere
  noisy(6, 11, (j) => j < 200); // near, differing only outside the window
  noisy(7, 12, (j) => j >= 200 && j < 350); // near, differing only inside it
  for (let j = 0; j < d; j++) ot[13 * d + j] = j >= 200 && j < 350 ? tr[8 * d + j]! : g.normal() * 5; // equal inside the window, far outside
  const xt = ax.tensor(Array.from(tr)).reshape(n, d);
  const xo = ax.tensor(Array.from(ot)).reshape(m, d);
  const mt = asMatrix(xt);
  const stats = columnStats(xt);
  const [a, b] = projectionWindow(stats.std);
  assert.deepEqual([a, b], [200, 350], 'the 150 widest consecutive columns');
  const r = findDuplicates(mt, asMatrix(xo), stats, xt, xo);
  assert.equal(r.exact, 0);
  assert.equal(r.near, 3);
  assert.deepEqual([...r.examples].sort((p, q) => p - q), [10, 11, 12]);
});

test('argsort orders by value with ties in index order, like a stable sort: float32 values (packed keys) and others', () => {
  const g = new ax.Generator(6);
  for (const n of [0, 1, 2, 7, 500, 3000]) {
    // float32 values: many ties, negatives, -0 and 0, tiny and huge magnitudes, ±Infinity
    const vals = Float64Array.from({ length: n }, () => Math.round(g.normal() * 3) / 2);
    if (n > 6) { vals[0] = -0; vals[1] = 0; vals[2] = 1e-40; vals[3] = -3e38; vals[4] = Infinity; vals[5] = -Infinity; }
    // the same with one value that is no float32 (the general path), and all of them off the float32 grid
    const mixed = Float64Array.from(vals);
    if (n > 6) mixed[6] = 0.1;
    const wide = Float64Array.from(vals, (v) => v + 1e-9 * g.normal());
    for (const [label, v] of [['float32', vals], ['mixed', mixed], ['float64', wide]] as const) {
      const ref = Array.from(v.keys()).sort((p, q) => (v[p]! < v[q]! ? -1 : v[p]! > v[q]! ? 1 : 0));
      assert.deepEqual(Array.from(argsort(v)), ref, `${label}, n = ${n}`);
    }
  }
});
