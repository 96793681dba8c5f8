// Autodiff semantics: accumulation into .grad, noGrad, detach, gradients(), grad(), higher order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';

test('backward accumulates into .grad across calls and through shared inputs', () => {
  const x = ax.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const y = ax.add(ax.mul(x, x), ax.mul(x, 3)).sum(); // dy/dx = 2x + 3
  y.backward();
  assert.deepEqual(x.grad!.toArray(), [5, 7, 9]);
  ax.mul(x, 2).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [7, 9, 11]);
});

test('gradients flow through broadcasting back to the operand shape', () => {
  const b = ax.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const a = ax.ones([3, 2], { dtype: 'float64' });
  ax.mul(a, b).sum().backward();
  assert.deepEqual(b.grad!.toArray(), [3, 3]);
});

test('noGrad records nothing; detach cuts the graph; frozen leaves get no grad', () => {
  const w = ax.ones([2], { requiresGrad: true });
  const y = ax.noGrad(() => ax.mul(w, 2));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.node, null);
  const z = w.mul(3).detach();
  assert.equal(z.requiresGrad, false);
  const frozen = ax.ones([2]);
  const out = ax.mul(w, frozen).sum();
  out.backward();
  assert.equal(frozen.grad, null);
  assert.deepEqual(w.grad!.toArray(), [1, 1]);
});

test('a non-scalar backward takes an explicit gradient', () => {
  const x = ax.tensor([1, 2], { requiresGrad: true });
  ax.mul(x, x).backward(ax.tensor([1, 10]));
  assert.deepEqual(x.grad!.toArray(), [2, 40]);
});

test('gradients() leaves .grad alone; grad() and valueAndGrad() wrap functions', () => {
  const x = ax.tensor([3], { dtype: 'float64', requiresGrad: true });
  const [g] = ax.gradients(ax.pow(x, 3).sum(), [x]);
  assert.deepEqual(g!.toArray(), [27]);
  assert.equal(x.grad, null);
  const f = (a: ax.Tensor, b: ax.Tensor): ax.Tensor => ax.mul(a, b).sum();
  const [ga, gb] = ax.grad(f)(ax.tensor([2]), ax.tensor([5]));
  assert.deepEqual([ga!.item(), gb!.item()], [5, 2]);
  const [v, gs] = ax.valueAndGrad((a) => ax.mul(a, a).sum())(ax.tensor([4]));
  assert.equal(v.item(), 16);
  assert.equal(gs[0]!.item(), 8);
});

test('second derivatives with createGraph', () => {
  const x = ax.tensor([2], { dtype: 'float64', requiresGrad: true });
  const y = ax.pow(x, 3).sum();
  const [dy] = ax.gradients(y, [x], { createGraph: true }); // 3x² = 12
  assert.equal(dy!.item(), 12);
  const [d2y] = ax.gradients(dy!.sum(), [x]); // 6x = 12
  assert.equal(d2y!.item(), 12);
});

test('gradient of an op used twice and of a diamond graph', () => {
  const x = ax.tensor([0.5], { dtype: 'float64', requiresGrad: true });
  const s = ax.sigmoid(x);
  const y = ax.mul(s, s).sum(); // d/dx s² = 2 s · s(1-s)
  y.backward();
  const sv = 1 / (1 + Math.exp(-0.5));
  assert.ok(Math.abs(x.grad!.item() - 2 * sv * sv * (1 - sv)) < 1e-12);
});

test('max ties split the gradient evenly (torch.amax semantics)', () => {
  const x = ax.tensor([1, 3, 3], { dtype: 'float64', requiresGrad: true });
  ax.max(x).backward();
  assert.deepEqual(x.grad!.toArray(), [0, 0.5, 0.5]);
});

test('leaves that receive the same gradient tensor get separate .grad memory', () => {
  const a = ax.ones([2], { requiresGrad: true });
  const b = ax.ones([2], { requiresGrad: true });
  ax.add(a, b).sum().backward();
  assert.notEqual(a.grad!.storage, b.grad!.storage);
  ax.add(a, b).sum().backward(); // accumulating into a.grad must not touch b.grad
  assert.deepEqual(a.grad!.toArray(), [2, 2]);
  assert.deepEqual(b.grad!.toArray(), [2, 2]);
});

