// The training doctor's cost: fit() with the default doctor vs doctor: false on the same run, in
// CPU seconds of the process (wall time means little on a loaded shared machine), alternating,
// 5 repeats each (--repeats); the overhead from the medians and as the median of paired runs.
// Workloads: W1's MLP on 8,000/2,000 MNIST digits (3 epochs, or --epochs=N), and the iris MLP
// (tabular: baselines included) for 50 epochs.
// Run: npm run build && node dist/bench/doctor-overhead.js [--epochs=N] [--repeats=N] [--json]
import * as ax from '../src/index.js';

const pick = (t: ax.Tensor, idx: readonly number[]): ax.Tensor => ax.indexSelect(t, 0, ax.tensor([...idx], { dtype: 'int32' }));
const EPOCHS = Number(process.argv.find((a) => a.startsWith("--epochs="))?.slice(9) ?? 3);
const REPEATS = Number(process.argv.find((a) => a.startsWith("--repeats="))?.slice(10) ?? 5);
/** CPU seconds of this process (all threads) since t0: steadier than wall time on a shared machine. */
const cpuSeconds = (t0: NodeJS.CpuUsage): number => { const d = process.cpuUsage(t0); return (d.user + d.system) / 1e6; };
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const { train, test } = await ax.loadMnist();
  const iris = await ax.loadIris({ seed: 0 });
  const s = ax.stratifiedSplit(iris.y, { testFraction: 0.2, seed: 0 });
  const sc = new ax.StandardScaler().fit(pick(iris.x, s.train));
  const itr = { x: sc.transform(pick(iris.x, s.train)), y: pick(iris.y, s.train) };
  const iva = { x: sc.transform(pick(iris.x, s.test)), y: pick(iris.y, s.test) };
  const workloads = {
    'mnist-mlp': (doctor: boolean): number => {
      ax.manualSeed(0);
      const m = new ax.Sequential(new ax.Linear(784, 256), new ax.ReLU(), new ax.Linear(256, 128), new ax.ReLU(), new ax.Linear(128, 10));
      const t0 = process.cpuUsage();
      ax.fit(m, { data: train, validation: test, epochs: EPOCHS, batchSize: 64, verbose: false, doctor, optimizer: new ax.Adam(m.parameters(), { lr: 1e-3 }) });
      return cpuSeconds(t0);
    },
    'iris-mlp': (doctor: boolean): number => {
      ax.manualSeed(0);
      const m = new ax.Sequential(new ax.Linear(4, 16), new ax.ReLU(), new ax.Linear(16, 3));
      const t0 = process.cpuUsage();
      ax.fit(m, { data: itr, validation: iva, epochs: 50, batchSize: 16, verbose: false, doctor, optimizer: new ax.Adam(m.parameters(), { lr: 0.01 }) });
      return cpuSeconds(t0);
    },
  };
  const results: Record<string, { off: number; on: number; overheadPct: number; pairedPct: number }> = {};
  for (const [name, run] of Object.entries(workloads)) {
    run(true); run(false); // warm-up
    const on: number[] = [];
    const off: number[] = [];
    for (let r = 0; r < REPEATS; r++) { off.push(run(false)); on.push(run(true)); }
    // Paired: each on-run against the off-run just before it, so a load change between pairs cancels.
    const paired = median(on.map((v, r) => 100 * (v / off[r]! - 1)));
    const res = { off: median(off), on: median(on), overheadPct: 100 * (median(on) / median(off) - 1), pairedPct: paired };
    results[name] = res;
    console.log(`${name}: doctor off ${res.off.toFixed(2)} CPU s, on ${res.on.toFixed(2)} CPU s → overhead ${res.overheadPct.toFixed(1)}% (medians), ${paired.toFixed(1)}% (median of paired runs) (${REPEATS} repeats, ${EPOCHS} MNIST epochs)`);
  }
  if (json) console.log(JSON.stringify({ bench: 'doctor-overhead', backend: ax.getBackend().name, results }));
}

await main();
