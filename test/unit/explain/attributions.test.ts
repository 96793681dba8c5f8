// Gradient attributions on small float64 models: closed forms on a linear model, integrated
// gradients' completeness, Grad-CAM's closed form before a global average pool, typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { assertClose } from '../../helpers.js';
import { TOL } from '../../tolerances.js';
import { quadrature } from '../../../src/explain/quadrature.js';

const f64 = { dtype: 'float64' as const };

function linearModel(): { model: ax.Linear; W: Float64Array; M: number; C: number } {
  ax.manualSeed(11);
  const model = new ax.Linear(5, 3, f64);
  return { model, W: Float64Array.from(model.weight.data()), M: 5, C: 3 };
}

/** Row i of a (N, M) expectation built by fn(i, j). */
const table = (N: number, M: number, fn: (i: number, j: number) => number): { shape: number[]; data: number[] } =>
  ({ shape: [N, M], data: Array.from({ length: N * M }, (_, k) => fn(Math.floor(k / M), k % M)) });

test('on a linear model every gradient method has its closed form (per-row targets)', async () => {
  const { model, W, M } = linearModel();
  const x = ax.randn([4, M], f64);
  const xs = x.data();
  const target = [2, 0, 1, 2];
  const w = (i: number, j: number): number => W[target[i]! * M + j]!;
  await assertClose(ax.saliency(model, x, { target }), table(4, M, (i, j) => Math.abs(w(i, j))), TOL.fixtureF64, 'saliency = |W[t]|');
  await assertClose(ax.saliency(model, x, { target, abs: false }), table(4, M, w), TOL.fixtureF64, 'gradient = W[t]');
  await assertClose(ax.inputXGradient(model, x, { target }), table(4, M, (i, j) => xs[i * M + j]! * w(i, j)), TOL.fixtureF64, 'input × gradient = x ⊙ W[t]');
  // The gradient of a linear model is the same at every noisy point: SmoothGrad changes nothing.
  await assertClose(ax.smoothGrad(model, x, { target, samples: 7, attribution: 'gradient', generator: new ax.Generator(1) }), table(4, M, w), TOL.fixtureF64, 'smoothGrad(gradient) = W[t]');
  await assertClose(ax.smoothGrad(model, x, { target, samples: 7, type: 'vargrad', attribution: 'gradient' }), table(4, M, () => 0), TOL.fixtureF64, 'vargrad of a constant gradient = 0');
  const b = ax.randn([M], f64);
  const bs = b.data();
  for (const method of ['gaussLegendre', 'riemannLeft', 'riemannRight', 'riemannMiddle'] as const) {
    const { attributions, delta } = ax.integratedGradients(model, x, { target, baseline: b, steps: 5, method });
    await assertClose(attributions, table(4, M, (i, j) => (xs[i * M + j]! - bs[j]!) * w(i, j)), TOL.fixtureF64, `IG ${method} = (x − x′) ⊙ W[t]`);
    await assertClose(delta, { shape: [4], data: [0, 0, 0, 0] }, { rtol: 0, atol: 1e-12 }, `IG ${method} delta`);
  }
  // Captum's trapezoid weights are 1/n halved at both ends: they sum to 1 − 1/n, so even a linear
  // model keeps a delta of −(f(x) − f(x′))/n. The same definition, so the same (visible) bias.
  const n = 5;
  const { attributions, delta } = ax.integratedGradients(model, x, { target, baseline: b, steps: n, method: 'riemannTrapezoid' });
  await assertClose(attributions, table(4, M, (i, j) => (1 - 1 / n) * (xs[i * M + j]! - bs[j]!) * w(i, j)), TOL.fixtureF64, 'IG trapezoid on a linear model');
  const gap = Array.from({ length: 4 }, (_, i) => Array.from({ length: M }, (_, j) => (xs[i * M + j]! - bs[j]!) * w(i, j)).reduce((a, c) => a + c, 0));
  await assertClose(delta, { shape: [4], data: gap.map((g) => -g / n) }, TOL.fixtureF64, 'trapezoid delta = −Δf/n');
});

function mlp(inF: number, hidden: number, out: number, seed: number): ax.Sequential {
  ax.manualSeed(seed);
  return new ax.Sequential(new ax.Linear(inF, hidden, f64), new ax.Tanh(), new ax.Linear(hidden, hidden, f64), new ax.Softplus(), new ax.Linear(hidden, out, f64));
}

