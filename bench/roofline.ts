// The SIMD128 roofline of this machine: the best multiply-add throughput WebAssembly SIMD reaches
// here, per thread and for 2 threads running at once (assembly/roofline.ts: independent chains,
// no memory traffic), for the plain-SIMD build and, where the engine validates it, the
// relaxed-SIMD build (fused relaxed_madd). GEMM is then reported as a share of it. Best of `reps`
// runs (a roofline is a ceiling: the best run is the one least disturbed by other processes).
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

/** GFLOP/s of `threads` workers running the probe at once (total FLOPs over the slowest's time). */
async function once(module: WebAssembly.Module, threads: number, iters: number): Promise<number> {
  const start = new Int32Array(new SharedArrayBuffer(8));
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { workerData: { module, shared: true, start, iters } }));
  const done = workers.map((w) => new Promise<{ flops: number; seconds: number }>((res, rej) => { w.once('message', res); w.once('error', rej); }));
  while (Atomics.load(start, 1) < threads) await new Promise((r) => setTimeout(r, 1));
  Atomics.store(start, 0, 1);
  Atomics.notify(start, 0);
  const rs = await Promise.all(done);
  await Promise.all(workers.map((w) => w.terminate()));
  return rs.reduce((a, r) => a + r.flops, 0) / Math.max(...rs.map((r) => r.seconds)) / 1e9;
}

async function best(module: WebAssembly.Module, threads: number, reps: number, iters: number): Promise<number> {
  let b = 0;
  for (let r = 0; r < reps; r++) b = Math.max(b, await once(module, threads, iters));
  return b;
}

/** Measure the roofline; `iters` probe iterations per thread (5e7 ≈ 0.1–0.2 s on a 2020s core). */
export async function roofline(reps = 5, iters = 50_000_000): Promise<Roofline> {
  const plain = wasm('axon-simd.wasm')!;
  const relaxed = wasm('axon-relaxed.wasm');
  return {
    simd128GflopsT1: await best(plain, 1, reps, iters),
    simd128GflopsT2: await best(plain, 2, reps, iters),
    relaxedGflopsT1: relaxed && await best(relaxed, 1, reps, iters),
    relaxedGflopsT2: relaxed && await best(relaxed, 2, reps, iters),
  };
}
