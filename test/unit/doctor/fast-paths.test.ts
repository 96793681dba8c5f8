// The doctor's cheap paths give the same answers as the plain ones: column statistics via backend
// min/max + a blocked host pass equal the full scan (NaN/Inf counts, constant columns, rare
// values included), and from a row sample keep every exact part exact; the two-stage
// exact-duplicate search (projection key, then full rows) finds copies among rows that differ
// only in their low-spread columns; the typed-array hash table maps keys like a Map; L-BFGS
// minimizes the logistic objective (whose gradient finite differences confirm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { tensorColumnStats } from '../../../src/doctor/column-stats.js';
import { findDuplicates, projectionWindow } from '../../../src/doctor/duplicates.js';
import { IntTable } from '../../../src/doctor/int-table.js';
import { hostObjective, lbfgs } from '../../../src/doctor/logistic.js';
import { argsort, singleFeatureScores } from '../../../src/doctor/leakage.js';
import { asMatrix, columnStats, readTargets } from '../../../src/doctor/matrix.js';
import { linearBaseline } from '../../../src/doctor/baselines.js';

test('tensorColumnStats equals columnStats: NaN/Inf counts, constant columns, a value in one row only', () => {
  const g = new ax.Generator(3);
  const n = 3001, d = 40;
  const v = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) v[i * d + j] = j === 1 ? 7.5 : j === 2 ? (i === 1777 ? 1 : 0) : g.normal() * (j + 1) + j;
  v[5 * d + 3] = NaN;
  v[9 * d + 3] = NaN;
  v[100 * d + 4] = Infinity;
  v[2000 * d + 5] = -Infinity;
  const x = ax.tensor(Array.from(v)).reshape(n, d);
  const m = asMatrix(x);
  const fast = tensorColumnStats(x, m);
  const full = columnStats(m);
  assert.deepEqual(Array.from(fast.nonFinite), Array.from(full.nonFinite));
  assert.deepEqual(Array.from(fast.nonFinite.slice(0, 7)), [0, 0, 0, 2, 1, 1, 0]);
  assert.deepEqual(Array.from(fast.min), Array.from(full.min));
  assert.deepEqual(Array.from(fast.max), Array.from(full.max));
  assert.equal(fast.std[1], 0); // constant 7.5
  assert.equal(fast.mean[1], 7.5);
  assert.ok(Math.abs(fast.std[2]! - Math.sqrt(1 / n - 1 / n ** 2)) < 1e-12, `${fast.std[2]}`); // nonzero in one row of 3001
  for (let j = 0; j < d; j++) {
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
  const r = findDuplicates(mt, asMatrix(xo), tensorColumnStats(xt, mt), xt, xo);
  assert.equal(r.exact, 2);
  assert.equal(r.near, 0);
  assert.deepEqual(r.examples, [20, 250]);
  assert.ok(Math.abs(r.withinTrainRate - 2 / n) < 1e-15, `${r.withinTrainRate}`);
});

test('IntTable: set/get over colliding keys, missing keys give the default', () => {
  const t = new IntTable(1000);
  const ref = new Map<number, number>();
  const g = new ax.Generator(9);
  for (let i = 0; i < 1000; i++) {
    const k = g.int(0, 5000) * 16; // many keys land in nearby slots
    t.set(k, i);
    ref.set(k, i);
  }
  for (let k = 0; k < 80000; k += 16) assert.equal(t.get(k), ref.get(k) ?? -1, `key ${k}`);
  assert.equal(t.get(3, 0), 0);
});

