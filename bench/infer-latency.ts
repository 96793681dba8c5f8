// Batch-1 inference latency of W1 (issue 23): the MLP 784-256-128-10 of bench/w1-mlp.ts, one
// sample, `noGrad(() => scope(() => { model.forward(x1).data(); }))` on the wasm backend, at 1 and
// 2 threads (interleaved rounds, so load on the shared machine hits both alike), and where the
// time goes: inside the kernels (the backend's profiler) vs outside them (dispatch, Tensor objects,
// scopes, storage registration). No tfjs import, so the root tsconfig compiles it too.
// `node dist/bench/infer-latency.js [rounds] [repsPerRound]`; prints µs.
import * as ax from '../src/index.js';
import { syntheticBatches } from './synthetic.js';
import { median } from './timing.js';

type Profiler = { startProfile(): void; stopProfile(): { op: string; path: string; calls: number; ms: number }[]; warmUp?: () => number };

const rounds = Number(process.argv[2] ?? 15);
const reps = Number(process.argv[3] ?? 2000);

ax.setBackend('wasm');
const backend = ax.getBackend() as ax.Backend & Partial<Profiler>;

/** The W1 model and input exactly as bench/w1-mlp.ts's axonW1 builds them (seed 0, first sample of batch 0). */
function w1Model(): { model: ax.Sequential; x1: ax.Tensor } {
  ax.manualSeed(0);
  const model = new ax.Sequential(new ax.Linear(784, 256), new ax.ReLU(), new ax.Linear(256, 128), new ax.ReLU(), new ax.Linear(128, 10));
  const [first] = syntheticBatches(1, 1, (rnd) => Float32Array.from({ length: 64 * 784 }, rnd));
  const x1 = ax.keep(ax.fromArray(first!.slice(0, 784), [1, 784], 'float32'));
  return { model, x1 };
}

const { model, x1 } = w1Model();
const infer = (): void => ax.noGrad(() => ax.scope(() => { model.forward(x1).data(); }));
// The same block without the model: what a scope, a noGrad block and reading 10 floats cost alone.
const logits = ax.keep(ax.noGrad(() => model.forward(x1)));
const shell = (): void => ax.noGrad(() => ax.scope(() => { logits.data(); }));

/** CPU µs per call of the last `time` (the process's user + system time: every thread, so on a
 * loaded machine it shows the work done without the time spent descheduled). */
let lastCpu = 0;

/** Wall-clock µs per call of `f` over `n` calls. */
function time(f: () => void, n: number): number {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  const wall = (performance.now() - t0) * 1000 / n;
  const c = process.cpuUsage(c0);
  lastCpu = (c.user + c.system) / n;
  return wall;
}

const variants: { name: string; threads: number; f: () => void }[] = [
  { name: 'W1-infer 1 thread', threads: 1, f: infer },
  { name: 'W1-infer 2 threads', threads: 2, f: infer },
  { name: 'scope+noGrad+read only', threads: 1, f: shell },
];
ax.setNumThreads(2);
backend.warmUp?.();
for (const v of variants) { ax.setNumThreads(v.threads); time(v.f, reps); }
const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
const cpu = new Map<string, number[]>(variants.map((v) => [v.name, []]));
for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    ax.setNumThreads(v.threads);
    samples.get(v.name)!.push(time(v.f, reps));
    cpu.get(v.name)!.push(lastCpu);
  }
}
console.log(`W1 batch-1 inference, wasm (${(backend as { variant?: string }).variant ?? '?'}), ${rounds} rounds × ${reps} calls, median of rounds (min), CPU time per call:`);
for (const v of variants) {
  const s = samples.get(v.name)!;
  console.log(`  ${v.name.padEnd(26)} ${median(s).toFixed(1).padStart(6)} µs  (min ${Math.min(...s).toFixed(1).padStart(5)})  cpu ${median(cpu.get(v.name)!).toFixed(1).padStart(6)} µs`);
}

// Breakdown: kernel time from the profiler (each op's kernel call, including the backend's
// liveness checks) against the whole call measured in the same rounds.
if (backend.startProfile && backend.stopProfile) {
  for (const threads of [1, 2]) {
    ax.setNumThreads(threads);
    const whole: number[] = [];
    const kern: number[] = [];
    let rows: { op: string; path: string; calls: number; ms: number }[] = [];
    for (let r = 0; r < Math.max(3, Math.floor(rounds / 3)); r++) {
      whole.push(time(infer, reps));
      backend.startProfile();
      time(infer, reps);
      rows = backend.stopProfile();
      kern.push(rows.reduce((a, x) => a + x.ms, 0) * 1000 / reps);
    }
    const w = median(whole);
    const k = median(kern);
    console.log(`breakdown at ${threads} thread(s), medians of rounds: whole ${w.toFixed(1)} µs = kernels ${k.toFixed(1)} µs + outside kernels ${(w - k).toFixed(1)} µs; per op (last round):`);
    for (const x of rows) console.log(`    ${x.op.padEnd(10)} ${x.path.padEnd(9)} ${(x.calls / reps).toFixed(0)} calls ${(x.ms * 1000 / reps).toFixed(2).padStart(7)} µs`);
  }
}
process.exit(0);
