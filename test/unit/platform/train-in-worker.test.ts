// trainInWorker in Node (a worker_threads worker running the same training worker as the browser
// bundle): the model object gets the trained weights, progress streams, errors keep their class,
// stop() ends training early, and a model without config() is refused before any thread starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

const xor = (): { x: ax.Tensor; y: ax.Tensor } => ({ x: ax.fromArray([0, 0, 0, 1, 1, 0, 1, 1], [4, 2], 'float32'), y: ax.fromArray([0, 1, 1, 0], [4], 'int32') });

test('XOR trained in a worker: the same model object learns it; epochs, batches, findings and start info stream', async () => {
  ax.manualSeed(0);
  const { x, y } = xor();
  const model = new ax.Sequential(new ax.Linear(2, 8), new ax.Tanh(), new ax.Linear(8, 2));
  const before = model.stateDict()['0.weight']!.data().slice();
  const epochs: number[] = [];
  const findings: string[] = [];
  let batches = 0;
  let started: { backend: string; threads: number } | null = null;
  const run = ax.trainInWorker(model, {
    data: { x, y }, epochs: 300, batchSize: 4, optimizer: { type: 'Adam', lr: 0.05 }, batchEveryMs: 0,
    onEpoch: (l) => epochs.push(l.epoch), onBatch: () => batches++, onFinding: (f) => findings.push(f.id), onStart: (s) => { started = s; },
  });
  const history = await run.done;
  assert.equal(history.epochs.length, 300);
  assert.deepEqual(epochs, Array.from({ length: 300 }, (_, i) => i + 1));
  assert.equal(batches, 300);
  assert.ok(findings.includes('examples-per-parameter'), `findings ${findings.join(', ')}`);
  assert.ok(started !== null);
  assert.notDeepEqual(model.stateDict()['0.weight']!.data(), before, 'weights came back');
  assert.equal(ax.accuracy(model.forward(x), y), 1);
});

test('the worker\'s error comes back as the same class with its message; a model without config() is refused at once', async () => {
  const model = new ax.Sequential(new ax.Linear(2, 2));
  const run = ax.trainInWorker(model, { data: { x: ax.zeros([4, 2]), y: ax.zeros([3], { dtype: 'int32' }) }, epochs: 1 });
  await assert.rejects(run.done, (e: Error) => e instanceof ax.ShapeError && /x has 4 samples but y has 3/.test(e.message));
  const bad = ax.trainInWorker(model, { data: { x: ax.zeros([4, 2]), y: ax.zeros([4], { dtype: 'int32' }) }, optimizer: { type: 'Nadam' as 'Adam', lr: 1 } });
  await assert.rejects(bad.done, (e: Error) => e instanceof ax.ValueError && /unknown optimizer 'Nadam'/.test(e.message));
  class Custom extends ax.Module { forward(t: ax.Tensor): ax.Tensor { return t; } }
  assert.throws(() => ax.trainInWorker(new Custom(), { data: xor() }), (e: Error) => e instanceof ax.ValueError && /config\(\)/.test(e.message));
});

test('stop() ends training after the current epoch and the weights trained so far come back', async () => {
  ax.manualSeed(1);
  const x = ax.randn([4096, 32]);
  const y = ax.fromArray(Array.from({ length: 4096 }, (_, i) => i % 3), [4096], 'int32');
  const model = new ax.Sequential(new ax.Linear(32, 64), new ax.ReLU(), new ax.Linear(64, 3));
  const run = ax.trainInWorker(model, { data: { x, y }, epochs: 10000, batchSize: 64, doctor: false, optimizer: { type: 'SGD', lr: 0.01 }, onEpoch: (l) => { if (l.epoch === 2) run.stop(); } });
  const history = await run.done;
  assert.ok(history.epochs.length >= 2 && history.epochs.length < 10000, `${history.epochs.length} epochs`);
  assert.equal(history.stoppedEarly, true);
});
