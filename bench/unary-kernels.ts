// The elementwise kernels whose cost is arithmetic, not memory: exp, expm1, log, sigmoid, tanh,
// erf, and the fused GELU forward and gradient, each timed alone on preallocated outputs (the
// backend's run, no Tensor or scope bookkeeping), in ns per element, on inputs x ~ N(0, σ²) for
// several σ — GELU's erf takes a cheaper path for |x| < 0.5·√2, so its cost depends on the spread
// of the pre-activations. Also the fused LSTM cell and its gradient on W3's step shape.
// `node dist/bench/unary-kernels.js [threads] [calls]`.
import * as ax from '../src/index.js';
import type { TensorView } from '../src/backend/backend.js';
import { medianCall } from './timing.js';

const threads = Number(process.argv[2] ?? 1);
const calls = Number(process.argv[3] ?? 31);
const b = ax.getBackend() as ax.Backend & { variant?: string; warmUp?: () => number };
b.warmUp?.();
ax.setNumThreads(threads);
ax.manualSeed(0);

/** Median wall time of `calls` calls of f, in ms, past the wasm tier-up. */
const median = (f: () => void): number => medianCall(f, calls, 30);

const n = 262_144;
const out = ax.keep(ax.zeros([n]));
const outSlope = ax.keep(ax.zeros([2, n])); // gelu with its slope: (2, n)
const view = (t: ax.Tensor): TensorView => ({ storage: t.storage, shape: t.shape, dtype: t.dtype });
const SIGMAS = [0.3, 1, 2];
console.log(`wasm ${b.variant} build, ${threads} thread(s), ${n} float32 elements, median of ${calls} calls; ns per element`);
console.log(`| kernel | ${SIGMAS.map((s) => `x ~ N(0, ${s}²)`).join(' | ')} |`);
console.log(`|---|${SIGMAS.map(() => '---').join('|')}|`);
const xs = SIGMAS.map((s) => ax.keep(ax.mul(ax.randn([n]), s)));
const ops: [string, (x: ax.Tensor) => void][] = [
  ...(['exp', 'expm1', 'sigmoid', 'tanh', 'erf'] as const).map((op): [string, (x: ax.Tensor) => void] => [op, (x) => b.run(op, [view(x)], view(out), {} as never)]),
  ['log (of |x|)', (x) => b.run('log', [view(x)], view(out), {} as never)],
  ['gelu', (x) => b.run('gelu', [view(x)], view(out), { approximate: 'none' })],
  ['gelu with its slope', (x) => b.run('gelu', [view(x)], view(outSlope), { approximate: 'none' })],
];
const absXs = xs.map((x) => ax.keep(ax.abs(x)));
for (const [name, f] of ops) {
  const row = (name.startsWith('log') ? absXs : xs).map((x) => ((median(() => f(x)) * 1e6) / n).toFixed(2));
  console.log(`| ${name} | ${row.join(' | ')} |`);
}

// W3's cell step: 32 sequences, hidden 128 (pre (32, 512), c (32, 128)); µs per call.
const pre = ax.keep(ax.mul(ax.randn([32, 512]), 2));
const c = ax.keep(ax.randn([32, 128]));
const out2 = ax.keep(ax.zeros([2, 32, 128]));
const out7 = ax.keep(ax.zeros([7, 32, 128]));
const grad = ax.keep(ax.zeros([5 * 32 * 128]));
const cellG = ax.keep(ax.randn([2, 32, 128]));
b.run('lstmCell', [view(pre), view(c)], view(out7), {});
const us = (f: () => void): string => (median(f) * 1e3).toFixed(1);
console.log(`lstmCell (32, 4·128): ${us(() => b.run('lstmCell', [view(pre), view(c)], view(out2), {}))} µs; keeping the activations for the gradient ${us(() => b.run('lstmCell', [view(pre), view(c)], view(out7), {}))} µs; lstmCellGrad ${us(() => b.run('lstmCellGrad', [view(out7), view(c), view(cellG)], view(grad), {}))} µs`);
process.exit(0);
