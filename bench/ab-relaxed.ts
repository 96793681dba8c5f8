// The relaxed-SIMD build (fused multiply-add) against the plain-SIMD build on the same GEMMs,
// interleaved call by call in one process (two wasm backends side by side), so a busy machine
// disturbs both alike. Prints the median µs of each and the speed-up, on `threads` threads.
// `node dist/bench/ab-relaxed.js [threads] [reps]`
import * as ax from '../src/index.js';
import { loadVariantSync } from '../src/backend/wasm/loader.js';
import { WasmBackend } from '../src/backend/wasm/wasm-backend.js';

const threads = Number(process.argv[2] ?? 1);
const reps = Number(process.argv[3] ?? 300);
ax.setNumThreads(threads);
const relaxed = new WasmBackend(loadVariantSync('relaxed'));
const plain = new WasmBackend(loadVariantSync('simd'));
// [label, M, N, K, transA, transB]
const SHAPES: [string, number, number, number, boolean, boolean][] = [
  ['W1 fwd L1', 64, 256, 784, false, true],
  ['W1 bwd dW1', 256, 784, 64, true, false],
  ['W1 bwd dH1', 64, 256, 128, false, false],
  ['square 256', 256, 256, 256, false, false],
  ['square 512', 512, 512, 512, false, false],
];
const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[xs.length >> 1]!;
console.log(`${threads} thread(s), median of ${reps} interleaved calls`);
console.log('| GEMM | M×N×K | plain µs | relaxed µs | relaxed speed-up |');
console.log('|---|---|---|---|---|');
for (const [label, M, N, K, tA, tB] of SHAPES) {
  const make = (b: WasmBackend): [ax.Tensor, ax.Tensor] => {
    ax.manualSeed(0);
    const x = ax.keep(ax.fromArray(ax.randn(tA ? [1, K, M] : [1, M, K]).data(), tA ? [1, K, M] : [1, M, K], 'float32', b));
    const y = ax.keep(ax.fromArray(ax.randn(tB ? [1, N, K] : [1, K, N]).data(), tB ? [1, N, K] : [1, K, N], 'float32', b));
    return [x, y];
  };
  const ops = [make(plain), make(relaxed)];
  const times: number[][] = [[], []];
  for (let r = 0; r < reps + 20; r++) {
    for (let v = 0; v < 2; v++) {
      const [x, y] = ops[v]!;
      const t = performance.now();
      ax.scope(() => { ax.bmm(x, y, tA, tB).data(); });
      if (r >= 20) times[v]!.push(performance.now() - t);
    }
  }
  const [p, q] = [median(times[0]!) * 1000, median(times[1]!) * 1000];
  console.log(`| ${label} | ${M}×${N}×${K} | ${p.toFixed(1)} | ${q.toFixed(1)} | ${(p / q).toFixed(2)}× |`);
}
process.exit(0);
