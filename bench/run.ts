// `npm run bench [-- --json] [-- --threads N] [-- --only W0,W1,W5] [-- --min-time S] [-- --no-torch] [-- --browser] [-- --backend webgpu] [-- --to-accuracy [mnist|gpt]]`:
// the workloads of shared/workloads.md for Axon and, in the same run, TensorFlow.js 4.22 cpu and
// wasm and PyTorch CPU at 1 and 2 threads (a child process per workload and thread count, right
// after Axon's figure: torch-peer.ts; "not installed" when no Python has torch). Prints each figure,
// Axon's advantage over each peer and over the better torch column; with --json the last line is
// one JSON object with every figure and the SIMD128 roofline (roofline.ts). Not part of npm test.
// --browser runs W0/W1 in Chromium instead (browser.ts); --backend webgpu runs W0 on the GPU
// beside wasm (webgpu-bench.ts). --to-accuracy [mnist|gpt] [--accuracy-budget S] runs only the
// time-to-accuracy tasks instead (to-accuracy.ts): Axon vs PyTorch at 1 and 2 threads, same recipe.
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
import { roofline, type Roofline } from './roofline.js';
import { findTorchPeers, torchFigures, type TorchPeer } from './torch-peer.js';
import { toAccuracyBench, type AccuracyTask } from './to-accuracy.js';

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

let torchPeers: TorchPeer[] = [];
const TORCH_THREADS = [1, 2];
const torchColumns = (): string[] => torchPeers.flatMap((p) => TORCH_THREADS.map((t) => `${p.name}-${t}t`));

/** Axon's advantage over figure `pv` (>1 means Axon is better, whichever way the unit points). */
function advantage(r: Row, pv: number | undefined): number | undefined {
  if (r.axon === undefined || pv === undefined) return undefined;
  return lowerIsBetter(r.unit) ? pv / r.axon : r.axon / pv;
}

/** The better of a torch peer's 1- and 2-thread figures. */
function bestTorch(r: Row, peer: string): number | undefined {
  const vs = TORCH_THREADS.map((t) => r[`${peer}-${t}t`]).filter((v): v is number => typeof v === 'number');
  if (vs.length === 0) return undefined;
  return lowerIsBetter(r.unit) ? Math.min(...vs) : Math.max(...vs);
}

function printRow(id: string, r: Row): void {
  const adv = (v: number | undefined): string => { const a = advantage(r, v); return a === undefined ? '—' : `${fmt(a)}×`; };
  const torchCell = (c: string): string => (typeof r[c] === 'number' ? fmt(r[c] as number) : typeof r[c] === 'string' ? r[c] as string : '—');
  const cells = [id, r.unit, fmt(r.axon), ...PEERS.map((p) => fmt(r[p])), ...torchColumns().map(torchCell), ...PEERS.map((p) => adv(r[p])), ...torchPeers.map((p) => adv(bestTorch(r, p.name)))];
  console.log(`| ${cells.join(' | ')} |`);
}

