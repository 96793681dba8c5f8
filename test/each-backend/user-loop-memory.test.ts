// A training loop written by hand, without scope(): memory stays flat, and the usual patterns
// (printing the loss after step, accuracy from the logits, full-batch preprocessed inputs,
// a carried recurrent state, snapshots of the weights) keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import { settledStorages } from '../helpers.js';

const syncReads = ax.getBackend().syncRead !== false;

test('a plain loop (zeroGrad, forward, backward, step) keeps memory flat without scope()', async () => {
  ax.manualSeed(0);
  const xAll = ax.randn([256, 20]);
  const mean = ax.mean(xAll, { dim: 0, keepDim: true });
  const xs = ax.div(ax.sub(xAll, mean), ax.std(xAll, { dim: 0, keepDim: true })); // preprocessed once, op results
  const yAll = ax.cast(ax.gt(ax.sum(xAll, { dim: 1 }), 0), 'int32');
  const model = new ax.Sequential(new ax.Linear(20, 32), new ax.ReLU(), new ax.Linear(32, 2));
  const opt = new ax.Adam(model.parameters(), { lr: 1e-2 });
  const snapshots: ax.Tensor[] = [];
  const losses: number[] = [];
  let storagesAt20 = 0;
  let storagesAtEnd = 0;
  for (let step = 0; step < 120; step++) {
    const idx = ax.randint(0, 256, [32]);
    const xb = ax.indexSelect(xs, 0, idx);
    const yb = ax.indexSelect(yAll, 0, idx);
    opt.zeroGrad();
    const logits = model.forward(xb);
    const loss = ax.crossEntropy(logits, yb);
    loss.backward();
    opt.step();
    losses.push(await loss.itemAsync()); // read after step (asynchronously: works on every backend)
    // logits still usable after step (accuracy() returns a number: where values are read only asynchronously, the same on the device)
    if (syncReads) ax.accuracy(ax.argmax(logits, { dim: 1 }), yb);
    else ax.mean(ax.cast(ax.eq(ax.argmax(logits, { dim: 1 }), yb), 'float32'));
    if (step % 40 === 0) snapshots.push(ax.noGrad(() => ax.clone((model.layers[0] as ax.Linear).weight)));
    if (step === 20) storagesAt20 = await settledStorages();
    if (step === 119) storagesAtEnd = await settledStorages(); // the same point of the iteration
  }
  const full = ax.crossEntropy(model.forward(xs), yAll); // the preprocessed data is still alive
  const fullLoss = await full.itemAsync();
  assert.ok(fullLoss < losses[0]!, `full-batch loss ${fullLoss} vs first ${losses[0]}`);
  assert.equal(snapshots.every((s) => !s.isDisposed), true, 'snapshots outside the graph stay alive');
  // both counts are taken after a full collection at the same point of an iteration: the growth is
  // the two snapshots taken in between, not the metrics and graphs of earlier steps
  assert.ok(storagesAtEnd <= storagesAt20 + 8, `storages grew from ${storagesAt20} to ${storagesAtEnd} over 100 steps`);
});

test('a recurrent state carried across iterations (detached) stays valid', async () => {
  ax.manualSeed(1);
  const cell = new ax.Linear(8, 8);
  const opt = new ax.SGD(cell.parameters(), { lr: 0.01 });
  let h = ax.zeros([4, 8]);
  for (let step = 0; step < 10; step++) {
    opt.zeroGrad();
    const next = ax.tanh(cell.forward(h));
    ax.mean(ax.mul(next, next)).backward();
    opt.step();
    h = next.detach();
  }
  assert.equal(h.isDisposed, false);
  assert.equal((await h.dataAsync()).length, 32);
});

test('a running value outside the graph does not chain past iterations together', () => {
  ax.manualSeed(2);
  const w = ax.keep(ax.randn([4], { requiresGrad: true }));
  const opt = new ax.SGD([w], { lr: 0.1 });
  let total = ax.zeros([]);
  for (let step = 0; step < 5; step++) {
    opt.zeroGrad();
    const loss = ax.sum(ax.mul(w, w));
    loss.backward();
    opt.step();
    total = ax.add(total, loss.detach());
  }
  assert.equal(total.isDisposed, false);
  let depth = 0;
  for (let t: ax.Tensor | undefined = total; t?.sources; t = t.sources[0]) depth++;
  assert.ok(depth <= 2, `the running sum keeps ${depth} generations of sources alive`);
});

test('data made mid-loop and reused by later iterations (a per-epoch shuffle) stays alive', () => {
  ax.manualSeed(3);
  const x = ax.randn([64, 4]);
  const y = ax.randint(0, 2, [64]);
  const model = new ax.Linear(4, 2);
  const opt = new ax.SGD(model.parameters(), { lr: 0.1 });
  for (let epoch = 0; epoch < 3; epoch++) {
    const perm = ax.randperm(64);
    const xe = ax.indexSelect(x, 0, perm); // made at the start of each epoch
    const ye = ax.indexSelect(y, 0, perm);
    for (let b = 0; b < 8; b++) {
      const xb = ax.slice(xe, [[b * 8, b * 8 + 8]]);
      const yb = ax.slice(ye, [[b * 8, b * 8 + 8]]);
      opt.zeroGrad();
      ax.crossEntropy(model.forward(xb), yb).backward();
      opt.step();
    }
  }
  assert.equal(x.isDisposed, false);
});
