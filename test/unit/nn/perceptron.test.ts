// L1: the perceptron learns linearly separable data but never beats 75% on XOR; a 2-4-1 MLP
// trained by backprop gets XOR 100% right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];

test('perceptron converges on linearly separable data', () => {
  const g = new ax.Generator(11);
  const pts: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 200; i++) {
    const a = g.uniform() * 4 - 2;
    const b = g.uniform() * 4 - 2;
    if (Math.abs(a + 2 * b - 0.5) < 0.1) continue; // keep a margin
    pts.push([a, b]);
    labels.push(a + 2 * b - 0.5 > 0 ? 1 : 0);
  }
  const p = new ax.Perceptron(2);
  const r = p.fit(ax.tensor(pts, { dtype: 'float64' }), ax.tensor(labels), { epochs: 200, seed: 1 });
  assert.equal(r.converged, true);
  assert.equal(r.accuracy, 1);
  assert.deepEqual(p.forward(ax.tensor(pts, { dtype: 'float64' })).toArray(), labels);
});

test('perceptron can not learn XOR (≤ 75%, never converges)', () => {
  const p = new ax.Perceptron(2);
  const r = p.fit(ax.tensor(XOR_X), ax.tensor([0, 1, 1, 0]), { epochs: 500 });
  assert.equal(r.converged, false);
  assert.ok(r.accuracy <= 0.75, `accuracy ${r.accuracy}`);
  assert.ok(r.mistakes.every((m) => m > 0), 'every epoch makes a mistake');
});

test('a 2-4-1 MLP trained by backprop reaches 100% on XOR', () => {
  ax.manualSeed(0);
  const mlp = new ax.Sequential(new ax.Linear(2, 4), new ax.Tanh(), new ax.Linear(4, 1));
  const x = ax.tensor(XOR_X);
  const y = ax.tensor([[0], [1], [1], [0]]);
  const opt = new ax.Adam(mlp.parameters(), { lr: 0.05 });
  for (let i = 0; i < 500; i++) {
    ax.scope(() => {
      opt.zeroGrad();
      ax.binaryCrossEntropyWithLogits(mlp.forward(x), y).backward();
      opt.step();
    });
  }
  const pred = ax.gt(mlp.forward(x), 0).toArray() as boolean[][];
  assert.deepEqual(pred.map((r) => Number(r[0])), [0, 1, 1, 0]);
});
