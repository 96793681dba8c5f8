// The training doctor's cost: fit() with the default doctor against doctor: false on the same
// seeded run, and the doctor's own time (history.doctorMs: its data checks before the first step
// plus its callbacks) as a share of the rest of the fit. The baselines of tabular data run in place
// with the wasm backend's compiled kernels; on a backend without them they run on the doctor's
// worker thread beside training, and their time there is printed apart (the fit waits for them at
// its end only if they are not done by then, which counts in its own time).
//   warm (default): both fits alternate in one process after warm-up pairs (≥ 1, until 2 s or
//     20 pairs), `--repeats` pairs (default 5) with the order inside a pair alternating; medians
//     of wall time.
//   --cold: every fit in a fresh process (the first fit() of a program: nothing compiled yet;
//     the worker threads are started first, see child()), `--repeats` alternating pairs (default 10).
// Workloads: the W1 MLP on 8,000/2,000 MNIST digits for 1, 3 and 10 epochs (or --epochs=a,b), a
// 20-64-2 MLP on 8,000/2,000 synthetic tabular rows × 20 features for 20 epochs, and the iris MLP
// for 50 epochs (tabular: leak check and baselines included).
// Run: npm run build && node dist/bench/doctor-overhead.js [--cold] [--repeats=N] [--epochs=1,3,10] [--json]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ax from '../src/index.js';
import { machine } from './machine.js';
import { median } from './timing.js';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const pick = (t: ax.Tensor, idx: readonly number[]): ax.Tensor => ax.indexSelect(t, 0, ax.tensor([...idx], { dtype: 'int32' }));

/** One fit: wall milliseconds, the doctor's own milliseconds on the training thread and on its worker thread (0 when off). */
interface Run { ms: number; doctorMs: number; threadMs: number }
type Workload = (doctor: boolean) => Run;

async function workload(name: string, epochs: number): Promise<Workload> {
  const time = (model: ax.Module, opts: Omit<ax.FitOptions, 'doctor' | 'verbose'>, doctor: boolean): Run => {
    const t0 = performance.now();
    const h = ax.fit(model, { ...opts, verbose: false, doctor });
    return { ms: performance.now() - t0, doctorMs: h.doctorMs ?? 0, threadMs: h.doctorThreadMs ?? 0 };
  };
  if (name === 'mnist-mlp') {
    const { train, test } = await ax.loadMnist();
    return (doctor) => {
      ax.manualSeed(0);
      const m = new ax.Sequential(new ax.Linear(784, 256), new ax.ReLU(), new ax.Linear(256, 128), new ax.ReLU(), new ax.Linear(128, 10));
      return time(m, { data: train, validation: test, epochs, batchSize: 64, optimizer: new ax.Adam(m.parameters(), { lr: 1e-3 }) }, doctor);
    };
  }
  if (name === 'tabular-mlp') {
    // 10,000 synthetic rows × 20 features, two classes from a noisy linear rule (seeded): the
    // heaviest default doctor (leak check and both baselines run on tabular data).
    const g = new ax.Generator(1);
    const x = ax.randn([10000, 20], { generator: g }); // (10000, 20)
    const y = ax.argmax(ax.add(ax.matmul(x, ax.randn([20, 2], { generator: g })), ax.mul(ax.randn([10000, 2], { generator: g }), 0.5)), { dim: 1 }); // (10000)
    const data = { x: ax.slice(x, [[0, 8000]]), y: ax.slice(y, [[0, 8000]]) };
    const validation = { x: ax.slice(x, [[8000, 10000]]), y: ax.slice(y, [[8000, 10000]]) };
    return (doctor) => {
      ax.manualSeed(0);
      const m = new ax.Sequential(new ax.Linear(20, 64), new ax.ReLU(), new ax.Linear(64, 2));
      return time(m, { data, validation, epochs, batchSize: 32, optimizer: new ax.Adam(m.parameters(), { lr: 1e-3 }) }, doctor);
    };
  }
  const iris = await ax.loadIris({ seed: 0 });
  const s = ax.stratifiedSplit(iris.y, { testFraction: 0.2, seed: 0 });
  const sc = new ax.StandardScaler().fit(pick(iris.x, s.train));
  const data = { x: sc.transform(pick(iris.x, s.train)), y: pick(iris.y, s.train) };
  const validation = { x: sc.transform(pick(iris.x, s.test)), y: pick(iris.y, s.test) };
  return (doctor) => {
    ax.manualSeed(0);
    const m = new ax.Sequential(new ax.Linear(4, 16), new ax.ReLU(), new ax.Linear(16, 3));
    return time(m, { data, validation, epochs, batchSize: 16, optimizer: new ax.Adam(m.parameters(), { lr: 0.01 }) }, doctor);
  };
}

