// fit() stops any diverging optimizer (a NaN/Inf loss, or a finite one past 1e6 × its start) with
// TrainingDivergedError, and a NaN/Inf loss names the op that made the first non-finite value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

function data(): { x: ax.Tensor; y: ax.Tensor } {
  ax.manualSeed(0);
  const x = ax.randn([64, 4]);
  return { x, y: ax.cast(ax.gt(ax.sum(x, { dim: 1 }), 0), 'int32') };
}
const net = (): ax.Sequential => new ax.Sequential(new ax.Linear(4, 16), new ax.ReLU(), new ax.Linear(16, 2));

test('Adam with an absurd learning rate stops with TrainingDivergedError once the loss passes 1e6 × its start', () => {
  const m = net();
  assert.throws(() => ax.fit(m, { data: data(), epochs: 30, verbose: false, optimizer: new ax.Adam(m.parameters(), { lr: 1e6 }) }),
    (e: unknown) => e instanceof ax.TrainingDivergedError && /over 1000000× its starting value/.test(e.message) && /learning rate \(1000000\)/.test(e.message)
      && e.findings!.some((f) => f.id === 'lr-too-high'));
});

test('a sane run is not called diverged', () => {
  const m = net();
  const h = ax.fit(m, { data: data(), epochs: 3, verbose: false, doctor: false, optimizer: new ax.Adam(m.parameters(), { lr: 1e-2 }) });
  assert.equal(h.epochs.length, 3);
});

function lossDividingByZero(pred: ax.Tensor, y: ax.Tensor): ax.Tensor {
  const ce = ax.crossEntropy(pred, y, { reduction: 'none' });
  return ax.mean(ax.div(ce, ax.sub(ce, ce))); // a bug: divides by zero
}

test('a NaN/Inf loss names the op and the line of the loss function that made it, not the learning rate', () => {
  const m = net();
  assert.throws(() => ax.fit(m, { data: data(), epochs: 1, verbose: false, loss: lossDividingByZero }),
    (e: unknown) => e instanceof ax.TrainingDivergedError && e.origin instanceof ax.AnomalyError && e.origin.op === 'div'
      && /first non-finite value came from 'div' in lossDividingByZero \(.*divergence\.test\.js:\d+\)/.test(e.message));
  assert.equal(ax.isAnomalyEnabled(), false);
  assert.ok(m.parameters().every((p) => p.grad === null), 'the rerun left no gradients behind');
});
