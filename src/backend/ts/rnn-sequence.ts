// Reference kernels of the sequence-level Elman RNN (ops/rnn-sequence.ts). Each step is the
// reference matmul of h by whhᵀ, the add of gi_t and the activation, each rounded to the dtype as
// that op's kernel rounds it, so the states equal the step-by-step composite's bit for bit. The
// gradient runs the activation's rule (tanh: g·(1 − h'²); relu: g where h' > 0 or NaN, else 0) and
// one product per step; the op makes whh's gradient. Planes: gru-sequence-layout.ts's states.
import type { TypedArray } from '../../tensor/dtype.js';
import type { PrimAttrs } from '../prims.js';
import { gruLayout } from '../gru-sequence-layout.js';
import { stepTime } from '../lstm-sequence-layout.js';
import type { KView } from './kernels.js';
import { matmulKernel } from './matmul.js';

const same = (x: number): number => x;
const like = (a: TypedArray, n: number): TypedArray => new (a.constructor as new (n: number) => TypedArray)(n);
const view = (data: TypedArray, shape: number[], dtype: KView['dtype']): KView => ({ data, shape, dtype });
const relu = (x: number): number => (x > 0 ? x : Number.isNaN(x) ? NaN : 0);

/** gi (T, N, H), whh (H, H), h0 (N, H) → out (T + 1, N, H). */
export function rnnSequenceKernel([gi, whh, h0]: readonly KView[], out: KView, { reverse, relu: isRelu }: PrimAttrs['rnnSequence']): void {
  const [T, N] = gi!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  const n = N * H;
  const o = out.data, dt = out.dtype, g = gi!.data;
  const R = dt === 'float32' ? Math.fround : same;
  const act = isRelu ? relu : Math.tanh;
  const L = gruLayout(T, reverse);
  o.set(h0!.data, L.init * n);
  const hw = like(o, n);
  for (let s = 0; s < T; s++) {
    const t = stepTime(s, T, reverse);
    const prev = (L.previous + t) * n, next = (L.states + t) * n;
    matmulKernel([view(o.subarray(prev, prev + n), [1, N, H], dt), view(whh!.data, [1, H, H], dt)], view(hw, [1, N, H], dt), { transA: false, transB: true }); // (N, H)·(H, H)ᵀ -> (N, H)
    for (let k = 0; k < n; k++) o[next + k] = act(R(g[t * n + k]! + hw[k]!));
  }
}

/** out (T + 1, N, H): rnnSequence's output, whh (H, H), g (T + 1, N, H) → (T·N·H + N·H): the gradients of gi, then of h0. */
export function rnnSequenceGradKernel([saved, whh, g]: readonly KView[], out: KView, { reverse, relu: isRelu }: PrimAttrs['rnnSequenceGrad']): void {
  const [planes, N] = saved!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  const T = planes - 1;
  const n = N * H;
  const a = saved!.data, gd = g!.data, o = out.data, dt = out.dtype;
  const R = dt === 'float32' ? Math.fround : same;
  const L = gruLayout(T, reverse);
  const dh = like(o, n);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepTime(s, T, reverse);
    const next = (L.states + t) * n;
    for (let k = 0; k < n; k++) {
      const dht = R(gd[next + k]! + dh[k]!);
      const y = a[next + k]!;
      o[t * n + k] = isRelu ? (y <= 0 ? 0 : dht) : R(dht * R(1 - R(y * y)));
    }
    matmulKernel([view(o.subarray(t * n, (t + 1) * n), [1, N, H], dt), view(whh!.data, [1, H, H], dt)], view(dh, [1, N, H], dt), { transA: false, transB: false }); // (N, H)·(H, H) -> (N, H)
  }
  for (let k = 0; k < n; k++) o[T * n + k] = R(gd[L.init * n + k]! + dh[k]!);
}
