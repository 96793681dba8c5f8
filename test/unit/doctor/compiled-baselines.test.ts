// The baselines' hot loops compiled ahead (the wasm backend's DoctorKernels: boostTrees, forestScores,
// binColumns, binRows and softmaxRegression) give the JavaScript loops' answers on the same inputs: the same trees on odd
// shapes and all three losses, the same scores, the same logistic objective; and the baselines
// fitted with them score the same on real data; their table-free float64 exp and log are
// accurate to a few ulp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { boost, forestScores, type BoostLoss, type BoostRequest, type GbtKernels } from '../../../src/doctor/gbt.js';
import { hostObjective, type ObjectiveFor } from '../../../src/doctor/logistic.js';
import { linearBaseline, runBaselines } from '../../../src/doctor/baselines.js';
import { backendBaselineKernels, hasCompiledBaselines } from '../../../src/doctor/baseline-kernels.js';
import { asMatrix, readTargets } from '../../../src/doctor/matrix.js';

const wasm = ax.getBackend('wasm').doctor!;

test('the kernels\' float64 exp and log (assembly/math64.ts) are within 2 ulp of Math.exp and Math.log, special values included', () => {
  const { math64 } = (ax.getBackend('wasm') as unknown as { ex: { math64(op: number, x: number): number } }).ex;
  const ulps = (a: number, b: number): number => Math.abs(a - b) / (Math.abs(b) * Number.EPSILON);
  let worstExp = 0, worstLog = 0;
  for (let i = 0; i <= 20000; i++) {
    const x = -740 + (i / 20000) * 1449; // −740 … 709
    const want = Math.exp(x);
    if (want > 1e-300) worstExp = Math.max(worstExp, ulps(math64(0, x), want));
    const y = Math.exp((i / 20000) * 1400 - 700); // 1e-304 … 1e304, and around 1
    worstLog = Math.max(worstLog, Math.abs(math64(1, y) - Math.log(y)) / (Math.max(Math.abs(Math.log(y)), 1) * Number.EPSILON));
  }
  for (const x of [1 + 1e-12, 1 - 1e-12, 0.999, 1.001, Math.SQRT2, Math.SQRT1_2, 5e-324, 2.2e-308]) worstLog = Math.max(worstLog, ulps(math64(1, x), Math.log(x)));
  assert.ok(worstExp <= 2, `exp: ${worstExp.toFixed(2)} ulp`);
  assert.ok(worstLog <= 2, `log: ${worstLog.toFixed(2)} ulp`);
  assert.equal(math64(0, 0), 1);
  assert.equal(math64(0, 710), Infinity);
  assert.equal(math64(0, -746), 0);
  assert.ok(math64(0, -744) > 0, 'subnormal results');
  assert.ok(Number.isNaN(math64(0, NaN)));
  assert.equal(math64(1, 1), 0);
  assert.equal(math64(1, 0), -Infinity);
  assert.equal(math64(1, Infinity), Infinity);
  assert.ok(Number.isNaN(math64(1, -1)) && Number.isNaN(math64(1, NaN)));
});

/** Binned rows whose bins follow a hidden rule of the targets (so the trees split), seeded. */
function request(loss: BoostLoss, n: number, d: number, T: number, seed: number, depth = 3, bins = 32): BoostRequest {
  const g = new ax.Generator(seed);
  const X = Uint8Array.from({ length: n * d }, () => Math.floor(g.uniform() * bins));
  const labels = loss === 'squared' ? null : Int32Array.from({ length: n }, (_, i) => (X[i * d]! + (d > 1 ? X[i * d + 1]! : 0) + Math.floor(g.uniform() * 8)) % (loss === 'logistic' ? 2 : T));
  const values = loss === 'squared' ? Float64Array.from({ length: n }, (_, i) => X[i * d]! * 0.1 - (d > 2 ? X[i * d + 2]! * 0.05 : 0) + g.normal() * 0.2) : null;
  const init = Float64Array.from({ length: loss === 'softmax' ? T : 1 }, (_, k) => 0.1 * k - 0.05);
  return { X, n, d, loss, T: loss === 'softmax' ? T : 1, labels, values, init, rounds: 7, depth, learningRate: 0.25, lambda: 1, minChildWeight: 1, bins };
}

