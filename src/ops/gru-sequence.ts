// A whole GRU layer direction as one primitive (`gruSequence`) and its gradient as one more
// (`gruSequenceGrad`), as lstm-sequence.ts does for the LSTM. Run step by step, each of T steps is
// about a dozen ops (the recurrent product and its bias, the split, the adds into the gates,
// sigmoid, tanh, the products and h' = n + z⊙(h − n)), each with its dispatch, tape node and
// output, and twice as many backward. The primitive computes the same steps (the reference kernel
// equals the step-by-step composite bit for bit) in one call; its gradient returns the gradients
// of gi and of gh = h·W_hhᵀ + b_hh by step, from which W_hh's is one product over all T·N rows
// and b_hh's one sum. Plane layout: backend/gru-sequence-layout.ts. The rule falls back to ordinary
// ops when a graph of the gradient is being built (createGraph).
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
import { cat, reshape, select, slice, split, stack, transpose } from './movement.js';
import { sum } from './reduce.js';

/** The hidden states by time, and the final hidden state. */
export interface GruSequenceResult {
  /** (T, N, H): h_t at time t. */
  out: Tensor;
  /** (N, H): the last state of the direction (time T − 1 forward, time 0 with `reverse`). */
  h: Tensor;
}

/**
 * One GRU direction over a sequence: `gi` (T, N, 3H) holds each step's x_t·W_ihᵀ + b_ih (gates
 * r, z, n), `whh` (3H, H) the recurrent weight, `bhh` (3H) its bias, `h0` (N, H) the initial state.
 * Step t: gh = h·whhᵀ + bhh; r, z = σ(gi_rz + gh_rz); n = tanh(gi_n + r⊙gh_n); h' = n + z⊙(h − n),
 * from t = 0 up, or from T − 1 down with `reverse` (a bidirectional layer's second direction).
 */
export function gruSequence(gi: Tensor, whh: Tensor, bhh: Tensor, h0: Tensor, { reverse = false }: { reverse?: boolean } = {}): GruSequenceResult {
  const [T, N, G] = gi.shape as [number, number, number];
  const H = whh.shape[1] ?? 0;
  const got = `got gi ${shapeStr(gi.shape)}, whh ${shapeStr(whh.shape)}, bhh ${shapeStr(bhh.shape)}, h0 ${shapeStr(h0.shape)}`;
  const fix = `expects gi (T, N, 3H), whh (3H, H), bhh (3H) and h0 (N, H)`;
  if (gi.ndim !== 3 || whh.ndim !== 2 || bhh.ndim !== 1 || h0.ndim !== 2) throw new ShapeError('gruSequence', `${fix}, ${got}`);
  if (G !== 3 * H || whh.shape[0] !== 3 * H || bhh.shape[0] !== 3 * H || h0.shape[0] !== N || h0.shape[1] !== H) {
    throw new ShapeError('gruSequence', `${fix} with one N and H, ${got}; gi's last dim, whh's first and bhh's length must be 3 × whh's second`);
  }
  if (!isFloat(gi.dtype) || [whh, bhh, h0].some((t) => t.dtype !== gi.dtype)) {
    throw new DTypeError('gruSequence', `expects four tensors of one float dtype, got gi ${gi.dtype}, whh ${whh.dtype}, bhh ${bhh.dtype}, h0 ${h0.dtype}; convert them with .float()`);
  }
  const L = gruLayout(T, reverse);
  const saves = isGradEnabled() && [gi, whh, bhh, h0].some((t) => t.requiresGrad);
  const all = execute('gruSequence', [gi, whh, bhh, h0], { reverse }, [(saves ? 5 : 1) * T + 1, N, H], gi.dtype); // (T + 1 or 5T + 1, N, H)
  const last = T === 0 ? L.init : L.states + (reverse ? 0 : T - 1);
  return { out: slice(all, [[L.states, L.states + T]]), h: select(all, 0, last) }; // (T, N, H), (N, H)
}

/**
 * The gradient of gruSequence: what its tape rule returns for gi, whh, bhh and h0 (null where not
 * needed), given its output `out` and the gradient g of out (its leading T + 1 planes or all).
 */