test('per-timestep slices accumulate into one gradient (in place) and stay correct', () => {
  const x = ax.randn([4, 6, 3], { dtype: 'float64', requiresGrad: true, generator: new ax.Generator(2) });
  const w = ax.tensor([1, -2, 0.5], { dtype: 'float64' });
  let total: ax.Tensor | null = null;
  for (let t = 0; t < 6; t++) {
    const xt = ax.slice(x, [null, t]); // (4, 3)
    const term = ax.sum(ax.mul(ax.mul(xt, xt), ax.mul(w, t + 1)));
    total = total ? ax.add(total, term) : term;
  }
  // the same slice used twice, and a strided slice overlapping the others
  total = ax.add(total!, ax.sum(ax.slice(x, [null, [0, 6, 2]])));
  total.backward();
  const xd = x.data();
  const g = x.grad!.data();
  for (let i = 0; i < xd.length; i++) {
    const t = Math.floor(i / 3) % 6;
    const c = i % 3;
    const want = 2 * xd[i]! * [1, -2, 0.5][c]! * (t + 1) + (t % 2 === 0 ? 1 : 0);
    assert.ok(Math.abs(g[i]! - want) < 1e-12, `element ${i}: ${g[i]} vs ${want}`);
  }
  // second order through slices: d²/dx² of Σ x[:, 0]³ = 6·x[:, 0]
  const y = ax.tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
  const [dy] = ax.gradients(ax.sum(ax.pow(ax.slice(y, [null, 0]), 3)), [y], { createGraph: true });
  const [d2] = ax.gradients(ax.sum(dy!), [y]);
  assert.deepEqual(d2!.toArray(), [[6, 0], [18, 0]]);
});

test('a weight used by many matmuls gets the sum of their products as one GEMM, equal to the products taken one by one', () => {
  // A recurrence (the same W and U at every step) plus every transpose of bmm with the weight as
  // the second operand, a weight seen through a reshape that also gets a gradient of its own, and
  // a plain elementwise use: backward() defers the weight products and runs each group as one
  // GEMM over the concatenated K; gradients({ createGraph }) runs every product where it arises.
  const opts = { dtype: 'float64' as const, requiresGrad: true };
  ax.manualSeed(3);
  const W = ax.randn([6, 5], opts);
  const U = ax.randn([6, 6], opts);
  const V = ax.randn([4, 7], opts);
  const xs = [3, 1, 4].map((n) => ax.randn([n, 5], { dtype: 'float64' }));
  const loss = (): ax.Tensor => {
    let h = ax.zeros([3, 6], { dtype: 'float64' });
    let total = ax.zeros([], { dtype: 'float64' });
    for (let t = 0; t < 4; t++) {
      h = ax.tanh(ax.add(ax.linear(xs[0]!, W), ax.linear(h, U))); // (3, 6)
      total = ax.add(total, ax.sum(ax.mul(h, h)));
    }
    for (const x of xs) total = ax.add(total, ax.sum(ax.tanh(ax.linear(x, W)))); // K = 3, 1, 4 rows
    const Vb = V.reshape([1, 4, 7]); // a view that gets a gradient of its own too
    const a = ax.randn([1, 2, 4], { dtype: 'float64' });
    for (const [ta, tb] of [[false, false], [true, false]] as const) {
      const lhs = ta ? ax.clone(a.transpose(1, 2)) : a; // op(A) is (1, 2, 4) either way
      total = ax.add(total, ax.sum(ax.sin(ax.bmm(lhs, Vb, ta, tb))));
    }
    const Vt = ax.randn([1, 2, 7], { dtype: 'float64' });
    total = ax.add(total, ax.sum(ax.cos(ax.bmm(Vt, Vb, false, true)))); // (1, 2, 7)·(1, 7, 4) -> (1, 2, 4)
    total = ax.add(total, ax.sum(ax.cos(ax.bmm(ax.clone(Vt.transpose(1, 2)), Vb, true, true)))); // (1, 7, 2)ᵀ·(1, 4, 7)ᵀ -> (1, 2, 4)
    return ax.add(ax.add(total, ax.sum(ax.mul(Vb, Vb))), ax.sum(ax.mul(W, 0.5)));
  };
  ax.manualSeed(9);
  const deferred = ax.gradients(loss(), [W, U, V]);
  ax.manualSeed(9);
  const oneByOne = ax.gradients(loss(), [W, U, V], { createGraph: true });
  ['W', 'U', 'V'].forEach((name, i) => {
    const got = Array.from(deferred[i]!.data() as Float64Array);
    const want = Array.from(oneByOne[i]!.data() as Float64Array);
    assert.deepEqual(deferred[i]!.shape, oneByOne[i]!.shape);
    got.forEach((g, k) => assert.ok(Math.abs(g - want[k]!) <= 1e-12 * (1 + Math.abs(want[k]!)), `d${name}[${k}]: ${g} deferred vs ${want[k]} one by one`));
  });
  // backward() fills .grad with the same values, and a second backward() adds to them.
  ax.manualSeed(9);
  loss().backward();
  ax.manualSeed(9);
  loss().backward();
  const twice = Array.from(W.grad!.data() as Float64Array);
  Array.from(oneByOne[0]!.data() as Float64Array).forEach((g, k) => assert.ok(Math.abs(twice[k]! - 2 * g) <= 1e-12 * (1 + Math.abs(g)), `W.grad[${k}] after two backward() calls`));
});

