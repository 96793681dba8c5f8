// The binning of the training doctor's gradient-boosted-trees baseline (src/doctor/gbt.ts,
// edgesOf and binRows) compiled ahead: per column the distinct values among its bins − 1
// quantiles of a row sample, and every value's bin (how many edges are ≤ it). In a program's first
// fit the JavaScript (a sort per column and ~100,000 binary searches on 8,000 × 20 rows) runs
// interpreted for ~10 ms. The same edges (a value's order as a comparison sees it) and bins.

import { mergeSortU64, orderedBits } from './sort';

/** Bytes of scratch binColumnsF32 needs for n sampled rows. */
export function binColumnsScratchBytes(n: i32): i32 {
  return 16 * n;
}

/** The bin of v among the ne ascending edges at e: how many are ≤ v. */
// @ts-ignore: decorator
@inline
function binOf(v: f64, e: usize, ne: i32): i32 {
  let lo = 0, hi = ne;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (v < load<f64>(e + (<usize>mid << 3))) hi = mid; else lo = mid + 1; }
  return lo;
}

/**
 * Edges and bins of the rows `rows` (n, indices into x: N × d f32): per column j (j0 … j1 − 1) the distinct
 * values among the bins − 1 quantiles of its sampled values (value at sorted position
 * ⌊q·n/bins⌋, q = 1 … bins − 1) into edges (d × (bins − 1) f64, count[j] of them used), and each
 * sampled value's bin into out (n × d u8).
 */
export function binColumnsF32(x: usize, d: i32, j0: i32, j1: i32, rows: usize, n: i32, bins: i32, edges: usize, count: usize, out: usize, scratch: usize): void {
  const keys = scratch, tmp = scratch + (<usize>n << 3);
  for (let j = j0; j < j1; j++) {
    for (let i = 0; i < n; i++) {
      const v = load<f32>(x + (<usize>(load<i32>(rows + (<usize>i << 2)) * d + j) << 2));
      store<u64>(keys + (<usize>i << 3), (orderedBits(v) << 32) | <u64>i);
    }
    const s = mergeSortU64(keys, tmp, n);
    const e = edges + (<usize>(j * (bins - 1)) << 3);
    let ne = 0;
    for (let q = 1; q < bins; q++) {
      const i = <i32>(load<u64>(s + (<usize>(<i32>Math.floor(<f64>q * <f64>n / <f64>bins)) << 3)) & 0xffffffff);
      const v = <f64>load<f32>(x + (<usize>(load<i32>(rows + (<usize>i << 2)) * d + j) << 2));
      if (ne == 0 || v > load<f64>(e + (<usize>(ne - 1) << 3))) { store<f64>(e + (<usize>ne << 3), v); ne++; }
    }
    store<i32>(count + (<usize>j << 2), ne);
    for (let i = 0; i < n; i++) {
      const v = <f64>load<f32>(x + (<usize>(load<i32>(rows + (<usize>i << 2)) * d + j) << 2));
      store<u8>(out + <usize>(i * d + j), <u8>binOf(v, e, ne));
    }
  }
}

/** Bins of every row of x (n × d f32) under edges (d × (bins − 1) f64, count[j] used): out (n × d u8). */
export function binRowsF32(x: usize, n: i32, d: i32, bins: i32, edges: usize, count: usize, out: usize): void {
  for (let j = 0; j < d; j++) {
    const e = edges + (<usize>(j * (bins - 1)) << 3);
    const ne = load<i32>(count + (<usize>j << 2));
    for (let i = 0; i < n; i++) store<u8>(out + <usize>(i * d + j), <u8>binOf(<f64>load<f32>(x + (<usize>(i * d + j) << 2)), e, ne));
  }
}
