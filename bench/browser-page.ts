// The browser bench's page script (bundled by bench/browser.ts): W0 and W1 for Axon (the shipped
// dist/browser/axon.js) and TensorFlow.js's wasm backend, in the same page, on its main thread.
import * as tfw from '@tensorflow/tfjs-backend-wasm';
import * as ax from '../src/index.js';
import { initPeers, tf } from './peers.js';
import { DEFAULT_TIMING, type TimingOptions } from './timing.js';
import { axonGemm, peerGemm, W0_SIZES } from './w0-gemm.js';
import { axonInfer, axonTrain, peerInfer, peerTrain } from './w1-mlp.js';

export interface BrowserBenchRow { id: string; unit: string; axon: number; 'tfjs-wasm': number }

export async function runBrowserBench(threads: number, minTime: number): Promise<{ rows: BrowserBenchRow[]; tfjsFlags: Record<string, unknown>; axonThreads: number; tfjsThreads: number; variant: string | null; isolated: boolean }> {
  const timing: TimingOptions = { ...DEFAULT_TIMING, minTime };
  tfw.setWasmPaths('/tfjs-wasm/');
  ax.setNumThreads(threads);
  const axonThreads = await ax.startThreads();
  const peers = await initPeers(threads);
  const tfjsFlags = { multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'), simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), isNode: tf.env().get('IS_NODE') };
  const rows: BrowserBenchRow[] = [];
  for (const n of W0_SIZES) rows.push({ id: `W0-${n}`, unit: 'GFLOP/s', axon: axonGemm(n, timing), 'tfjs-wasm': await peerGemm('tfjs-wasm', n, timing) });
  rows.push({ id: 'W1-train', unit: 'samples/s', axon: axonTrain(timing), 'tfjs-wasm': await peerTrain('tfjs-wasm', timing) });
  rows.push({ id: 'W1-infer', unit: 'us', axon: axonInfer(timing), 'tfjs-wasm': await peerInfer('tfjs-wasm', timing) });
  return { rows, tfjsFlags, axonThreads, tfjsThreads: peers.find((p) => p.name === 'tfjs-wasm')!.threads, variant: ax.threadStatus().variant, isolated: crossOriginIsolated };
}

export interface Responsiveness { startMs: number; seconds: number; epochs: number; batchMessages: number; longTasks: number; longestTaskMs: number; timerTicks: number; maxTimerGapMs: number }

/**
 * Train a 784-256-128-10 MLP on 8,192 synthetic samples in a worker for `seconds`, while the page
 * counts its long tasks (> 50 ms, PerformanceObserver) and the largest gap between ticks of a
 * 10 ms timer: what a user scrolling or clicking would feel.
 */
export async function responsiveness(seconds: number): Promise<Responsiveness> {
  ax.manualSeed(0);
  const x = ax.randn([8192, 784]);
  const y = ax.randint(0, 10, [8192]);
  const model = new ax.Sequential(new ax.Linear(784, 256), new ax.ReLU(), new ax.Linear(256, 128), new ax.ReLU(), new ax.Linear(128, 10));
  await new Promise((r) => setTimeout(r, 100)); // the data's creation is not part of what is measured
  const long: number[] = [];
  const obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => long.push(e.duration)));
  obs.observe({ type: 'longtask' });
  let ticks = 0, maxGap = 0, last = performance.now(), batches = 0;
  const timer = setInterval(() => { const now = performance.now(); maxGap = Math.max(maxGap, now - last); last = now; ticks++; }, 10);
  const t0 = performance.now();
  const run = ax.trainInWorker(model, { data: { x, y }, epochs: 1000, batchSize: 64, optimizer: { type: 'Adam', lr: 1e-3 }, onBatch: () => batches++ });
  const startMs = performance.now() - t0; // the page's own share: reading the data out and handing it over
  await new Promise((r) => setTimeout(r, seconds * 1000));
  run.stop();
  const history = await run.done;
  clearInterval(timer);
  obs.disconnect();
  return { startMs, seconds: (performance.now() - t0) / 1000, epochs: history.epochs.length, batchMessages: batches, longTasks: long.length, longestTaskMs: Math.max(0, ...long), timerTicks: ticks, maxTimerGapMs: maxGap };
}

Object.assign(globalThis, { runBrowserBench, responsiveness });
