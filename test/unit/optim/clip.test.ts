// Gradient clipping and dropout scaling, checked against hand-computed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

function withGrads(...gs: number[][]): ax.Tensor[] {
  return gs.map((g) => {
    const p = ax.keep(ax.zeros([g.length], { dtype: 'float64', requiresGrad: true }));
    p.grad = ax.keep(ax.tensor(g, { dtype: 'float64' }));
    return p;
  });
}

test('clipGradNorm scales all gradients by maxNorm / total norm and returns the norm', () => {
  const ps = withGrads([3, 0], [0, 4]); // joint L2 norm 5
  const total = ax.clipGradNorm(ps, 1);
  assert.equal(total, 5);
  const c = 1 / (5 + 1e-6);
  assert.ok(Math.abs(ps[0]!.grad!.data()[0]! - 3 * c) < 1e-12);
  assert.ok(Math.abs(ps[1]!.grad!.data()[1]! - 4 * c) < 1e-12);
  const small = withGrads([0.3, 0.4]);
  assert.equal(ax.clipGradNorm(small, 1), 0.5);
  assert.deepEqual(Array.from(small[0]!.grad!.data()), [0.3, 0.4], 'below maxNorm nothing changes');
  assert.equal(ax.clipGradNorm(withGrads([-7, 2]), 1, { normType: 'inf' }), 7);
  assert.throws(() => ax.clipGradNorm(withGrads([NaN]), 1, { errorIfNonfinite: true }), /diverged/);
});

test('clipGradNorm with a non-finite norm does what torch.nn.utils.clip_grad_norm_ (1.13) does', () => {
  // torch: total NaN -> coefficient NaN -> every gradient NaN; total inf -> coefficient 0 -> finite
  // gradients 0, the infinite one 0·inf = NaN.
  const nan = withGrads([NaN, 1], [2]);
  assert.ok(Number.isNaN(ax.clipGradNorm(nan, 1)));
  for (const p of nan) assert.ok(Array.from(p.grad!.data()).every(Number.isNaN), 'every gradient NaN');
  const inf = withGrads([Infinity, 1], [2]);
  assert.equal(ax.clipGradNorm(inf, 1), Infinity);
  assert.deepEqual(Array.from(inf[0]!.grad!.data()), [NaN, 0]);
  assert.deepEqual(Array.from(inf[1]!.grad!.data()), [0]);
});

test('clipGradValue clamps each element', () => {
  const ps = withGrads([-3, 0.5, 2]);
  ax.clipGradValue(ps, 1);
  assert.deepEqual(Array.from(ps[0]!.grad!.data()), [-1, 0.5, 1]);
});

test('dropout keeps the expected value (inverted scaling) and is the identity in eval', () => {
  const x = ax.ones([20000]);
  const y = ax.dropout(x, { p: 0.3, generator: new ax.Generator(1) }).data();
  const zeros = y.filter((v) => v === 0).length / y.length;
  assert.ok(Math.abs(zeros - 0.3) < 0.02, `dropped ${zeros}`);
  assert.ok(y.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6));
  assert.equal(ax.dropout(x, { p: 0.3, training: false }), x);
});
