// A/B of the fused GELU in one process, interleaved so both sides see the same machine load:
// GELU forward and backward on W4's MLP activations (batch 16 × 64 tokens × 512, float32) with
// ax.gelu (the gelu/geluGrad primitives) against geluComposite (the ops it replaced: clamp, erf or
// tanh, adds and muls, and their tape rules). Reports CPU and wall ms per forward+backward,
// medians of `reps` interleaved repetitions. `node dist/bench/ab-gelu.js [threads] [reps] [none|tanh]`.
import * as ax from '../src/index.js';
import { geluComposite } from '../src/ops/gelu.js';
import { median } from './timing.js';

const threads = Number(process.argv[2] ?? 1);
const reps = Number(process.argv[3] ?? 15);
const approximate = (process.argv[4] ?? 'none') as 'none' | 'tanh';
ax.setNumThreads(threads);
(ax.getBackend() as ax.Backend & { warmUp?: () => number }).warmUp?.();

ax.manualSeed(0);
const x = ax.keep(ax.randn([16, 64, 512]).requiresGrad_()); // W4's (batch, tokens, 4·width)
const w = ax.keep(ax.randn([16, 64, 512]));

/** One forward and backward of Σ gelu(x)·w, read back so the work is done. */
const step = (f: typeof geluComposite) => (): void => {
  ax.scope(() => {
    const [g] = ax.gradients(ax.sum(ax.mul(f(x, { approximate }), w)), [x]);
    g!.data();
  });
};

function time(run: () => void, n: number): [number, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) run();
  const c = process.cpuUsage(c0);
  return [(c.user + c.system) / 1000 / n, (performance.now() - t0) / n];
}

const fused = step(ax.gelu);
const comp = step(geluComposite);
for (let i = 0; i < 3; i++) { fused(); comp(); }
const a: [number, number][] = [];
const b: [number, number][] = [];
for (let r = 0; r < reps; r++) { a.push(time(fused, 5)); b.push(time(comp, 5)); }
const m = (xs: [number, number][], k: 0 | 1): string => median(xs.map((v) => v[k])).toFixed(2);
console.log(`GELU '${approximate}' forward+backward on (16, 64, 512) float32, ${ax.getBackend().name}, ${threads} thread(s), median of ${reps} interleaved repetitions of 5: CPU ms fused ${m(a, 0)} vs composite ${m(b, 0)}; wall ms fused ${m(a, 1)} vs composite ${m(b, 1)}`);
process.exit(0);
