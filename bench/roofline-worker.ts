// One thread of the roofline probe (roofline.ts): instantiates the kernel module it is sent, waits
// at the start line with the other threads, runs simdMaddProbe and posts its FLOPs and seconds.
import { parentPort, workerData } from 'node:worker_threads';

interface Job { module: WebAssembly.Module; shared: boolean; start: Int32Array; iters: number }

const { module, shared, start, iters } = workerData as Job;
const memory = new WebAssembly.Memory({ initial: 32, maximum: shared ? 65536 : undefined, shared } as WebAssembly.MemoryDescriptor);
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as { simdMaddProbe(iters: number, seed: number): number; simdMaddProbeFlops(): number };
ex.simdMaddProbe(200_000, 1); // past the baseline tier
Atomics.add(start, 1, 1);
Atomics.notify(start, 1);
Atomics.wait(start, 0, 0); // the main thread sets start[0] when every worker is ready
const t0 = performance.now();
const sink = ex.simdMaddProbe(iters, 1);
const seconds = (performance.now() - t0) / 1000;
parentPort!.postMessage({ flops: iters * ex.simdMaddProbeFlops(), seconds, sink });
