// GELU forward+backward on W4's MLP activations ((1024, 512) float32) at four input scales, for A/B
// between two builds in alternating processes (run it in each checkout in turn): the erf series
// covers |x| < 0.71, the tail polynomials the rest, so the cost depends on the scale. Median ms of
// `ax.gradients(ax.gelu(x), [x], { gradOutputs: [g] })`, and of the forward pass alone.
// `node dist/bench/gelu-steps.js [threads] [reps]`.
import * as ax from '../src/index.js';
import { medianCall } from './timing.js';

const threads = Number(process.argv[2] ?? 2);
const reps = Number(process.argv[3] ?? 40);
ax.setNumThreads(threads);
(ax.getBackend() as ax.Backend & { warmUp?: () => number }).warmUp?.();

ax.manualSeed(0);
const g = ax.keep(ax.randn([1024, 512]));
const rows: string[] = [];
for (const s of [0.1, 0.58, 1, 3]) {
  const x = ax.keep(ax.mul(ax.randn([1024, 512]), s).requiresGrad_()); // (1024, 512)
  const fwd = medianCall(() => ax.scope(() => { ax.noGrad(() => ax.gelu(x)); }), reps, 5);
  const both = medianCall(() => ax.scope(() => { ax.gradients(ax.gelu(x), [x], { gradOutputs: [g] }); }), reps, 5);
  rows.push(`x ~ ${s}·randn: forward ${fwd.toFixed(2)}, forward+backward ${both.toFixed(2)}`);
}
console.log(`GELU on (1024, 512) float32, ${threads} thread(s), median ms of ${reps}: ${rows.join(' | ')}`);
process.exit(0);
