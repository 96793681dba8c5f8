// The sequence-level LSTM primitives (ops/lstm-sequence.ts) on the GPU: per step, the recurrent
// product by the GEMM kernel (matmul.ts) into a scratch buffer and one kernel for the cell, which
// reads the input projection and the previous cell state and writes the new states (and the saved
// activations) straight into the output's planes (backend/lstm-sequence-layout.ts). Formulas and
// float32 rounding as recurrent.ts's cell kernels, so results agree with the reference within
// webgpuTranscendentalF32.
import type { TensorView } from '../backend.js';
import { sequenceLayout, stepsOf, stepTime } from '../lstm-sequence-layout.js';
import type { PrimAttrs } from '../prims.js';
import type { Gpu } from './gpu.js';
import { matmul } from './matmul.js';
import { assertF32 } from './recurrent.js';
import { bindings, grid1d, main1d } from './wgsl.js';

const shaped = (v: TensorView, shape: number[]): TensorView => ({ storage: v.storage, shape, dtype: v.dtype });

// P: n, H, gi offset, previous c plane, new h plane, new c plane, saved planes (−1: none); offsets in elements.
const STEP = () => `${bindings([['Gi', 'array<f32>', false], ['HW', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`  let n = u32(P[0]);
  let H = u32(P[1]);
  let q = (i / H) * 4u * H + i % H;
  let g0 = u32(P[2]) + q;
  let ig = ax_sigmoid(Gi[g0] + HW[q]);
  let fg = ax_sigmoid(Gi[g0 + H] + HW[q + H]);
  let gg = ax_tanh(Gi[g0 + 2u * H] + HW[q + 2u * H]);
  let og = ax_sigmoid(Gi[g0 + 3u * H] + HW[q + 3u * H]);
  let cn = fg * O[u32(P[3]) + i] + ig * gg;
  let t = ax_tanh(cn);
  O[u32(P[5]) + i] = cn;
  O[u32(P[4]) + i] = og * t;
  if (P[6] >= 0) {
    let s = u32(P[6]) + i;
    O[s] = ig;
    O[s + n] = fg;
    O[s + 2u * n] = gg;
    O[s + 3u * n] = og;
    O[s + 4u * n] = t;
  }`)}`;

/** gi (T, N, 4H), whh (4H, H), h0, c0 (N, H) → out (2T + 2 or 7T + 2, N, H). */
export function lstmSequence(gpu: Gpu, gi: TensorView, whh: TensorView, h0: TensorView, c0: TensorView, out: TensorView, { reverse }: PrimAttrs['lstmSequence']): void {
  assertF32('lstmSequence', [gi, whh, h0, c0, out]);
  const [T, N] = gi.shape as [number, number, number];
  const H = whh.shape[1]!;
  const n = N * H;
  const L = sequenceLayout(T, reverse);
  const save = out.storage.size === (7 * T + 2) * n;
  gpu.copy(h0, out, n, 0, L.init * n);
  gpu.copy(c0, out, n, 0, (L.init + L.cells) * n);
  if (n === 0 || T === 0) return;
  const h = gpu.temp('float32', n), hw = gpu.temp('float32', 4 * n);
  for (let s = 0; s < T; s++) {
    const t = stepTime(s, T, reverse);
    const prev = L.previous + t, next = L.states + t;
    gpu.copy(out, h, n, prev * n, 0);
    matmul(gpu, shaped(h, [1, N, H]), shaped(whh, [1, 4 * H, H]), shaped(hw, [1, N, 4 * H]), { transA: false, transB: true }); // (N, H)·(4H, H)ᵀ -> (N, 4H)
    gpu.dispatch('lstmSequenceStep', STEP, [gi, hw], [out], [n, H, t * 4 * n, (prev + L.cells) * n, next * n, (next + L.cells) * n, save ? L.saved(t) * n : -1], grid1d(n));
  }
  gpu.releaseTemp(h);
  gpu.releaseTemp(hw);
}

