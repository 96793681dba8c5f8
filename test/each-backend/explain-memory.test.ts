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
  // Live storages after a full collection and a sweep, at explanation 100 and at 1,000. Between
  // collections, results the user dropped wait for the collector's sweeps (tensor/collected.ts),
  // which run within a time budget and give back nothing the engine has not collected yet, so a
  // plain reading lands anywhere below the sweep's cap (one at 1,000 once read 448 storages over
  // the reading at 100, another's lowest reading over the last hundred was 950 over). After a
  // collection only what is still reachable counts: a leak of even one storage a call adds 900.
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  const { sweepCollected } = await import('../../src/tensor/collected.js');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const settled = async (): Promise<{ storages: number; bytes: number }> => {
    for (let k = 0; k < 3; k++) {
      gc();
      await new Promise((r) => setTimeout(r, 10)); // finalizers run between tasks
      sweepCollected();
    }
    return ax.getBackend().memory();
  };
  let at100 = { storages: 0, bytes: 0 };
  let checksum = 0;
  for (let i = 0; i < 1000; i++) {
    const method = i % 3;
    const a = method === 0 ? ax.saliency(model, x, { target: [i % 3, (i + 1) % 3] })
      : method === 1 ? ax.integratedGradients(model, x, { target: 1, steps: 4 }).attributions
        : ax.gradCam(model, conv, x, { target: 2 });
    checksum += a.data()[0]!; // the user reads each result, then drops it
    if (i === 99) at100 = await settled();
  }
  const after = await settled();
  assert.ok(Number.isFinite(checksum));
  assert.ok(after.storages <= at100.storages + 50, `live storages after a collection grew from ${at100.storages} at 100 explanations to ${after.storages} at 1,000`);
  assert.ok(after.bytes <= at100.bytes * 1.5 + 1e5, `live bytes after a collection grew from ${at100.bytes} to ${after.bytes}`);
});