test('the compiled boosting loop grows the JavaScript loop\'s trees and scores rows the same: squared, logistic, softmax; odd shapes, one row, one feature, depth 1', () => {
  assert.ok(wasm.boostTrees && wasm.forestScores, 'the wasm backend has the kernels');
  assert.equal(ax.getBackend('ts').doctor, undefined, 'the reference backend runs the JavaScript');
  const cases: [BoostLoss, number, number, number, number, number?, number?][] = [
    ['squared', 257, 7, 1, 1], ['logistic', 333, 5, 1, 2], ['softmax', 301, 4, 3, 3], ['softmax', 150, 13, 5, 4, 2, 17],
    ['logistic', 1, 3, 1, 5], ['squared', 40, 1, 1, 6, 1, 2], ['logistic', 2, 1, 1, 7],
  ];
  for (const [loss, n, d, T, seed, depth, bins] of cases) {
    const req = request(loss, n, d, T, seed, depth, bins);
    const js = boost(req);
    const wa = wasm.boostTrees!(req);
    const what = `${loss} n=${n} d=${d} T=${T}`;
    assert.deepEqual([wa.trees, wa.T, wa.nodes], [js.trees, js.T, js.nodes], what);
    assert.deepEqual(wa.feature, js.feature, `${what}: split features`);
    assert.deepEqual(wa.bin, js.bin, `${what}: split bins`);
    assert.deepEqual([wa.left, wa.right], [js.left, js.right], `${what}: children`);
    for (let q = 0; q < js.value.length; q++) assert.ok(Math.abs(wa.value[q]! - js.value[q]!) <= 1e-12 * (1 + Math.abs(js.value[q]!)), `${what}: value[${q}] ${wa.value[q]} vs ${js.value[q]}`);
    if (loss === 'squared') assert.deepEqual(wa.value, js.value, `${what}: no exp, bit for bit`);
    assert.ok(js.feature.some((f) => f >= 0) || n < 20, `${what}: the trees split (the test means something)`);
    const held = request(loss, 61, d, T, seed + 100, depth, bins).X;
    const sj = forestScores(js, held, 61, d);
    const sw: Float64Array = wasm.forestScores!(js, held, 61, d);
    assert.deepEqual(sw, sj, `${what}: scores of new rows`);
    assert.equal(wasm.forestScores!(js, new Uint8Array(0), 0, d).length, 0, `${what}: no rows`);
  }
});

test('the compiled binning (binColumns, binRows) gives the JavaScript\'s bins: the same model and predictions on float32 rows with ties, −0, a constant column, a sample', () => {
  assert.ok(wasm.binColumns && wasm.binRows, 'the wasm backend has the kernels');
  const g = new ax.Generator(12);
  for (const [n, d, task] of [[3000, 7, 'classification'], [700, 3, 'regression'], [40, 1, 'classification']] as const) {
    const v = Float32Array.from({ length: n * d }, (_, q) => (q % d === 1 ? Math.round(g.normal() * 3) / 2 : q % d === 2 ? 4 : g.normal()));
    for (let i = 0; i < n; i += 9) v[i * d] = i % 2 ? -0 : 0;
    const y = task === 'classification' ? Int32Array.from({ length: n }, (_, i) => (v[i * d]! + (d > 1 ? v[i * d + 1]! : 0) > 0.3 ? 1 : 0)) : Float64Array.from({ length: n }, (_, i) => v[i * d]! * 2 + g.normal() * 0.1);
    const t = ax.fromArray(y, [n], task === 'classification' ? 'int32' : 'float64');
    const m = { values: v, n, d };
    const targets = readTargets(t, task);
    const held = { values: Float32Array.from({ length: 200 * d }, () => Math.round(g.normal() * 4) / 4), n: 200, d };
    const js = ax.fitGbt(m, targets).predict(held);
    let calls = 0;
    const kernels: GbtKernels = {
      binColumns: (values, dd, rows, bins) => { calls++; return wasm.binColumns!(values, dd, rows, bins); },
      binRows: (values, nn, dd, edges, bins) => { calls++; return wasm.binRows!(values, nn, dd, edges, bins); },
    };
    const compiled: Float64Array = ax.fitGbt(m, targets, {}, kernels).predict(held);
    assert.equal(calls, 2, 'both kernels ran');
    assert.deepEqual(compiled, js, `n=${n} d=${d} ${task}`);
  }
});

