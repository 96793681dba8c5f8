// The kernels of a LeNet-5 training step (W2) apart from its dense layers, on its shapes at batch
// 64: the two unfolds (im2col) and the fold of the convolutions, the ReLU's backward mask, max
// pooling forward and backward, and the convolutions' batched GEMMs (forward NN, weight gradient
// NT). Each is timed in rounds that cycle through all of them, so every kernel starts with the
// others' data in the caches, as inside a step (timed back to back, a kernel keeps its operands in
// cache and can look several times faster). Prints the median µs of each and, with --json, one
// JSON line. On this noisy 2-core machine compare two builds by running this on each in turn,
// several times, and taking medians (BENCHMARKS.md). `node dist/bench/conv-kernels.js [rounds] [--json]`.
import * as ax from '../src/index.js';

const rounds = Number(process.argv[2] ?? 15);
const b = ax.getBackend() as ax.Backend & { warmUp?: () => number };
b.warmUp?.();
ax.manualSeed(0);

const keep = (t: ax.Tensor): ax.Tensor => ax.keep(t);
const x1 = keep(ax.randn([64, 1, 28, 28])); // conv1's input
const x2 = keep(ax.randn([64, 6, 14, 14])); // conv2's input
const cols2 = keep(ax.randn([64, 150, 100])); // conv2's unfolded gradient
const a1 = keep(ax.randn([64, 6, 28, 28])).requiresGrad_(); // conv1's activation
const g1 = keep(ax.randn([64, 6, 14, 14])); // the pooled gradient

/** One batched GEMM on preallocated operands: (B, M, K)·(B, K, N), or ·(B, N, K)ᵀ with transB. */
function gemm(B: number, M: number, N: number, K: number, transB: boolean): () => void {
  const a = keep(ax.randn([B, M, K]));
  const w = keep(ax.randn(transB ? [B, N, K] : [B, K, N]));
  const out = keep(ax.zeros([B, M, N]));
  return () => b.run('matmul', [a, w], out, { transA: false, transB });
}

const KERNELS: Record<string, () => void> = {
  'unfold conv1 (64×1×28×28, 5×5 pad 2)': () => ax.scope(() => { ax.unfold(x1, 5, { padding: 2 }); }),
  'unfold conv2 (64×6×14×14, 5×5)': () => ax.scope(() => { ax.unfold(x2, 5); }),
  'fold conv2 (64×150×100 → 64×6×14×14)': () => ax.scope(() => { ax.fold(cols2, [14, 14], 5); }),
  'ReLU backward mask le(x, 0) (64×6×28×28)': () => ax.scope(() => { ax.le(a1, 0); }),
  'maxPool2d 2 forward + backward (64×6×28×28)': () => ax.scope(() => { ax.gradients(ax.sum(ax.mul(ax.maxPool2d(a1, 2), g1)), [a1]); }),
  'conv1 forward GEMM 64 × (6×25)·(25×784)': gemm(64, 6, 784, 25, false),
  'conv2 forward GEMM 64 × (16×150)·(150×100)': gemm(64, 16, 100, 150, false),
  'conv1 weight gradient 64 × (6×784)·(25×784)ᵀ': gemm(64, 6, 25, 784, true),
  'conv2 weight gradient 64 × (16×100)·(150×100)ᵀ': gemm(64, 16, 150, 100, true),
};

const times: Record<string, number[]> = Object.fromEntries(Object.keys(KERNELS).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, f] of Object.entries(KERNELS)) {
    for (let i = 0; i < 3; i++) f();
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) f();
    times[name]!.push(((performance.now() - t0) / 10) * 1000);
  }
}
const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[xs.length >> 1]!;
const result = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Number(median(v).toFixed(1))]));
console.log(`${ax.getNumThreads()} thread(s), median of ${rounds} rounds, µs`);
for (const [k, v] of Object.entries(result)) console.log(`| ${k} | ${v} |`);
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
process.exit(0);
