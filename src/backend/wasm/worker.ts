// A kernel worker thread: instantiates the kernel module over the shared memory, then loops:
// wait for its `go` number to change (spin briefly, then Atomics.wait), run the requested export
// on its arguments, publish `done`. No messages per op: dispatch costs a store and a notify.
import { workerData } from 'node:worker_threads';
import { ARGS_PER_WORKER, DONE, EXIT, FN, GO, NARGS, PARALLEL_FNS, READY, SLOT_INTS, type WorkerInit } from './protocol.js';

const init = workerData as WorkerInit;
const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
const exports = instance.exports as Record<string, (...a: number[]) => void>;
const fns = PARALLEL_FNS.map((n) => exports[n]!);
const ctrl = new Int32Array(init.ctrl);
const args = new Float64Array(init.args);
const base = init.index * SLOT_INTS;
const abase = init.index * ARGS_PER_WORKER;
const SPIN = 20000; // ~50 µs of polling before sleeping: ops of a training step arrive faster than that

Atomics.store(ctrl, base + READY, 1);
Atomics.notify(ctrl, base + READY);

let last = Atomics.load(ctrl, base + GO);
for (;;) {
  let go = Atomics.load(ctrl, base + GO);
  for (let s = 0; go === last && s < SPIN; s++) go = Atomics.load(ctrl, base + GO);
  // Timed wait, so a worker never blocks the process from exiting for long.
  while (go === last) {
    Atomics.wait(ctrl, base + GO, last, 200);
    go = Atomics.load(ctrl, base + GO);
  }
  last = go;
  const fn = ctrl[base + FN]!;
  if (fn === EXIT) break;
  const n = ctrl[base + NARGS]!;
  const f = fns[fn]!;
  switch (n) {
    case 5: f(args[abase]!, args[abase + 1]!, args[abase + 2]!, args[abase + 3]!, args[abase + 4]!); break;
    default: f(...Array.from(args.subarray(abase, abase + n)));
  }
  Atomics.store(ctrl, base + DONE, go);
  Atomics.notify(ctrl, base + DONE);
}
