// Reference kernels of the fused layer normalization (ops/norm.ts). Each row of D features is
// normalized in float64 and each result rounded once to the output dtype: the composite's values up
// to its per-op float32 roundings. A row's sums run in four interleaved chains (sum4), the order
// the wasm kernels' two f64x2 accumulators give, so those equal these bit for bit; the weight's
// and bias's gradients sum over the rows in row order, also in float64.
import type { KView } from './kernels.js';

/**
 * Σ f(j) for j < D: element j in chain j mod 4 while four elements remain, the chains combined as
 * (s0 + s1) + (s2 + s3), then the rest added in order.
 */
export function sum4(D: number, f: (j: number) => number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let j = 0;
  for (; j + 4 <= D; j += 4) {
    s0 += f(j);
    s1 += f(j + 1);
    s2 += f(j + 2);
    s3 += f(j + 3);
  }
  let s = (s0 + s1) + (s2 + s3);
  for (; j < D; j++) s += f(j);
  return s;
}

/** Rounding to the dtype: Math.fround for float32, none for float64. */
export type Round = (v: number) => number;
const exact: Round = (v) => v;
export const roundOf = (data: ArrayLike<number>): Round => (data instanceof Float32Array ? Math.fround : exact);

/**
 * The mean and 1/√(σ² + eps) of row r (D features from offset r·D). The mean and the variance are
 * rounded to the dtype as the composite's (each sum, then each quotient), so a row whose sum or
 * variance overflows float32 gives what the composite and PyTorch give (an infinite variance makes
 * rstd 0 and y the bias).
 */
export function rowStats(x: ArrayLike<number>, r: number, D: number, eps: number, round: Round): [mean: number, rstd: number] {
  const o = r * D;
  const mean = round(round(sum4(D, (j) => x[o + j]!)) / D);
  const q = sum4(D, (j) => {
    const c = x[o + j]! - mean;
    return c * c;
  });
  return [mean, 1 / Math.sqrt(round(round(q) / D) + eps)];
}

/** x (..., *ns), weight, bias (*ns) → out (x's shape). */
export function layerNormKernel([x, w, b]: readonly KView[], out: KView, { eps }: { eps: number }): void {
  const xd = x!.data, wd = w!.data, bd = b!.data, o = out.data;
  const round = roundOf(o);
  const D = wd.length;
  const R = D === 0 ? 0 : o.length / D;
  for (let r = 0; r < R; r++) {
    const [mean, rstd] = rowStats(xd, r, D, eps, round);
    for (let j = 0, k = r * D; j < D; j++, k++) o[k] = (xd[k]! - mean) * rstd * wd[j]! + bd[j]!;
  }
}

/**
 * x (..., *ns), weight (*ns), g (x's shape) → out (R·D + 2D): dx, then dweight = Σ_rows g·x̂ and
 * dbias = Σ_rows g, with x̂ = (x − μ)·rstd and dx = rstd·(g·w − mean(g·w) − x̂·mean(g·w·x̂)) per row.
 */
export function layerNormGradKernel([x, w, g]: readonly KView[], out: KView, { eps }: { eps: number }): void {
  const xd = x!.data, wd = w!.data, gd = g!.data, o = out.data;
  const round = roundOf(o);
  const D = wd.length;
  const R = D === 0 ? 0 : xd.length / D;
  const dw = new Float64Array(D), db = new Float64Array(D);
  for (let r = 0; r < R; r++) {
    const [mean, rstd] = rowStats(xd, r, D, eps, round);
    const k0 = r * D;
    const a = sum4(D, (j) => gd[k0 + j]! * wd[j]!) / D;
    const c = sum4(D, (j) => gd[k0 + j]! * wd[j]! * ((xd[k0 + j]! - mean) * rstd)) / D;
    for (let j = 0; j < D; j++) {
      const k = k0 + j;
      const xh = (xd[k]! - mean) * rstd;
      o[k] = rstd * (gd[k]! * wd[j]! - a - xh * c);
      dw[j] += gd[k]! * xh;
      db[j] += gd[k]!;
    }
  }
  const n = R * D;
  for (let j = 0; j < D; j++) {
    o[n + j] = dw[j]!;
    o[n + D + j] = db[j]!;
  }
}
