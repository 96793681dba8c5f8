// Training on AXON_TEST_BACKEND (WebGPU when test/webgpu-suite.ts runs it) against wasm, same seed
// and batches: xor-mlp, iris-mlp and a short mnist-mlp reach the same test accuracy (within 0.5
// points), and W1's MLP (784-256-128-10, Adam 1e-3, batch 64) follows wasm's loss curve within 1%
// at every one of 100 steps. Both sides train with fitAsync (on wasm it equals fit, see
// test/each-backend/fit-async.test.ts). Not a *.test.ts file: the WebGPU runner names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import { TEST_BACKEND } from '../helpers.js';
import { TOL } from '../tolerances.js';

const REFERENCE = 'wasm';

async function on<T>(name: string, f: () => Promise<T>): Promise<T> {
  const prev = ax.getBackend().name;
  await ax.setBackend(name);
  try { return await f(); } finally { await ax.setBackend(prev); }
}

const quiet = { verbose: false, doctor: false } as const;

async function xor(): Promise<number> {
  ax.manualSeed(0);
  const x = ax.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = ax.tensor([[0], [1], [1], [0]]);
  const model = new ax.Sequential(new ax.Linear(2, 4), new ax.Tanh(), new ax.Linear(4, 1));
  await ax.fitAsync(model, { data: { x, y }, epochs: 300, batchSize: 4, optimizer: new ax.Adam(model.parameters(), { lr: 0.05 }), loss: 'binaryCrossEntropyWithLogits', metrics: ['accuracy'], ...quiet });
  return (await ax.evaluateAsync(model, { x, y }, { loss: 'binaryCrossEntropyWithLogits', metrics: ['accuracy'] })).accuracy!;
}

async function iris(): Promise<number> {
  ax.manualSeed(0);
  const data = await ax.loadIris({ seed: 0 });
  const { train, test: held } = ax.stratifiedSplit(await data.y.toArrayAsync() as number[], { testFraction: 0.2, seed: 0 });
  const pick = (t: ax.Tensor, idx: number[]): ax.Tensor => ax.indexSelect(t, 0, ax.fromArray(idx, [idx.length], 'int32'));
  const mean = ax.mean(pick(data.x, train), { dim: 0, keepDim: true });
  const std = ax.std(pick(data.x, train), { dim: 0, keepDim: true });
  const scale = (t: ax.Tensor): ax.Tensor => ax.div(ax.sub(t, mean), std);
  const model = new ax.Sequential(new ax.Linear(4, 16), new ax.ReLU(), new ax.Linear(16, 3));
  await ax.fitAsync(model, { data: { x: scale(pick(data.x, train)), y: pick(data.y, train) }, epochs: 60, batchSize: 16, optimizer: new ax.Adam(model.parameters(), { lr: 0.01 }), ...quiet });
  return (await ax.evaluateAsync(model, { x: scale(pick(data.x, held)), y: pick(data.y, held) })).accuracy!;
}

/** W1's MLP on the first `rows` MNIST digits, in order; per-step losses and the test accuracy. */
async function mnist(rows: number, epochs: number): Promise<{ losses: number[]; accuracy: number }> {
  ax.manualSeed(0);
  const { train, test: held } = await ax.loadMnist({ seed: 0 });
  const idx = ax.fromArray(Array.from({ length: rows }, (_, i) => i), [rows], 'int32');
  const model = new ax.Sequential(new ax.Linear(784, 256), new ax.ReLU(), new ax.Linear(256, 128), new ax.ReLU(), new ax.Linear(128, 10));
  const losses: number[] = [];
  await ax.fitAsync(model, {
    data: { x: ax.indexSelect(train.x, 0, idx), y: ax.indexSelect(train.y, 0, idx) }, epochs, batchSize: 64, shuffle: false,
    optimizer: new ax.Adam(model.parameters(), { lr: 1e-3 }), callbacks: [new ax.LambdaCallback({ onBatchEnd: (_s, l) => losses.push(l.loss) })], ...quiet,
  });
  return { losses, accuracy: (await ax.evaluateAsync(model, held)).accuracy! };
}

for (const [name, run] of [['xor-mlp', xor], ['iris-mlp', iris], ['mnist-mlp (1 epoch of 3,200 digits)', async () => (await mnist(3200, 1)).accuracy]] as const) {
  test(`${name}: the same test accuracy on ${TEST_BACKEND} as on ${REFERENCE} (within 0.5 points)`, async () => {
    const want = await on(REFERENCE, run);
    const got = await on(TEST_BACKEND, run);
    assert.ok(Math.abs(got - want) <= 0.005, `${name}: accuracy ${got} on ${TEST_BACKEND} vs ${want} on ${REFERENCE}`);
    assert.ok(want > 0.75, `${name}: the reference run learned (${want})`);
  });
}

test(`W1 MLP: 100-step loss curve on ${TEST_BACKEND} within 1% of ${REFERENCE} at every step`, async () => {
  const want = (await on(REFERENCE, () => mnist(6400, 1))).losses;
  const got = (await on(TEST_BACKEND, () => mnist(6400, 1))).losses;
  assert.equal(got.length, 100);
  got.forEach((l, i) => assert.ok(Math.abs(l - want[i]!) <= TOL.lossCurve.rtol * Math.abs(want[i]!), `step ${i}: ${l} vs ${want[i]}`));
  assert.ok(want[99]! < want[0]! * 0.5, 'the curve descends');
});
