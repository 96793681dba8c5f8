// The browser bench's page script (bundled by bench/browser.ts): W0 and W1 for Axon (the shipped
// dist/browser/axon.js) and TensorFlow.js's wasm backend, in the same page, on its main thread.
import * as tfw from '@tensorflow/tfjs-backend-wasm';
import * as ax from '../src/index.js';
import { initPeers } from './peers.js';
import { DEFAULT_TIMING, type TimingOptions } from './timing.js';
import { axonGemm, peerGemm, W0_SIZES } from './w0-gemm.js';
import { axonInfer, axonTrain, peerInfer, peerTrain } from './w1-mlp.js';

export interface BrowserBenchRow { id: string; unit: string; axon: number; 'tfjs-wasm': number }

export async function runBrowserBench(threads: number, minTime: number): Promise<{ rows: BrowserBenchRow[]; axonThreads: number; tfjsThreads: number; variant: string | null; isolated: boolean }> {
  const timing: TimingOptions = { ...DEFAULT_TIMING, minTime };
  tfw.setWasmPaths('/tfjs-wasm/');
  ax.setNumThreads(threads);
  const axonThreads = await ax.startThreads();
  const peers = await initPeers(threads);
  const rows: BrowserBenchRow[] = [];
  for (const n of W0_SIZES) rows.push({ id: `W0-${n}`, unit: 'GFLOP/s', axon: axonGemm(n, timing), 'tfjs-wasm': await peerGemm('tfjs-wasm', n, timing) });
  rows.push({ id: 'W1-train', unit: 'samples/s', axon: axonTrain(timing), 'tfjs-wasm': await peerTrain('tfjs-wasm', timing) });
  rows.push({ id: 'W1-infer', unit: 'us', axon: axonInfer(timing), 'tfjs-wasm': await peerInfer('tfjs-wasm', timing) });
  return { rows, axonThreads, tfjsThreads: peers.find((p) => p.name === 'tfjs-wasm')!.threads, variant: ax.threadStatus().variant, isolated: crossOriginIsolated };
}

(globalThis as { runBrowserBench?: typeof runBrowserBench }).runBrowserBench = runBrowserBench;