test('sampled column statistics: min, max, NaN/Inf counts and constant columns stay exact; std is estimated; a rarely varying column keeps a positive std', () => {
  const g = new ax.Generator(7);
  const n = 9000, d = 12;
  const v = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) v[i * d + j] = j === 1 ? 3 : j === 2 ? (i === 4321 ? 5 : 0) : g.normal() * (j + 1) + 10 * j;
  v[77 * d + 3] = NaN;
  v[8000 * d + 4] = -Infinity;
  const x = ax.tensor(Array.from(v)).reshape(n, d);
  const m = asMatrix(x);
  const full = columnStats(m);
  const s = tensorColumnStats(x, m, { sampleRows: 1024 });
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

test('the ridge baseline (host normal equations) recovers a noisy linear rule: held-out error at the noise level', () => {
  const g = new ax.Generator(3);
  const x = ax.randn([3000, 7], { generator: g }); // (3000, 7)
  const w = ax.tensor([[1], [2], [-3], [0.5], [0], [4], [-1]]); // (7, 1)
  const y = ax.add(ax.add(ax.matmul(x, w).reshape(-1), 5), ax.mul(ax.randn([3000], { generator: g }), 0.1)); // (3000): intercept 5, noise σ 0.1
  const part = (t: ax.Tensor, a: number, b: number): ax.Tensor => ax.slice(t, [[a, b]]);
  const r = linearBaseline(asMatrix(part(x, 0, 2500)), readTargets(part(y, 0, 2500)), asMatrix(part(x, 2500, 3000)), readTargets(part(y, 2500, 3000)));
  assert.ok(r.held.mse! > 0.005 && r.held.mse! < 0.02, `held-out MSE ${r.held.mse} (noise variance 0.01)`);
  assert.ok(r.held.r2! > 0.999 && r.train.r2! > 0.999, `R² ${r.held.r2}, ${r.train.r2}`);
});

test('the logistic objective\'s gradient agrees with finite differences, and L-BFGS reaches its minimum', async () => {
  const d = await ax.loadIris({ seed: 0 });
  const n = d.x.shape[0]!;
  const D = 5, K = 3;
  const xv = d.x.data();
  const st = columnStats(asMatrix(d.x));
  const X = new Float32Array(n * D);
  for (let i = 0; i < n; i++) { X[i * D] = 1; for (let j = 0; j < 4; j++) X[i * D + j + 1] = (xv[i * 4 + j]! - st.mean[j]!) / st.std[j]!; } // standardized, as the baseline does
  const labels = Int32Array.from(d.y.data());
  const host = hostObjective(X, labels, n, D, K, 1 / n);
  const g = new ax.Generator(4);
  const W = Float64Array.from({ length: D * K }, () => g.normal());
  const h = host(W);
  // finite differences agree with the host gradient
  for (const q of [0, 4, 11]) {
    const e = 1e-6;
    const Wp = W.slice(); Wp[q] += e;
    const Wm = W.slice(); Wm[q] -= e;
    assert.ok(Math.abs((host(Wp).f - host(Wm).f) / (2 * e) - h.g[q]!) < 1e-6, `d/dW[${q}]`);
  }
  // the minimum: a vanishing gradient, the classes predicted
  const Wmin = lbfgs(host, D * K);
  const at = host(Wmin);
  assert.ok(at.g.every((v) => Math.abs(v) < 1e-5), `gradient at the minimum: ${Math.max(...at.g.map(Math.abs))}`);
  assert.ok(at.f < 0.3 && at.f < h.f, `loss at the minimum ${at.f} (cross-entropy plus the C = 1 penalty)`);
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
  const stats = columnStats(mt);
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

test('the compiled near-duplicate search (wasm DoctorKernels.nearRows) gives the JavaScript search\'s answers: odd widths, coarse data with crowded buckets, exact twins, empty splits', () => {
  const wasm = ax.getBackend('wasm').doctor!;
  assert.ok(wasm.nearRows, 'the wasm backend has the kernel');
  assert.equal(ax.getBackend('ts').doctor, undefined, 'the reference backend runs the JavaScript search');
  const kernel = wasm.nearRows.bind(wasm);
  let calls = 0;
  const g = new ax.Generator(21);
  const cases: { name: string; n: number; m: number; d: number; value: () => number }[] = [
    { name: 'continuous, d = 7 (more rows than one kernel call takes)', n: 900, m: 1100, d: 7, value: () => g.normal() },
    { name: 'coarse (crowded buckets), d = 3', n: 1200, m: 300, d: 3, value: () => Math.round(g.normal() * 2) / 2 },
    { name: 'wide, d = 301 (a window)', n: 400, m: 120, d: 301, value: () => g.normal() * 3 },
    { name: 'one row each, d = 1', n: 1, m: 1, d: 1, value: () => g.normal() },
    { name: 'no other rows', n: 50, m: 0, d: 5, value: () => g.normal() },
  ];
  try {
    for (const c of cases) {
      const tr = Float32Array.from({ length: c.n * c.d }, c.value);
      const ot = Float32Array.from({ length: c.m * c.d }, c.value);
      for (let i = 0; i < Math.min(c.m, 40); i++) { // exact twins, near copies and far rows
        const src = (i * 7) % c.n;
        for (let j = 0; j < c.d; j++) ot[i * c.d + j] = tr[src * c.d + j]! + (i % 3 === 0 ? 0 : i % 3 === 1 ? 0.003 * g.normal() : 0.5 * g.normal());
      }
      const xt = ax.fromArray(tr, [c.n, c.d], 'float32', ax.getBackend('wasm'));
      const xo = ax.fromArray(ot, [c.m, c.d], 'float32', ax.getBackend('wasm'));
      const mt = asMatrix(xt);
      const run = (): unknown => findDuplicates(mt, asMatrix(xo), tensorColumnStats(xt, mt), xt, xo);
      wasm.nearRows = (r) => { calls++; return kernel(r); };
      const viaKernel = run();
      wasm.nearRows = undefined; // the same inputs through the JavaScript loops
      const viaJs = run();
      assert.deepEqual(viaKernel, viaJs, c.name);
      if (c.m >= 40) assert.ok((viaJs as { near: number }).near > 0 && (viaJs as { exact: number }).exact > 0, `${c.name}: the case has near and exact rows`);
    }
  } finally {
    delete (wasm as { nearRows?: unknown }).nearRows; // back to the class's method
  }
  assert.equal(calls, 3, 'the kernel ran in every case with rows to check and a varying column');
  assert.equal(typeof wasm.nearRows, 'function', 'the method is back');
});

test('the compiled column statistics (wasm DoctorKernels.columnStats) equal the backend reductions + host sums: odd widths, NaN/±Inf/−0, every row or a sample', () => {
  const wasm = ax.getBackend('wasm').doctor!;
  assert.ok(wasm.columnStats, 'the wasm backend has the kernel');
  const g = new ax.Generator(33);
  let calls = 0;
  const kernel = wasm.columnStats.bind(wasm);
  const cases: { n: number; d: number; sample?: number; odd?: boolean }[] = [
    { n: 1031, d: 7 }, { n: 1031, d: 7, sample: 100 }, { n: 1024, d: 4, sample: 1024 }, { n: 3001, d: 9, sample: 1024, odd: true },
    { n: 2047, d: 1, sample: 63, odd: true }, { n: 1500, d: 130, sample: 512 },
  ];
  try {
    for (const c of cases) {
      const v = Float32Array.from({ length: c.n * c.d }, (_, q) => (q % c.d === 0 ? 3.25 : g.normal() * (1 + (q % c.d)) + (q % c.d)));
      if (c.odd) {
        v[5 * c.d] = NaN; v[17 * c.d + c.d - 1] = Infinity; v[c.n * c.d - 1] = -Infinity; v[9 * c.d] = -0;
        v[(c.n - 3) * c.d] = -7; // a value in one row only, likely outside the sample
      }
      const x = ax.fromArray(v, [c.n, c.d], 'float32', ax.getBackend('wasm'));
      const m = asMatrix(x);
      const opts = c.sample === undefined ? {} : { sampleRows: c.sample };
      wasm.columnStats = (...a) => { calls++; return kernel(...a); };
      const viaKernel = tensorColumnStats(x, m, opts);
      wasm.columnStats = undefined; // the same rows through the two reductions and the host sums
      const viaJs = tensorColumnStats(x, m, opts);
      assert.deepEqual(viaKernel, viaJs, `n=${c.n} d=${c.d} sample=${c.sample}`);
    }
  } finally {
    delete (wasm as { columnStats?: unknown }).columnStats;
  }
  assert.equal(calls, cases.length);
  assert.equal(typeof wasm.columnStats, 'function', 'the method is back');
});

test('the compiled projection (wasm DoctorKernels.projectRows) matches the GEMM projection and gives the same duplicate findings: windows, odd widths, exact twins, near copies', () => {
  const wasm = ax.getBackend('wasm').doctor!;
  assert.ok(wasm.projectRows, 'the wasm backend has the kernel');
  const g = new ax.Generator(44);
  // direct: the window a … a + w of rows projected on r, against a matmul of the sliced rows
  const n = 37, d = 301, a = 50, w = 130, k = 13;
  const xs = Float32Array.from({ length: n * d }, () => g.normal() * 2);
  const r = Float32Array.from({ length: w * k }, () => (g.uniform() < 0.5 ? -1 : 1) / (0.5 + g.uniform()));
  const x = ax.fromArray(xs, [n, d], 'float32', ax.getBackend('wasm'));
  const got = wasm.projectRows(x.storage, n, d, a, w, r, k)!;
  const want = ax.matmul(ax.slice(x, [null, [a, a + w]]), ax.fromArray(r, [w, k], 'float32', ax.getBackend('wasm'))).data();
  for (let q = 0; q < n * k; q++) assert.ok(Math.abs(got.p[q]! - want[q]!) <= 1e-4 * (1 + Math.abs(want[q]!)), `p[${q}] ${got.p[q]} vs ${want[q]}`);
  const twin = ax.fromArray(xs.slice(5 * d, 6 * d), [1, d], 'float32', ax.getBackend('wasm'));
  const t = wasm.projectRows(twin.storage, 1, d, a, w, r, k)!;
  assert.deepEqual([...t.p], [...got.p.slice(5 * k, 6 * k)], 'a twin row projects bit for bit alike');
  assert.equal(t.keys[0], got.keys[5], 'and gets the same key');
  assert.equal(new Set(got.keys).size, n, 'distinct rows, distinct keys');
  assert.ok(got.keys.every((v) => v >= 0 && v < 2 ** 30), '30-bit keys');
  assert.equal(wasm.projectRows(x.storage, n, d, 200, 130, r, k), null, 'a window past the row: no kernel');
  // end to end: findDuplicates with and without the kernel
  const cases = [{ n: 900, m: 250, d: 7 }, { n: 400, m: 120, d: 301 }, { n: 600, m: 150, d: 784 }];
  try {
    for (const c of cases) {
      const tr = Float32Array.from({ length: c.n * c.d }, () => g.normal());
      const ot = Float32Array.from({ length: c.m * c.d }, () => g.normal());
      for (let i = 0; i < 45; i++) {
        const src = (i * 11) % c.n;
        for (let j = 0; j < c.d; j++) ot[i * c.d + j] = tr[src * c.d + j]! + (i % 3 === 0 ? 0 : i % 3 === 1 ? 0.003 * g.normal() : 0.5 * g.normal());
      }
      const xt = ax.fromArray(tr, [c.n, c.d], 'float32', ax.getBackend('wasm'));
      const xo = ax.fromArray(ot, [c.m, c.d], 'float32', ax.getBackend('wasm'));
      const mt = asMatrix(xt);
      const run = (): { exact: number; near: number } => findDuplicates(mt, asMatrix(xo), tensorColumnStats(xt, mt), xt, xo);
      const viaKernel = run();
      wasm.projectRows = undefined; // the GEMM projection and the JavaScript keys
      const viaGemm = run();
      delete (wasm as { projectRows?: unknown }).projectRows;
      assert.deepEqual(viaKernel, viaGemm, `n=${c.n} m=${c.m} d=${c.d}`);
      assert.equal(viaKernel.exact, 15, `d=${c.d}: every exact twin found`);
      assert.equal(viaKernel.near, 15, `d=${c.d}: every near copy found`);
    }
  } finally {
    delete (wasm as { projectRows?: unknown }).projectRows;
  }
  assert.equal(typeof wasm.projectRows, 'function', 'the method is back');
});

test('the compiled leak check (wasm DoctorKernels.leakNearest) counts as the JavaScript: ties of values and of distances, −0, a leaking column, odd sizes', () => {
  const wasm = ax.getBackend('wasm').doctor!;
  assert.ok(wasm.leakNearest, 'the wasm backend has the kernel');
  const g = new ax.Generator(55);
  for (const [n, m, d, C] of [[1500, 700, 6, 2], [333, 91, 3, 5], [12, 10, 2, 3]] as const) {
    const y = Int32Array.from({ length: n + m }, () => Math.floor(g.uniform() * C));
    const v = new Float32Array((n + m) * d);
    for (let i = 0; i < n + m; i++) {
      v[i * d] = y[i]! * 3 + g.normal() * 0.1; // leaks the label
      v[i * d + 1] = Math.round(g.normal() * 40) / 4; // coarse: many equal values and equal distances
      for (let j = 2; j < d; j++) v[i * d + j] = j === 2 && i % 7 === 0 ? (i % 2 ? -0 : 0) : g.normal() * j;
    }
    const split = (a: number, b: number): { x: ax.Tensor; y: ax.Tensor } => ({ x: ax.fromArray(v.slice(a * d, b * d), [b - a, d], 'float32', ax.getBackend('wasm')), y: ax.fromArray(y.slice(a, b), [b - a], 'int32', ax.getBackend('wasm')) });
    const tr = split(0, n), he = split(n, n + m);
    const args = [asMatrix(tr.x), readTargets(tr.y), asMatrix(he.x), readTargets(he.y)] as const;
    let calls = 0;
    const viaKernel = singleFeatureScores(...args, (r) => { calls++; return wasm.leakNearest!(r); });
    const viaJs = singleFeatureScores(...args);
    assert.equal(calls, n > 64 ? 1 : 0, 'the continuous columns went to the kernel (≤ 64 distinct values: the binned path)');
    assert.deepEqual(viaKernel, viaJs, `n=${n} m=${m} d=${d}`);
    if (n > 64) assert.ok(viaJs.find((s) => s.feature === 0)!.score > 0.99, 'the leaking column scores');
  }
});

test('the compiled shared-key count (wasm DoctorKernels.sharedKeys) flags exactly the keys that occur twice or more', () => {
  const wasm = ax.getBackend('wasm').doctor!;
  assert.ok(wasm.sharedKeys, 'the wasm backend has the kernel');
  const g = new ax.Generator(66);
  for (const n of [0, 1, 2, 7, 1000, 4097]) {
    const keys = Int32Array.from({ length: n }, () => Math.floor(g.uniform() * (n < 10 ? 3 : 2 ** 30 - 1)));
    for (let i = 5; i < n; i += 97) keys[i] = keys[i - 5]!; // repeats among otherwise unique keys
    const count = new Map<number, number>();
    for (const k of keys) count.set(k, (count.get(k) ?? 0) + 1);
    const want = Uint8Array.from(keys, (k) => (count.get(k)! >= 2 ? 1 : 0));
    assert.deepEqual(wasm.sharedKeys(keys), want, `n=${n}`);
    if (n > 100) assert.ok(want.some((v) => v === 1) && want.some((v) => v === 0), 'both kinds present');
  }
});

test('the compiled sum of squares (wasm DoctorKernels.sumSquares, for gradient RMS) equals the float64 host sum up to rounding', () => {
  const wasm = ax.getBackend('wasm');
  const g = new ax.Generator(77);
  for (const n of [1, 3, 17, 1000, 200_003]) {
    const v = Float32Array.from({ length: n }, () => g.normal() * 1e3);
    let want = 0;
    for (let i = 0; i < n; i++) want += v[i]! * v[i]!;
    const got = wasm.doctor!.sumSquares!(ax.fromArray(v, [n], 'float32', wasm).storage)!;
    assert.ok(Math.abs(got - want) <= 1e-13 * want, `n=${n}: ${got} vs ${want}`);
  }
  assert.equal(wasm.doctor!.sumSquares!(ax.fromArray(new Float64Array(3), [3], 'float64', wasm).storage), null, 'float64: no kernel');
});

test('the compiled projection and near-duplicate search give the same answers on 1 and 2 threads (the pool cuts the rows) and as the JavaScript search', () => {
  const backend = ax.getBackend('wasm');
  const wasm = backend.doctor!;
  const g = new ax.Generator(55);
  const before = ax.getNumThreads();
  // odd row counts past two blocks of 512 rows, so that the pool takes part; a narrow and a windowed width
  const cases = [{ n: 3001, m: 2503, d: 33 }, { n: 1537, m: 1031, d: 301 }];
  try {
    for (const c of cases) {
      const tr = Float32Array.from({ length: c.n * c.d }, () => g.normal());
      const ot = Float32Array.from({ length: c.m * c.d }, () => g.normal());
      for (let i = 0; i < c.m; i += 7) { // exact twins, near copies and far rows all along the split
        const src = (i * 13) % c.n;
        for (let j = 0; j < c.d; j++) ot[i * c.d + j] = tr[src * c.d + j]! + (i % 3 === 0 ? 0 : i % 3 === 1 ? 0.003 * g.normal() : 0.5 * g.normal());
      }
      const xt = ax.fromArray(tr, [c.n, c.d], 'float32', backend);
      const xo = ax.fromArray(ot, [c.m, c.d], 'float32', backend);
      const mt = asMatrix(xt);
      const r = Float32Array.from({ length: c.d * 12 }, () => (g.uniform() < 0.5 ? -1 : 1));
      const run = (): unknown => [wasm.projectRows!(xt.storage, c.n, c.d, 0, c.d, r, 12), findDuplicates(mt, asMatrix(xo), tensorColumnStats(xt, mt), xt, xo)];
      ax.setNumThreads(1);
      const one = run();
      ax.setNumThreads(2);
      assert.equal((backend as unknown as { warmUp(): number }).warmUp(), 2, 'two threads ready');
      const two = run();
      assert.deepEqual(two, one, `n=${c.n} m=${c.m} d=${c.d}: 1 and 2 threads`);
      const found = (one as [unknown, { exact: number; near: number }])[1];
      assert.ok(found.exact >= 40 && found.near >= 40, `n=${c.n}: exact and near copies in every block (${found.exact}, ${found.near})`);
      wasm.nearRows = undefined;
      wasm.projectRows = undefined; // the GEMM projection and the JavaScript search
      try {
        assert.deepEqual(findDuplicates(mt, asMatrix(xo), tensorColumnStats(xt, mt), xt, xo), found, `n=${c.n}: the JavaScript search`);
      } finally {
        delete (wasm as { nearRows?: unknown }).nearRows;
        delete (wasm as { projectRows?: unknown }).projectRows;
      }
    }
  } finally {
    ax.setNumThreads(before);
  }
});