test('the compiled linear design (linearDesign) builds the JavaScript\'s standardized matrices bit for bit: a sample of rows, a constant column, odd widths', () => {
  assert.ok(wasm.linearDesign, 'the wasm backend has the kernel');
  const g = new ax.Generator(14);
  for (const [N, m, d] of [[4000, 333, 7], [200, 50, 1], [1501, 20, 13]] as const) {
    const train = Float32Array.from({ length: N * d }, (_, q) => (q % d === d - 1 && d > 1 ? 2.5 : g.normal() * (1 + (q % d)) + 100));
    const held = Float32Array.from({ length: m * d }, () => g.normal() * 3);
    const rows = Int32Array.from({ length: Math.min(N, 1500) }, (_, i) => Math.floor((i * N) / Math.min(N, 1500)));
    const got = wasm.linearDesign!(train, d, rows, held, m);
    // the JavaScript: linearBaseline's own path (a design through hostObjective's inputs), via a recording objective
    let seen = null as Float32Array | null;
    const record: ObjectiveFor = (X, labels, n, D, K, lambda) => { seen = X; return hostObjective(X, labels, n, D, K, lambda); };
    const y = Int32Array.from({ length: N }, (_, i) => i % 2);
    linearBaseline({ values: train, n: N, d }, { task: 'classification', labels: y, classes: 2, values: null, oneHot: false }, { values: held, n: m, d }, { task: 'classification', labels: new Int32Array(m), classes: 2, values: null, oneHot: false }, { objective: record });
    assert.deepEqual(got.Xt, seen, `N=${N} d=${d}: training design`);
    assert.equal(got.Xh.length, m * (d + 1));
    assert.ok(got.Xt.every(Number.isFinite) && got.Xh.every(Number.isFinite));
    if (d > 1) assert.ok(got.Xh.every((v, q) => q % (d + 1) !== d || v === 0), 'the constant column standardizes to 0');
  }
});

test('fitGbt refuses an empty matrix and options outside what its byte bins and trees hold, naming them', () => {
  const t = readTargets(ax.tensor([0, 1], { dtype: 'int32' }), 'classification');
  assert.throws(() => ax.fitGbt({ values: new Float32Array(0), n: 0, d: 3 }, t), (e: Error) => e instanceof ax.ValueError && /fitGbt.*no training rows/.test(e.message));
  assert.throws(() => ax.fitGbt({ values: new Float32Array(4), n: 2, d: 2 }, t, { bins: 300 }), (e: Error) => e instanceof ax.ValueError && /bins 300/.test(e.message));
});

test('the compiled logistic objective equals hostObjective (float64) on iris and on an odd shape', async () => {
  assert.ok(wasm.softmaxRegression, 'the wasm backend has the kernel');
  const iris = await ax.loadIris({ seed: 0 });
  const g = new ax.Generator(9);
  const cases: [Float32Array, Int32Array, number, number, number][] = [
    [Float32Array.from(iris.x.data()), Int32Array.from(iris.y.data()), 150, 4, 3],
    [Float32Array.from({ length: 37 * 11 }, () => g.normal() * 3), Int32Array.from({ length: 37 }, () => Math.floor(g.uniform() * 2)), 37, 11, 2],
    [Float32Array.from({ length: 5 }, () => g.normal()), Int32Array.from([6]), 1, 5, 7],
  ];
  for (const [X, labels, n, D, K] of cases) {
    const W = Float64Array.from({ length: D * K }, () => g.normal());
    const lambda = 1 / n;
    const h = hostObjective(X, labels, n, D, K, lambda)(W);
    const obj = backendBaselineKernels().objective!(X, labels, n, D, K, lambda);
    const c = obj(W);
    assert.deepEqual(obj(W), c, 'the same W again (the rows stay in wasm memory between evaluations)');
    obj.release!();
    assert.throws(() => obj(W), (e: Error) => e instanceof ax.UseAfterFreeError && /released/.test(e.message));
    assert.ok(Math.abs(c.f - h.f) <= 1e-13 * (1 + Math.abs(h.f)), `n=${n} D=${D} K=${K}: loss ${c.f} vs ${h.f}`);
    for (let q = 0; q < D * K; q++) assert.ok(Math.abs(c.g[q]! - h.g[q]!) <= 1e-13 * (1 + Math.abs(h.g[q]!)), `gradient[${q}] ${c.g[q]} vs ${h.g[q]}`);
  }
});

