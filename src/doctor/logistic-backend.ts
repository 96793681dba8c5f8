// The logistic objective of logistic.ts with its two products as backend GEMMs (float32): faster
// than the host loops on the main thread once n·D·K is large. Same numbers as hostObjective.
import { fromArray } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { matmul } from '../ops/linalg.js';
import { logSoftmax } from '../ops/activation.js';
import type { Tensor } from '../tensor/tensor.js';
import { hostObjective, penalize, type Objective, type ObjectiveFor } from './logistic.js';

/** The same objective with the two products as backend GEMMs (float32). Shape: XT (n, D). */
export function backendObjective(XT: Tensor, labels: Int32Array, n: number, D: number, K: number, lambda: number): Objective {
  const XTt = XT.transpose(0, 1); // (D, n)
  return (W) => scope(() => {
    const L = logSoftmax(matmul(XT, fromArray(W, [D, K], 'float32', XT.storage.backend)), { dim: 1 }).data(); // (n, K) log-probabilities
    const R = new Float32Array(n * K);
    let f = 0;
    for (let i = 0; i < n; i++) {
      const label = labels[i]!;
      f -= L[i * K + label]!;
      for (let k = 0; k < K; k++) R[i * K + k] = (Math.exp(L[i * K + k]!) - (k === label ? 1 : 0)) / n;
    }
    const g = Float64Array.from(matmul(XTt, fromArray(R, [n, K], 'float32', XT.storage.backend)).data()); // (D, K)
    return { f: f / n + penalize(W, g, K, lambda), g };
  });
}

/**
 * Up to this many multiply-adds per evaluation (n·D·K), the objective runs on the host in float64
 * (an evaluation on iris, 120 × 5 × 3, takes ~4 µs there against ~25 µs of op dispatch;
 * 1,500 × 21 × 2 ~0.1 ms); above, as GEMMs on the backend.
 */
const HOST_LOGISTIC_WORK = 200_000;

/** hostObjective for small problems, backendObjective above HOST_LOGISTIC_WORK (use inside a scope). */
export const fastestObjective: ObjectiveFor = (X, labels, n, D, K, lambda) =>
  n * D * K <= HOST_LOGISTIC_WORK ? hostObjective(X, labels, n, D, K, lambda) : backendObjective(fromArray(X, [n, D], 'float32'), labels, n, D, K, lambda);
