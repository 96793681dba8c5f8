// The "always benchmark" baselines: logistic regression (softmax, L2 as scikit-learn's default,
// L-BFGS: logistic.ts) or ridge linear regression (normal equations), plus gradient-boosted trees,
// each fitted on the training rows (a spread sample of them on large data) and scored on held-out
// rows beside the network.
import { noGrad } from '../autograd/grad-mode.js';
import { fromArray } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { matmul } from '../ops/linalg.js';
import { backendObjective, hostObjective, lbfgs } from './logistic.js';
import { columnStats, pickRows, thin, type Matrix, type Targets } from './matrix.js';
import { fitGbt } from './gbt.js';

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
 * Up to this many multiply-adds per evaluation (n·D·K), the logistic objective runs on the host in
 * float64 (an evaluation on iris, 120 × 5 × 3, takes ~4 µs there against ~25 µs of op dispatch;
 * 1,500 × 21 × 2 ~0.1 ms); above, as GEMMs on the backend.
 */
const HOST_LOGISTIC_WORK = 200_000;

/**
 * Logistic (softmax) regression for classes, ridge regression for values: the linear baseline,
 * fitted on (a spread sample of ≤ 1,500 of) the training rows. Returns held-out scores and the
 * training loss it reaches on the rows it was fitted on (for the underfitting check).
 *
 * Shape: train (n, d), held (m, d) matrices; targets of length n and m.
 */
export function linearBaseline(trainAll: Matrix, yAll: Targets, held: Matrix, yHeld: Targets, { l2 = 1e-4 } = {}): { held: Score; train: Score } {
  const [train, yTrain] = trainAll.n > LINEAR_ROWS ? pickRows(trainAll, yAll, thin(trainAll.n, LINEAR_ROWS)) : [trainAll, yAll];
  const stats = columnStats(train);
  const Xt = design(train, stats.mean, stats.std);
  const Xh = design(held, stats.mean, stats.std);
  const D = train.d + 1;
  const n = train.n;
  return noGrad(() => scope(() => {
    const XT = fromArray(Xt, [n, D], 'float32'); // (n, D)
    const XH = fromArray(Xh, [held.n, D], 'float32'); // (m, D)
    let W: Float64Array;
    let K: number;
    if (yTrain.task === 'classification') {
      K = Math.max(2, yTrain.classes, yHeld.classes);
      const lambda = 1 / n; // C = 1
      const objective = n * D * K <= HOST_LOGISTIC_WORK ? hostObjective(Xt, yTrain.labels!, n, D, K, lambda) : backendObjective(XT, yTrain.labels!, n, D, K, lambda);
      W = lbfgs(objective, D * K);
    } else {
      K = 1;
      // ridge: (XᵀX + λ n I) w = Xᵀy, solved by Cholesky (D is small for tabular data)
      const XtX = matmul(XT.transpose(0, 1), XT).data(); // (D, D)
      const Xty = matmul(XT.transpose(0, 1), fromArray(yTrain.values!, [n, 1], 'float32')).data(); // (D, 1)
      const A = Float64Array.from(XtX);
      for (let j = 1; j < D; j++) A[j * D + j] += l2 * n;
      W = choleskySolve(A, Float64Array.from(Xty), D);
    }
    const Wt = fromArray(W, [D, K], 'float32');
    return {
      held: scoreOutputs(matmul(XH, Wt).data(), yHeld, held.n),
      train: scoreOutputs(matmul(XT, Wt).data(), yTrain, n),
    };
  }));
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
export function gbtBaseline(train: Matrix, yTrain: Targets, held: Matrix, yHeld: Targets): Score {
  const model = fitGbt(train, yTrain);
  return scoreOutputs(model.predict(held), yHeld, held.n);
}

/** Both baselines. */
export interface BaselineScores { linear: Score; linearTrain: Score; gbt: Score }

export function runBaselines(train: Matrix, yTrain: Targets, held: Matrix, yHeld: Targets): BaselineScores {
  const lin = linearBaseline(train, yTrain, held, yHeld);
  return { linear: lin.held, linearTrain: lin.train, gbt: gbtBaseline(train, yTrain, held, yHeld) };
}