test('integrated gradients is complete: |Σ attributions − (f(x) − f(x′))| ≤ 1e-3 relative, and the delta is what it says', async () => {
  for (const seed of [1, 2, 3]) {
    const model = mlp(6, 16, 4, seed);
    const x = ax.mul(ax.randn([5, 6], f64), 2);
    const baseline = ax.randn([5, 6], f64); // one baseline per row
    const target = ax.tensor([0, 3, 1, 2, 3], { dtype: 'int32' });
    const fx = ax.gather(model.forward(x), 1, ax.reshape(target, [5, 1])).data();
    const fb = ax.gather(model.forward(baseline), 1, ax.reshape(target, [5, 1])).data();
    for (const [method, steps] of [['gaussLegendre', 32], ['riemannMiddle', 300]] as const) { // (trapezoid's 1/n bias: see the linear test)
      const { attributions, delta } = ax.integratedGradients(model, x, { target, baseline, steps, method, internalBatchSize: 5 * 64 });
      const sums = ax.sum(attributions, { dim: 1 }).data();
      const d = delta.data();
      for (let i = 0; i < 5; i++) {
        const gap = fx[i]! - fb[i]!;
        assert.ok(Math.abs(d[i]! - (sums[i]! - gap)) <= 1e-12 * (1 + Math.abs(gap)), `delta reports Σ attr − Δf (row ${i})`);
        assert.ok(Math.abs(d[i]!) <= 1e-3 * Math.abs(gap) + 1e-9, `seed ${seed} ${method} ${steps} steps row ${i}: |delta| ${Math.abs(d[i]!)} > 1e-3 × |Δf| ${Math.abs(gap)}`);
      }
    }
    // Chunked forward passes (internalBatchSize) give the same sums.
    const whole = ax.integratedGradients(model, x, { target, baseline, steps: 9 }).attributions;
    const chunked = ax.integratedGradients(model, x, { target, baseline, steps: 9, internalBatchSize: 2 * 5 }).attributions;
    await assertClose(chunked, { shape: [5, 6], data: whole.data() }, TOL.fixtureF64, 'IG in chunks of 2 steps');
    // More Gauss–Legendre points: the error falls (to rounding level for a smooth f).
    const coarse = Math.max(...ax.abs(ax.integratedGradients(model, x, { target, baseline, steps: 4 }).delta).data());
    const fine = Math.max(...ax.abs(ax.integratedGradients(model, x, { target, baseline, steps: 48 }).delta).data());
    assert.ok(fine < coarse / 10, `Gauss–Legendre 48 points (${fine}) is not far below 4 points (${coarse})`);
  }
});

test('Gauss–Legendre points and weights: exact for polynomials of degree 2n − 1 and symmetric, as numpy.leggauss', async () => {
  for (const n of [1, 2, 3, 7, 50]) {
    const { alphas, weights } = quadrature('test', 'gaussLegendre', n); // ∫₀¹ α^p dα = 1/(p+1) for p ≤ 2n − 1
    for (let p = 0; p <= 2 * n - 1; p++) {
      const got = alphas.reduce((s, a, k) => s + weights[k]! * a ** p, 0);
      assert.ok(Math.abs(got - 1 / (p + 1)) < 1e-13, `n=${n} p=${p}: ${got} vs ${1 / (p + 1)}`);
    }
    for (let k = 0; k < n; k++) assert.ok(Math.abs(alphas[k]! + alphas[n - 1 - k]! - 1) < 1e-15 && alphas[k]! < (alphas[k + 1] ?? 2), 'ascending and symmetric');
  }
});

test('Grad-CAM before a global average pool is the class activation map Σ_k W[t,k]·A^k / (h·w), ReLU-ed and resized', async () => {
  ax.manualSeed(4);
  const conv = new ax.Conv2d(2, 3, 3, { padding: 1 });
  const head = new ax.Linear(3, 4);
  const model = new ax.Sequential(conv, new ax.AdaptiveAvgPool2d(1), new ax.Flatten(), head);
  const x = ax.randn([2, 2, 5, 5]);
  const target = [1, 3];
  const A = ax.noGrad(() => conv.forward(x)).data(); // (2, 3, 5, 5)
  const W = head.weight.data();
  const expected: number[] = [];
  for (let i = 0; i < 2; i++) for (let p = 0; p < 25; p++) {
    let s = 0;
    for (let k = 0; k < 3; k++) s += (W[target[i]! * 3 + k]! / 25) * A[(i * 3 + k) * 25 + p]!;
    expected.push(Math.max(0, s));
  }
  const cam = ax.gradCam(model, conv, x, { target }); // same size: no resize
  await assertClose(cam, { shape: [2, 1, 5, 5], data: expected }, TOL.float32, 'Grad-CAM = ReLU(CAM)');
  const named = ax.gradCam(model, '0', x, { target, relu: false });
  assert.ok(named.data().some((v) => v < 0), 'relu: false keeps negative evidence');
});

test('bad arguments give typed errors naming the argument and the expected shape', async () => {
  const { model, M } = linearModel();
  const x = ax.randn([3, M], f64);
  assert.throws(() => ax.saliency(model, x, { target: 3 }), (e: Error) => e instanceof ax.ValueError && /target 3 for row 0 is out of range.*\[0, 2\]/.test(e.message));
  assert.throws(() => ax.saliency(model, x, { target: [0, 1] }), (e: Error) => e instanceof ax.ShapeError && /target has 2 entries but the batch has 3 rows/.test(e.message));
  assert.throws(() => ax.saliency(model, x), (e: Error) => e instanceof ax.ValueError && /pass target/.test(e.message));
  assert.throws(() => ax.integratedGradients(model, x, { target: 0, baseline: ax.zeros([2, M], f64) }), (e: Error) => e instanceof ax.ShapeError && /baseline has shape \[2,5\] but x is \[3,5\].*one row \[5\] \(or \[1,5\]\) or one per row \[3,5\]/.test(e.message));
  assert.throws(() => ax.integratedGradients(model, x, { target: 0, method: 'simpson' as never }), ax.ValueError);
  assert.throws(() => ax.integratedGradients(model, x, { target: 0, steps: 1, method: 'riemannLeft' }), /steps must be an integer ≥ 2/);
  const other = new ax.Linear(2, 2);
  const seq = new ax.Sequential(new ax.Linear(M, 3, f64));
  assert.throws(() => ax.gradCam(seq, other, x, { target: 0 }), (e: Error) => e instanceof ax.ValueError && /layer the Linear passed is not a module of the model.*'0' \(Linear\)/.test(e.message));
  assert.throws(() => ax.gradCam(seq, 'conv9', x, { target: 0 }), (e: Error) => e instanceof ax.ValueError && /layer 'conv9' is not a module/.test(e.message));
  assert.throws(() => ax.smoothGrad(model, x, { target: 0, samples: 0 }), /samples must be a positive integer/);
});
