// A whole Elman RNN layer direction as one primitive (`rnnSequence`) and its gradient as one more
// (`rnnSequenceGrad`), as lstm-sequence.ts and gru-sequence.ts do for the LSTM and the GRU: step by
// step, each of T steps is the recurrent product, the add of the input projection, the activation
// and a select, each with its dispatch, tape node and output, and as many again backward. The
// reference kernel equals the step-by-step composite bit for bit; the gradient returns the
// gradients of gi (those of each step's pre-activation), from which W_hh's is one product over all
// T·N rows. The rule falls back to ordinary ops when a graph of the gradient is being built.
import { DTypeError, ShapeError } from '../errors.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { zerosOf } from '../autograd/sum-to-shape.js';
import { gruLayout } from '../backend/gru-sequence-layout.js';
import { stepTime } from '../backend/lstm-sequence-layout.js';
import { isFloat } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { execute } from './dispatch.js';
import * as E from './elementwise.js';
import { linear, matmul } from './linalg.js';
import { reshape, select, slice, stack, transpose } from './movement.js';

/** The hidden states by time, and the final hidden state. */
export interface RnnSequenceResult {
  /** (T, N, H): h_t at time t. */
  out: Tensor;
  /** (N, H): the last state of the direction (time T − 1 forward, time 0 with `reverse`). */
  h: Tensor;
}

/**
 * One Elman RNN direction over a sequence: `gi` (T, N, H) holds each step's x_t·W_ihᵀ + b_ih + b_hh,
 * `whh` (H, H) the recurrent weight, `h0` (N, H) the initial state. Step t: h' = tanh(gi_t + h·whhᵀ)
 * (relu with `relu`), from t = 0 up, or from T − 1 down with `reverse`.
 */
export function rnnSequence(gi: Tensor, whh: Tensor, h0: Tensor, { reverse = false, relu = false }: { reverse?: boolean; relu?: boolean } = {}): RnnSequenceResult {
  const [T, N, G] = gi.shape as [number, number, number];
  const H = whh.shape[1] ?? 0;
  const got = `got gi ${shapeStr(gi.shape)}, whh ${shapeStr(whh.shape)}, h0 ${shapeStr(h0.shape)}`;
  if (gi.ndim !== 3 || whh.ndim !== 2 || h0.ndim !== 2) throw new ShapeError('rnnSequence', `expects gi (T, N, H), whh (H, H) and h0 (N, H), ${got}`);
  if (G !== H || whh.shape[0] !== H || h0.shape[0] !== N || h0.shape[1] !== H) {
    throw new ShapeError('rnnSequence', `expects gi (T, N, H), whh (H, H) and h0 (N, H) with one N and H, ${got}; gi's last dim and whh's two must equal h0's second`);
  }
  if (!isFloat(gi.dtype) || [whh, h0].some((t) => t.dtype !== gi.dtype)) {
    throw new DTypeError('rnnSequence', `expects three tensors of one float dtype, got gi ${gi.dtype}, whh ${whh.dtype}, h0 ${h0.dtype}; convert them with .float()`);
  }
  const L = gruLayout(T, reverse);
  const all = execute('rnnSequence', [gi, whh, h0], { reverse, relu }, [T + 1, N, H], gi.dtype); // (T + 1, N, H)
  return { out: slice(all, [[L.states, L.states + T]]), h: select(all, 0, T === 0 ? L.init : L.states + (reverse ? 0 : T - 1)) }; // (T, N, H), (N, H)
}

/**
 * The gradient of rnnSequence: what its tape rule returns for gi, whh and h0 (null where not
 * needed), given its output `out` (T + 1, N, H) and the gradient g of out.
 */
export function rnnSequenceVjp([gi, whh, h0]: readonly Tensor[], out: Tensor, g: Tensor, attrs: { reverse: boolean; relu: boolean }, needs: readonly boolean[]): (Tensor | null)[] {
  const [T, N, H] = gi!.shape as [number, number, number];
  if (isGradEnabled()) return composite(gi!, whh!, out, g, attrs, needs);
  const n = N * H;
  const flat = execute('rnnSequenceGrad', [out, whh!, g], attrs, [T * n + n], gi!.dtype); // (T·N·H + N·H)
  const dpre = reshape(slice(flat, [[0, T * n]]), [T * N, H]); // (T·N, H)
  const L = gruLayout(T, attrs.reverse);
  return [
    needs[0] ? reshape(dpre, gi!.shape) : null,
    needs[1] ? matmul(transpose(dpre), reshape(slice(out, [[L.previous, L.previous + T]]), [T * N, H])) : null, // (H, T·N)·(T·N, H) -> (H, H)
    needs[2] ? reshape(slice(flat, [[T * n, T * n + n]]), h0!.shape) : null,
  ];
}

/** The same gradient from ordinary (differentiable) ops, step by step backward. */
function composite(gi: Tensor, whh: Tensor, out: Tensor, g: Tensor, { reverse, relu }: { reverse: boolean; relu: boolean }, needs: readonly boolean[]): (Tensor | null)[] {
  const T = gi.shape[0]!;
  const L = gruLayout(T, reverse);
  const plus = (a: Tensor, b: Tensor | null): Tensor => (b === null ? a : E.add(a, b));
  let dh: Tensor | null = null;
  let dw: Tensor | null = null;
  const dgi = new Array<Tensor>(T);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepTime(s, T, reverse);
    const h = select(out, 0, L.previous + t); // (N, H)
    const pre = E.add(select(gi, 0, t), linear(h, whh)); // (N, H)
    const dht = plus(select(g, 0, L.states + t), dh);
    const y = relu ? E.relu(pre) : E.tanh(pre);
    const dpre = relu ? E.where(E.le(pre, 0), 0, dht) : E.mul(dht, E.sub(1, E.mul(y, y)));
    dgi[t] = dpre;
    dh = matmul(dpre, whh); // (N, H)·(H, H) -> (N, H)
    dw = plus(matmul(transpose(dpre), h), dw); // (H, N)·(N, H) -> (H, H)
  }
  return [
    needs[0] ? (T > 0 ? stack(dgi, 0) : zerosOf(gi)) : null,
    needs[1] ? (dw ?? zerosOf(whh)) : null,
    needs[2] ? plus(select(g, 0, L.init), dh) : null,
  ];
}
