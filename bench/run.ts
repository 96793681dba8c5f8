// `npm run bench [-- --json] [-- --threads N] [-- --only W0,W1,W5] [-- --min-time S] [-- --browser] [-- --backend webgpu]`: the workloads of
// shared/workloads.md (W0, W1, W2, W3, W5 for now) for Axon and, in the same run, TensorFlow.js 4.22 cpu and
// wasm. Prints each figure, each peer's and Axon's advantage; with --json the last line is one
// JSON object with every figure. Not part of npm test. --browser runs W0/W1 in Chromium instead (browser.ts);
// --backend webgpu runs W0 on the GPU (webgpu-bench.ts).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ax from '../src/index.js';
import { machine } from './machine.js';
import { initPeers, type PeerName } from './peers.js';
import { DEFAULT_TIMING, type TimingOptions } from './timing.js';
import { axonGemm, peerGemm, W0_SIZES } from './w0-gemm.js';
import { axonInfer, axonTrain, peerInfer, peerTrain } from './w1-mlp.js';
import { axonW2Train, peerW2Train } from './w2-lenet.js';
import { axonW3Train, peerW3Train } from './w3-lstm.js';
import { axonW4Train, peerW4Train } from './w4-gpt.js';
import type { W5Result } from './w5-memory.js';

type Row = { unit: string; axon?: number } & Partial<Record<PeerName, number>> & Record<string, unknown>;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const json = process.argv.includes('--json');
const only = new Set((arg('--only') ?? 'W0,W1,W2,W3,W4,W5').split(','));
const threads = Number(arg('--threads') ?? ax.getNumThreads());
const timing: TimingOptions = { ...DEFAULT_TIMING, minTime: Number(arg('--min-time') ?? DEFAULT_TIMING.minTime) };
const PEERS: PeerName[] = ['tfjs-wasm', 'tfjs-cpu'];
const lowerIsBetter = (unit: string): boolean => unit === 'us' || unit === 'MB';
const log = (s: string): void => { process.stderr.write(s + '\n'); };

function fmt(v: number | undefined): string {
  if (v === undefined) return '—';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function printRow(id: string, r: Row): void {
  const adv = (p: PeerName): string => {
    const pv = r[p];
    if (r.axon === undefined || pv === undefined) return '—';
    return `${fmt(lowerIsBetter(r.unit) ? pv / r.axon : r.axon / pv)}×`;
  };
  const cells = [id, r.unit, fmt(r.axon), ...PEERS.map((p) => fmt(r[p])), ...PEERS.map(adv)];
  console.log(`| ${cells.join(' | ')} |`);
}

async function main(): Promise<void> {
  if (arg('--backend') === 'webgpu') {
    await (await import('./webgpu-bench.js')).webgpuBench({ json, timing });
    process.exit(0);
  }
  if (process.argv.includes('--browser')) {
    await (await import('./browser.js')).browserBench();
    return;
  }
  ax.setNumThreads(threads);
  const backend = ax.getBackend() as ax.Backend & { variant?: string; warmUp?: (ms?: number) => number };
  const used = backend.warmUp?.() ?? 1;
  const peers = await initPeers(threads);
  const m = machine();
  log(`Axon backend ${backend.name} (${backend.variant ?? '-'}), ${used} thread(s); ${peers.map((p) => `${p.name} ${p.threads} thread(s)`).join(', ')}`);
  console.log(`| workload | unit | axon | ${PEERS.join(' | ')} | ${PEERS.map((p) => `axon vs ${p}`).join(' | ')} |`);
  console.log(`|---|---|---|${PEERS.map(() => '---|').join('')}${PEERS.map(() => '---|').join('')}`);
  const results: Record<string, Row> = {};
  const add = (id: string, r: Row): void => { results[id] = r; printRow(id, r); };

  if (only.has('W0')) {
    for (const n of W0_SIZES) {
      const r: Row = { unit: 'GFLOP/s', axon: axonGemm(n, timing) };
      for (const p of PEERS) {
        if (p === 'tfjs-cpu' && n > 512 && !process.argv.includes('--full')) continue; // too slow at these sizes for a default run
        r[p] = await peerGemm(p, n, timing);
      }
      add(`W0-${n}`, r);
    }
  }
  if (only.has('W1')) {
    const train: Row = { unit: 'samples/s', axon: axonTrain(timing) };
    for (const p of PEERS) train[p] = await peerTrain(p, timing);
    add('W1-train', train);
    const infer: Row = { unit: 'us', axon: axonInfer(timing) };
    for (const p of PEERS) infer[p] = await peerInfer(p, timing);
    add('W1-infer', infer);
  }
  if (only.has('W2')) {
    const r: Row = { unit: 'samples/s', axon: axonW2Train(timing) };
    for (const p of PEERS) r[p] = await peerW2Train(p, timing);
    add('W2-train', r);
  }
  if (only.has('W3')) {
    const r: Row = { unit: 'sequences/s', axon: axonW3Train(timing) };
    for (const p of PEERS) r[p] = await peerW3Train(p, timing);
    add('W3-train', r);
  }

  if (only.has('W4')) {
    const r: Row = { unit: 'tokens/s', axon: axonW4Train(timing) };
    for (const p of PEERS) r[p] = await peerW4Train(p, timing);
    add('W4-train', r);
  }
  if (only.has('W5')) {
    // A child process, so its resident memory is W5's alone.
    const script = fileURLToPath(new URL('./w5-memory.js', import.meta.url));
    const out = execFileSync(process.execPath, [script, arg('--w5-steps') ?? '10000'], { env: { ...process.env, AXON_BENCH_THREADS: String(threads) }, encoding: 'utf8' });
    const w5 = JSON.parse(out.trim().split('\n').pop()!) as W5Result;
    const r = { unit: 'MB', rss1k: +w5.rss1k.toFixed(1), rss10k: +w5.rss10k.toFixed(1), ratio: +(w5.rss10k / w5.rss1k).toFixed(3), wasmHeap1k: +w5.heap1k.toFixed(1), wasmHeap10k: +w5.heap10k.toFixed(1), steps: w5.steps, seconds: +w5.seconds.toFixed(1) };
    results.W5 = r;
    console.log(`| W5 | MB | RSS ${fmt(r.rss1k)} at 1k → ${fmt(r.rss10k)} at ${w5.steps} steps (×${r.ratio}); wasm heap ${fmt(r.wasmHeap1k)} → ${fmt(r.wasmHeap10k)} | | | | |`);
  }
  if (json) {
    const round = (r: Row): Row => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? +v.toPrecision(4) : v])) as Row;
    const res = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, round(v)]));
    console.log(JSON.stringify({ date: m.date, cpu: m.cpu, cores: m.cores, node: m.node, threads: used, peerThreads: Object.fromEntries(peers.map((p) => [p.name, p.threads])), axonVariant: backend.variant, results: res }));
  }
  process.exit(0);
}

await main();
