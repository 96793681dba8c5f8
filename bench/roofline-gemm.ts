// The SIMD128 roofline next to Axon's GEMM at its best: the roofline (roofline.ts), then the best
// of `calls` single GEMM calls of size n on 1 thread and on 2, as a share of the roofline at the
// same thread count. Run with `node --experimental-wasm-relaxed-simd` to include the relaxed-SIMD
// build (then Axon's kernels load that build too). `node dist/bench/roofline-gemm.js [n] [calls]`.
import * as ax from '../src/index.js';
import { roofline } from './roofline.js';

const n = Number(process.argv[2] ?? 256);
const calls = Number(process.argv[3] ?? 300);
const b = ax.getBackend() as ax.Backend & { variant?: string; warmUp?: () => number };
b.warmUp?.();
const a = ax.keep(ax.randn([n, n]));
const c = ax.keep(ax.randn([n, n]));
function bestGemm(threads: number): number {
  ax.setNumThreads(threads);
  for (let i = 0; i < 20; i++) ax.scope(() => { ax.matmul(a, c); });
  let best = 0;
  for (let r = 0; r < calls; r++) {
    const t = performance.now();
    ax.scope(() => { ax.matmul(a, c); });
    best = Math.max(best, (2 * n ** 3) / ((performance.now() - t) / 1000) / 1e9);
  }
  return best;
}
const g1 = bestGemm(1);
const g2 = bestGemm(2);
const r = await roofline();
const f = (v: number | null): string => (v === null ? 'not validated by this engine' : v.toFixed(1));
const variantRoof = b.variant === 'relaxed' ? [r.relaxedGflopsT1!, r.relaxedGflopsT2!] : [r.simd128GflopsT1, r.simd128GflopsT2];
console.log(`roofline GFLOP/s: plain ${f(r.simd128GflopsT1)} (1 thread) / ${f(r.simd128GflopsT2)} (2); relaxed ${f(r.relaxedGflopsT1)} / ${f(r.relaxedGflopsT2)}`);
console.log(`Axon GEMM n=${n} (${b.variant} build), best of ${calls} calls: ${g1.toFixed(1)} GFLOP/s on 1 thread (${(100 * g1 / variantRoof[0]!).toFixed(0)}% of its roofline), ${g2.toFixed(1)} on 2 (${(100 * g2 / variantRoof[1]!).toFixed(0)}%)`);
process.exit(0);
