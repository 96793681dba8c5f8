// A/B of the fused GELU in one process, interleaved so both sides see the same machine load:
// GELU forward and backward on W4's MLP activations (batch 16 × 64 tokens × 512, float32) with
// ax.gelu (the gelu primitive, with its slope for the backward pass) against geluComposite (the ops it replaced: clamp, erf or
// tanh, adds and muls, and their tape rules). Reports CPU and wall ms per forward+backward,
// medians of `reps` interleaved repetitions. `node dist/bench/ab-gelu.js [threads] [reps] [none|tanh]`.
import * as ax from '../src/index.js';
import { geluComposite } from '../src/ops/gelu.js';
import { interleavedAB } from './timing.js';

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

const [f, c] = interleavedAB(step(ax.gelu), step(geluComposite), reps, 5);
console.log(`GELU '${approximate}' forward+backward on (16, 64, 512) float32, ${ax.getBackend().name}, ${threads} thread(s), median of ${reps} interleaved repetitions of 5: CPU ms fused ${f.cpuMs.toFixed(2)} vs composite ${c.cpuMs.toFixed(2)}; wall ms fused ${f.wallMs.toFixed(2)} vs composite ${c.wallMs.toFixed(2)}`);
process.exit(0);
