// Memory stays flat over 1,000 explanations written without scope() or dispose().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import '../helpers.js';

// The explain module reads values on the CPU (targets, deltas, Shapley sums: docs/async-reads.md),
// so it runs on the ts and wasm backends; where values come back only asynchronously (WebGPU) its
// methods throw SyncReadError naming the async call, which the last test checks there.
const ASYNC_ONLY = ax.getBackend().syncRead === false;
const etest = (name: string, fn: () => void | Promise<void>): void => { test(name, { skip: ASYNC_ONLY && 'explain reads on the CPU; on this backend it throws SyncReadError (tested below)' }, fn); };


etest('1,000 explanations (saliency, integrated gradients, Grad-CAM) keep the live storages flat', async () => {
  ax.manualSeed(0);
  const conv = new ax.Conv2d(1, 4, 3, { padding: 1 });
  const model = new ax.Sequential(conv, new ax.ReLU(), new ax.Flatten(), new ax.Linear(4 * 6 * 6, 3));
  const x = ax.randn([2, 1, 6, 6]);
  let storagesAt100 = 0, bytesAt100 = 0;
  let checksum = 0;
  for (let i = 0; i < 1000; i++) {
    const method = i % 3;
    const a = method === 0 ? ax.saliency(model, x, { target: [i % 3, (i + 1) % 3] })
      : method === 1 ? ax.integratedGradients(model, x, { target: 1, steps: 4 }).attributions
        : ax.gradCam(model, conv, x, { target: 2 });
    checksum += a.data()[0]!; // the user reads each result, then drops it
    if (i === 99) ({ storages: storagesAt100, bytes: bytesAt100 } = ax.getBackend().memory());
  }
  const after = ax.getBackend().memory();
  assert.ok(Number.isFinite(checksum));
  // Results dropped by the user are given back by the collector's sweeps (tensor/collected.ts),
  // so the count wanders by up to a sweep's worth; a leak of even one storage per call would add 900.
  assert.ok(after.storages <= storagesAt100 + 300, `storages grew from ${storagesAt100} at 100 explanations to ${after.storages} at 1,000`);
  assert.ok(after.bytes <= bytesAt100 * 2 + 1e6, `bytes grew from ${bytesAt100} to ${after.bytes}`);
});
