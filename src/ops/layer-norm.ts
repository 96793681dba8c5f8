// Layer normalization with its affine transform as one primitive (`layerNorm`) and its gradient as
// one more (`layerNormGrad`). Composed of primitives (ops/norm.ts layerNormComposite) it is ~9 ops
// forward (mean, sub, mul, mean, add, rsqrt, mul, mul, add) and ~20 backward, each a pass over the
// (batch, tokens, width) activations, with its dispatch and tape node: five of them a step in W4's
// GPT. The kernels compute each row in float64 in one call. The rule falls back to the gradient
// written with ordinary ops when a graph of the gradient is being built (createGraph), so
// higher-order gradients still work.
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';
import { execute } from './dispatch.js';
import * as E from './elementwise.js';
import { reshape, slice } from './movement.js';
import { mean, sum } from './reduce.js';

/**
 * y = (x − μ)/√(σ² + eps)·weight + bias over the trailing weight.ndim dims of x (float, one dtype
 * with weight and bias, both of the normalized shape: ops/norm.ts checks). Same shape as x.
 */
export function layerNormFused(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor {
  return execute('layerNorm', [x, weight, bias], { eps }, x.shape, x.dtype); // same shape as x
}

/** The gradient of layerNorm: what its tape rule returns for x, weight and bias given g (x's shape). */
export function layerNormVjp([x, weight]: readonly Tensor[], g: Tensor, eps: number, needs: readonly boolean[]): (Tensor | null)[] {
  if (isGradEnabled()) return composite(x!, weight!, g, eps, needs);
  const D = weight!.numel;
  const n = x!.numel;
  const flat = execute('layerNormGrad', [x!, weight!, g], { eps }, [n + 2 * D], x!.dtype); // (R·D + 2D)
  const part = (at: number, size: number, shape: readonly number[]): Tensor => reshape(slice(flat, [[at, at + size]]), [...shape]);
  return [
    needs[0] ? part(0, n, x!.shape) : null,
    needs[1] ? part(n, D, weight!.shape) : null,
    needs[2] ? part(n + D, D, weight!.shape) : null,
  ];
}

/** The same gradient from ordinary (differentiable) ops. */
function composite(x: Tensor, weight: Tensor, g: Tensor, eps: number, needs: readonly boolean[]): (Tensor | null)[] {
  const lead = x.ndim - weight.ndim;
  const feat = Array.from({ length: weight.ndim }, (_, i) => lead + i);
  const rows = Array.from({ length: lead }, (_, i) => i);
  const c = E.sub(x, mean(x, { dim: feat, keepDim: true })); // (..., *ns)
  const rstd = E.rsqrt(E.add(mean(E.mul(c, c), { dim: feat, keepDim: true }), eps)); // (..., 1..)
  const xh = E.mul(c, rstd); // (..., *ns)
  const overRows = (t: Tensor): Tensor => (lead === 0 ? t : sum(t, { dim: rows })); // (*ns)
  let dx: Tensor | null = null;
  if (needs[0]) {
    const gw = E.mul(g, weight); // (..., *ns)
    const a = mean(gw, { dim: feat, keepDim: true }); // (..., 1..)
    const b = mean(E.mul(gw, xh), { dim: feat, keepDim: true }); // (..., 1..)
    dx = E.mul(rstd, E.sub(E.sub(gw, a), E.mul(xh, b)));
  }
  return [dx, needs[1] ? overRows(E.mul(g, xh)) : null, needs[2] ? overRows(g) : null];
}
