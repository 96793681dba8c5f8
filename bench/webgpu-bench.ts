// `npm run bench -- --backend webgpu` (or `node dist/bench/webgpu-bench.js [--json] [--sizes 128,4096]`):
// W0 (square GEMM, GFLOP/s = 2n³/t) on the webgpu backend, with the wasm backend's figure from the
// same run beside it. GPU work is asynchronous, so a step is timed in batches that end by waiting
// for the queue (backend.sync()); the figure is the median over ≥ 3 repetitions of ≥ minTime s.
// W1–W4 need training with batched async reads (fitAsync) and are not run on webgpu here.
import * as ax from '../src/index.js';
import { machine } from './machine.js';
import { DEFAULT_TIMING, median, measure, type TimingOptions } from './timing.js';

const SIZES = [128, 256, 512, 1024, 2048, 4096];
const gflops = (n: number, t: number): number => (2 * n ** 3) / t / 1e9;
const now = (): number => performance.now() / 1000;

type Gpu = ax.Backend & { sync(): Promise<void>; adapterName: string };

async function gpuGemm(gpu: Gpu, n: number, o: TimingOptions): Promise<number> {
  const a = ax.keep(ax.randn([n, n]));
  const b = ax.keep(ax.randn([n, n]));
  const step = (): void => ax.scope(() => { ax.matmul(a, b); });
  for (let i = 0; i < o.warmup; i++) step();
  await gpu.sync();
  const perRep: number[] = [];
  for (let r = 0; r < o.reps; r++) {
    let steps = 0;
    const t0 = now();
    let t = 0;
    let batch = 1;
    do {
      for (let i = 0; i < batch; i++) step();
      await gpu.sync();
      steps += batch;
      t = now() - t0;
      batch = Math.min(64, batch * 2);
    } while (t < o.maxTime && (steps < o.minSteps || t < o.minTime));
    perRep.push(t / steps);
  }
  ax.unkeep(a);
  ax.unkeep(b);
  return gflops(n, median(perRep));
}

function wasmGemm(n: number, o: TimingOptions): number {
  const a = ax.keep(ax.randn([n, n]));
  const b = ax.keep(ax.randn([n, n]));
  const t = measure(() => ax.scope(() => { ax.matmul(a, b); }), { ...o, maxTime: Math.min(o.maxTime, 4) });
  ax.unkeep(a);
  ax.unkeep(b);
  return gflops(n, t.median);
}

export async function webgpuBench({ json = false, sizes = SIZES, timing = DEFAULT_TIMING, wasm = true } = {}): Promise<void> {
  const gpu = (await ax.setBackend('webgpu')) as Gpu;
  process.stderr.write(`Axon backend webgpu on ${gpu.adapterName}\n`);
  console.log('| workload | unit | axon webgpu | axon wasm | webgpu vs wasm |');
  console.log('|---|---|---|---|---|');
  const results: Record<string, { unit: string; axon: number; wasm?: number }> = {};
  for (const n of sizes) {
    ax.setBackend('webgpu');
    const g = await gpuGemm(gpu, n, timing);
    let w: number | undefined;
    if (wasm && n <= 2048) {
      ax.setBackend('wasm');
      w = wasmGemm(n, timing);
    }
    results[`W0-${n}`] = { unit: 'GFLOP/s', axon: +g.toPrecision(4), ...(w !== undefined ? { wasm: +w.toPrecision(4) } : {}) };
    const f = (v: number | undefined): string => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
    console.log(`| W0-${n} | GFLOP/s | ${f(g)} | ${f(w)} | ${w ? `${(g / w).toFixed(2)}×` : '—'} |`);
  }
  ax.closeBackend('webgpu');
  if (json) {
    const m = machine();
    console.log(JSON.stringify({ date: m.date, cpu: m.cpu, cores: m.cores, node: m.node, backend: 'webgpu', adapter: gpu.adapterName, threads: ax.getNumThreads(), results }));
  }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const i = process.argv.indexOf('--sizes');
  const sizes = i >= 0 ? process.argv[i + 1]!.split(',').map(Number) : SIZES;
  const j = process.argv.indexOf('--min-time');
  const timing = { ...DEFAULT_TIMING, minTime: j >= 0 ? Number(process.argv[j + 1]) : DEFAULT_TIMING.minTime };
  await webgpuBench({ json: process.argv.includes('--json'), sizes, timing, wasm: !process.argv.includes('--no-wasm') });
  process.exit(0);
}
