// The GEMMs of one W1 training step (MLP 784-256-128-10, batch 64), each timed alone: the shapes a
// training step really runs are thin (M = 64 or K = 64), far from the square n ≥ 256 of W0, so
// their speed, as a share of the SIMD128 roofline, says where W1's time goes.
// `node dist/bench/gemm-shapes.js [reps]` (AXON_WASM_RELAXED=0 for the plain-SIMD build).
import * as ax from '../src/index.js';

const reps = Number(process.argv[2] ?? 400);
// [label, M, N, K, transA, transB]: op(A) is (M, K), op(B) is (K, N)
const SHAPES: [string, number, number, number, boolean, boolean][] = [
  ['fwd L1  x·W1ᵀ', 64, 256, 784, false, true],
  ['fwd L2  h·W2ᵀ', 64, 128, 256, false, true],
  ['fwd L3  h·W3ᵀ', 64, 10, 128, false, true],
  ['bwd dW1 dyᵀ·x', 256, 784, 64, true, false],
  ['bwd dW2 dyᵀ·h', 128, 256, 64, true, false],
  ['bwd dW3 dyᵀ·h', 10, 128, 64, true, false],
  ['bwd dH1 dy·W2', 64, 256, 128, false, false],
  ['bwd dH2 dy·W3', 64, 128, 10, false, false],
  ['square 256', 256, 256, 256, false, false],
];
const b = ax.getBackend() as ax.Backend & { variant?: string; warmUp?: () => number };
b.warmUp?.();

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[s.length >> 1]!;
}

console.log(`wasm ${b.variant} build; median of ${reps} calls after warm-up; GFLOP/s`);
console.log('| GEMM | M×N×K | 1 thread µs | GFLOP/s | 2 threads µs | GFLOP/s |');
console.log('|---|---|---|---|---|---|');
let total1 = 0;
let total2 = 0;
for (const [label, M, N, K, tA, tB] of SHAPES) {
  const a = ax.keep(ax.randn(tA ? [1, K, M] : [1, M, K]));
  const c = ax.keep(ax.randn(tB ? [1, N, K] : [1, K, N]));
  const row: number[] = [];
  for (const threads of [1, 2]) {
    ax.setNumThreads(threads);
    for (let i = 0; i < 30; i++) ax.scope(() => { ax.bmm(a, c, tA, tB); });
    const ts: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      ax.scope(() => { ax.bmm(a, c, tA, tB); });
      ts.push(performance.now() - t);
    }
    row.push(median(ts) * 1000);
  }
  const flop = 2 * M * N * K;
  if (label !== 'square 256') { total1 += row[0]!; total2 += row[1]!; }
  console.log(`| ${label} | ${M}×${N}×${K} | ${row[0]!.toFixed(1)} | ${(flop / row[0]! / 1e3).toFixed(1)} | ${row[1]!.toFixed(1)} | ${(flop / row[1]! / 1e3).toFixed(1)} |`);
}
const stepFlop = 2 * (64 * 256 * 784 * 2 + 64 * 128 * 256 * 3 + 64 * 10 * 128 * 3);
console.log(`W1 GEMMs of a step: ${total1.toFixed(0)} µs on 1 thread (${(stepFlop / total1 / 1e3).toFixed(1)} GFLOP/s), ${total2.toFixed(0)} µs on 2 (${(stepFlop / total2 / 1e3).toFixed(1)} GFLOP/s)`);
process.exit(0);
