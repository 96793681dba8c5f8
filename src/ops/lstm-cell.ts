// The LSTM cell step as one primitive (`lstmCell`) instead of a dozen elementwise ops, and its
// gradient as one more (`lstmCellGrad`): a 64-step LSTM otherwise dispatches ~13 ops forward and
// ~30 backward per step, each one pass over memory. Both kernels compute what the composite
// (recurrent-step.ts's formula) computes, in float64 rounded once; the rule falls back to the
// composite written with ordinary ops when a graph of the gradient is being built (createGraph),
// so higher-order gradients still work.
//
//   [i f g o] = pre;  c' = σ(f)⊙c + σ(i)⊙tanh(g);  h' = σ(o)⊙tanh(c')
import { ShapeError } from '../errors.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { numelOf, shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { execute } from './dispatch.js';
import * as E from './elementwise.js';
import { cat, reshape, select, slice, split } from './movement.js';

/**
 * One LSTM step: `pre` (..., 4H) = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh (gates i, f, g, o), `c` (..., H)
 * the previous cell state. Returns the new hidden and cell states, both (..., H).
 */
export function lstmCell(pre: Tensor, c: Tensor): { h: Tensor; c: Tensor } {
  const H = c.shape[c.ndim - 1] ?? 0;
  const lead = c.shape.slice(0, -1);
  if (pre.ndim !== c.ndim || pre.shape[pre.ndim - 1] !== 4 * H || lead.some((d, i) => pre.shape[i] !== d) || pre.dtype !== c.dtype) {
    throw new ShapeError('lstmCell', `expects gate pre-activations (..., 4H) and a cell state (..., H) of one dtype, got pre ${shapeStr(pre.shape)} ${pre.dtype} and c ${shapeStr(c.shape)} ${c.dtype}; pre's last dim must be 4 × c's, its leading dims equal to c's`);
  }
  // Recorded for a gradient: keep the gate activations and tanh(c') too (rows 2–6), so the
  // backward pass is products only (it was five transcendentals an element again).
  const rows = isGradEnabled() && (pre.requiresGrad || c.requiresGrad) ? 7 : 2;
  const out = execute('lstmCell', [pre, c], {}, [rows, ...c.shape], c.dtype); // (2 or 7, ..., H)
  return { h: select(out, 0, 0), c: select(out, 0, 1) };
}

/**
 * The gradient of lstmCell: what its tape rule returns for `pre` and `c`, given its output `out`
 * (7, ..., H) and the gradient g of out (only rows 0 and 1, h' and c', are read).
 */
export function lstmCellVjp(pre: Tensor, c: Tensor, out: Tensor, g: Tensor): [Tensor, Tensor] {
  // Building a graph of the gradient (or an output without the saved activations): ordinary ops.
  if (isGradEnabled() || out.shape[0] !== 7) return lstmCellComposite(pre, c, select(out, 0, 1), out.shape[0] === 2 ? g : slice(g, [[0, 2]])); // g (7, ..., H) -> (2, ..., H)
  const n = numelOf(c.shape);
  const flat = execute('lstmCellGrad', [out, c, g], {}, [5 * n], c.dtype); // g's rows 0, 1 -> (5·R·H)
  return [reshape(slice(flat, [[0, 4 * n]]), pre.shape), reshape(slice(flat, [[4 * n, 5 * n]]), c.shape)];
}

/** The same gradient from ordinary (differentiable) ops; g (2, ..., H) holds the gradients of h' and c'. */
export function lstmCellComposite(pre: Tensor, c: Tensor, cNew: Tensor, g: Tensor): [Tensor, Tensor] {
  const H = c.shape[c.ndim - 1]!;
  const [ai, af, ag, ao] = split(pre, H, -1); // (..., 4H) -> 4 × (..., H)
  const [i, f, o] = [E.sigmoid(ai!), E.sigmoid(af!), E.sigmoid(ao!)];
  const gg = E.tanh(ag!);
  const t = E.tanh(cNew);
  const dh = select(g, 0, 0);
  const dct = E.add(select(g, 0, 1), E.mul(E.mul(dh, o), E.sub(1, E.mul(t, t)))); // total gradient of c'
  const dsig = (s: Tensor, up: Tensor): Tensor => E.mul(up, E.mul(s, E.sub(1, s)));
  const dpre = cat([dsig(i, E.mul(dct, gg)), dsig(f, E.mul(dct, c)), E.mul(E.mul(dct, i), E.sub(1, E.mul(gg, gg))), dsig(o, E.mul(dh, t))], -1);
  return [dpre, E.mul(dct, f)];
}
