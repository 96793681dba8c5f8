// Finite-difference gradient checks in float64 on the reference backend, for every differentiable
// op in the table (primitives and composites), at the fixture shapes: scalars, size-1 and broadcast dims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, fromArray, gradients, mul, noGrad, randn, sum, Generator, type Tensor } from '../../src/index.js';
import { fromFixture, readJson, type FixtureTensor } from '../helpers.js';
import { asList, OPS } from '../op-table.js';
import { closeEnough, TOL } from '../tolerances.js';

interface Case { name: string; op: string; inputs: FixtureTensor[]; attrs: Record<string, unknown>; grads?: (FixtureTensor | null)[] }
const cases = readJson<{ cases: Case[] }>('test/fixtures/ops.json').cases.filter((c) => c.grads);

function objective(c: Case, inputs: Tensor[], cots: Tensor[]): Tensor {
  const outs = asList(OPS[c.op]!(inputs, c.attrs));
  return outs.map((o, k) => sum(mul(o, cots[k]!))).reduce((a, b) => add(a, b));
}

test('finite differences agree with autodiff for every differentiable op', () => {
  const g = new Generator(1234);
  let checked = 0;
  for (const c of cases) {
    const inputs = c.inputs.map((i) => fromFixture(i));
    const outs = noGrad(() => asList(OPS[c.op]!(inputs, c.attrs)));
    const cots = outs.map((o) => randn(o.shape, { dtype: 'float64', generator: g }));
    const wrt = inputs.map((x, i) => (c.grads![i] ? i : -1)).filter((i) => i >= 0);
    const analytic = gradients(objective(c, inputs, cots), wrt.map((i) => inputs[i]!), { allowUnused: true });
    wrt.forEach((i, j) => {
      const base = inputs[i]!.data();
      const an = analytic[j]?.data() ?? new Float64Array(base.length);
      const h = TOL.finiteDiffStep;
      for (let e = 0; e < base.length; e++) {
        const f = (delta: number): number => {
          const v = Float64Array.from(base);
          v[e]! += delta;
          const xs = inputs.map((x, k) => (k === i ? fromArray(v, x.shape, x.dtype) : x));
          return noGrad(() => objective(c, xs, cots).item());
        };
        const numeric = (f(h) - f(-h)) / (2 * h);
        assert.ok(closeEnough(an[e]!, numeric, TOL.finiteDiff), `${c.name}: d/d input${i}[${e}] autodiff ${an[e]} vs finite difference ${numeric}`);
        checked++;
      }
    });
  }
  assert.ok(checked > 2000, `only ${checked} partial derivatives checked`);
});
