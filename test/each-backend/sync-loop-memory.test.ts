// 20,000 steps of a synchronous hand-written loop — a training step plus an evaluation under
// noGrad, predict(), generate() with a tiny GPT — never yield to the event loop, so the
// FinalizationRegistry never runs: live storages and the wasm heap must stay flat anyway
// (intermediates of noGrad blocks are released when the block returns; what the loop drops is
// given back once the collector has taken it, see src/tensor/collected.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import { FLOAT64 } from '../helpers.js';

// On WebGPU (SwiftShader in CI: a GPU emulated on the CPU, ~6 ms a step) the loops are shorter: 10,000
// training steps (the bar for GPU memory) and 10,000 predict() calls.
const TRAIN_STEPS = FLOAT64 ? 20_000 : 10_000;
const PREDICT_CALLS = FLOAT64 ? 20_000 : 10_000;

interface Mem { storages: number; heapBytes?: number }
const memory = (): Mem => ax.getBackend().memory() as Mem;

/** Run `step` n times (after a warm-up); the live storages and heap before, at the peak and after. */
function measure(n: number, step: (i: number) => void): { before: Mem; peakStorages: number; after: Mem } {
  for (let i = 0; i < 50; i++) step(i);
  const before = memory();
  let peakStorages = before.storages;
  for (let i = 0; i < n; i++) {
    step(i);
    if (i % 100 === 0) peakStorages = Math.max(peakStorages, memory().storages);
  }
  return { before, peakStorages, after: memory() };
}

function assertFlat(what: string, n: number, perStep: number, r: ReturnType<typeof measure>): void {
  // Before, the same loop held n·perStep more storages at the end. Now memory is given back in
  // sweeps (a full collection at most every tenth of the time), so it saws up and down, far lower.
  const bound = Math.max(600, (n * perStep) / 4);
  const grown = r.after.storages - r.before.storages;
  assert.ok(r.peakStorages - r.before.storages < bound, `${what}: live storages rose from ${r.before.storages} to a peak of ${r.peakStorages} over ${n} steps`);
  assert.ok(grown < bound, `${what}: live storages grew by ${grown} over ${n} steps`);
  if (r.before.heapBytes !== undefined) {
    const heapGrowth = r.after.heapBytes! - r.before.heapBytes;
    assert.ok(heapGrowth < 8 * 2 ** 20, `${what}: the wasm heap grew by ${(heapGrowth / 2 ** 20).toFixed(1)} MiB over ${n} steps`);
  }
}

test(`a synchronous loop of train steps with a noGrad evaluation each step keeps memory flat for ${TRAIN_STEPS} steps`, async () => {
  ax.manualSeed(0);
  const x = ax.randn([16, 4]);
  const y = ax.sum(x, { dim: 1, keepDim: true });
  const xVal = ax.randn([64, 4]);
  const yVal = ax.sum(xVal, { dim: 1, keepDim: true });
  const model = new ax.Sequential(new ax.Linear(4, 8), new ax.ReLU(), new ax.Linear(8, 1));
  const opt = new ax.SGD(model.parameters(), { lr: 0.05 });
  let valLoss: ax.Tensor | null = null; // read once after the loop (a read per step would need the device to finish each step)
  const r = measure(TRAIN_STEPS, () => {
    opt.zeroGrad();
    const loss = ax.mseLoss(model.forward(x), y);
    loss.backward();
    opt.step();
    const pred = ax.noGrad(() => model.forward(xVal)); // activations released here, pred left to the loop
    valLoss = ax.mseLoss(pred, yVal);
  });
  const v = await valLoss!.itemAsync();
  assert.ok(v < 0.5, `validation loss ${v}`);
  assertFlat('train + noGrad eval', TRAIN_STEPS, 8, r);
});

test(`predict() in a synchronous loop keeps memory flat for ${PREDICT_CALLS} calls`, async () => {
  ax.manualSeed(1);
  const model = new ax.Sequential(new ax.Linear(4, 16), new ax.Tanh(), new ax.Linear(16, 3));
  const x = ax.randn([32, 4]);
  let last: ax.Tensor | null = null;
  const r = measure(PREDICT_CALLS, () => { last = ax.predict(model, x); });
  assert.ok((await last!.dataAsync()).every(Number.isFinite));
  assertFlat('predict', PREDICT_CALLS, 1, r);
});

test('generate() with a tiny GPT in a synchronous loop keeps memory flat for 2,000 calls', { skip: ax.getBackend().syncRead === false && 'generate() samples each token from logits read synchronously (docs/async-reads.md)' }, () => {
  ax.manualSeed(2);
  const gpt = new ax.GPT({ vocabSize: 8, contextLength: 8, nLayer: 1, nHead: 2, nEmbd: 8 });
  const prompt = ax.tensor([[1, 2]], { dtype: 'int32' });
  let last: ax.Tensor | null = null;
  const r = measure(2_000, () => { last = gpt.generate(prompt, { maxNewTokens: 2, topK: 4 }); });
  assert.deepEqual(last!.shape, [1, 4]);
  assertFlat('generate', 2_000, 1, r);
});
