// The doctor's worker thread: fits the linear and GBT baselines (baselines.ts: host code only) of
// each job as the main thread trains, posts the scores on the port it was given, then bumps the
// shared counter so that a main thread blocked in Atomics.wait wakes at once (baseline-thread.ts).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { runBaselines } from './baselines.js';
import type { BaselineJob } from './baseline-thread.js';

const { port, flags } = workerData as { port: MessagePort; flags: SharedArrayBuffer };
const flag = new Int32Array(flags); // [0] ready, [1] results posted

parentPort!.on('message', ({ id, job }: { id: number; job: BaselineJob }) => {
  try {
    const t0 = performance.now();
    const scores = runBaselines(job.fit, job.fitT, job.held, job.heldT);
    port.postMessage({ id, result: { scores, ms: performance.now() - t0 } });
  } catch (e) {
    port.postMessage({ id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
  Atomics.add(flag, 1, 1);
  Atomics.notify(flag, 1);
});
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
