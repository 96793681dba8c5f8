// The doctor's worker thread: runs LateChecksJobs (late-checks.ts) as the main thread trains, and
// posts each result on the port it was given, then bumps the shared counter so that a main thread
// blocked in Atomics.wait wakes at once (late-checks-thread.ts).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { runLateChecks, type LateChecksJob } from './late-checks.js';

const { port, flags } = workerData as { port: MessagePort; flags: SharedArrayBuffer };
const flag = new Int32Array(flags); // [0] ready, [1] results posted

parentPort!.on('message', ({ id, job }: { id: number; job: LateChecksJob }) => {
  try {
    port.postMessage({ id, result: runLateChecks(job) });
  } catch (e) {
    port.postMessage({ id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
  Atomics.add(flag, 1, 1);
  Atomics.notify(flag, 1);
});
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
