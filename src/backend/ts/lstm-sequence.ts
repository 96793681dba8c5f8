// Reference kernels of the sequence-level LSTM (ops/lstm-sequence.ts): each step is the reference
// matmul of h by whhᵀ, the reference add of gi_t, and the reference LSTM cell (lstm-cell.ts), so
// the result equals the step-by-step composite (recurrent-step.ts) bit for bit; the gradient runs
// the cell's gradient and one product per step, then the weight's gradient as one product over
// all steps. Plane layout: lstm-sequence-layout.ts.
import type { TypedArray } from '../../tensor/dtype.js';
import type { PrimAttrs } from '../prims.js';
import { sequenceLayout, stepsOf, stepTime } from '../lstm-sequence-layout.js';
import type { KView } from './kernels.js';
import { lstmCellGradKernel, lstmCellKernel } from './lstm-cell.js';
import { matmulKernel } from './matmul.js';

/** A zero-filled array of `a`'s element type (so stores round as the op's output does). */
const like = (a: TypedArray, n: number): TypedArray => new (a.constructor as new (n: number) => TypedArray)(n);
const view = (data: TypedArray, shape: number[], dtype: KView['dtype']): KView => ({ data, shape, dtype });

/** gi (T, N, 4H), whh (4H, H), h0, c0 (N, H) → out (2T + 2 or 7T + 2, N, H). */
export function lstmSequenceKernel([gi, whh, h0, c0]: readonly KView[], out: KView, { reverse }: PrimAttrs['lstmSequence']): void {
  const [T, N] = gi!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  const n = N * H;
  const o = out.data, dt = out.dtype;
  const save = o.length === (7 * T + 2) * n;
  const L = sequenceLayout(T, reverse);
  o.set(h0!.data, L.init * n);
  o.set(c0!.data, (L.init + L.cells) * n);
  const hw = like(o, 4 * n), pre = like(o, 4 * n), cell = like(o, (save ? 7 : 2) * n);
  for (let s = 0; s < T; s++) {
    const t = stepTime(s, T, reverse);
    const prev = L.previous + t, next = L.states + t;
    matmulKernel([view(o.subarray(prev * n, (prev + 1) * n), [1, N, H], dt), view(whh!.data, [1, 4 * H, H], dt)], view(hw, [1, N, 4 * H], dt), { transA: false, transB: true }); // (N, H)·(4H, H)ᵀ -> (N, 4H)
    const g = gi!.data;
    for (let i = 0, at = t * 4 * n; i < 4 * n; i++) pre[i] = g[at + i]! + hw[i]!; // stored rounded, as the add op stores it
    lstmCellKernel([view(pre, [N, 4 * H], dt), view(o.subarray((prev + L.cells) * n, (prev + L.cells + 1) * n), [N, H], dt)], view(cell, [save ? 7 : 2, N, H], dt));
    o.set(cell.subarray(0, n), next * n);
    o.set(cell.subarray(n, 2 * n), (next + L.cells) * n);
    if (save) o.set(cell.subarray(2 * n), L.saved(t) * n);
  }
}

/**
 * saved (7T + 2, N, H): lstmSequence's output with the activations, whh (4H, H), g (2T + 2 or
 * 7T + 2, N, H) → out (T·N·4H + 4H·H + 2·N·H): the gradients of gi, whh, h0, c0.
 */
export function lstmSequenceGradKernel([saved, whh, g]: readonly KView[], out: KView, { reverse }: PrimAttrs['lstmSequenceGrad']): void {
  const [planes, N] = saved!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  const T = stepsOf(planes, true);
  const n = N * H;
  const a = saved!.data, gd = g!.data, o = out.data, dt = out.dtype;
  const L = sequenceLayout(T, reverse);
  const dgi = o.subarray(0, T * 4 * n);
  const dwhh = o.subarray(T * 4 * n, T * 4 * n + 4 * H * H);
  const dh = like(o, n), dc = like(o, n), cellIn = like(o, 7 * n), gCell = like(o, 2 * n), dCell = like(o, 5 * n);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepTime(s, T, reverse);
    const prev = L.previous + t, next = L.states + t;
    for (let i = 0; i < n; i++) {
      gCell[i] = gd[next * n + i]! + dh[i]!; // the two uses of h_t: the output, the next step
      gCell[n + i] = gd[(next + L.cells) * n + i]! + dc[i]!;
    }
    cellIn.set(a.subarray(L.saved(t) * n, (L.saved(t) + 5) * n), 2 * n);
    lstmCellGradKernel([view(cellIn, [7, N, H], dt), view(a.subarray((prev + L.cells) * n, (prev + L.cells + 1) * n), [N, H], dt), view(gCell, [2, N, H], dt)], view(dCell, [5 * n], dt));
    dgi.set(dCell.subarray(0, 4 * n), t * 4 * n);
    dc.set(dCell.subarray(4 * n));
    matmulKernel([view(dCell.subarray(0, 4 * n), [1, N, 4 * H], dt), view(whh!.data, [1, 4 * H, H], dt)], view(dh, [1, N, H], dt), { transA: false, transB: false }); // (N, 4H)·(4H, H) -> (N, H)
  }
  const d0 = T * 4 * n + 4 * H * H;
  for (let i = 0; i < n; i++) {
    o[d0 + i] = gd[L.init * n + i]! + dh[i]!;
    o[d0 + n + i] = gd[(L.init + L.cells) * n + i]! + dc[i]!;
  }
  // dW_hh = Σ_t dpre_tᵀ · h_prev(t): one product over K = T·N, (4H, T·N)·(T·N, H).
  matmulKernel([view(dgi, [1, T * N, 4 * H], dt), view(a.subarray(L.previous * n, (L.previous + T) * n), [1, T * N, H], dt)], view(dwhh, [1, 4 * H, H], dt), { transA: true, transB: false });
}
