// The SIMD128 roofline of this machine: the best multiply-add throughput WebAssembly SIMD reaches
// here, on 1 thread and on 2 threads at once (assembly/roofline.ts: twelve independent chains
// a ← a + x·m as in a GEMM micro-kernel, x from L1), for the plain-SIMD build and, where the engine validates it, the relaxed-SIMD
// build (fused relaxed_madd). GEMM is then reported as a share of it. The probe runs as many short
// bursts (~2–5 ms each on a quiet core); a burst's figure is all threads' FLOPs over the span from
// the first start to the last end, and the roofline is the best burst: on a shared machine some
// bursts get whole time slices while other processes wait, and a ceiling is what is wanted.
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';

export interface Roofline {
  simd128GflopsT1: number;
  simd128GflopsT2: number;
  /** Relaxed-SIMD build (fused multiply-add), or null when this engine does not validate it. */
  relaxedGflopsT1: number | null;
  relaxedGflopsT2: number | null;
}

const WORKER = new URL('./roofline-worker.js', import.meta.url);
const FLOPS_PER_ITER = 96; // simdMaddProbeFlops()

function wasm(file: string): WebAssembly.Module | null {
  const bytes = readFileSync(new URL(`../wasm/${file}`, import.meta.url));
  if (!WebAssembly.validate(bytes)) return null;
  v8.setFlagsFromString('--no-liftoff'); // optimizing tier up front, as the backend compiles it (platform/node.ts)
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    v8.setFlagsFromString('--liftoff');
  }
}

/** Until `value` workers have reported (the workers time themselves, so polling costs no accuracy). */
async function waitFor(ctl: Int32Array, value: number): Promise<void> {
  while (Atomics.load(ctl, 1) < value) await new Promise((r) => setImmediate(r));
}

/** Best GFLOP/s over `bursts` bursts of `threads` workers running the probe at once. */
async function best(module: WebAssembly.Module, threads: number, bursts: number, iters: number): Promise<number> {
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const times = new Float64Array(new SharedArrayBuffer(16 * threads));
  const workers = Array.from({ length: threads }, (_, index) => new Worker(WORKER, { workerData: { module, ctl, times, index, iters, bursts } }));
  const failed = new Promise<never>((_, rej) => { for (const w of workers) w.once('error', rej); });
  let top = 0;
  try {
    await Promise.race([waitFor(ctl, threads), failed]);
    for (let b = 1; b <= bursts; b++) {
      Atomics.store(ctl, 1, 0);
      Atomics.store(ctl, 0, b);
      Atomics.notify(ctl, 0);
      await Promise.race([waitFor(ctl, threads), failed]);
      let start = Infinity;
      let end = 0;
      for (let t = 0; t < threads; t++) { start = Math.min(start, times[2 * t]!); end = Math.max(end, times[2 * t + 1]!); }
      top = Math.max(top, (threads * iters * FLOPS_PER_ITER) / ((end - start) / 1000) / 1e9);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return top;
}

/** Measure the roofline: `bursts` bursts of `iters` probe iterations per thread. */
export async function roofline(bursts = 200, iters = 1_000_000): Promise<Roofline> {
  const plain = wasm('axon-simd.wasm')!;
  const relaxed = wasm('axon-relaxed.wasm');
  return {
    simd128GflopsT1: await best(plain, 1, bursts, iters),
    simd128GflopsT2: await best(plain, 2, bursts, iters),
    relaxedGflopsT1: relaxed && await best(relaxed, 1, bursts, iters),
    relaxedGflopsT2: relaxed && await best(relaxed, 2, bursts, iters),
  };
}
