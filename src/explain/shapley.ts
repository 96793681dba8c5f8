// Exact Shapley values by enumerating every coalition: 2^M evaluations of the value function, so
// for a handful of features (≤ 12); the reference that Kernel SHAP's estimates are checked against.
import { ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTabular, coalitionValues, tabularTargets, type FeatureFunction } from './coalitions.js';
import type { Target } from './target.js';

/** The most features `exactShapley` enumerates (2^12 = 4,096 coalitions per row, times the background). */
export const MAX_EXACT_FEATURES = 12;

export interface ShapleyOptions {
  /** Which output each row explains (for (B, classes) models). */
  target?: Target;
}

export interface ShapleyResult {
  /** φ (N, M): each feature's Shapley value, per row. */
  values: Tensor;
  /** E_b f(b) per row's target (N,): the value of the empty coalition; φ sums to f(x) − baseValue. */
  baseValue: Tensor;
}

/** All 2^M masks, mask r having feature j when bit j of r is set. */
function allMasks(M: number): Uint8Array {
  const R = 2 ** M;
  const masks = new Uint8Array(R * M);
  for (let r = 0; r < R; r++) for (let j = 0; j < M; j++) masks[r * M + j] = (r >> j) & 1;
  return masks;
}

/**
 * Shapley values φ_j = Σ_{S ⊆ F∖{j}} |S|!(M − |S| − 1)!/M! · (v(S ∪ {j}) − v(S)) with
 * v(S) = E_b f(x_S, b_S̄) over the background rows b: the values SHAP's `KernelExplainer` estimates
 * (https://shap.readthedocs.io/en/latest/generated/shap.KernelExplainer.html: "uses a special
 * weighted linear regression to compute the importance of each feature… the background dataset
 * … to integrate out features"), here computed exactly. They satisfy efficiency
 * (Σ_j φ_j = f(x) − E_b f(b)), symmetry and dummy exactly.
 *
 * Shape: x (N, M), background (K, M) → values (N, M), baseValue (N,).
 */
export function exactShapley(f: FeatureFunction, x: Tensor, background: Tensor, opts: ShapleyOptions = {}): ShapleyResult {
  const op = 'exactShapley';
  const [N, M, K] = checkTabular(op, x, background);
  if (M > MAX_EXACT_FEATURES) throw new ValueError(op, `x has ${M} features; exact enumeration needs 2^M coalitions and is limited to ${MAX_EXACT_FEATURES} features; use kernelShap for more`);
  const targets = tabularTargets(op, f, x, opts.target);
  const masks = allMasks(M);
  const fact = [1];
  for (let i = 1; i <= M; i++) fact.push(fact[i - 1]! * i);
  const weight = Array.from({ length: M }, (_, s) => (fact[s]! * fact[M - s - 1]!) / fact[M]!);
  const xs = x.data(), bg = Float64Array.from(background.data());
  const phi = new Float64Array(N * M), base = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const v = coalitionValues(f, xs.subarray(i * M, (i + 1) * M), bg, K, masks, targets[i]!, x.dtype);
    base[i] = v[0]!;
    for (let r = 0; r < 2 ** M; r++) {
      let size = 0;
      for (let j = 0; j < M; j++) size += (r >> j) & 1;
      for (let j = 0; j < M; j++) if (!((r >> j) & 1)) phi[i * M + j] += weight[size]! * (v[r | (1 << j)]! - v[r]!);
    }
  }
  return { values: fromArray(phi, [N, M], x.dtype), baseValue: fromArray(base, [N], x.dtype) };
}
