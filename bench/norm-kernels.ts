// The fused layer norm and softmax/log-softmax (ops/layer-norm.ts, ops/softmax.ts) against the
// composites they replaced, forward and forward+backward, interleaved in one process on W4's
// shapes: layer norm over (16, 64, 128), attention's softmax over (16·4, 64, 64) plain and
// causal-masked, log-softmax over the same and over W4's and W1's logits (1024, 96) and (64, 10). Medians of `reps` interleaved repetitions.
// `node dist/bench/norm-kernels.js [threads] [reps]`.
import * as ax from '../src/index.js';
import { layerNormComposite } from '../src/ops/norm.js';
import { logSoftmaxComposite, softmaxComposite } from '../src/ops/softmax.js';
import { interleavedAB } from './timing.js';

const threads = Number(process.argv[2] ?? 2);
const reps = Number(process.argv[3] ?? 7);
ax.setNumThreads(threads);
(ax.getBackend() as ax.Backend & { warmUp?: () => number }).warmUp?.();
ax.manualSeed(0);

const x = ax.keep(ax.randn([16, 64, 128]).requiresGrad_());
const w = ax.keep(ax.ones([128]).requiresGrad_());
const b = ax.keep(ax.zeros([128]).requiresGrad_());
const s = ax.keep(ax.randn([64, 64, 64]).requiresGrad_());
const causal = ax.keep(ax.gt(ax.tril(ax.ones([64, 64])), 0));
const sm = ax.keep(ax.where(causal, ax.randn([64, 64, 64]), -Infinity).requiresGrad_());
const logits4 = ax.keep(ax.randn([1024, 96]).requiresGrad_()); // W4's cross-entropy
const logits1 = ax.keep(ax.randn([64, 10]).requiresGrad_()); // W1's

const both = (f: () => ax.Tensor, inputs: ax.Tensor[]) => [
  () => ax.scope(() => { ax.noGrad(f); }),
  () => ax.scope(() => { ax.gradients(ax.sum(ax.mul(f(), f())), inputs); }),
] as const;
const cases: [string, () => ax.Tensor, () => ax.Tensor, ax.Tensor[]][] = [
  ['layer norm (16, 64, 128)', () => ax.layerNorm(x, 128, w, b), () => layerNormComposite(x, [2], w, b, 1e-5), [x, w, b]],
  ['softmax (64, 64, 64)', () => ax.softmax(s), () => softmaxComposite(s, 2), [s]],
  ['softmax, causal-masked', () => ax.softmax(sm), () => softmaxComposite(sm, 2), [sm]],
  ['log-softmax (64, 64, 64)', () => ax.logSoftmax(s), () => logSoftmaxComposite(s, 2), [s]],
  ['log-softmax (1024, 96)', () => ax.logSoftmax(logits4), () => logSoftmaxComposite(logits4, 1), [logits4]],
  ['log-softmax (64, 10)', () => ax.logSoftmax(logits1), () => logSoftmaxComposite(logits1, 1), [logits1]],
];
console.log(`| ${threads} thread(s) | fused forward | composite forward | fused fwd+bwd | composite fwd+bwd |`);
console.log('|---|---|---|---|---|');
for (const [name, fused, composite, inputs] of cases) {
  const [ff, fb] = both(fused, inputs);
  const [cf, cb] = both(composite, inputs);
  const [a1, b1] = interleavedAB(ff, cf, reps, 20);
  const [a2, b2] = interleavedAB(fb, cb, reps, 10);
  const us = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;
  console.log(`| ${name} | ${us(a1.wallMs)} | ${us(b1.wallMs)} | ${us(a2.wallMs)} | ${us(b2.wallMs)} |`);
}
process.exit(0);
