// Per-column statistics of a data tensor as one tensor program (on the active backend): min and
// max over the finite values of every row, the NaN/±Inf count of every column, and the mean and
// population std from float64 sums (Σx, Σx², finite values only) over every row or over a spread
// sample of rows. The finite-value masks are built only when the plain min/max show a NaN/±Inf.
// The one implementation of column statistics in the doctor.
import { noGrad } from '../autograd/grad-mode.js';
import { fromArray } from '../tensor/creation.js';
import { isFloat } from '../tensor/dtype.js';
import { scope } from '../tensor/lifetime.js';
import { isFinite, logicalNot, mul, where } from '../ops/elementwise.js';
import { indexSelect } from '../ops/indexing.js';
import { cat } from '../ops/movement.js';
import { max, min, sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { thin } from './matrix.js';

/** Per-column statistics over the finite values of a matrix. */
export interface ColumnStats {
  mean: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Non-finite (NaN/±Inf) entries per column. */
  nonFinite: Int32Array;
}

export interface ColumnStatsOptions {
  /**
   * Estimate mean and std from about this many evenly spread rows (min, max, NaN/Inf counts and
   * constant columns stay exact). Default: every row.
   */
  sampleRows?: number;
}

/**
 * Mean, population std, min, max and NaN/Inf count of every column of x (N, *) seen as an
 * N × ∏* matrix, over its finite values; a column whose std is within a float32 ulp of its mean
 * counts as constant (std 0). With `sampleRows`, mean and std come from that many evenly spread
 * rows; a column the sample sees as constant but whose min and max differ gets an upper bound of
 * its std (rule of three: fewer than 3/rows of all rows differ, 95%) instead of 0.
 *
 * @example
 * const s = columnStats(x); // s.std[j], s.nonFinite[j], …
 */
export function columnStats(x: Tensor, opts: ColumnStatsOptions = {}): ColumnStats {
  const n = x.ndim === 0 ? 1 : x.shape[0]!;
  const d = n === 0 ? 0 : x.numel / n;
  const rows = opts.sampleRows !== undefined && opts.sampleRows >= 1 && opts.sampleRows < n ? opts.sampleRows : n;
  const v = noGrad(() => scope(() => {
    if (d === 0) return new Float64Array(0);
    const flat = x.reshape(n, d); // (N, d)
    const xf = isFloat(flat.dtype) ? flat : flat.to('float64'); // integers and bools as exact float64
    // min and max over every row (NaN wins, and ±Inf shows): all finite means nothing to mask
    let lo = min(xf, { dim: 0 }), hi = max(xf, { dim: 0 }); // (d), (d)
    const clean = cat([lo, hi], 0).data().every(Number.isFinite);
    let bad: Tensor | null = null; // (d) NaN/Inf per column
    if (!clean) {
      const ok = isFinite(xf); // (N, d) bool
      lo = min(where(ok, xf, Infinity), { dim: 0 });
      hi = max(where(ok, xf, -Infinity), { dim: 0 });
      bad = sum(logicalNot(ok), { dim: 0 });
    }
    // Σx and Σx² in float64 over the finite values of the rows summed
    const picked = rows < n ? fromArray(thin(n, rows), [rows], 'int32', x.storage.backend) : null;
    const sx = picked ? indexSelect(xf, 0, picked) : xf; // (rows, d)
    const sok = clean ? null : isFinite(sx); // (rows, d) bool
    const z = (sok ? where(sok, sx, 0) : sx).to('float64'); // (rows, d)
    const cnt = sok ? sum(sok, { dim: 0 }).to('float64') : fromArray(new Float64Array(d).fill(rows), [d], 'float64', x.storage.backend); // (d)
    const parts = [lo.to('float64'), hi.to('float64'), bad ? bad.to('float64') : fromArray(new Float64Array(d), [d], 'float64', x.storage.backend), cnt, sum(z, { dim: 0 }), sum(mul(z, z), { dim: 0 })];
    return cat(parts, 0).data() as Float64Array; // (6·d): one read
  }));
  const s: ColumnStats = {
    mean: new Float64Array(d), std: new Float64Array(d), min: v.slice(0, d), max: v.slice(d, 2 * d),
    nonFinite: Int32Array.from(v.subarray(2 * d, 3 * d)),
  };
  for (let j = 0; j < d; j++) {
    const c = Math.max(v[3 * d + j]!, 1);
    const mean = v[4 * d + j]! / c;
    s.mean[j] = mean;
    s.std[j] = Math.sqrt(Math.max(0, v[5 * d + j]! / c - mean * mean));
    const lo = s.min[j]!, hi = s.max[j]!;
    // Constant over every row, or one float32 ulp of the mean (noise, not spread): std 0.
    if (lo === hi || s.std[j]! <= Math.abs(mean) * 1e-6) {
      s.std[j] = 0;
      const bound = rows < n && hi > lo ? (hi - lo) * Math.sqrt(3 / rows) : 0; // the sample missed the rows where it varies
      if (bound > Math.abs(mean) * 1e-6) s.std[j] = bound;
    }
  }
  return s;
}
