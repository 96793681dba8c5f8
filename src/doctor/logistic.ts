// The logistic-regression baseline's fit: softmax regression with an L2 penalty of strength 1/n on
// the weights (scikit-learn's LogisticRegression default, C = 1; the bias is not penalized),
// minimized by L-BFGS — a smooth convex problem that converges in tens of evaluations, where
// full-batch gradient descent needs hundreds. The objective is hostObjective (float64 loops here,
// also on the doctor's worker thread) or the backend's compiled twin (DoctorKernels.
// softmaxRegression, via baseline-kernels.ts). No tensors here: a worker imports this file.

/** The objective at W (D × K, row-major): its value and gradient; `release` frees what it holds (a backend's memory), if anything. */
export type Objective = ((W: Float64Array) => { f: number; g: Float64Array }) & { release?: () => void };

/** Builds the objective for a design matrix X (n, D) row-major, labels, K classes, penalty λ. */
export type ObjectiveFor = (X: Float32Array, labels: Int32Array, n: number, D: number, K: number, lambda: number) => Objective;

/** Add (λ/2)·‖W‖² over the rows after the first (the bias row) to f, and λ·W to g. */
export function penalize(W: Float64Array, g: Float64Array, K: number, lambda: number): number {
  let p = 0;
  for (let q = K; q < W.length; q++) { p += W[q]! * W[q]!; g[q] += lambda * W[q]!; }
  return 0.5 * lambda * p;
}

/**
 * Mean softmax cross-entropy of X·W against `labels` plus the penalty, in float64 on the host.
 * Shape: X (n, D) row-major, W (D, K).
 */
export function hostObjective(X: Float32Array, labels: Int32Array, n: number, D: number, K: number, lambda: number): Objective {
  const Xd = Float64Array.from(X);
  const z = new Float64Array(K);
  return (W) => {
    const g = new Float64Array(D * K);
    let f = 0;
    for (let i = 0; i < n; i++) {
      const off = i * D;
      z.fill(0);
      for (let j = 0; j < D; j++) { const x = Xd[off + j]!; for (let k = 0; k < K; k++) z[k] += x * W[j * K + k]!; } // logits (K)
      let mx = -Infinity;
      for (let k = 0; k < K; k++) if (z[k]! > mx) mx = z[k]!;
      const label = labels[i]!;
      const zl = z[label]!;
      let tot = 0;
      for (let k = 0; k < K; k++) { z[k] = Math.exp(z[k]! - mx); tot += z[k]!; } // exp(z − max)
      f += mx + Math.log(tot) - zl;
      const scale = 1 / (tot * n);
      for (let k = 0; k < K; k++) z[k] *= scale; // p / n
      z[label] -= 1 / n; // (p − onehot) / n
      for (let j = 0; j < D; j++) { const x = Xd[off + j]!; for (let k = 0; k < K; k++) g[j * K + k] += x * z[k]!; }
    }
    return { f: f / n + penalize(W, g, K, lambda), g };
  };
}

export interface LbfgsOptions {
  /** Most iterations. Default 100. */
  maxIterations?: number;
  /** Pairs of past steps kept. Default 10. */
  memory?: number;
  /** Stop when every gradient component is below this. Default 1e-6. */
  tolerance?: number;
}

const dot = (a: Float64Array, b: Float64Array): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };

/**
 * Minimize a smooth objective from W = 0 by L-BFGS (two-loop recursion, backtracking Armijo line
 * search). Deterministic; returns the last iterate. Works in a fixed set of buffers (the trial
 * point becomes the iterate; the oldest step pair is reused for the newest).
 */
export function lbfgs(objective: Objective, size: number, { maxIterations = 100, memory = 10, tolerance = 1e-6 }: LbfgsOptions = {}): Float64Array {
  let x = new Float64Array(size);
  let trial = new Float64Array(size);
  const d = new Float64Array(size);
  const alpha = new Float64Array(memory);
  let { f, g } = objective(x);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const spare: Float64Array[] = []; // step buffers out of use
  const take = (): Float64Array => spare.pop() ?? new Float64Array(size);
  const at = (t: number): { f: number; g: Float64Array } => {
    for (let q = 0; q < size; q++) trial[q] = x[q]! + t * d[q]!;
    return objective(trial);
  };
  for (let it = 0; it < maxIterations; it++) {
    let small = true;
    for (let q = 0; q < size && small; q++) small = Math.abs(g[q]!) < tolerance;
    if (small) break;
    // d = −H·g by the two-loop recursion (H ≈ inverse Hessian from the stored pairs)
    for (let q = 0; q < size; q++) d[q] = -g[q]!;
    for (let k = S.length - 1; k >= 0; k--) {
      const a = dot(S[k]!, d) / dot(Y[k]!, S[k]!);
      alpha[k] = a;
      for (let q = 0; q < size; q++) d[q] -= a * Y[k]![q]!;
    }
    const gamma = S.length > 0 ? dot(S.at(-1)!, Y.at(-1)!) / dot(Y.at(-1)!, Y.at(-1)!) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let q = 0; q < size; q++) d[q] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const b = dot(Y[k]!, d) / dot(Y[k]!, S[k]!);
      for (let q = 0; q < size; q++) d[q] += (alpha[k]! - b) * S[k]![q]!;
    }
    let slope = dot(g, d);
    if (!(slope < 0)) { // not a descent direction (numerical trouble): restart from the gradient
      spare.push(...S, ...Y);
      S.length = 0; Y.length = 0;
      for (let q = 0; q < size; q++) d[q] = -g[q]!;
      slope = -dot(g, g);
    }
    let t = 1;
    let next = at(t);
    while (!(next.f <= f + 1e-4 * t * slope) && t > 1e-10) {
      t *= 0.5;
      next = at(t);
    }
    if (!(next.f <= f)) break; // no progress possible
    const s = take();
    const y = take();
    for (let q = 0; q < size; q++) { s[q] = t * d[q]!; y[q] = next.g[q]! - g[q]!; }
    if (dot(s, y) > 1e-12) {
      S.push(s); Y.push(y);
      if (S.length > memory) spare.push(S.shift()!, Y.shift()!);
    } else spare.push(s, y);
    const done = Math.abs(f - next.f) <= 1e-10 * Math.max(1, Math.abs(f));
    [x, trial] = [trial, x]; // the accepted trial point x + t·d is the new iterate
    f = next.f;
    g = next.g;
    if (done) break;
  }
  return x;
}
