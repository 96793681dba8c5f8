// The linear baseline's fit as a tensor program: softmax regression with an L2 penalty of strength
// 1/n on the weights (scikit-learn's LogisticRegression default, C = 1; the bias is not
// penalized), or ridge regression, on a float64 design matrix; the objective's gradient comes
// from autograd and LBFGS (optim/lbfgs.ts, strong-Wolfe line search) minimizes it — a smooth
// convex problem that converges in tens of evaluations.
import { enableGrad } from '../autograd/grad-mode.js';
import { fromArray } from '../tensor/creation.js';
import { keep, scope, unkeep } from '../tensor/lifetime.js';
import { add, mul, square, sub } from '../ops/elementwise.js';
import { matmul } from '../ops/linalg.js';
import { logsumexp, mean, sum } from '../ops/reduce.js';
import { LBFGS } from '../optim/lbfgs.js';
import type { Tensor } from '../tensor/tensor.js';

/** What a linear model is fitted to: class labels (softmax over K classes) or values (ridge). */
export type LinearTarget = { labels: Int32Array; classes: number } | { values: Float64Array };

/**
 * The objective at W: mean softmax cross-entropy of X·W against one-hot Y, or half the mean
 * squared error of X·W against y, plus (λ/2)·‖W‖² over every row of W but the first (the bias).
 * Shape: X (n, D), W (D, K), Y (n, K) → scalar.
 */
export function linearObjective(X: Tensor, W: Tensor, Y: Tensor, kind: 'softmax' | 'ridge', lambda: number): Tensor {
  const D = W.shape[0]!, K = W.shape[1]!;
  const Z = matmul(X, W); // (n, K)
  const fit = kind === 'softmax'
    ? mean(sub(logsumexp(Z, { dim: 1 }), sum(mul(Z, Y), { dim: 1 }))) // cross-entropy
    : mul(mean(square(sub(Z, Y))), 0.5); // ½·MSE (K = 1)
  const mask = fromArray(Array.from({ length: D * K }, (_, q) => (q < K ? 0 : 1)), [D, K], W.dtype, W.storage.backend); // (D, K): 0 on the bias row
  return add(fit, mul(sum(mul(mask, square(W))), 0.5 * lambda));
}

/**
 * Minimize linearObjective from W = 0 over the design matrix X (n, D) (float64, a leading column
 * of ones); returns W (D, K) row-major. Regression targets are standardized for the fit and W is
 * scaled back (ridge is linear in y and the bias is unpenalized: the same minimizer).
 */
export function fitLinear(X: Tensor, target: LinearTarget, lambda: number): Float64Array {
  const [n, D] = X.shape as [number, number];
  return scope(() => {
    let Y: Tensor, K: number, shift = 0, scale = 1;
    if ('labels' in target) {
      K = target.classes;
      const oh = new Float64Array(n * K);
      target.labels.forEach((l, i) => { oh[i * K + l] = 1; });
      Y = fromArray(oh, [n, K], 'float64', X.storage.backend); // (n, K) one-hot
    } else {
      K = 1;
      const v = target.values;
      shift = v.reduce((s, a) => s + a, 0) / n;
      scale = Math.sqrt(v.reduce((s, a) => s + (a - shift) ** 2, 0) / n) || 1;
      Y = fromArray(Float64Array.from(v, (a) => (a - shift) / scale), [n, 1], 'float64', X.storage.backend); // (n, 1)
    }
    const kind = 'labels' in target ? 'softmax' : 'ridge';
    const W = keep(fromArray(new Float64Array(D * K), [D, K], 'float64', X.storage.backend).requiresGrad_(true)); // (D, K), on X's backend
    try {
      const opt = new LBFGS([W], { maxIter: 100, historySize: 10, toleranceGrad: 1e-6, lineSearchFn: 'strong_wolfe' });
      opt.step(() => enableGrad(() => {
        opt.zeroGrad();
        const loss = linearObjective(X, W, Y, kind, lambda);
        loss.backward();
        return loss;
      }));
      opt.zeroGrad();
      const w = Float64Array.from(W.data());
      if (kind === 'ridge') { for (let j = 0; j < D; j++) w[j] *= scale; w[0] += shift; }
      return w;
    } finally {
      unkeep(W);
    }
  });
}
