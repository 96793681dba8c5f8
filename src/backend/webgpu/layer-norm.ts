// The fused layer normalization primitives (ops/layer-norm.ts) on the GPU, in float32: one thread
// per row for the forward and for the gradient of x (each row's sums in index order), then one
// thread per feature for the weight's and bias's gradients, summing the rows in order from the
// row statistics the row kernel leaves in a scratch buffer. Same formulas as the reference
// (backend/ts/layer-norm.ts), which computes in float64: results agree within float32 sums' rounding.
import type { TensorView } from '../backend.js';
import { numelOf } from '../../tensor/shape.js';
import type { Gpu } from './gpu.js';
import { bindings, grid1d, main1d } from './wgsl.js';

/** eps as the bits of the f32 the kernels read (the parameter block holds i32). */
const epsBits = (eps: number): number => new Int32Array(new Float32Array([eps]).buffer)[0]!;

/** Row r's mean and rstd into `mean` and `rstd` (P: R, D, eps bits). */
const STATS = `  let D = u32(P[1]);
  let o = i * D;
  var s = 0.0f;
  for (var j = 0u; j < D; j++) { s = s + X[o + j]; }
  let mean = s / f32(D);
  var q = 0.0f;
  for (var j = 0u; j < D; j++) { let c = X[o + j] - mean; q = q + c * c; }
  let rstd = 1.0f / sqrt(q / f32(D) + bitcast<f32>(P[2]));`;

const FORWARD = () => `${bindings([['X', 'array<f32>', false], ['W', 'array<f32>', false], ['B', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`${STATS}
  for (var j = 0u; j < D; j++) { O[o + j] = (X[o + j] - mean) * rstd * W[j] + B[j]; }`)}`;

const GRAD_ROWS = () => `${bindings([['X', 'array<f32>', false], ['W', 'array<f32>', false], ['G', 'array<f32>', false], ['O', 'array<f32>', true], ['ST', 'array<f32>', true]])}
${main1d(`${STATS}
  ST[2u * i] = mean;
  ST[2u * i + 1u] = rstd;
  var a = 0.0f;
  var c = 0.0f;
  for (var j = 0u; j < D; j++) {
    let gw = G[o + j] * W[j];
    a = a + gw;
    c = c + gw * ((X[o + j] - mean) * rstd);
  }
  a = a / f32(D);
  c = c / f32(D);
  for (var j = 0u; j < D; j++) { O[o + j] = rstd * (G[o + j] * W[j] - a - ((X[o + j] - mean) * rstd) * c); }`)}`;

// P: D, R; thread i is feature i.
const GRAD_COLUMNS = () => `${bindings([['X', 'array<f32>', false], ['G', 'array<f32>', false], ['ST', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`  let D = u32(P[0]);
  let R = u32(P[1]);
  var dw = 0.0f;
  var db = 0.0f;
  for (var r = 0u; r < R; r++) {
    let k = r * D + i;
    dw = dw + G[k] * ((X[k] - ST[2u * r]) * ST[2u * r + 1u]);
    db = db + G[k];
  }
  O[R * D + i] = dw;
  O[R * D + D + i] = db;`)}`;

/** x (..., *ns), weight, bias (*ns) → out (x's shape). */
export function layerNorm(gpu: Gpu, x: TensorView, w: TensorView, b: TensorView, out: TensorView, eps: number): void {
  const D = numelOf(w.shape);
  const R = D === 0 ? 0 : numelOf(x.shape) / D;
  if (R === 0) return;
  gpu.dispatch('layerNorm', FORWARD, [x, w, b], [out], [R, D, epsBits(eps)], grid1d(R));
}

/** x, weight, g → out (R·D + 2D): dx, dweight, dbias. */
export function layerNormGrad(gpu: Gpu, x: TensorView, w: TensorView, g: TensorView, out: TensorView, eps: number): void {
  const D = numelOf(w.shape);
  const R = D === 0 ? 0 : numelOf(x.shape) / D;
  if (D === 0) return;
  const stats = gpu.temp('float32', Math.max(1, 2 * R));
  if (R > 0) gpu.dispatch('layerNormGradRows', GRAD_ROWS, [x, w, g], [out, stats], [R, D, epsBits(eps)], grid1d(R));
  gpu.dispatch('layerNormGradColumns', GRAD_COLUMNS, [x, g, stats], [out], [D, R], grid1d(D));
  gpu.releaseTemp(stats);
}
