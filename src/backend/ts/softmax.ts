// Reference kernels of the fused softmax and log-softmax over the last dim (ops/softmax.ts). Each
// row is computed in float64 (its sums in the four-chain order of sum4, as the wasm kernels sum)
// and each result rounded once to the output dtype: the composite's values up to its per-op
// roundings. The max follows the reduction's rule (NaN wins), so a row holding NaN or +∞, or only
// −∞, gives NaN as the composite does.
import type { KView } from './kernels.js';
import { sum4 } from './layer-norm.js';

/** The row's maximum, NaN if any element is NaN (−∞ for an empty row). */
export function rowMax(x: ArrayLike<number>, o: number, D: number): number {
  let m = -Infinity;
  for (let j = 0; j < D; j++) {
    const v = x[o + j]!;
    if (v !== v) return NaN;
    if (v > m) m = v;
  }
  return m;
}

/** x (..., D) → out: softmax or log-softmax of each row. */
export function softmaxKernel([x]: readonly KView[], out: KView, { log }: { log: boolean }): void {
  const xd = x!.data, o = out.data;
  const D = x!.shape[x!.shape.length - 1] ?? 1;
  const R = D === 0 ? 0 : o.length / D;
  for (let r = 0; r < R; r++) {
    const k0 = r * D;
    const m = rowMax(xd, k0, D);
    const s = sum4(D, (j) => Math.exp(xd[k0 + j]! - m));
    if (log) {
      const ls = Math.log(s);
      for (let j = 0; j < D; j++) o[k0 + j] = (xd[k0 + j]! - m) - ls;
    } else {
      for (let j = 0; j < D; j++) o[k0 + j] = Math.exp(xd[k0 + j]! - m) / s;
    }
  }
}

/** y (softmax's output), g (one shape) → out = dx. */
export function softmaxGradKernel([y, g]: readonly KView[], out: KView, { log }: { log: boolean }): void {
  const yd = y!.data, gd = g!.data, o = out.data;
  const D = y!.shape[y!.shape.length - 1] ?? 1;
  const R = D === 0 ? 0 : o.length / D;
  for (let r = 0; r < R; r++) {
    const k0 = r * D;
    if (log) {
      const t = sum4(D, (j) => gd[k0 + j]!);
      for (let j = 0; j < D; j++) o[k0 + j] = gd[k0 + j]! - Math.exp(yd[k0 + j]!) * t;
    } else {
      const t = sum4(D, (j) => gd[k0 + j]! * yd[k0 + j]!);
      for (let j = 0; j < D; j++) o[k0 + j] = yd[k0 + j]! * (gd[k0 + j]! - t);
    }
  }
}
