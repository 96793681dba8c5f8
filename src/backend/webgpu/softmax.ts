// The fused softmax primitives (ops/softmax.ts) on the GPU, in float32: one thread per row of the
// last dim, with the reference's formulas (backend/ts/softmax.ts, float64 inside) and the few-ulp
// ax_exp/ax_log of wgsl.ts, so results agree within float32 rounding of the row's sum. A row whose
// max is NaN or ±∞ (NaN or +∞ in it, or only −∞) is NaN throughout, as the reference's arithmetic
// gives it, tested on the max's bits since WGSL leaves ∞ − ∞ unspecified.
import type { TensorView } from '../backend.js';
import { numelOf } from '../../tensor/shape.js';
import type { Gpu } from './gpu.js';
import { bindings, grid1d, main1d } from './wgsl.js';

// P: R, D, log (0 or 1).
const FORWARD = () => `${bindings([['X', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`  let D = u32(P[1]);
  let o = i * D;
  var m = -ax_inf();
  for (var j = 0u; j < D; j++) {
    let v = X[o + j];
    m = select(select(m, v, v > m), v, ax_isnan(v));
    if (ax_isnan(m)) { break; }
  }
  if (ax_isnan(m) || ax_isinf(m)) {
    for (var j = 0u; j < D; j++) { O[o + j] = ax_nan(); }
    return;
  }
  var s = 0.0f;
  for (var j = 0u; j < D; j++) { s = s + ax_exp(X[o + j] - m); }
  if (P[2] != 0) {
    let ls = ax_log(s);
    for (var j = 0u; j < D; j++) { O[o + j] = (X[o + j] - m) - ls; }
  } else {
    for (var j = 0u; j < D; j++) { O[o + j] = ax_exp(X[o + j] - m) / s; }
  }`)}`;

const GRAD = () => `${bindings([['Y', 'array<f32>', false], ['G', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`  let D = u32(P[1]);
  let o = i * D;
  var t = 0.0f;
  if (P[2] != 0) {
    for (var j = 0u; j < D; j++) { t = t + G[o + j]; }
    for (var j = 0u; j < D; j++) { O[o + j] = G[o + j] - ax_exp(Y[o + j]) * t; }
  } else {
    for (var j = 0u; j < D; j++) { t = t + G[o + j] * Y[o + j]; }
    for (var j = 0u; j < D; j++) { O[o + j] = Y[o + j] * (G[o + j] - t); }
  }`)}`;

const rowsOf = (x: TensorView): [R: number, D: number] => {
  const D = x.shape[x.shape.length - 1] ?? 1;
  return [D === 0 ? 0 : numelOf(x.shape) / D, D];
};

/** x (..., D) → out: softmax (or with `log` log-softmax) of each row. */
export function softmax(gpu: Gpu, x: TensorView, out: TensorView, log: boolean): void {
  const [R, D] = rowsOf(x);
  if (R === 0) return;
  gpu.dispatch('softmax', FORWARD, [x], [out], [R, D, log ? 1 : 0], grid1d(R));
}

/** y, g (one shape) → out = dx. */
export function softmaxGrad(gpu: Gpu, y: TensorView, g: TensorView, out: TensorView, log: boolean): void {
  const [R, D] = rowsOf(y);
  if (R === 0) return;
  gpu.dispatch('softmaxGrad', GRAD, [y, g], [out], [R, D, log ? 1 : 0], grid1d(R));
}
