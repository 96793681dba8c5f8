// The sequence-level GRU primitives (ops/gru-sequence.ts) on the GPU, as recurrent-sequence.ts
// runs the LSTM's: per step, the recurrent product by the GEMM kernel (matmul.ts) into a scratch
// buffer and one kernel for the gates, which reads the input projection, the bias and the previous
// state and writes the new state (and the saved activations) straight into the output's planes
// (backend/gru-sequence-layout.ts). Formulas and float32 rounding as the reference kernels
// (backend/ts/gru-sequence.ts), so results agree with it within webgpuTranscendentalF32.
import type { TensorView } from '../backend.js';
import { gruLayout, gruStepsOf } from '../gru-sequence-layout.js';
import { stepTime } from '../lstm-sequence-layout.js';
import type { PrimAttrs } from '../prims.js';
import type { Gpu } from './gpu.js';
import { matmul } from './matmul.js';
import { assertF32 } from './recurrent.js';
import { bindings, grid1d, main1d } from './wgsl.js';

const shaped = (v: TensorView, shape: number[]): TensorView => ({ storage: v.storage, shape, dtype: v.dtype });

// P: n, H, gi offset, previous h plane, new h plane, saved planes (−1: none); offsets in elements.
const STEP = () => `${bindings([['Gi', 'array<f32>', false], ['HW', 'array<f32>', false], ['B', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`  let n = u32(P[0]);
  let H = u32(P[1]);
  let j = i % H;
  let q = (i / H) * 3u * H + j;
  let g0 = u32(P[2]) + q;
  let ghr = HW[q] + B[j];
  let ghz = HW[q + H] + B[j + H];
  let ghn = HW[q + 2u * H] + B[j + 2u * H];
  let r = ax_sigmoid(Gi[g0] + ghr);
  let z = ax_sigmoid(Gi[g0 + H] + ghz);
  let nn = ax_tanh(Gi[g0 + 2u * H] + r * ghn);
  O[u32(P[4]) + i] = nn + z * (O[u32(P[3]) + i] - nn);
  if (P[5] >= 0) {
    let s = u32(P[5]) + i;
    O[s] = r;
    O[s + n] = z;
    O[s + 2u * n] = nn;
    O[s + 3u * n] = ghn;
  }`)}`;

/** gi (T, N, 3H), whh (3H, H), bhh (3H), h0 (N, H) → out (T + 1 or 5T + 1, N, H). */
export function gruSequence(gpu: Gpu, gi: TensorView, whh: TensorView, bhh: TensorView, h0: TensorView, out: TensorView, { reverse }: PrimAttrs['gruSequence']): void {
  assertF32('gruSequence', [gi, whh, bhh, h0, out]);
  const [T, N] = gi.shape as [number, number, number];
  const H = whh.shape[1]!;
  const n = N * H;
  const L = gruLayout(T, reverse);
  const save = out.storage.size === (5 * T + 1) * n;
  gpu.copy(h0, out, n, 0, L.init * n);
  if (n === 0 || T === 0) return;
  const h = gpu.temp('float32', n), hw = gpu.temp('float32', 3 * n);
  for (let s = 0; s < T; s++) {
    const t = stepTime(s, T, reverse);
    const prev = L.previous + t, next = L.states + t;
    gpu.copy(out, h, n, prev * n, 0);
    matmul(gpu, shaped(h, [1, N, H]), shaped(whh, [1, 3 * H, H]), shaped(hw, [1, N, 3 * H]), { transA: false, transB: true }); // (N, H)·(3H, H)ᵀ -> (N, 3H)
    gpu.dispatch('gruSequenceStep', STEP, [gi, hw, bhh], [out], [n, H, t * 3 * n, prev * n, next * n, save ? L.saved(t) * n : -1], grid1d(n));
  }
  gpu.releaseTemp(h);
  gpu.releaseTemp(hw);
}