test('the baselines fitted with the compiled kernels score as with the JavaScript: iris (3 classes), binary and regression rows', async () => {
  assert.ok(hasCompiledBaselines(), 'the default backend compiles the baselines');
  const iris = await ax.loadIris({ seed: 0 });
  const g = new ax.Generator(2);
  const x = ax.randn([1500, 9], { generator: g }); // (1500, 9)
  const w = ax.randn([9, 1], { generator: g });
  const v = ax.add(ax.matmul(x, w).reshape(1500), ax.mul(ax.randn([1500], { generator: g }), 0.3)); // (1500)
  const yb = ax.cast(ax.gt(v, 0), 'int32'); // (1500)
  const sets: [ax.Tensor, ax.Tensor, 'classification' | 'regression', number][] = [[iris.x, iris.y, 'classification', 120], [x, yb, 'classification', 1200], [x, v, 'regression', 1200]];
  for (const [X, y, task, cut] of sets) {
    const n = X.shape[0]!;
    const tr = asMatrix(ax.slice(X, [[0, cut]])), te = asMatrix(ax.slice(X, [[cut, n]]));
    const tTr = readTargets(ax.slice(y, [[0, cut]]), task), tTe = readTargets(ax.slice(y, [[cut, n]]), task);
    const js = runBaselines(tr, tTr, te, tTe);
    const compiled = runBaselines(tr, tTr, te, tTe, backendBaselineKernels());
    for (const part of ['linear', 'linearTrain', 'gbt'] as const) {
      for (const [k, a] of Object.entries(js[part])) {
        const b = (compiled[part] as Record<string, number | undefined>)[k];
        assert.ok(a === undefined ? b === undefined : Math.abs(b! - a) <= 1e-9 * (1 + Math.abs(a)), `${task} ${part}.${k}: ${b} vs ${a}`);
      }
    }
    assert.ok(task === 'regression' ? js.gbt.r2! > 0.5 : js.gbt.accuracy! > 0.8, `${task}: the GBT learned something (${JSON.stringify(js.gbt)})`);
  }
});

test('diagnoseData finds the same on the wasm backend (compiled kernels) as on the reference backend (the JavaScript): leak, duplicates, imbalance, baselines', () => {
  const g = new ax.Generator(31);
  const n = 3000, m = 600, d = 8;
  const v = new Float32Array((n + m) * d);
  const y = new Int32Array(n + m);
  for (let i = 0; i < n + m; i++) {
    y[i] = g.uniform() < 0.9 ? 0 : 1; // 9:1 imbalance
    for (let j = 0; j < d; j++) v[i * d + j] = j === 0 ? y[i]! * 2 + g.normal() * 0.05 : j === 1 ? 7 : g.normal() * (j + 1) + (j === 2 ? y[i]! : 0);
  }
  for (let i = 0; i < 40; i++) { // validation rows that repeat training rows: exactly, or nearly
    const src = i * 37;
    for (let j = 0; j < d; j++) v[(n + i) * d + j] = v[src * d + j]! + (i % 2 && j > 1 ? 1e-4 : 0);
    y[n + i] = y[src]!;
  }
  const names = Array.from({ length: d }, (_, j) => `f${j}`);
  const run = (backend: string): ax.DataDiagnosis => {
    const b = ax.getBackend(backend);
    const split = (a: number, e: number): { x: ax.Tensor; y: ax.Tensor } => ({ x: ax.fromArray(v.slice(a * d, e * d), [e - a, d], 'float32', b), y: ax.fromArray(y.slice(a, e), [e - a], 'int32', b) });
    const before = ax.getBackend();
    ax.setBackend(backend);
    try {
      return ax.diagnoseData({ train: split(0, n), validation: split(n, n + m), featureNames: names, loss: 'crossEntropy' });
    } finally {
      ax.setBackend(before.name);
    }
  };
  const compiled = run('wasm');
  const reference = run('ts');
  const brief = (r: ax.DataDiagnosis): string[] => r.findings.map((f) => `${f.severity} ${f.id}`).sort();
  assert.deepEqual(brief(compiled), brief(reference));
  for (const id of ['feature-leak', 'duplicates-train-validation', 'class-imbalance']) assert.ok(compiled.findings.some((f) => f.id === id), `${id} found (the test covers it)`);
  assert.ok(compiled.baselines && reference.baselines, 'both fitted the baselines');
  for (const part of ['linear', 'linearTrain', 'gbt'] as const) {
    for (const [k, a] of Object.entries(reference.baselines[part])) {
      const b = (compiled.baselines[part] as Record<string, number>)[k]!;
      assert.ok(Math.abs(b - a) <= 1e-9 * (1 + Math.abs(a)), `baselines ${part}.${k}: ${b} vs ${a}`);
    }
  }
  for (const f of compiled.findings) {
    const r = reference.findings.find((q) => q.id === f.id)!;
    for (const [k, a] of Object.entries(r.evidence)) {
      const b = f.evidence[k];
      assert.ok(typeof a === 'number' ? Math.abs((b as number) - a) <= 1e-9 * (1 + Math.abs(a)) : b === a, `${f.id}.${k}: ${b} vs ${a}`);
    }
  }
});
