// W5: W1 training for 10,000 steps with no disposal call in user code; resident set size (RSS)
// after step 1,000 and after step 10,000. Run as its own process so the peers' memory and the
// other workloads do not count: `node dist/bench/w5-memory.js [steps]` prints one JSON line.
import * as ax from '../src/index.js';
import { axonW1 } from './w1-mlp.js';

const MB = 1024 * 1024;

export interface W5Result { rss1k: number; rss10k: number; heap1k: number; heap10k: number; steps: number; seconds: number }

export function runW5(steps = 10000): W5Result {
  const { step } = axonW1();
  const t0 = performance.now();
  let rss1k = 0;
  let heap1k = 0;
  const heap = (): number => ((ax.memory() as { heapBytes?: number }).heapBytes ?? 0) / MB;
  for (let i = 1; i <= steps; i++) {
    step();
    if (i === Math.min(1000, steps)) { rss1k = process.memoryUsage().rss / MB; heap1k = heap(); }
  }
  return { rss1k, rss10k: process.memoryUsage().rss / MB, heap1k, heap10k: heap(), steps, seconds: (performance.now() - t0) / 1000 };
}

if (process.argv[1]?.endsWith('w5-memory.js')) {
  const threads = Number(process.env.AXON_BENCH_THREADS ?? 0);
  if (threads > 0) ax.setNumThreads(threads);
  console.log(JSON.stringify(runW5(Number(process.argv[2] ?? 10000))));
}
