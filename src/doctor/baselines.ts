// The "always benchmark" baselines: logistic regression (softmax, L2 as scikit-learn's default,
// L-BFGS: logistic.ts) or ridge linear regression (normal equations), plus gradient-boosted trees,
// each fitted on the training rows (a spread sample of them on large data) and scored on held-out
// rows beside the network. Host code only (no tensors): the doctor may run it on a worker thread.
// On the main thread the backend may lend compiled versions of the hot loops (BaselineKernels).
import { hostObjective, lbfgs, type ObjectiveFor } from './logistic.js';
import { columnStats, gatherRows, pickTargets, thin, type Matrix, type Targets } from './matrix.js';
import { fitGbt, type GbtKernels } from './gbt.js';

/**
 * Compiled versions of the baselines' hot loops (see baseline-kernels.ts: the backend's); each
 * one missing is this module's JavaScript.
 */
export interface BaselineKernels extends GbtKernels {
  /** The logistic objective (default: hostObjective). */
  objective?: ObjectiveFor;
  /** The linear baseline's design matrices from float32 rows (see linearBaseline; default: its JavaScript). */
  linearDesign?: LinearDesignKernel;
}

/**
 * The training rows `rows` of float32 values (N × d) and every held-out row (m × d) standardized
 * by the mean and std of those training rows (columnStats), each with a leading 1: what
 * linearBaseline builds, compiled. Shape: → Xt (rows.length, d + 1), Xh (m, d + 1).
 */
export type LinearDesignKernel = (train: Float32Array, d: number, rows: Int32Array, held: Float32Array, m: number) => { Xt: Float32Array; Xh: Float32Array };

/**
 * Held-out figures of one model: accuracy, balanced accuracy (the mean recall over the classes
 * present: what imbalanced data should be judged by) and loss for classes; mse/mae/r2 for regression.
 */
export interface Score { accuracy?: number; balancedAccuracy?: number; loss?: number; mse?: number; mae?: number; r2?: number }

/** Standardized design matrix with a leading column of ones. Shape: (n, d) → (n, d + 1). */
function design(m: Matrix, mean: Float64Array, std: Float64Array): Float32Array {
  const d = m.d;
  const out = new Float32Array(m.n * (d + 1));
  for (let i = 0; i < m.n; i++) {
    out[i * (d + 1)] = 1;
    for (let j = 0; j < d; j++) {
      const v = m.values[i * d + j]!;
      out[i * (d + 1) + j + 1] = std[j]! > 0 && Number.isFinite(v) ? (v - mean[j]!) / std[j]! : 0;
    }
  }
  return out;
}

/** Score raw outputs (n × K logits, or n values) against targets. */
export function scoreOutputs(out: ArrayLike<number>, y: Targets, n: number): Score {
  if (y.task === 'classification') {
    const K = out.length / n;
    let right = 0, loss = 0;
    const C = Math.max(2, K, y.classes);
    const seen = new Float64Array(C), hit = new Float64Array(C); // per true class: rows, correct
    for (let i = 0; i < n; i++) {
      let best = 0, mx = -Infinity;
      for (let k = 0; k < K; k++) if (out[i * K + k]! > mx) { mx = out[i * K + k]!; best = k; }
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(out[i * K + k]! - mx);
      const l = y.labels![i]!;
      loss += Math.log(s) - ((l < K ? out[i * K + l]! : -Infinity) - mx);
      if (K === 1) best = out[i]! >= 0 ? 1 : 0;
      if (best === l) right++;
      if (l >= 0 && l < C) { seen[l]++; if (best === l) hit[l]++; }
    }
    let recall = 0, present = 0;
    for (let c = 0; c < C; c++) if (seen[c]! > 0) { recall += hit[c]! / seen[c]!; present++; }
    return { accuracy: right / n, balancedAccuracy: present > 0 ? recall / present : 0, loss: K > 1 ? loss / n : undefined };
  }
  const K = out.length / n;
  let se = 0, ae = 0, mean = 0, tot = 0;
  for (let i = 0; i < n; i++) mean += y.values![i]!;
  mean /= n;
  for (let i = 0; i < n; i++) {
    const e = out[i * K]! - y.values![i]!;
    se += e * e; ae += Math.abs(e); tot += (y.values![i]! - mean) ** 2;
  }
  return { mse: se / n, mae: ae / n, r2: tot > 0 ? 1 - se / tot : 0 };
}

/**
 * Training rows the linear baseline is fitted on at most (evenly spread): a linear model with ≤ 100
 * features has settled long before, and the cost (and, in the first fit of a program, the time
 * before the JIT has compiled the loops) stays small whatever the data.
 */
const LINEAR_ROWS = 1500;

