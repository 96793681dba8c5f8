// The training doctor's logistic-regression objective (src/doctor/logistic.ts, hostObjective)
// compiled ahead: L-BFGS evaluates it tens of times, which in a program's first fit runs
// interpreted in JavaScript. The same float64 arithmetic in the same order (exp and log are
// math64.ts's, which may differ from V8's in the last bits).

import { exp64, log64 } from './math64';

/**
 * Mean softmax cross-entropy of X·W against labels, and its gradient: X (n × D, f32), labels
 * (i32, n), W (D × K, f64); writes g (D × K, f64; (softmax − onehot)ᵀ-weighted rows / n) and
 * returns the mean loss (without the L2 penalty, which the caller adds). z: scratch of K f64.
 */
export function softmaxRegressionF32(X: usize, labels: usize, n: i32, D: i32, K: i32, W: usize, g: usize, z: usize): f64 {
  if (K == 2) return binaryF32(X, labels, n, D, W, g);
  memory.fill(g, 0, <usize>(D * K) << 3);
  const inv = 1.0 / <f64>n;
  let f = 0.0;
  for (let i = 0; i < n; i++) {
    const row = X + (<usize>(i * D) << 2);
    memory.fill(z, 0, <usize>K << 3);
    for (let j = 0; j < D; j++) { // logits (K)
      const x = <f64>load<f32>(row + (<usize>j << 2));
      const w = W + (<usize>(j * K) << 3);
      for (let k = 0; k < K; k++) store<f64>(z + (<usize>k << 3), load<f64>(z + (<usize>k << 3)) + x * load<f64>(w + (<usize>k << 3)));
    }
    let mx = -Infinity;
    for (let k = 0; k < K; k++) { const v = load<f64>(z + (<usize>k << 3)); if (v > mx) mx = v; }
    const label = load<i32>(labels + (<usize>i << 2));
    const zl = load<f64>(z + (<usize>label << 3));
    let tot = 0.0;
    for (let k = 0; k < K; k++) { // exp(z − max)
      const e = exp64(load<f64>(z + (<usize>k << 3)) - mx);
      store<f64>(z + (<usize>k << 3), e);
      tot += e;
    }
    f += mx + log64(tot) - zl;
    const scale = 1 / (tot * <f64>n);
    for (let k = 0; k < K; k++) store<f64>(z + (<usize>k << 3), load<f64>(z + (<usize>k << 3)) * scale); // p / n
    store<f64>(z + (<usize>label << 3), load<f64>(z + (<usize>label << 3)) - inv); // (p − onehot) / n
    for (let j = 0; j < D; j++) {
      const x = <f64>load<f32>(row + (<usize>j << 2));
      const gj = g + (<usize>(j * K) << 3);
      for (let k = 0; k < K; k++) store<f64>(gj + (<usize>k << 3), load<f64>(gj + (<usize>k << 3)) + x * load<f64>(z + (<usize>k << 3)));
    }
  }
  return f / <f64>n;
}

/** softmaxRegressionF32 for K = 2 with the logits in locals: the same operations in the same order. */
function binaryF32(X: usize, labels: usize, n: i32, D: i32, W: usize, g: usize): f64 {
  memory.fill(g, 0, <usize>(D * 2) << 3);
  const inv = 1.0 / <f64>n;
  let f = 0.0;
  for (let i = 0; i < n; i++) {
    const row = X + (<usize>(i * D) << 2);
    let z0 = 0.0, z1 = 0.0;
    for (let j = 0; j < D; j++) {
      const x = <f64>load<f32>(row + (<usize>j << 2));
      const w = W + (<usize>(j * 2) << 3);
      z0 += x * load<f64>(w);
      z1 += x * load<f64>(w, 8);
    }
    let mx = -Infinity;
    if (z0 > mx) mx = z0;
    if (z1 > mx) mx = z1;
    const label = load<i32>(labels + (<usize>i << 2));
    const zl = label == 0 ? z0 : z1;
    const e0 = exp64(z0 - mx), e1 = exp64(z1 - mx);
    const tot = e0 + e1;
    f += mx + log64(tot) - zl;
    const scale = 1 / (tot * <f64>n);
    let p0 = e0 * scale, p1 = e1 * scale; // p / n
    if (label == 0) p0 -= inv; else p1 -= inv; // (p − onehot) / n
    for (let j = 0; j < D; j++) {
      const x = <f64>load<f32>(row + (<usize>j << 2));
      const gj = g + (<usize>(j * 2) << 3);
      store<f64>(gj, load<f64>(gj) + x * p0);
      store<f64>(gj, load<f64>(gj, 8) + x * p1, 8);
    }
  }
  return f / <f64>n;
}