/** Run the torch peers on workload group `w` and put their figures (and Axon's ratio) into the rows. */
function addTorch(w: string, results: Record<string, Row>, ids: string[]): void {
  for (const p of torchPeers) {
    for (const t of TORCH_THREADS) {
      if (p.version === null) {
        for (const id of ids) if (results[id]) results[id]![`${p.name}-${t}t`] = 'not installed';
        continue;
      }
      const f = torchFigures(p, w, t, timing.minTime);
      for (const id of ids) if (results[id] && f[id] !== undefined) results[id]![`${p.name}-${t}t`] = f[id];
    }
    for (const id of ids) {
      const r = results[id];
      const a = r && advantage(r, bestTorch(r, p.name));
      if (r && a !== undefined) r[p.name === 'torch' ? 'axonVsTorch' : `axonVs${p.name === 'torch-pip' ? 'TorchPip' : p.name}`] = a;
    }
  }
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
  if (process.argv.includes('--to-accuracy')) {
    // Only the time-to-accuracy tasks: no TensorFlow.js columns (neither trains these recipes).
    const pick = arg('--to-accuracy');
    const tasks: AccuracyTask[] = pick === 'mnist' || pick === 'gpt' ? [pick] : ['mnist', 'gpt'];
    torchPeers = process.argv.includes('--no-torch') ? [] : findTorchPeers();
    const m = machine();
    log(`Axon backend ${backend.name} (${backend.variant ?? '-'}), ${used} thread(s); time to accuracy: ${tasks.join(', ')}`);
    for (const p of torchPeers) log(`${p.name}: ${p.python} ${p.version === null ? 'has no torch (not installed)' : `torch ${p.version}, ${p.blas}; 1 and 2 threads; OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for it`}`);
    await toAccuracyBench({
      tasks, threads: used, budget: Number(arg('--accuracy-budget') ?? 900), torchPeers, torchThreads: TORCH_THREADS, json,
      header: { date: m.date, cpu: m.cpu, cores: m.cores, node: m.node, axonVariant: backend.variant, torch: Object.fromEntries(torchPeers.map((p) => [p.name, p.version === null ? 'not installed' : `${p.version} (${p.blas})`])) },
    });
    process.exit(0);
  }
  const peers = await initPeers(threads);
  const m = machine();
  torchPeers = process.argv.includes('--no-torch') ? [] : findTorchPeers();
  log(`Axon backend ${backend.name} (${backend.variant ?? '-'}), ${used} thread(s); ${peers.map((p) => `${p.name} ${p.threads} thread(s)`).join(', ')}`);
  for (const p of torchPeers) log(`${p.name}: ${p.python} ${p.version === null ? 'has no torch (not installed)' : `torch ${p.version}, ${p.blas}; 1 and 2 threads; OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for it`}`);
  const roof: Roofline | null = process.argv.includes('--no-roofline') ? null : await roofline();
  // The roofline of the build Axon runs: relaxed SIMD's fused multiply-add has a higher one.
  const relaxedRoof = backend.variant === 'relaxed' && roof?.relaxedGflopsT1 != null;
  const roofAt = roof && (relaxedRoof ? (used >= 2 ? roof.relaxedGflopsT2 : roof.relaxedGflopsT1) : (used >= 2 ? roof.simd128GflopsT2 : roof.simd128GflopsT1));
  if (roof) {
    const r = (v: number | null): string => (v === null ? 'not validated by this engine' : `${fmt(v)} GFLOP/s`);
    console.log(`SIMD128 roofline (multiply-add, independent chains, best of 200 short bursts): plain ${r(roof.simd128GflopsT1)} on 1 thread, ${r(roof.simd128GflopsT2)} on 2; relaxed-SIMD ${r(roof.relaxedGflopsT1)} / ${r(roof.relaxedGflopsT2)}`);
  }
  const heads = [...PEERS, ...torchColumns()];
  const vs = [...PEERS.map((p) => `axon vs ${p}`), ...torchPeers.map((p) => `axon vs best ${p.name}`)];
  console.log(`| workload | unit | axon | ${heads.join(' | ')} | ${vs.join(' | ')} |`);
  console.log(`|---|---|---|${heads.map(() => '---|').join('')}${vs.map(() => '---|').join('')}`);
  const results: Record<string, Row> = {};
  const pending: string[] = [];
  const add = (id: string, r: Row): void => { results[id] = r; pending.push(id); };
  /** After each workload group: the torch figures, then print the group's rows. */
  const flush = (w: string): void => {
    addTorch(w, results, pending);
    for (const id of pending.splice(0)) {
      printRow(id, results[id]!);
      const share = results[id]!.rooflineShare;
      if (typeof share === 'number') log(`${id}: ${(share * 100).toFixed(0)}% of the ${used}-thread ${relaxedRoof ? 'relaxed-SIMD' : 'SIMD128'} roofline`);
    }
  };

  if (only.has('W0')) {
    for (const n of W0_SIZES) {
      const r: Row = { unit: 'GFLOP/s', axon: axonGemm(n, timing) };
      if (roofAt) r.rooflineShare = r.axon! / roofAt; // of the roofline of Axon's build at its thread count
      for (const p of PEERS) {
        if (p === 'tfjs-cpu' && n > 512 && !process.argv.includes('--full')) continue; // too slow at these sizes for a default run
        r[p] = await peerGemm(p, n, timing);
      }
      add(`W0-${n}`, r);
    }
    flush('W0');
  }
  if (only.has('W1')) {
    const train: Row = { unit: 'samples/s', axon: axonTrain(timing) };
    for (const p of PEERS) train[p] = await peerTrain(p, timing);
    add('W1-train', train);
    const infer: Row = { unit: 'us', axon: axonInfer(timing) };
    for (const p of PEERS) infer[p] = await peerInfer(p, timing);
    add('W1-infer', infer);
    flush('W1');
  }
  if (only.has('W2')) {
    const r: Row = { unit: 'samples/s', axon: axonW2Train(timing) };
    for (const p of PEERS) r[p] = await peerW2Train(p, timing);
    add('W2-train', r);
    flush('W2');
  }
  if (only.has('W3')) {
    const r: Row = { unit: 'sequences/s', axon: axonW3Train(timing) };
    for (const p of PEERS) r[p] = await peerW3Train(p, timing);
    add('W3-train', r);
    const g: Row = { unit: 'sequences/s', axon: axonW3Train(timing, true) }; // W3's GRU variant
    for (const p of PEERS) g[p] = await peerW3Train(p, timing, true);
    add('W3-gru-train', g);
    flush('W3');
  }

  if (only.has('W4')) {
    const r: Row = { unit: 'tokens/s', axon: axonW4Train(timing) };
    for (const p of PEERS) r[p] = await peerW4Train(p, timing);
    add('W4-train', r);
    flush('W4');
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
    console.log(JSON.stringify({ date: m.date, cpu: m.cpu, cores: m.cores, node: m.node, threads: used, peerThreads: Object.fromEntries(peers.map((p) => [p.name, p.threads])), torch: Object.fromEntries(torchPeers.map((p) => [p.name, p.version === null ? 'not installed' : `${p.version} (${p.blas})`])), axonVariant: backend.variant, roofline: roof && round(roof as unknown as Row), results: res }));
  }
  process.exit(0);
}

await main();