// P: n, H, saved planes, previous h plane, h' gradient plane, first step (no gradient from a later
// step yet). Writes the step's dgi and dgh (N, 3H) and h's own share dh'⊙z.
const GRAD_STEP = () => `${bindings([['S', 'array<f32>', false], ['G', 'array<f32>', false], ['DH', 'array<f32>', false], ['DGI', 'array<f32>', true], ['DGH', 'array<f32>', true], ['OWN', 'array<f32>', true]])}
${main1d(`  let n = u32(P[0]);
  let H = u32(P[1]);
  let q = (i / H) * 3u * H + i % H;
  let s = u32(P[2]) + i;
  let r = S[s];
  let z = S[s + n];
  let nn = S[s + 2u * n];
  let ghn = S[s + 3u * n];
  var dht = G[u32(P[4]) + i];
  if (P[5] == 0) {
    dht = dht + DH[i];
  }
  let p = dht * z;
  let dan = (dht - p) * (1.0f - nn * nn);
  let dar = (dan * ghn) * (r * (1.0f - r));
  let daz = (dht * (S[u32(P[3]) + i] - nn)) * (z * (1.0f - z));
  DGI[q] = dar;
  DGI[q + H] = daz;
  DGI[q + 2u * H] = dan;
  DGH[q] = dar;
  DGH[q + H] = daz;
  DGH[q + 2u * H] = dan * r;
  OWN[i] = p;`)}`;

// P: n. DH = OWN + BACK: the running gradient of h, its own share plus dgh·whh.
const GRAD_ADD = () => `${bindings([['OWN', 'array<f32>', false], ['BACK', 'array<f32>', false], ['DH', 'array<f32>', true]])}
${main1d(`  DH[i] = OWN[i] + BACK[i];`)}`;

// P: n, h0 gradient plane, where dh0 goes in O, no step ran (T = 0). Also the Elman RNN's (rnn-sequence.ts).
export const GRAD_INIT_H = () => `${bindings([['G', 'array<f32>', false], ['DH', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`  let o = u32(P[2]) + i;
  if (P[3] == 1) {
    O[o] = G[u32(P[1]) + i];
  } else {
    O[o] = G[u32(P[1]) + i] + DH[i];
  }`)}`;

/** saved (5T + 1, N, H), whh (3H, H), g (T + 1 or 5T + 1, N, H) → out: the gradients of gi, of gh by step, of h0. */
export function gruSequenceGrad(gpu: Gpu, saved: TensorView, whh: TensorView, g: TensorView, out: TensorView, { reverse }: PrimAttrs['gruSequenceGrad']): void {
  assertF32('gruSequenceGrad', [saved, whh, g, out]);
  const [planes, N] = saved.shape as [number, number, number];
  const H = whh.shape[1]!;
  const T = gruStepsOf(planes, true);
  const n = N * H;
  const L = gruLayout(T, reverse);
  if (n === 0) return;
  const dh = gpu.temp('float32', n), own = gpu.temp('float32', n), back = gpu.temp('float32', n);
  const dgi = gpu.temp('float32', 3 * n), dgh = gpu.temp('float32', 3 * n);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepTime(s, T, reverse);
    gpu.dispatch('gruSequenceGradStep', GRAD_STEP, [saved, g, dh], [dgi, dgh, own], [n, H, L.saved(t) * n, (L.previous + t) * n, (L.states + t) * n, s === T - 1 ? 1 : 0], grid1d(n));
    gpu.copy(dgi, out, 3 * n, 0, t * 3 * n);
    gpu.copy(dgh, out, 3 * n, 0, (T + t) * 3 * n);
    matmul(gpu, shaped(dgh, [1, N, 3 * H]), shaped(whh, [1, 3 * H, H]), shaped(back, [1, N, H]), { transA: false, transB: false }); // (N, 3H)·(3H, H) -> (N, H)
    gpu.dispatch('gruSequenceGradAdd', GRAD_ADD, [own, back], [dh], [n], grid1d(n));
  }
  gpu.dispatch('sequenceGradInitH', GRAD_INIT_H, [g, dh], [out], [n, L.init * n, 2 * T * 3 * n, T === 0 ? 1 : 0], grid1d(n));
  for (const v of [dh, own, back, dgi, dgh]) gpu.releaseTemp(v);
}
