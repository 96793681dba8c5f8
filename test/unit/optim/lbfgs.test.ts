// LBFGS minimizes a convex quadratic (to the solution of its linear system) and the Rosenbrock
// function (to (1, 1)), with and without the strong-Wolfe line search, and keeps PyTorch's
// stopping rules: a point whose gradient is already below toleranceGrad costs one evaluation.
// Trajectories against PyTorch are in test/each-backend/lbfgs-vs-torch.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

/** f(x) = ½ xᵀAx − bᵀx with A = MᵀM + I (SPD, 6 × 6): the minimum solves Ax = b. */
function quadratic(): { A: number[][]; b: number[]; f: (x: ax.Tensor) => ax.Tensor } {
  const g = new ax.Generator(5);
  const M = Array.from({ length: 6 }, () => Array.from({ length: 6 }, () => g.normal()));
  const A = M.map((_, i) => M.map((__, j) => M.reduce((s, r) => s + r[i]! * r[j]!, 0) + (i === j ? 1 : 0)));
  const b = Array.from({ length: 6 }, () => g.normal());
  const At = ax.keep(ax.tensor(A, { dtype: 'float64' }));
  const bt = ax.keep(ax.tensor(b, { dtype: 'float64' }));
  const f = (x: ax.Tensor): ax.Tensor => ax.sub(ax.mul(ax.sum(ax.mul(x, ax.matmul(At, x))), 0.5), ax.sum(ax.mul(bt, x)));
  return { A, b, f };
}

/** Run LBFGS on f from x0 until it stops moving; returns the point and the evaluations spent. */
function minimize(f: (x: ax.Tensor) => ax.Tensor, x0: number[], opts: Partial<ax.LBFGSOptions>, steps = 1): { x: number[]; evals: number } {
  const x = ax.keep(ax.tensor(x0, { dtype: 'float64', requiresGrad: true }));
  const opt = new ax.LBFGS([x], opts);
  let evals = 0;
  for (let i = 0; i < steps; i++) opt.step(() => { evals++; opt.zeroGrad(); const l = f(x); l.backward(); return l; });
  return { x: Array.from(x.data()), evals };
}

for (const lineSearchFn of ['strong_wolfe', null] as const) {
  test(`LBFGS (${lineSearchFn ?? 'no line search'}) solves a convex quadratic: Ax = b to 1e-6`, () => {
    const { A, b, f } = quadratic();
    const { x } = minimize(f, [0, 0, 0, 0, 0, 0], { lineSearchFn, maxIter: 300, maxEval: 1000, toleranceGrad: 1e-10, toleranceChange: 1e-16, ...(lineSearchFn ? {} : { lr: 0.5 }) });
    A.forEach((row, i) => {
      const r = row.reduce((s, a, j) => s + a * x[j]!, 0) - b[i]!;
      assert.ok(Math.abs(r) < 1e-6, `residual ${i}: ${r}`);
    });
  });
}

test('LBFGS with strong-Wolfe line search finds the Rosenbrock minimum (1, 1) from (−1.5, 2)', () => {
  const rosen = (p: ax.Tensor): ax.Tensor => {
    const [x, y] = [ax.slice(p, [[0, 1]]), ax.slice(p, [[1, 2]])];
    return ax.sum(ax.add(ax.mul(ax.square(ax.sub(y, ax.square(x))), 100), ax.square(ax.sub(1, x))));
  };
  const { x, evals } = minimize(rosen, [-1.5, 2], { lineSearchFn: 'strong_wolfe', maxIter: 500, maxEval: 1000, toleranceGrad: 1e-9, toleranceChange: 1e-14 });
  assert.ok(Math.abs(x[0]! - 1) < 1e-5 && Math.abs(x[1]! - 1) < 1e-5, `minimum at ${x}`);
  assert.ok(evals < 200, `${evals} evaluations`);
  // PyTorch's defaults (20 iterations a step), stepped repeatedly, get there too
  const r = minimize(rosen, [-1.5, 2], { lineSearchFn: 'strong_wolfe' }, 30);
  assert.ok(Math.abs(r.x[0]! - 1) < 1e-4 && Math.abs(r.x[1]! - 1) < 1e-4, `defaults: ${r.x}`);
});

test('LBFGS stops at once at a stationary point, and refuses a step without a closure or with a bad option', () => {
  const { f } = quadratic();
  const { evals } = minimize((x) => ax.sum(ax.square(x)), [0, 0], {});
  assert.equal(evals, 1, 'a zero gradient: one evaluation, no update');
  const p = ax.keep(ax.zeros([6], { dtype: 'float64', requiresGrad: true }));
  const opt = new ax.LBFGS([p]);
  assert.equal(opt.defaults.maxEval, 25);
  assert.equal(opt.defaults.historySize, 100);
  assert.throws(() => opt.step(), /closure/);
  assert.throws(() => new ax.LBFGS([p], { historySize: 0 }), /historySize/);
  const loss = opt.step(() => { opt.zeroGrad(); const l = f(p); l.backward(); return l; });
  assert.equal(loss, 0, 'step returns the loss at its start');
  assert.ok(opt.state.get(p)!['nIter']! as number >= 1);
});
