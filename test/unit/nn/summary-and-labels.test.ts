// Two first-hour surprises: summary() shows output shapes from a shape, a sample batch, or (first
// layer Linear) by itself; float class labels are named as a dtype mistake with the fix y.int().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

test('summary: output shapes from an input shape, a sample batch, or inferred from a first Linear layer', () => {
  const mlp = new ax.Sequential(new ax.Linear(4, 8), new ax.ReLU(), new ax.Linear(8, 3));
  assert.match(mlp.summary([5, 4]), /\[5,3\]/);
  assert.match(mlp.summary(ax.randn([7, 4])), /\[7,3\]/);
  const inferred = mlp.summary();
  assert.match(inferred, /\[1,3\]/);
  assert.doesNotMatch(inferred, /\?/);
  const cnn = new ax.Sequential(new ax.Conv2d(1, 2, 3), new ax.Flatten());
  assert.match(cnn.summary(), /pass an input shape or a sample batch/);
  assert.match(cnn.summary([1, 1, 5, 5]), /\[1,18\]/);
});

test('float class labels: crossEntropy and fit name the dtype and the fix', () => {
  const x = ax.randn([6, 3]);
  const yFloat = ax.tensor([0, 1, 2, 1, 0, 2]);
  assert.throws(() => ax.crossEntropy(x, yFloat), (e: Error) => e.name === 'DTypeError' && /float32 labels/.test(e.message) && /y\.int\(\)/.test(e.message));
  const model = new ax.Sequential(new ax.Linear(3, 3));
  assert.throws(() => ax.fit(model, { data: { x, y: yFloat }, epochs: 1, verbose: false }),
    (e: Error) => e.name === 'DTypeError' && /look like class indices/.test(e.message) && /y\.int\(\)/.test(e.message));
  const h = ax.fit(model, { data: { x, y: yFloat.int() }, epochs: 1, verbose: false, doctor: false });
  assert.equal(h.epochs.length, 1);
  const reg = new ax.Sequential(new ax.Linear(3, 1));
  assert.equal(ax.fit(reg, { data: { x, y: ax.randn([6, 1]) }, epochs: 1, verbose: false, doctor: false }).epochs.length, 1);
});
