// Autodiff gradients against central finite differences, element by element (float64 work).
import assert from 'node:assert/strict';
import { TOL } from './tolerances.js';

/**
 * For each parameter array k and element i: (f(p + h) − f(p − h)) / 2h, h = TOL.finiteDiffStep,
 * within TOL.finiteDiff.atol + rtolScale·TOL.finiteDiff.rtol·|fd| of grads[k][i]. `f` gets fresh
 * copies of all the parameters with one element moved; `name(k, i)` labels a failure.
 */
export function assertFiniteDiff(params: readonly ArrayLike<number>[], grads: readonly ArrayLike<number>[], f: (vals: Float64Array[]) => number, name: (k: number, i: number) => string, rtolScale = 1): void {
  const base = params.map((p) => Float64Array.from(p));
  const h = TOL.finiteDiffStep;
  base.forEach((p, k) => {
    for (let i = 0; i < p.length; i++) {
      const plus = base.map((v) => v.slice()), minus = base.map((v) => v.slice());
      plus[k]![i]! += h;
      minus[k]![i]! -= h;
      const fd = (f(plus) - f(minus)) / (2 * h);
      const an = grads[k]![i]!;
      assert.ok(Math.abs(an - fd) <= TOL.finiteDiff.atol + TOL.finiteDiff.rtol * rtolScale * Math.abs(fd), `${name(k, i)}: autodiff ${an} vs finite difference ${fd}`);
    }
  });
}
