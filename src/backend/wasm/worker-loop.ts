// A kernel worker's life: instantiate the kernel module over the shared memory, then loop: wait
// for its `go` number to change (spin briefly, then Atomics.wait), claim and run chunks of the
// current job (protocol.ts). No message per op: dispatch costs a few atomic operations. The
// host's worker script (platform/*-kernel-worker.ts) hands it the init message.
import { CLAIM, CLOSED, drain, EXIT, GO, P_FN, PARALLEL_FNS, READY, SLOT_INTS, WORKER_BASE, type WorkerInit } from './protocol.js';

// How long a worker polls for the next job before it sleeps in Atomics.wait. Waking a sleeping
// thread costs tens of microseconds, and a training step issues its parallel jobs tens to hundreds of
// microseconds apart (the caller runs the small ops and the autograd between them), so the worker
// keeps polling across those gaps, as OpenMP runtimes do; after SPIN_MS of silence it sleeps.
// Measured on W1/W3/W4 (BENCHMARKS.md, issue 23): 0.01 ms lost 10–25% on W1 and W3 against 0.3 ms.
const SPIN_MS = 0.3;

/** Run kernel jobs until the pool closes. */
export function kernelWorkerLoop(init: WorkerInit): void {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const exports = instance.exports as Record<string, (...a: number[]) => void>;
  const fns = PARALLEL_FNS.map((n) => exports[n]!);
  const ctrl = new Int32Array(init.ctrl);
  const params = new Float64Array(init.params);
  const base = WORKER_BASE + init.index * SLOT_INTS;
  const thread = init.index + 1;
  const args: number[] = [];

  Atomics.store(ctrl, base + READY, 1);
  Atomics.notify(ctrl, base + READY);

  let last = Atomics.load(ctrl, base + GO);
  for (;;) {
    let go = Atomics.load(ctrl, base + GO);
    if (go === last) {
      const end = performance.now() + SPIN_MS;
      for (let s = 1; go === last; s++) {
        go = Atomics.load(ctrl, base + GO);
        if ((s & 1023) === 0 && performance.now() > end) break;
      }
    }
    // Timed wait, so a worker never keeps the process from exiting for long.
    while (go === last) {
      Atomics.wait(ctrl, base + GO, last, 200);
      go = Atomics.load(ctrl, base + GO);
    }
    last = go;
    if (params[P_FN] === EXIT && (Atomics.load(ctrl, CLAIM) & 0xffff) === CLOSED) break;
    drain(ctrl, params, fns, thread, args);
  }
}
