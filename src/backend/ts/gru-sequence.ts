// Reference kernels of the sequence-level GRU (ops/gru-sequence.ts). Each step is the reference
// matmul of h by whhᵀ, then every op of the step-by-step composite (recurrent-step.ts: the bias
// add, the adds into the gates, sigmoid, tanh, the products and h' = n + z⊙(h − n)) computed in
// float64 and rounded to the dtype as that op's kernel rounds it, so the states equal the
// composite's bit for bit. The gradient runs the step rules backward with one product per step
// (dgh·whh); the op turns the gradients of gh into those of whh and bhh. Planes:
// gru-sequence-layout.ts.
import type { TypedArray } from '../../tensor/dtype.js';
import type { PrimAttrs } from '../prims.js';
import { gruLayout, gruStepsOf } from '../gru-sequence-layout.js';
import { stepTime } from '../lstm-sequence-layout.js';
import type { KView } from './kernels.js';
import { matmulKernel } from './matmul.js';

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const same = (x: number): number => x;
/** A zero-filled array of `a`'s element type. */
const like = (a: TypedArray, n: number): TypedArray => new (a.constructor as new (n: number) => TypedArray)(n);
const view = (data: TypedArray, shape: number[], dtype: KView['dtype']): KView => ({ data, shape, dtype });

/** gi (T, N, 3H), whh (3H, H), bhh (3H), h0 (N, H) → out (T + 1 or 5T + 1, N, H). */
export function gruSequenceKernel([gi, whh, bhh, h0]: readonly KView[], out: KView, { reverse }: PrimAttrs['gruSequence']): void {
  const [T, N] = gi!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  const n = N * H;
  const o = out.data, dt = out.dtype, g = gi!.data, b = bhh!.data;
  const R = dt === 'float32' ? Math.fround : same;
  const save = o.length === (5 * T + 1) * n;
  const L = gruLayout(T, reverse);
  o.set(h0!.data, L.init * n);
  const hw = like(o, 3 * n);
  for (let s = 0; s < T; s++) {
    const t = stepTime(s, T, reverse);
    const prev = (L.previous + t) * n, next = (L.states + t) * n, sv = L.saved(t) * n;
    matmulKernel([view(o.subarray(prev, prev + n), [1, N, H], dt), view(whh!.data, [1, 3 * H, H], dt)], view(hw, [1, N, 3 * H], dt), { transA: false, transB: true }); // (N, H)·(3H, H)ᵀ -> (N, 3H)
    for (let row = 0; row < N; row++) {
      for (let j = 0; j < H; j++) {
        const q = row * 3 * H + j, k = row * H + j, at = t * 3 * n + q;
        const ghr = R(hw[q]! + b[j]!), ghz = R(hw[q + H]! + b[j + H]!), ghn = R(hw[q + 2 * H]! + b[j + 2 * H]!);
        const r = R(sigmoid(R(g[at]! + ghr))), z = R(sigmoid(R(g[at + H]! + ghz)));
        const nn = R(Math.tanh(R(g[at + 2 * H]! + R(r * ghn))));
        o[next + k] = nn + R(z * R(o[prev + k]! - nn));
        if (save) { o[sv + k] = r; o[sv + n + k] = z; o[sv + 2 * n + k] = nn; o[sv + 3 * n + k] = ghn; }
      }
    }
  }
}

/**
 * saved (5T + 1, N, H): gruSequence's output with the activations, whh (3H, H), g (T + 1 or
 * 5T + 1, N, H) → out (2·T·N·3H + N·H): the gradients of gi and of gh by step, then of h0.
 *
 *   dh' = g_t + dh;  dn = dh' − dh'⊙z;  dz = dh'⊙(h − n);  da_n = dn⊙(1 − n²)
 *   dgi = [dr⊙r(1 − r), dz⊙z(1 − z), da_n] with dr = da_n⊙gh_n;  dgh = dgi with da_n⊙r for n
 *   dh (to the step before) = dh'⊙z + dgh·whh
 */
export function gruSequenceGradKernel([saved, whh, g]: readonly KView[], out: KView, { reverse }: PrimAttrs['gruSequenceGrad']): void {
  const [planes, N] = saved!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  const T = gruStepsOf(planes, true);
  const n = N * H;
  const a = saved!.data, gd = g!.data, o = out.data, dt = out.dtype;
  const R = dt === 'float32' ? Math.fround : same;
  const L = gruLayout(T, reverse);
  const dghAt = T * 3 * n;
  const dh = like(o, n), back = like(o, n);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepTime(s, T, reverse);
    const prev = (L.previous + t) * n, next = (L.states + t) * n, sv = L.saved(t) * n;
    for (let row = 0; row < N; row++) {
      for (let j = 0; j < H; j++) {
        const k = row * H + j, q = t * 3 * n + row * 3 * H + j;
        const r = a[sv + k]!, z = a[sv + n + k]!, nn = a[sv + 2 * n + k]!, ghn = a[sv + 3 * n + k]!;
        const dht = R(gd[next + k]! + dh[k]!);
        const p = R(dht * z);
        const dn = R(dht - p);
        const dz = R(dht * R(a[prev + k]! - nn));
        const dan = R(dn * R(1 - R(nn * nn)));
        const dar = R(R(dan * ghn) * R(r * R(1 - r)));
        const daz = R(dz * R(z * R(1 - z)));
        o[q] = dar; o[q + H] = daz; o[q + 2 * H] = dan;
        o[dghAt + q] = dar; o[dghAt + q + H] = daz; o[dghAt + q + 2 * H] = R(dan * r);
        dh[k] = p;
      }
    }
    matmulKernel([view(o.subarray(dghAt + t * 3 * n, dghAt + (t + 1) * 3 * n), [1, N, 3 * H], dt), view(whh!.data, [1, 3 * H, H], dt)], view(back, [1, N, H], dt), { transA: false, transB: false }); // (N, 3H)·(3H, H) -> (N, H)
    for (let k = 0; k < n; k++) dh[k] = R(dh[k]! + back[k]!);
  }
  const d0 = 2 * T * 3 * n;
  for (let k = 0; k < n; k++) o[d0 + k] = R(gd[L.init * n + k]! + dh[k]!);
}
