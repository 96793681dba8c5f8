// Softmax and log-softmax over the last dim as one primitive (`softmax`, attr `log`) and its
// gradient as one more (`softmaxGrad`). Composed of primitives they are five ops forward (max,
// sub, exp, sum, div or log and sub) and about as many again backward, each a pass over the
// scores with its dispatch and tape node: attention's weights in every transformer block, and
// cross-entropy's log-probabilities in every classifier step (where, at W1's size, the per-op
// overhead is the cost). The kernels compute each row in float64 in one call. The rule falls back to
// the gradient written with ordinary ops when a graph of the gradient is being built (createGraph).
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';
import { execute } from './dispatch.js';
import * as E from './elementwise.js';
import { max, sum } from './reduce.js';

/** softmax (or with `log` log-softmax) of a float x over its last dim. Same shape. */
export function softmaxFused(x: Tensor, log: boolean): Tensor {
  return execute('softmax', [x], { log }, x.shape, x.dtype); // same shape as x
}

/** The gradient of softmax given its output y and the gradient g of y: dx (y's shape). */
export function softmaxVjp(y: Tensor, g: Tensor, log: boolean): Tensor {
  if (isGradEnabled()) return composite(y, g, log); // building a graph of the gradient: differentiable ops
  return execute('softmaxGrad', [y, g], { log }, y.shape, y.dtype); // same shape
}

/** The same gradient from ordinary (differentiable) ops: g − exp(y)·Σg, or y·(g − Σ g·y). */
function composite(y: Tensor, g: Tensor, log: boolean): Tensor {
  if (log) return E.sub(g, E.mul(E.exp(y), sum(g, { dim: -1, keepDim: true })));
  return E.mul(y, E.sub(g, sum(E.mul(g, y), { dim: -1, keepDim: true })));
}

/** softmax of a float x along dim d from primitives (what the fused kernels are tested against, and the path for other dims). */
export function softmaxComposite(xf: Tensor, d: number): Tensor {
  const e = E.exp(E.sub(xf, max(xf, { dim: d, keepDim: true }).detach())); // max: (..., 1, ...)
  return E.div(e, sum(e, { dim: d, keepDim: true }));
}

/** logSoftmax of a float x along dim d from primitives (as softmaxComposite). */
export function logSoftmaxComposite(xf: Tensor, d: number): Tensor {
  const shifted = E.sub(xf, max(xf, { dim: d, keepDim: true }).detach());
  return E.sub(shifted, E.log(sum(E.exp(shifted), { dim: d, keepDim: true })));
}