interface Result { workload: string; epochs: number; mode: 'warm' | 'cold'; offMs: number; onMs: number; overheadPct: number; pairedPct: number; doctorMs: number; doctorPct: number; threadMs: number }

function summarize(workloadName: string, epochs: number, mode: 'warm' | 'cold', pairs: [Run, Run][]): Result {
  const off = median(pairs.map(([o]) => o.ms));
  const on = median(pairs.map(([, d]) => d.ms));
  const doctorMs = median(pairs.map(([, d]) => d.doctorMs));
  return {
    workload: workloadName, epochs, mode, offMs: off, onMs: on,
    overheadPct: 100 * (on / off - 1),
    // each on-run against the off-run just before it: a load change between pairs cancels
    pairedPct: median(pairs.map(([o, d]) => 100 * (d.ms / o.ms - 1))),
    doctorMs,
    threadMs: median(pairs.map(([, d]) => d.threadMs)),
    // the doctor's own time over the rest of the fit: steadier than the difference of two noisy fits
    doctorPct: median(pairs.map(([, d]) => 100 * d.doctorMs / (d.ms - d.doctorMs))),
  };
}

/**
 * A child process runs one fit and prints its Run as JSON. It first starts the backend's worker
 * threads with one large product: whichever work comes first waits for them to boot,
 * a cost of the process, not of the doctor (which would otherwise be first).
 */
async function child(): Promise<void> {
  const run = await workload(arg('workload')!, Number(arg('epochs')));
  ax.scope(() => ax.matmul(ax.ones([512, 512]), ax.ones([512, 512])).data());
  console.log(JSON.stringify(run(arg('doctor') === 'on')));
}

async function main(): Promise<void> {
  const cold = process.argv.includes('--cold');
  const repeats = Number(arg('repeats') ?? (cold ? 10 : 5));
  const mnistEpochs = (arg('epochs') ?? '1,3,10').split(',').map(Number);
  const plan: [string, number][] = [...mnistEpochs.map((e) => ['mnist-mlp', e] as [string, number]), ['tabular-mlp', 20], ['iris-mlp', 50]];
  const results: Result[] = [];
  for (const [name, epochs] of plan) {
    const pairs: [Run, Run][] = [];
    if (cold) {
      const self = fileURLToPath(import.meta.url);
      const once = (doctor: 'on' | 'off'): Run => JSON.parse(execFileSync(process.execPath, [self, '--child', `--workload=${name}`, `--epochs=${epochs}`, `--doctor=${doctor}`], { encoding: 'utf8' }).trim().split('\n').at(-1)!) as Run;
      for (let r = 0; r < repeats; r++) pairs.push([once('off'), once('on')]);
    } else {
      const run = await workload(name, epochs);
      // Warm-up until steady state: at least one pair, then pairs until 2 s have passed (at most
      // 20): a short iris fit needs tens of fits before the JIT has compiled both arms' code.
      const w0 = performance.now();
      for (let w = 0; w === 0 || (w < 20 && performance.now() - w0 < 2000); w++) { run(true); run(false); }
      // Alternate which arm runs first in a pair, so that an order effect (GC debt of the run
      // before) falls on both arms alike.
      for (let r = 0; r < repeats; r++) {
        if (r % 2 === 0) { const off = run(false); pairs.push([off, run(true)]); } else { const on = run(true); pairs.push([run(false), on]); }
      }
    }
    const res = summarize(name, epochs, cold ? 'cold' : 'warm', pairs);
    results.push(res);
    console.log(`${name} ${epochs} epochs (${res.mode}, ${repeats} pairs): doctor off ${res.offMs.toFixed(0)} ms, on ${res.onMs.toFixed(0)} ms → +${res.overheadPct.toFixed(1)}% (medians), +${res.pairedPct.toFixed(1)}% (paired); the doctor's own time ${res.doctorMs.toFixed(1)} ms = ${res.doctorPct.toFixed(1)}% of the rest of the fit${res.threadMs > 0 ? `; ${res.threadMs.toFixed(1)} ms on its worker thread beside training` : ''}`);
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify({ bench: 'doctor-overhead', machine: machine(), backend: ax.getBackend().name, results }));
}

await (process.argv.includes('--child') ? child() : main());