// P: n, H, saved planes, previous c plane, h' gradient plane, c' gradient plane, first step (no
// gradient from a later step yet). DC holds the running gradient of c, read and then overwritten.
const GRAD_STEP = () => `${bindings([['S', 'array<f32>', false], ['G', 'array<f32>', false], ['DH', 'array<f32>', false], ['DP', 'array<f32>', true], ['DC', 'array<f32>', true]])}
${main1d(`  let n = u32(P[0]);
  let H = u32(P[1]);
  let q = (i / H) * 4u * H + i % H;
  let s = u32(P[2]) + i;
  let ig = S[s];
  let fg = S[s + n];
  let gg = S[s + 2u * n];
  let og = S[s + 3u * n];
  let t = S[s + 4u * n];
  var dh = G[u32(P[4]) + i];
  var dc = G[u32(P[5]) + i];
  if (P[6] == 0) {
    dh = dh + DH[i];
    dc = dc + DC[i];
  }
  let dct = dc + (dh * og) * (1.0f - t * t);
  DP[q] = (dct * gg) * (ig * (1.0f - ig));
  DP[q + H] = (dct * S[u32(P[3]) + i]) * (fg * (1.0f - fg));
  DP[q + 2u * H] = (dct * ig) * (1.0f - gg * gg);
  DP[q + 3u * H] = (dh * t) * (og * (1.0f - og));
  DC[i] = dct * fg;`)}`;

// P: n, h0 gradient plane, c0 gradient plane, where dh0 goes in O, no step ran (T = 0).
const GRAD_INIT = () => `${bindings([['G', 'array<f32>', false], ['DH', 'array<f32>', false], ['DC', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`  let n = u32(P[0]);
  let o = u32(P[3]) + i;
  if (P[4] == 1) {
    O[o] = G[u32(P[1]) + i];
    O[o + n] = G[u32(P[2]) + i];
  } else {
    O[o] = G[u32(P[1]) + i] + DH[i];
    O[o + n] = G[u32(P[2]) + i] + DC[i];
  }`)}`;

/** saved (7T + 2, N, H), whh (4H, H), g (2T + 2 or 7T + 2, N, H) → out: the gradients of gi, whh, h0, c0. */
export function lstmSequenceGrad(gpu: Gpu, saved: TensorView, whh: TensorView, g: TensorView, out: TensorView, { reverse }: PrimAttrs['lstmSequenceGrad']): void {
  assertF32('lstmSequenceGrad', [saved, whh, g, out]);
  const [planes, N] = saved.shape as [number, number, number];
  const H = whh.shape[1]!;
  const T = stepsOf(planes, true);
  const n = N * H;
  const L = sequenceLayout(T, reverse);
  if (n === 0) return;
  const dh = gpu.temp('float32', n), dc = gpu.temp('float32', n), dpre = gpu.temp('float32', 4 * n);
  const dgi = gpu.temp('float32', Math.max(1, T * 4 * n)), prevs = gpu.temp('float32', Math.max(1, T * n)), dw = gpu.temp('float32', 4 * H * H);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepTime(s, T, reverse);
    const prev = L.previous + t, next = L.states + t;
    gpu.dispatch('lstmSequenceGradStep', GRAD_STEP, [saved, g, dh], [dpre, dc], [n, H, L.saved(t) * n, (prev + L.cells) * n, next * n, (next + L.cells) * n, s === T - 1 ? 1 : 0], grid1d(n));
    gpu.copy(dpre, dgi, 4 * n, 0, t * 4 * n);
    matmul(gpu, shaped(dpre, [1, N, 4 * H]), shaped(whh, [1, 4 * H, H]), shaped(dh, [1, N, H]), { transA: false, transB: false }); // (N, 4H)·(4H, H) -> (N, H)
  }
  gpu.dispatch('lstmSequenceGradInit', GRAD_INIT, [g, dh, dc], [out], [n, L.init * n, (L.init + L.cells) * n, T * 4 * n + 4 * H * H, T === 0 ? 1 : 0], grid1d(n));
  if (T > 0) {
    gpu.copy(dgi, out, T * 4 * n, 0, 0);
    gpu.copy(saved, prevs, T * n, L.previous * n, 0);
    matmul(gpu, shaped(dgi, [1, T * N, 4 * H]), shaped(prevs, [1, T * N, H]), shaped(dw, [1, 4 * H, H]), { transA: true, transB: false }); // (T·N, 4H)ᵀ·(T·N, H) -> (4H, H)
    gpu.copy(dw, out, 4 * H * H, 0, T * 4 * n);
  } else {
    gpu.copy(dw, out, 4 * H * H, 0, 0); // no step: dW_hh = 0 (a fresh scratch buffer reads as zeros)
  }
  for (const v of [dh, dc, dpre, dgi, prevs, dw]) gpu.releaseTemp(v);
}