/**
 * Logistic (softmax) regression for classes, ridge regression for values: the linear baseline,
 * fitted on (a spread sample of ≤ 1,500 of) the training rows. Returns held-out scores and the
 * training loss it reaches on the rows it was fitted on (for the underfitting check).
 *
 * Shape: train (n, d), held (m, d) matrices; targets of length n and m.
 */
export function linearBaseline(trainAll: Matrix, yAll: Targets, held: Matrix, yHeld: Targets, { l2 = 1e-4, objective = hostObjective, design: designKernel }: { l2?: number; objective?: ObjectiveFor | undefined; design?: LinearDesignKernel | undefined } = {}): { held: Score; train: Score } {
  const rows = trainAll.n > LINEAR_ROWS ? thin(trainAll.n, LINEAR_ROWS) : null;
  const yTrain = rows ? pickTargets(yAll, rows) : yAll;
  const n = rows ? rows.length : trainAll.n;
  const D = trainAll.d + 1;
  let Xt: Float32Array, Xh: Float32Array; // (n, D), (m, D)
  if (designKernel && trainAll.values instanceof Float32Array && held.values instanceof Float32Array) {
    ({ Xt, Xh } = designKernel(trainAll.values, trainAll.d, rows ? Int32Array.from(rows) : Int32Array.from({ length: n }, (_, i) => i), held.values, held.n));
  } else {
    const train = rows ? { values: gatherRows(trainAll, rows), n, d: trainAll.d } : trainAll;
    const stats = columnStats(train);
    Xt = design(train, stats.mean, stats.std);
    Xh = design(held, stats.mean, stats.std);
  }
  let W: Float64Array; // (D, K)
  let K: number;
  if (yTrain.task === 'classification') {
    K = Math.max(2, yTrain.classes, yHeld.classes);
    const lambda = 1 / n; // C = 1
    const obj = objective(Xt, yTrain.labels!, n, D, K, lambda);
    try {
      W = lbfgs(obj, D * K);
    } finally {
      obj.release?.();
    }
  } else {
    K = 1;
    // ridge: (XᵀX + λ n I) w = Xᵀy, solved by Cholesky (D is small for tabular data)
    const A = new Float64Array(D * D); // XᵀX (D, D)
    const b = new Float64Array(D); // Xᵀy (D)
    for (let i = 0; i < n; i++) {
      const off = i * D;
      const yi = yTrain.values![i]!;
      for (let j = 0; j < D; j++) {
        const xj = Xt[off + j]!;
        b[j] += xj * yi;
        for (let k = 0; k <= j; k++) A[j * D + k] += xj * Xt[off + k]!;
      }
    }
    for (let j = 0; j < D; j++) for (let k = 0; k < j; k++) A[k * D + j] = A[j * D + k]!;
    for (let j = 1; j < D; j++) A[j * D + j] += l2 * n;
    W = choleskySolve(A, b, D);
  }
  return {
    held: scoreOutputs(linearOutputs(Xh, W, held.n, D, K), yHeld, held.n),
    train: scoreOutputs(linearOutputs(Xt, W, n, D, K), yTrain, n),
  };
}

/** X·W on the host. Shape: X (n, D), W (D, K) → (n, K). */
function linearOutputs(X: Float32Array, W: Float64Array, n: number, D: number, K: number): Float64Array {
  const out = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < D; j++) {
      const x = X[i * D + j]!;
      if (x === 0) continue;
      for (let k = 0; k < K; k++) out[i * K + k] += x * W[j * K + k]!;
    }
  }
  return out;
}

function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * n + j]!;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = b[i]!; for (let k = 0; k < i; k++) s -= L[i * n + k]! * z[k]!; z[i] = s / L[i * n + i]!; }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) { let s = z[i]!; for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!; x[i] = s / L[i * n + i]!; }
  return x;
}

/** Gradient-boosted trees scored on the held-out rows. */
export function gbtBaseline(train: Matrix, yTrain: Targets, held: Matrix, yHeld: Targets, kernels: GbtKernels = {}): Score {
  const model = fitGbt(train, yTrain, {}, kernels);
  return scoreOutputs(model.predict(held), yHeld, held.n);
}

/** Both baselines. */
export interface BaselineScores { linear: Score; linearTrain: Score; gbt: Score }

/** Both baselines, with the compiled kernels given (default: all JavaScript). */
export function runBaselines(train: Matrix, yTrain: Targets, held: Matrix, yHeld: Targets, kernels: BaselineKernels = {}): BaselineScores {
  const lin = linearBaseline(train, yTrain, held, yHeld, { objective: kernels.objective, design: kernels.linearDesign });
  return { linear: lin.held, linearTrain: lin.train, gbt: gbtBaseline(train, yTrain, held, yHeld, kernels) };
}
