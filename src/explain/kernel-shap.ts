// Kernel SHAP (Lundberg & Lee 2017): Shapley values as the solution of a weighted least-squares
// fit of the coalition values, over all coalitions when there are few features, else over coalitions
// sampled from the Shapley kernel (paired with their complements to halve the variance).
import { ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTabular, coalitionValues, tabularTargets, type FeatureFunction } from './coalitions.js';
import type { ShapleyResult } from './shapley.js';
import type { Target } from './target.js';

export interface KernelShapOptions {
  target?: Target;
  /**
   * Coalitions per row (SHAP's `nsamples`). When 2^M − 2 ≤ samples every coalition is used with
   * its exact kernel weight and the result equals the exact Shapley values. Default 2·M + 2048 (SHAP's 'auto').
   */
  samples?: number;
  /** Source of the sampled coalitions. Default: the global generator. */
  generator?: Generator;
}

export interface KernelShapResult extends ShapleyResult {
  /** Whether every coalition was enumerated (the values are then exact). */
  exact: boolean;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** Solve the symmetric system A·x = b (n × n, row-major) by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(A), y = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    if (p !== c) {
      for (let k = 0; k < n; k++) { const t = a[c * n + k]!; a[c * n + k] = a[p * n + k]!; a[p * n + k] = t; }
      const t = y[c]!; y[c] = y[p]!; y[p] = t;
    }
    const d = a[c * n + c]!;
    if (Math.abs(d) < 1e-300) continue; // a feature no sampled coalition separates: its value stays 0
    for (let r = c + 1; r < n; r++) {
      const m = a[r * n + c]! / d;
      if (m === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] -= m * a[c * n + k]!;
      y[r] -= m * y[c]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = y[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    const d = a[r * n + r]!;
    x[r] = Math.abs(d) < 1e-300 ? 0 : s / d;
  }
  return x;
}

/** The coalitions to fit and their weights: all of them (exact kernel weights), or a paired sample. */
function chooseCoalitions(M: number, samples: number, g: Generator): { masks: Uint8Array; weights: Float64Array; exact: boolean } {
  if (M <= 30 && 2 ** M - 2 <= samples) {
    const R = 2 ** M - 2;
    const masks = new Uint8Array(R * M), weights = new Float64Array(R);
    for (let r = 1; r <= R; r++) {
      let s = 0;
      for (let j = 0; j < M; j++) { const bit = (r >> j) & 1; masks[(r - 1) * M + j] = bit; s += bit; }
      weights[r - 1] = (M - 1) / (binomial(M, s) * s * (M - s)); // the Shapley kernel π(z)
    }
    return { masks, weights, exact: true };
  }
  // A coalition of size s has kernel weight (M−1)/(C(M,s)·s·(M−s)); all C(M,s) of them together
  // (M−1)/(s(M−s)). Draw a size with that probability, then a uniform subset of that size: each
  // sampled coalition then stands for its share of the kernel, so all get the same weight.
  const sizeMass = Array.from({ length: M - 1 }, (_, i) => (M - 1) / ((i + 1) * (M - i - 1)));
  const total = sizeMass.reduce((a, b) => a + b, 0);
  const pairs = Math.max(1, Math.floor(samples / 2));
  const masks = new Uint8Array(2 * pairs * M);
  const order = Array.from({ length: M }, (_, j) => j);
  for (let p = 0; p < pairs; p++) {
    let u = g.uniform() * total, s = 1;
    while (s < M - 1 && u >= sizeMass[s - 1]!) { u -= sizeMass[s - 1]!; s++; }
    for (let j = 0; j < s; j++) { const k = j + Math.floor(g.uniform() * (M - j)); const t = order[j]!; order[j] = order[k]!; order[k] = t; }
    for (let j = 0; j < M; j++) masks[2 * p * M + j] = 0;
    for (let j = 0; j < s; j++) masks[2 * p * M + order[j]!] = 1;
    for (let j = 0; j < M; j++) masks[(2 * p + 1) * M + j] = 1 - masks[2 * p * M + j]!; // the complement
  }
  return { masks, weights: new Float64Array(2 * pairs).fill(1), exact: false };
}

/**
 * Kernel SHAP: the φ minimising Σ_z π(z)·(v(z) − v(∅) − Σ_j z_j φ_j)² subject to
 * Σ_j φ_j = v(F) − v(∅), with the Shapley kernel π(z) = (M − 1)/(C(M,|z|)·|z|·(M − |z|)) and
 * v(S) = E_b f(x_S, b_S̄) over the background rows, as SHAP's `KernelExplainer`
 * (https://shap.readthedocs.io/en/latest/generated/shap.KernelExplainer.html: "Uses the Kernel
 * SHAP method to explain the output of any function… a specially-weighted local linear
 * regression to estimate SHAP values for any model"). The constraint is solved by eliminating
 * the last feature. With every coalition enumerated the solution is the exact Shapley values;
 * sampled, the error shrinks like 1/√samples.
 *
 * Shape: x (N, M), background (K, M) → values (N, M), baseValue (N,).
 *
 * @example
 * const { values } = kernelShap((x) => model.forward(x), rows, background, { target: 0, samples: 512 });
 */
export function kernelShap(f: FeatureFunction, x: Tensor, background: Tensor, opts: KernelShapOptions = {}): KernelShapResult {
  const op = 'kernelShap';
  const [N, M, K] = checkTabular(op, x, background);
  const samples = opts.samples ?? 2 * M + 2048;
  if (!Number.isInteger(samples) || samples < 2) throw new ValueError(op, `samples must be an integer ≥ 2, got ${samples}`);
  const g = opts.generator ?? defaultGenerator;
  const targets = tabularTargets(op, f, x, opts.target);
  const xs = x.data(), bg = Float64Array.from(background.data());
  const phi = new Float64Array(N * M), base = new Float64Array(N);
  let exact = true;
  const ends = new Uint8Array(2 * M).fill(1, M); // ∅ and F
  for (let i = 0; i < N; i++) {
    const xi = xs.subarray(i * M, (i + 1) * M);
    const [v0, vF] = coalitionValues(f, xi, bg, K, ends, targets[i]!, x.dtype) as unknown as [number, number];
    base[i] = v0;
    const delta = vF - v0;
    if (M === 1) { phi[i * M] = delta; continue; }
    const c = chooseCoalitions(M, samples, g);
    exact &&= c.exact;
    const v = coalitionValues(f, xi, bg, K, c.masks, targets[i]!, x.dtype);
    // φ_M = Δ − Σ_{j<M} φ_j turns the fit into an unconstrained one in φ_1..φ_{M−1}:
    // v(z) − v(∅) − z_M·Δ ≈ Σ_{j<M} (z_j − z_M)·φ_j.
    const n = M - 1;
    const A = new Float64Array(n * n), b = new Float64Array(n);
    const R = c.weights.length;
    const row = new Float64Array(n);
    for (let r = 0; r < R; r++) {
      const zM = c.masks[r * M + n]!;
      for (let j = 0; j < n; j++) row[j] = c.masks[r * M + j]! - zM;
      const y = v[r]! - v0 - zM * delta;
      const w = c.weights[r]!;
      for (let j = 0; j < n; j++) {
        if (row[j] === 0) continue;
        b[j] += w * row[j]! * y;
        for (let k = 0; k < n; k++) A[j * n + k] += w * row[j]! * row[k]!;
      }
    }
    const sol = solve(A, b, n);
    let rest = 0;
    for (let j = 0; j < n; j++) { phi[i * M + j] = sol[j]!; rest += sol[j]!; }
    phi[i * M + n] = delta - rest;
  }
  return { values: fromArray(phi, [N, M], x.dtype), baseValue: fromArray(base, [N], x.dtype), exact };
}
