// One thread of the roofline probe (roofline.ts): instantiates the kernel module it is sent, then
// for each burst the main thread starts (ctl[0] = burst number) runs simdMaddProbe once and
// writes its start and end times (ms since the process's time origin) into `times`.
import { workerData } from 'node:worker_threads';

interface Job { module: WebAssembly.Module; ctl: Int32Array; times: Float64Array; index: number; iters: number; bursts: number }

const { module, ctl, times, index, iters, bursts } = workerData as Job;
const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true } as WebAssembly.MemoryDescriptor);
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as { simdMaddProbe(iters: number, seed: number, scratch: number): number };
const SCRATCH = 1 << 20; // in this worker's own memory (2 MiB), far above the module's static data
let sink = ex.simdMaddProbe(iters, 1, SCRATCH); // past any lazy compilation
Atomics.add(ctl, 1, 1); // ready
Atomics.notify(ctl, 1);
for (let b = 1; b <= bursts; b++) {
  Atomics.wait(ctl, 0, b - 1); // until the main thread starts burst b
  const t0 = performance.timeOrigin + performance.now();
  sink += ex.simdMaddProbe(iters, 1, SCRATCH);
  times[2 * index] = t0;
  times[2 * index + 1] = performance.timeOrigin + performance.now();
  Atomics.add(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}
if (sink === 0.5) console.log(sink); // keeps the result observable