test('slice gradients that tile their tensor become one concatenation; gaps, overlaps and other gradients still add up', () => {
  // Each case's gradient through backward()'s slice handling equals the one built with createGraph
  // (which adds every slice where it arises), and each case is differentiated by hand below.
  const x = ax.randn([3, 6, 4], { dtype: 'float64', requiresGrad: true, generator: new ax.Generator(5) });
  const w = ax.randn([3, 1, 4], { dtype: 'float64', generator: new ax.Generator(6) });
  const f = (parts: [number, number][], extra: boolean): ax.Tensor => {
    let total = ax.zeros([], { dtype: 'float64' });
    parts.forEach(([a, b], k) => {
      const xs = ax.slice(x, [null, [a, b]]); // (3, b - a, 4)
      total = ax.add(total, ax.sum(ax.mul(ax.mul(xs, xs), ax.mul(w, k + 1))));
    });
    return extra ? ax.add(total, ax.sum(ax.mul(x, x))) : total; // a full gradient next to the slices
  };
  const cases: [string, [number, number][], boolean][] = [
    ['uneven tiles in shuffled order', [[2, 3], [0, 2], [3, 6]], false],
    ['one slice per step', [0, 1, 2, 3, 4, 5].map((t) => [t, t + 1] as [number, number]), false],
    ['a gap', [[0, 2], [3, 6]], false],
    ['an overlap', [[0, 4], [3, 6]], false],
    ['tiles and a full gradient', [[0, 3], [3, 6]], true],
  ];
  for (const [what, parts, extra] of cases) {
    const [fast] = ax.gradients(f(parts, extra), [x]);
    const [slow] = ax.gradients(f(parts, extra), [x], { createGraph: true });
    // By hand: d/dx of Σ_k (k+1)·w·x² over slice k, plus 2x for the extra term.
    const xd = x.data() as Float64Array;
    const wd = w.data() as Float64Array;
    const want = Array.from(xd, (v, i) => {
      const [b, t, c] = [Math.floor(i / 24), Math.floor(i / 4) % 6, i % 4];
      let g = extra ? 2 * v : 0;
      parts.forEach(([a, e], k) => { if (t >= a && t < e) g += 2 * v * wd[b * 4 + c]! * (k + 1); });
      return g;
    });
    assert.deepEqual(fast!.shape, [3, 6, 4], what);
    const got = Array.from(fast!.data() as Float64Array);
    const ref = Array.from(slow!.data() as Float64Array);
    got.forEach((g, i) => {
      assert.ok(Math.abs(g - want[i]!) < 1e-12, `${what}: element ${i} is ${g}, by hand ${want[i]}`);
      assert.ok(Math.abs(ref[i]! - want[i]!) < 1e-12, `${what}: createGraph element ${i} is ${ref[i]}, by hand ${want[i]}`);
    });
  }
  // float32 parameters: the concatenated gradient keeps the tensor's dtype; a second backward() adds.
  const p = ax.randn([4, 3], { requiresGrad: true, generator: new ax.Generator(7) });
  const loss = (): ax.Tensor => ax.sum(ax.stack([0, 1, 2, 3].map((i) => ax.mul(ax.select(p, 0, i), i + 1))));
  loss().backward();
  loss().backward();
  assert.equal(p.grad!.dtype, 'float32');
  assert.deepEqual(p.grad!.toArray(), [[2, 2, 2], [4, 4, 4], [6, 6, 6], [8, 8, 8]]);
});

test('gradients() w.r.t. a reshaped weight that feeds matmuls returns that view\'s own gradient (deferred products are not passed on to its base)', () => {
  const W = ax.randn([4, 7], { dtype: 'float64', requiresGrad: true, generator: new ax.Generator(11) });
  const a = ax.randn([1, 2, 4], { dtype: 'float64', generator: new ax.Generator(12) });
  const b = ax.randn([1, 3, 7], { dtype: 'float64', generator: new ax.Generator(13) });
  for (const createGraph of [false, true]) {
    const Wr = W.reshape([1, 4, 7]); // (1, 4, 7), used by two products
    const loss = ax.add(ax.sum(ax.bmm(a, Wr)), ax.sum(ax.mul(ax.bmm(b, Wr, false, true), 2))); // (1,2,4)·(1,4,7); (1,3,7)·(1,7,4)
    const [gView, gBase] = ax.gradients(loss, [Wr, W], { createGraph });
    // By hand: ∂/∂W[i][j] = Σ_m a[m][i] + 2·Σ_m b[m][j].
    const ad = a.data() as Float64Array, bd = b.data() as Float64Array;
    const want = Array.from({ length: 28 }, (_, k) => {
      const [i, j] = [Math.floor(k / 7), k % 7];
      return ad[i]! + ad[4 + i]! + 2 * (bd[j]! + bd[7 + j]! + bd[14 + j]!);
    });
    assert.deepEqual(gView!.shape, [1, 4, 7]);
    assert.deepEqual(gBase!.shape, [4, 7]);
    for (const [name, g] of [['view', gView!], ['base', gBase!]] as const) {
      Array.from(g.data() as Float64Array).forEach((v, k) => assert.ok(Math.abs(v - want[k]!) < 1e-12, `${name} (createGraph ${createGraph}) element ${k}: ${v} vs ${want[k]}`));
    }
  }
});
