// A whole LSTM layer direction as one primitive (`lstmSequence`) and its gradient as one more
// (`lstmSequenceGrad`). Run step by step, each of T steps is a handful of ops (the recurrent
// product, the add of the input projection, the fused cell, the slices of its output), each with
// its dispatch, tape node and output allocation, and as many again backward: on W3 (T = 64) a
// third of the step outside the kernels. The primitive computes the same steps (the reference
// kernel equals the step-by-step composite bit for bit) in one call, and its gradient runs the
// weight's gradient as one product over all T·N rows. Plane layout: backend/lstm-sequence-layout.ts.
// The rule falls back to ordinary ops when a graph of the gradient is being built (createGraph).
import { DTypeError, ShapeError } from '../errors.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { zerosOf } from '../autograd/sum-to-shape.js';
import { sequenceLayout, stepTime } from '../backend/lstm-sequence-layout.js';
import { isFloat } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { execute } from './dispatch.js';
import * as E from './elementwise.js';
import { linear, matmul } from './linalg.js';
import { lstmCellComposite } from './lstm-cell.js';
import { reshape, select, slice, stack, transpose } from './movement.js';

/** The hidden states by time, and the final hidden and cell states. */
export interface LstmSequenceResult {
  /** (T, N, H): h_t at time t. */
  out: Tensor;
  /** (N, H): the last state of the direction (time T − 1 forward, time 0 with `reverse`). */
  h: Tensor;
  c: Tensor;
  /** (T, N, H): c_t at time t (sliced from the output when read). */
  readonly cells: Tensor;
}

/**
 * One LSTM direction over a sequence: `gi` (T, N, 4H) holds each step's x_t·W_ihᵀ + b_ih + b_hh
 * (gates i, f, g, o), `whh` (4H, H) the recurrent weight, `h0`, `c0` (N, H) the initial states.
 * Step t: [i f g o] = gi_t + h·whhᵀ; c' = σ(f)⊙c + σ(i)⊙tanh(g); h' = σ(o)⊙tanh(c'), from t = 0
 * up, or from T − 1 down with `reverse` (a bidirectional layer's second direction).
 */
export function lstmSequence(gi: Tensor, whh: Tensor, h0: Tensor, c0: Tensor, { reverse = false }: { reverse?: boolean } = {}): LstmSequenceResult {
  const [T, N, G] = gi.shape as [number, number, number];
  const H = whh.shape[1] ?? 0;
  const fix = `expects gi (T, N, 4H), whh (4H, H), h0 and c0 (N, H)`;
  if (gi.ndim !== 3 || whh.ndim !== 2 || h0.ndim !== 2 || c0.ndim !== 2) {
    throw new ShapeError('lstmSequence', `${fix}, got gi ${shapeStr(gi.shape)}, whh ${shapeStr(whh.shape)}, h0 ${shapeStr(h0.shape)}, c0 ${shapeStr(c0.shape)}`);
  }
  if (G !== 4 * H || whh.shape[0] !== 4 * H || [h0, c0].some((s) => s.shape[0] !== N || s.shape[1] !== H)) {
    throw new ShapeError('lstmSequence', `${fix} with one N and H, got gi ${shapeStr(gi.shape)}, whh ${shapeStr(whh.shape)}, h0 ${shapeStr(h0.shape)}, c0 ${shapeStr(c0.shape)}; gi's last dim and whh's first must be 4 × whh's second`);
  }
  if (!isFloat(gi.dtype) || [whh, h0, c0].some((t) => t.dtype !== gi.dtype)) {
    throw new DTypeError('lstmSequence', `expects four tensors of one float dtype, got gi ${gi.dtype}, whh ${whh.dtype}, h0 ${h0.dtype}, c0 ${c0.dtype}; convert them with .float()`);
  }
  const L = sequenceLayout(T, reverse);
  const saves = isGradEnabled() && [gi, whh, h0, c0].some((t) => t.requiresGrad);
  const all = execute('lstmSequence', [gi, whh, h0, c0], { reverse }, [(saves ? 7 : 2) * T + 2, N, H], gi.dtype); // (2T + 2 or 7T + 2, N, H)
  const last = T === 0 ? L.init : L.states + (reverse ? 0 : T - 1);
  const cs = L.states + L.cells;
  return {
    out: slice(all, [[L.states, L.states + T]]), h: select(all, 0, last), c: select(all, 0, last + L.cells), // (T, N, H), (N, H), (N, H)
    get cells() { return slice(all, [[cs, cs + T]]); }, // (T, N, H), copied only when asked for
  };
}

/**
 * The gradient of lstmSequence: what its tape rule returns for gi, whh, h0 and c0 (null where not
 * needed), given its output `out` and the gradient g of out (its leading 2T + 2 planes or all).
 */
export function lstmSequenceVjp([gi, whh, h0, c0]: readonly Tensor[], out: Tensor, g: Tensor, reverse: boolean, needs: readonly boolean[]): (Tensor | null)[] {
  const [T, N, G] = gi!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  if (isGradEnabled() || out.shape[0] !== 7 * T + 2) return composite(gi!, whh!, out, g, reverse, needs);
  const n = N * H;
  const flat = execute('lstmSequenceGrad', [out, whh!, g], { reverse }, [T * N * G + 4 * H * H + 2 * n], gi!.dtype); // (T·N·4H + 4H·H + 2·N·H)
  const part = (at: number, size: number, shape: readonly number[]): Tensor => reshape(slice(flat, [[at, at + size]]), [...shape]);
  const w = T * N * G;
  return [
    needs[0] ? part(0, w, gi!.shape) : null,
    needs[1] ? part(w, 4 * H * H, whh!.shape) : null,
    needs[2] ? part(w + 4 * H * H, n, h0!.shape) : null,
    needs[3] ? part(w + 4 * H * H + n, n, c0!.shape) : null,
  ];
}

/** The same gradient from ordinary (differentiable) ops, step by step backward. */
function composite(gi: Tensor, whh: Tensor, out: Tensor, g: Tensor, reverse: boolean, needs: readonly boolean[]): (Tensor | null)[] {
  const T = gi.shape[0]!;
  const L = sequenceLayout(T, reverse);
  const plane = (x: Tensor, p: number): Tensor => select(x, 0, p); // (N, H)
  const plus = (a: Tensor, b: Tensor | null): Tensor => (b === null ? a : E.add(a, b));
  let dh: Tensor | null = null;
  let dc: Tensor | null = null;
  let dw: Tensor | null = null;
  const dgi = new Array<Tensor>(T);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepTime(s, T, reverse);
    const prev = L.previous + t, next = L.states + t;
    const h = plane(out, prev);
    const pre = E.add(select(gi, 0, t), linear(h, whh)); // (N, 4H)
    const gStep = stack([plus(plane(g, next), dh), plus(plane(g, next + L.cells), dc)], 0); // (2, N, H)
    const [dpre, dcPrev] = lstmCellComposite(pre, plane(out, prev + L.cells), plane(out, next + L.cells), gStep); // (N, 4H), (N, H)
    dgi[t] = dpre;
    dh = matmul(dpre, whh); // (N, 4H)·(4H, H) -> (N, H)
    dc = dcPrev;
    dw = plus(matmul(transpose(dpre), h), dw); // (4H, N)·(N, H) -> (4H, H)
  }
  return [
    needs[0] ? (T > 0 ? stack(dgi, 0) : zerosOf(gi)) : null,
    needs[1] ? (dw ?? zerosOf(whh)) : null,
    needs[2] ? plus(plane(g, L.init), dh) : null,
    needs[3] ? plus(plane(g, L.init + L.cells), dc) : null,
  ];
}
