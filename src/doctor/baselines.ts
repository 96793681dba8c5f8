// The "always benchmark" baselines: logistic regression (softmax, L2 as scikit-learn's default) or
// ridge linear regression, both a tensor program minimized by LBFGS (logistic.ts), plus
// gradient-boosted trees (gbt.ts, host code), each fitted on the training rows (a spread sample
// of them on large data) and scored on held-out rows beside the network.
import { noGrad } from '../autograd/grad-mode.js';
import { fromArray, ones } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { div, isFinite, sub, where } from '../ops/elementwise.js';
import { matmul } from '../ops/linalg.js';
import { cat } from '../ops/movement.js';
import type { Tensor } from '../tensor/tensor.js';
import { columnStats } from './column-stats.js';
import { fitLinear } from './logistic.js';
import { gatherRows, pickTargets, thin, type Matrix, type Targets } from './matrix.js';
import { fitGbt } from './gbt.js';

/**
 * Held-out figures of one model: accuracy, balanced accuracy (the mean recall over the classes
 * present: what imbalanced data should be judged by) and loss for classes; mse/mae/r2 for regression.
 */
export interface Score { accuracy?: number; balancedAccuracy?: number; loss?: number; mse?: number; mae?: number; r2?: number }

/** A matrix as a float64 tensor. Shape: (n, d). */
const asTensor = (m: Matrix): Tensor => fromArray(m.values, [m.n, m.d], 'float64');

/**
 * Standardized design matrix with a leading column of ones: (x − mean) / std per column, 0 for a
 * constant column or a non-finite value. Shape: x (n, d), mean and std (d) → (n, d + 1).
 */
function design(x: Tensor, mean: Float64Array, std: Float64Array): Tensor {
  const d = mean.length;
  const mu = fromArray(mean, [1, d], 'float64'); // (1, d)
  const sd = fromArray(std.map((v) => (v > 0 ? v : 1)), [1, d], 'float64'); // (1, d)
  const live = fromArray(std.map((v) => (v > 0 ? 1 : 0)), [1, d], 'bool'); // (1, d)
  const z = where(isFinite(x), div(sub(x, mu), sd), 0); // (n, d)
  return cat([ones([x.shape[0]!, 1], { dtype: 'float64' }), where(live, z, 0)], 1); // (n, d + 1)
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
 * features has settled long before, and the cost stays small whatever the data.
 */
const LINEAR_ROWS = 1500;

/**
 * Logistic (softmax) regression for classes, ridge regression for values: the linear baseline,
 * fitted on (a spread sample of ≤ 1,500 of) the training rows, standardized by their statistics.
 * Returns held-out scores and the training loss it reaches on the rows it was fitted on (for the
 * underfitting check).
 *
 * Shape: train (n, d), held (m, d) matrices; targets of length n and m.
 */
export function linearBaseline(trainAll: Matrix, yAll: Targets, held: Matrix, yHeld: Targets, { l2 = 1e-4 }: { l2?: number } = {}): { held: Score; train: Score } {
  const rows = trainAll.n > LINEAR_ROWS ? thin(trainAll.n, LINEAR_ROWS) : null;
  const yTrain = rows ? pickTargets(yAll, rows) : yAll;
  const train: Matrix = rows ? { values: gatherRows(trainAll, rows), n: rows.length, d: trainAll.d } : trainAll;
  const n = train.n;
  const cls = yTrain.task === 'classification';
  const K = cls ? Math.max(2, yTrain.classes, yHeld.classes) : 1;
  const [outTrain, outHeld] = noGrad(() => scope(() => {
    const xt = asTensor(train); // (n, d)
    const stats = columnStats(xt);
    const Xt = design(xt, stats.mean, stats.std); // (n, D)
    const Xh = design(asTensor(held), stats.mean, stats.std); // (m, D)
    // the penalty: C = 1 (λ = 1/n) for classes as scikit-learn; l2 for ridge
    const w = fitLinear(Xt, cls ? { labels: yTrain.labels!, classes: K } : { values: yTrain.values! }, cls ? 1 / n : l2);
    const W = fromArray(w, [Xt.shape[1]!, K], 'float64'); // (D, K)
    return [matmul(Xt, W).data(), matmul(Xh, W).data()]; // (n, K), (m, K)
  }));
  return { held: scoreOutputs(outHeld, yHeld, held.n), train: scoreOutputs(outTrain, yTrain, n) };
}

/** Gradient-boosted trees scored on the held-out rows. */
export function gbtBaseline(train: Matrix, yTrain: Targets, held: Matrix, yHeld: Targets): Score {
  const model = fitGbt(train, yTrain);
  return scoreOutputs(model.predict(held), yHeld, held.n);
}

/** Both baselines. */
export interface BaselineScores { linear: Score; linearTrain: Score; gbt: Score }

/** Both baselines, fitted on `train` and scored on `held`. */
export function runBaselines(train: Matrix, yTrain: Targets, held: Matrix, yHeld: Targets): BaselineScores {
  const lin = linearBaseline(train, yTrain, held, yHeld);
  return { linear: lin.held, linearTrain: lin.train, gbt: gbtBaseline(train, yTrain, held, yHeld) };
}