export function gruSequenceVjp([gi, whh, bhh, h0]: readonly Tensor[], out: Tensor, g: Tensor, reverse: boolean, needs: readonly boolean[]): (Tensor | null)[] {
  const [T, N, G] = gi!.shape as [number, number, number];
  const H = whh!.shape[1]!;
  if (isGradEnabled() || out.shape[0] !== 5 * T + 1) return composite(gi!, whh!, bhh!, out, g, reverse, needs);
  const w = T * N * G;
  const flat = execute('gruSequenceGrad', [out, whh!, g], { reverse }, [2 * w + N * H], gi!.dtype); // (2·T·N·3H + N·H)
  const dgh = reshape(slice(flat, [[w, 2 * w]]), [T * N, G]); // (T·N, 3H)
  const L = gruLayout(T, reverse);
  const hPrev = reshape(slice(out, [[L.previous, L.previous + T]]), [T * N, H]); // (T, N, H) -> (T·N, H)
  return [
    needs[0] ? reshape(slice(flat, [[0, w]]), gi!.shape) : null,
    needs[1] ? matmul(transpose(dgh), hPrev) : null, // (3H, T·N)·(T·N, H) -> (3H, H)
    needs[2] ? sum(dgh, { dim: [0] }) : null, // (T·N, 3H) -> (3H)
    needs[3] ? reshape(slice(flat, [[2 * w, 2 * w + N * H]]), h0!.shape) : null,
  ];
}

/**
 * The gradient of one step from ordinary (differentiable) ops: gi (N, 3H), gh = h·whhᵀ + bhh
 * (N, 3H), h (N, H) and the gradient dht of h' → the gradients of gi and gh, and h's own share
 * (dht⊙z; the caller adds dgh·whh).
 */
function stepComposite(gi: Tensor, gh: Tensor, h: Tensor, dht: Tensor): [Tensor, Tensor, Tensor] {
  const H = h.shape[1]!;
  const [giRz, giN] = split(gi, [2 * H, H], -1); // (N, 3H) -> (N, 2H), (N, H)
  const [ghRz, ghN] = split(gh, [2 * H, H], -1); // (N, 3H) -> (N, 2H), (N, H)
  const [r, z] = split(E.sigmoid(E.add(giRz!, ghRz!)), H, -1); // (N, 2H) -> (N, H), (N, H)
  const n = E.tanh(E.add(giN!, E.mul(r!, ghN!)));
  const p = E.mul(dht, z!);
  const dan = E.mul(E.sub(dht, p), E.sub(1, E.mul(n, n)));
  const dar = E.mul(E.mul(dan, ghN!), E.mul(r!, E.sub(1, r!)));
  const daz = E.mul(E.mul(dht, E.sub(h, n)), E.mul(z!, E.sub(1, z!)));
  return [cat([dar, daz, dan], -1), cat([dar, daz, E.mul(dan, r!)], -1), p]; // (N, 3H), (N, 3H), (N, H)
}

/** The same gradient from ordinary (differentiable) ops, step by step backward. */
function composite(gi: Tensor, whh: Tensor, bhh: Tensor, out: Tensor, g: Tensor, reverse: boolean, needs: readonly boolean[]): (Tensor | null)[] {
  const T = gi.shape[0]!;
  const L = gruLayout(T, reverse);
  const plane = (x: Tensor, p: number): Tensor => select(x, 0, p); // (N, H)
  const plus = (a: Tensor, b: Tensor | null): Tensor => (b === null ? a : E.add(a, b));
  let dh: Tensor | null = null;
  let dw: Tensor | null = null;
  let db: Tensor | null = null;
  const dgi = new Array<Tensor>(T);
  for (let s = T - 1; s >= 0; s--) {
    const t = stepTime(s, T, reverse);
    const h = plane(out, L.previous + t);
    const [dgiT, dgh, own] = stepComposite(select(gi, 0, t), linear(h, whh, bhh), h, plus(plane(g, L.states + t), dh)); // (N, 3H), (N, 3H), (N, H)
    dgi[t] = dgiT;
    dh = E.add(own, matmul(dgh, whh)); // (N, 3H)·(3H, H) -> (N, H)
    dw = plus(matmul(transpose(dgh), h), dw); // (3H, N)·(N, H) -> (3H, H)
    db = plus(sum(dgh, { dim: [0] }), db); // (N, 3H) -> (3H)
  }
  return [
    needs[0] ? (T > 0 ? stack(dgi, 0) : zerosOf(gi)) : null,
    needs[1] ? (dw ?? zerosOf(whh)) : null,
    needs[2] ? (db ?? zerosOf(bhh)) : null,
    needs[3] ? plus(plane(g, L.init), dh) : null,
  ];
}
