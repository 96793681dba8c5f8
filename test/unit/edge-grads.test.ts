// Second derivatives of the gradient rules rewritten for edge values (prod with zeros in the slice,
// pow at exponent 0, maximum on ties, std/norm guards) against central differences of the first
// derivative, on the reference backend in float64: the edge-safe rules must stay differentiable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { closeEnough, TOL } from '../tolerances.js';

const f64 = (v: number[]): Tensor => ax.tensor(v, { dtype: 'float64' });

function firstGrad(f: (x: Tensor) => Tensor, v: number[]): Float64Array {
  const x = ax.tensor(v, { dtype: 'float64', requiresGrad: true });
  return Float64Array.from(ax.gradients(f(x), [x])[0]!.data());
}

/** Hessian·w by autodiff of the gradient, and by central differences of the first gradient. */
function hessianVector(f: (x: Tensor) => Tensor, v: number[]): [number[], number[]] {
  const w = v.map((_, i) => 0.3 + i);
  const x = ax.tensor(v, { dtype: 'float64', requiresGrad: true });
  const [g] = ax.gradients(f(x), [x], { createGraph: true });
  const [h] = ax.gradients(ax.sum(ax.mul(g!, f64(w))), [x], { allowUnused: true });
  const e = TOL.finiteDiffStep;
  const fd = v.map((_, i) => {
    const p = [...v]; const m = [...v];
    p[i]! += e; m[i]! -= e;
    const a = firstGrad(f, p); const b = firstGrad(f, m);
    return w.reduce((s, wk, k) => s + ((a[k]! - b[k]!) / (2 * e)) * wk, 0);
  });
  return [Array.from(h ? h.data() : new Float64Array(v.length)), fd];
}

const cases: [string, (x: Tensor) => Tensor, number[]][] = [
  ['prod, no zero', (x) => ax.prod(x), [1.5, 2, 3]],
  ['prod, one zero', (x) => ax.prod(x), [0, 2, 3]],
  ['prod, two zeros', (x) => ax.prod(x), [0, 2, 0]],
  ['prod, three zeros', (x) => ax.prod(x), [0, 0, 0]],
  ['prod over a dim, zeros in some rows', (x) => ax.sum(ax.prod(ax.reshape(x, [3, 3]), { dim: 1 })), [0, 2, 3, 1, 0, 0, 1.5, -2, 0.5]],
  ['pow with a zero exponent', (x) => ax.sum(ax.pow(x, f64([2, 0, 0.5]))), [1.5, 0.7, 3]],
  ['maximum', (x) => ax.sum(ax.maximum(ax.mul(x, x), f64([1, 1, 1]))), [1.5, 0.5, 3]],
  ['std', (x) => ax.std(x), [1.5, -0.5, 3]],
  ['norm p = 3', (x) => ax.norm(x, { p: 3 }), [1.5, -0.5, 3]],
  ['softplus', (x) => ax.sum(ax.softplus(x)), [1.5, -0.5, 3]],
  ['gelu', (x) => ax.sum(ax.gelu(x)), [1.5, -0.5, 3]],
];

for (const [name, f, v] of cases) {
  test(`second derivative at the edges: ${name}`, () => {
    const [an, fd] = hessianVector(f, v);
    an.forEach((a, i) => assert.ok(closeEnough(a, fd[i]!, TOL.finiteDiff), `${name}: (H·w)[${i}] autodiff ${a} vs finite difference ${fd[i]}`));
  });
}
