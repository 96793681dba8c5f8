// The sequence-level Elman RNN primitives (ops/rnn-sequence.ts) on the GPU, as gru-sequence.ts runs
// the GRU's: per step, the recurrent product by the GEMM kernel (matmul.ts) into a scratch buffer
// and one kernel for the add and the activation, writing the new state straight into the output's
// plane. float32 as the reference kernels (backend/ts/rnn-sequence.ts) round it, so results agree
// with them within webgpuTranscendentalF32.
import type { TensorView } from '../backend.js';
import { gruLayout } from '../gru-sequence-layout.js';
import { stepTime } from '../lstm-sequence-layout.js';
import type { PrimAttrs } from '../prims.js';
import type { Gpu } from './gpu.js';
import { GRAD_INIT_H } from './gru-sequence.js';
import { matmul } from './matmul.js';
import { assertF32 } from './recurrent.js';
import { bindings, grid1d, main1d } from './wgsl.js';

const shaped = (v: TensorView, shape: number[]): TensorView => ({ storage: v.storage, shape, dtype: v.dtype });

// P: n, gi offset, new h plane; the activation chosen when the kernel is built.
const STEP = (relu: boolean) => () => `${bindings([['Gi', 'array<f32>', false], ['HW', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`  let pre = Gi[u32(P[1]) + i] + HW[i];
  O[u32(P[2]) + i] = ${relu ? 'select(select(0.0f, pre, pre > 0.0f), pre, pre != pre)' : 'ax_tanh(pre)'};`)}`;

/** gi (T, N, H), whh (H, H), h0 (N, H) → out (T + 1, N, H). */
export function rnnSequence(gpu: Gpu, gi: TensorView, whh: TensorView, h0: TensorView, out: TensorView, { reverse, relu }: PrimAttrs['rnnSequence']): void {
  assertF32('rnnSequence', [gi, whh, h0, out]);
  const [T, N] = gi.shape as [number, number, number];
  const H = whh.shape[1]!;
  const n = N * H;
  const L = gruLayout(T, reverse);
  gpu.copy(h0, out, n, 0, L.init * n);
  if (n === 0 || T === 0) return;
  const h = gpu.temp('float32', n), hw = gpu.temp('float32', n);
  for (let s = 0; s < T; s++) {
    const t = stepTime(s, T, reverse);
    gpu.copy(out, h, n, (L.previous + t) * n, 0);
    matmul(gpu, shaped(h, [1, N, H]), shaped(whh, [1, H, H]), shaped(hw, [1, N, H]), { transA: false, transB: true }); // (N, H)·(H, H)ᵀ -> (N, H)
    gpu.dispatch(`rnnSequenceStep:${relu ? 'relu' : 'tanh'}`, STEP(relu), [gi, hw], [out], [n, t * n, (L.states + t) * n], grid1d(n));
  }
  gpu.releaseTemp(h);
  gpu.releaseTemp(hw);
}

// P: n, h' plane, its gradient's plane, first step (no gradient from a later step yet). Writes the
// step's dpre (the gradient of gi_t) into DP.
const GRAD_STEP = (relu: boolean) => () => `${bindings([['S', 'array<f32>', false], ['G', 'array<f32>', false], ['DH', 'array<f32>', false], ['DP', 'array<f32>', true]])}
${main1d(`  var dht = G[u32(P[2]) + i];
  if (P[3] == 0) {
    dht = dht + DH[i];
  }
  let y = S[u32(P[1]) + i];
  DP[i] = ${relu ? 'select(dht, 0.0f, y <= 0.0f)' : 'dht * (1.0f - y * y)'};`)}`;

/** out (T + 1, N, H), whh (H, H), g (T + 1, N, H) → the gradients of gi (T, N, H) and h0 (N, H). */
export function rnnSequenceGrad(gpu: Gpu, saved: TensorView, whh: TensorView, g: TensorView, out: TensorView, { reverse, relu }: PrimAttrs['rnnSequenceGrad']): void {
  assertF32('rnnSequenceGrad', [saved, whh, g, out]);
  const [planes, N] = saved.shape as [number, number, number];
  const H = whh.shape[1]!;
  const T = planes - 1;
  const n = N * H;
  const L = gruLayout(T, reverse);
  if (n === 0) return;
  const dh = gpu.temp('float32', n), dpre = gpu.temp('float32', n);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepTime(s, T, reverse);
    gpu.dispatch(`rnnSequenceGradStep:${relu ? 'relu' : 'tanh'}`, GRAD_STEP(relu), [saved, g, dh], [dpre], [n, (L.states + t) * n, (L.states + t) * n, s === T - 1 ? 1 : 0], grid1d(n));
    gpu.copy(dpre, out, n, 0, t * n);
    matmul(gpu, shaped(dpre, [1, N, H]), shaped(whh, [1, H, H]), shaped(dh, [1, N, H]), { transA: false, transB: false }); // (N, H)·(H, H) -> (N, H)
  }
  gpu.dispatch('sequenceGradInitH', GRAD_INIT_H, [g, dh], [out], [n, L.init * n, T * n, T === 0 ? 1 : 0], grid1d(n));
  gpu.releaseTemp(dh);
  gpu.releaseTemp(dpre);
}
