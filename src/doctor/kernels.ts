// The training doctor's hot loops as a backend may compile them (Backend.doctor; the wasm
// backend's are assembly/*.ts behind src/backend/wasm/doctor-kernels.ts). Each is optional and
// gives the same answers as the doctor's JavaScript, which stays the reference (and the path on
// other backends): in a program's first fit that JavaScript runs interpreted, the kernels at
// compiled speed from their first call.
import type { Storage } from '../backend/backend.js';
import type { BoostRequest, Forest } from './gbt.js';
import type { LeakNearestRequest } from './leakage.js';

/**
 * Arguments of DoctorKernels.nearRows (see duplicates.ts, nearCount): per row of `other`, whether
 * a training row sharing one of its hash buckets lies within √limit (standardized distance).
 */
export interface NearRowsRequest {
  /** Training rows (n × d) and the rows checked against them (m × d), row-major from the storages' start. */
  train: Storage;
  other: Storage;
  n: number;
  m: number;
  d: number;
  /** Projections of the rows (n × k and m × k), k = tables · bits. */
  pTrain: Float32Array;
  pOther: Float32Array;
  tables: number;
  bits: number;
  /** 1 / bucket width, and each projection's grid offset (k). */
  invWidth: number;
  offsets: Float64Array;
  /** Columns measured, in this order, and every column's inverse scale (d). */
  order: Int32Array;
  inv: Float64Array;
  /** Squared distance at or below which a pair is near. */
  limit: number;
  /** Candidates measured per row at most. */
  maxChecks: number;
  /** Rows of `other` not to check (1: already an exact duplicate). */
  skip: Uint8Array;
}

/** Column statistics of a float32 matrix (see DoctorKernels.columnStats). */
export interface KernelColumnStats { lo: Float32Array; hi: Float32Array; sum: Float64Array; sq: Float64Array }

/** See DoctorKernels.softmaxRegression. */
export interface SoftmaxRegression {
  /** Loss and gradient (D × K) at W (D × K). */
  at(W: Float64Array): { f: number; g: Float64Array };
  release(): void;
}

export interface DoctorKernels {
  /**
   * Near-duplicate search (duplicates.ts, nearHits): per row of `other`, whether a training row
   * sharing one of its buckets lies within √limit. Null when it does not apply (another dtype).
   */
  nearRows?(req: NearRowsRequest): Uint8Array | null;
  /**
   * The rows of x (n × d, float32) projected on k directions r (w × k) over the column window
   * a … a + w − 1 (Σ in float32, columns ascending), read in place, and each row's 30-bit key of
   * its projections' bit patterns (duplicates.ts, projectionKey). Null for other dtypes.
   */
  /** Per key of `keys` (non-negative, 30-bit), 1 when it occurs at least twice among them (duplicates.ts's first exact stage). */
  sharedKeys?(keys: Int32Array): Uint8Array;
  projectRows?(x: Storage, n: number, d: number, a: number, w: number, r: Float32Array, k: number): { p: Float32Array; keys: Int32Array } | null;
  /**
   * Column statistics of x (n × d, float32; column-stats.ts) in one pass: per column the min and
   * max over every row (a NaN wins), and the float64 sums and sums of squares over every row
   * (rows ≥ n) or over the spread 8-row blocks of a sample of `rows` rows, summed in the
   * JavaScript's order (the same numbers). Null for other dtypes.
   */
  columnStats?(x: Storage, n: number, d: number, rows: number): KernelColumnStats | null;
  /** Σ x² over a float32 storage in float64 (gradient-health.ts, rms; equal to the host loop up to rounding); null for other dtypes. */
  sumSquares?(x: Storage): number | null;
  /** Single-feature nearest-neighbour leak counts (leakage.ts, LeakNearestRequest). */
  leakNearest?(req: LeakNearestRequest): Int32Array;
  /** The gradient-boosted trees' loop (gbt.ts, boost): the same trees. */
  boostTrees?(req: BoostRequest): Forest;
  /** Raw scores of binned rows under a forest (gbt.ts, forestScores). */
  forestScores?(forest: Forest, X: Uint8Array, m: number, d: number): Float64Array;
  /** Bin edges and bins of the sampled rows `rows` of float32 values (n × d; gbt.ts, edgesOf and binRows). */
  binColumns?(values: Float32Array, d: number, rows: Int32Array, bins: number): { edges: Float64Array[]; X: Uint8Array };
  /** Bins of every row of float32 values (n × d) under edges (gbt.ts, binRows). */
  binRows?(values: Float32Array, n: number, d: number, edges: readonly Float64Array[], bins: number): Uint8Array;
  /** The linear baseline's standardized design matrices of float32 rows (baselines.ts, LinearDesignKernel): the same matrices. */
  linearDesign?(train: Float32Array, d: number, rows: Int32Array, held: Float32Array, m: number): { Xt: Float32Array; Xh: Float32Array };
  /**
   * The mean softmax cross-entropy of X·W and its gradient (logistic.ts, hostObjective without the
   * L2 penalty) for one design matrix, evaluated at many W: X and the labels stay in the backend's
   * memory until `release()`.
   */
  softmaxRegression?(X: Float32Array, labels: Int32Array, n: number, D: number, K: number): SoftmaxRegression;
}
