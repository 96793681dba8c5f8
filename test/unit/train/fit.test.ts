// fit(): learns, validates before the first step, is reproducible, stops early, keeps memory
// flat, and refuses bad input with clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { ShapeError, ValueError, DTypeError } from '../../../src/index.js';

function blobs(n: number, seed: number): { x: ax.Tensor; y: ax.Tensor } {
  const g = new ax.Generator(seed);
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    xs.push([c * 2 + g.normal() * 0.5, (c === 1 ? 2 : -1) + g.normal() * 0.5]);
    ys.push(c);
  }
  return { x: ax.tensor(xs), y: ax.tensor(ys, { dtype: 'int32' }) };
}
const model = (): ax.Sequential => { ax.manualSeed(3); return new ax.Sequential(new ax.Linear(2, 16), new ax.ReLU(), new ax.Linear(16, 3)); };

test('fit learns a 3-class problem and reports validation before the first step', () => {
  const m = model();
  const h = ax.fit(m, { data: blobs(300, 1), validation: 0.2, epochs: 15, batchSize: 16, verbose: false, optimizer: new ax.Adam(m.parameters(), { lr: 0.02 }) });
  assert.ok(h.initial && h.initial.valLoss! > 0.5, `initial ${JSON.stringify(h.initial)}`);
  const last = h.epochs.at(-1)!;
  assert.equal(h.epochs.length, 15);
  assert.ok(last.valAccuracy! > 0.95 && last.accuracy! > 0.9, JSON.stringify(last));
  assert.ok(last.loss < h.epochs[0]!.loss);
  const ev = ax.evaluate(m, blobs(90, 2));
  assert.ok(ev.accuracy! > 0.9, JSON.stringify(ev));
  assert.deepEqual([...ax.predict(m, blobs(10, 3).x, { batchSize: 4 }).shape], [10, 3]);
});

test('same seed ⇒ identical run', () => {
  const run = (): number[] => {
    const m = model();
    return ax.fit(m, { data: blobs(120, 1), validation: 0.25, epochs: 3, batchSize: 8, seed: 5, verbose: false }).epochs.map((e) => e.valLoss!);
  };
  assert.deepEqual(run(), run());
});

test('EarlyStopping stops when improvements fall below minDelta and restores the best weights', () => {
  const m = model();
  const es = new ax.EarlyStopping({ monitor: 'valLoss', patience: 2, minDelta: 0.5, restoreBestWeights: true });
  const val = blobs(60, 9);
  const h = ax.fit(m, { data: blobs(120, 1), validation: val, epochs: 50, batchSize: 8, verbose: false, callbacks: [es] });
  assert.equal(h.stoppedEarly, true);
  assert.equal(h.epochs.length, es.stoppedEpoch + 1);
  assert.equal(es.stoppedEpoch - es.bestEpoch, 2, 'stops after `patience` epochs without a 0.5 improvement');
  const restored = ax.evaluate(m, val);
  assert.ok(Math.abs(restored.loss - h.epochs[es.bestEpoch]!.valLoss!) < 1e-6, `restored ${restored.loss} vs best ${h.epochs[es.bestEpoch]!.valLoss}`);
  assert.notEqual(restored.loss, h.epochs.at(-1)!.valLoss);
});

test('the progress bar prints epoch lines and the JSON-lines logger one object per epoch', () => {
  const lines: string[] = [];
  const log: string[] = [];
  const m = model();
  ax.fit(m, { data: blobs(60, 1), validation: 0.2, epochs: 2, batchSize: 10, verbose: false,
    callbacks: [new ax.ProgressBar({ write: (s) => lines.push(s), live: false }), new ax.JsonLinesLogger((l) => log.push(l))] });
  assert.match(lines.join(''), /before training: valLoss/);
  assert.match(lines.join(''), /Epoch 2\/2 {2}loss \d\.\d{4} {2}accuracy/);
  assert.equal(log.length, 4);
  assert.equal(JSON.parse(log[1]!).event, 'epoch');
});

test('memory stays flat across epochs (no user dispose)', () => {
  const m = model();
  const data = blobs(200, 1);
  ax.fit(m, { data, epochs: 1, batchSize: 10, verbose: false });
  const before = ax.getBackend().memory().storages;
  ax.fit(m, { data, epochs: 5, batchSize: 10, verbose: false });
  const after = ax.getBackend().memory().storages;
  assert.ok(after <= before + 40, `storages ${before} → ${after}`);
});

test('bad input gets clear errors', () => {
  const m = model();
  const ok = blobs(20, 1);
  const nanX = ax.tensor([[0, 1], [NaN, 2]]);
  assert.throws(() => ax.fit(m, { data: { x: nanX, y: ax.tensor([0, 1], { dtype: 'int32' }) }, verbose: false }),
    (e: unknown) => e instanceof ValueError && /NaN at sample 1/.test((e as Error).message));
  assert.throws(() => ax.fit(m, { data: { x: ax.zeros([0, 2]), y: ax.zeros([0], { dtype: 'int32' }) }, verbose: false }),
    (e: unknown) => e instanceof ValueError && /empty/.test((e as Error).message));
  assert.throws(() => ax.fit(m, { data: ok, batchSize: 64, verbose: false }),
    (e: unknown) => e instanceof ValueError && /batchSize 64 is larger than the 20/.test((e as Error).message));
  assert.throws(() => ax.fit(m, { data: { x: ax.zeros([20, 5]), y: ok.y }, verbose: false, epochs: 1 }),
    (e: unknown) => e instanceof ShapeError && /expects 2 features/.test((e as Error).message));
  assert.throws(() => ax.fit(m, { data: { x: ok.x, y: ax.zeros([20]) }, loss: 'crossEntropy', verbose: false, epochs: 1 }),
    (e: unknown) => e instanceof DTypeError && /int32, got float32 labels/.test((e as Error).message) && /y\.int\(\)/.test((e as Error).message));
  assert.throws(() => ax.fit(m, { data: { x: ok.x, y: ax.full([20], 7, { dtype: 'int32' }) }, verbose: false, epochs: 1 }),
    (e: unknown) => e instanceof ValueError && /class 7 is out of range for 3 classes/.test((e as Error).message));
  assert.throws(() => ax.fit(m, { data: { x: ok.x, y: ax.zeros([19], { dtype: 'int32' }) }, verbose: false }),
    (e: unknown) => e instanceof ShapeError && /20 samples but y has 19/.test((e as Error).message));
  assert.throws(() => ax.crossEntropy(ax.zeros([4, 3]), ax.zeros([4, 3], { dtype: 'int32' })),
    (e: unknown) => e instanceof ShapeError && /\[4\]/.test((e as Error).message));
  assert.throws(() => ax.nllLoss(ax.zeros([4, 3]), ax.zeros([4])), (e: unknown) => e instanceof DTypeError);
  assert.throws(() => ax.mseLoss(ax.zeros([4, 1]), ax.zeros([4])), (e: unknown) => e instanceof ShapeError && /\[4,1\]/.test((e as Error).message));
});

test('a diverging run stops with TrainingDivergedError naming the learning rate', () => {
  const m = model();
  const x = ax.mul(blobs(40, 1).x, 1e6);
  assert.throws(() => ax.fit(m, { data: { x, y: blobs(40, 1).y }, epochs: 20, batchSize: 8, verbose: false, optimizer: new ax.SGD(m.parameters(), { lr: 10 }) }),
    (e: unknown) => e instanceof ax.TrainingDivergedError && /learning rate \(10\)/.test((e as Error).message));
});
