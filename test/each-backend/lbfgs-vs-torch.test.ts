// LBFGS against torch.optim.LBFGS (test/fixtures/lbfgs.json, written by scripts/fixtures/gen_lbfgs.py):
// the loss each step() returns, the closure evaluations torch counts, and the parameters after every
// step, with and without the strong-Wolfe line search, on a coupled quartic and on Rosenbrock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, fromFixture, readJson, ROOT, type FixtureTensor } from '../helpers.js';
import { closeEnough, TOL } from '../tolerances.js';

interface LbfgsCase {
  name: string; problem: 'quartic' | 'rosenbrock'; options: ax.LBFGSOptions; params: FixtureTensor[];
  coeffs?: { A: FixtureTensor[]; B: FixtureTensor[] }; steps: number; losses: number[]; evals: number[]; trajectory: number[][][];
}
const fx = readJson<{ generator_sha256: string; cases: LbfgsCase[] }>('test/fixtures/lbfgs.json');

test('LBFGS fixtures are fresh (generator unchanged since they were written)', () => {
  const sha = createHash('sha256').update(readFileSync(path.join(ROOT, 'scripts/fixtures/gen_lbfgs.py'))).digest('hex');
  assert.equal(sha, fx.generator_sha256, 'scripts/fixtures/gen_lbfgs.py changed but test/fixtures/lbfgs.json did not: re-run /usr/bin/python3 scripts/fixtures/gen_lbfgs.py');
  assert.ok(fx.cases.length >= 6, `only ${fx.cases.length} cases`);
});

/** The case's loss as a function of its parameters (the generator's loss_fn). */
function lossOf(c: LbfgsCase, params: Tensor[]): () => Tensor {
  if (c.problem === 'rosenbrock') {
    const p = params[0]!;
    return () => {
      const [x, y] = [ax.select(p, 0, 0), ax.select(p, 0, 1)];
      return ax.add(ax.square(ax.sub(1, x)), ax.mul(ax.square(ax.sub(y, ax.mul(x, x))), 100)); // (1 − x)² + 100 (y − x²)²
    };
  }
  const A = c.coeffs!.A.map((t) => ax.keep(fromFixture(t)));
  const B = c.coeffs!.B.map((t) => ax.keep(fromFixture(t)));
  return () => {
    const terms = params.map((p, i) => ax.add(ax.add(ax.sum(ax.mul(A[i]!, ax.mul(p, p))), ax.sum(ax.mul(B[i]!, p))), ax.mul(ax.sum(ax.pow(p, 4)), 0.05)));
    const coupling = ax.mul(ax.sum(ax.mul(ax.slice(params[0]!, [[0, 2]]), ax.select(params[1]!, 0, 0))), 0.1); // p0[:2] (2) · p1[0] (2)
    return ax.add(terms.reduce((a, b) => ax.add(a, b)), coupling);
  };
}

/** L-BFGS reads the loss, parameters and gradients on the CPU at every evaluation (src/optim/lbfgs.ts). */
const syncReads = ax.getBackend().syncRead !== false;

test('LBFGS on a backend read only asynchronously (WebGPU; here ts-async) fails at once with a SyncReadError that names the alternatives', () => {
  const c = fx.cases.find((k) => k.problem === 'rosenbrock')!;
  const onAsync = ax.getBackend('ts-async');
  const params = c.params.map((p) => ax.keep(ax.fromArray(p.data as number[], p.shape, p.dtype, onAsync).requiresGrad_(p.requiresGrad ?? false)));
  const opt = new ax.LBFGS(params, c.options);
  assert.throws(() => opt.step(() => { opt.zeroGrad(); const v = lossOf(c, params)(); v.backward(); return v; }),
    (e: Error) => e instanceof ax.SyncReadError && /LBFGS\.step/.test(e.message) && /Adam/.test(e.message) && /wasm or ts backend/.test(e.message));
});

for (const c of fx.cases) {
  test(`torch.optim.LBFGS parity: ${c.name}`, { skip: !syncReads && 'L-BFGS reads synchronously; on this backend it throws the SyncReadError tested above' }, async () => {
    const params = c.params.map((p) => ax.keep(fromFixture(p)));
    const loss = lossOf(c, params);
    const opt = new ax.LBFGS(params, c.options);
    for (let s = 0; s < c.steps; s++) {
      const l = opt.step(() => { opt.zeroGrad(); const v = loss(); v.backward(); return v; });
      assert.ok(closeEnough(l, c.losses[s]!, TOL.fixtureF64), `step ${s + 1}: loss ${l} vs torch ${c.losses[s]}`);
      assert.equal(opt.state.get(params[0]!)?.['funcEvals'], c.evals[s], `step ${s + 1}: closure evaluations`);
      for (const [i, p] of params.entries()) await assertClose(p, { shape: p.shape, data: c.trajectory[s]![i]! }, TOL.fixtureF64, `${c.name} step ${s + 1} param ${i}`);
    }
  });
}
