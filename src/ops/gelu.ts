// GELU as one primitive (`gelu`): the composite below is ~8 elementwise ops forward (cast, clamp's
// two compares and wheres, erf or tanh, adds, muls) and ~15 backward, each one pass over the
// (batch, tokens, 4·width) MLP activations of every GPT block. The kernel computes the composite's
// formula in one pass; when a gradient will be needed it also writes the slope gelu′(x) (Φ is
// computed once for both), so the backward pass is the one product g·gelu′(x). The rule falls back
// to the gradient written with ordinary ops when a graph of the gradient is being built
// (createGraph), so higher-order gradients still work.
import { ValueError } from '../errors.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { GeluApproximate } from '../backend/prims.js';
import { toFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { execute } from './dispatch.js';
import { reshape, select } from './movement.js';
import * as E from './elementwise.js';

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const K = 0.044715;
/**
 * Φ's argument is taken at x clamped to ±GELU_FLAT, where Φ is already exactly 1 or 0 in either
 * float dtype: the result is unchanged, and at huge or infinite |x| the gradient is the limit 1 or
 * 0 (clamp′ = 0 there drops the 0.5·x·Φ′ term, which would be ∞·0 = NaN; the tanh form's x³
 * would overflow too). backend/ts/gelu.ts uses the same bound.
 */
export const GELU_FLAT = 40;

/**
 * Gaussian error linear unit: x·Φ(x) = 0.5·x·(1 + erf(x/√2)); with `approximate: 'tanh'`,
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (the GPT-2 form). Integer and bool inputs are cast
 * to the default float dtype first.
 */
export function gelu(x: Tensor, { approximate = 'none' }: { approximate?: GeluApproximate } = {}): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') throw new ValueError('gelu', `approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  const xf = E.cast(x, toFloat(x.dtype));
  if (isGradEnabled() && xf.requiresGrad) {
    // Recorded for a gradient: keep the slope gelu′(x) too (one Φ for both), so the backward pass
    // is one product instead of erf and exp again.
    const out = execute('gelu', [xf], { approximate }, [2, ...xf.shape], xf.dtype); // (2, ...x's shape)
    return select(out, 0, 0);
  }
  return execute('gelu', [xf], { approximate }, xf.shape, xf.dtype); // same shape
}

/**
 * The gradient of gelu: what its tape rule returns for x, given its output `out` (x's shape, or
 * (2, ...x's shape) with the slope) and the gradient g of out (with the slope: its leading row or both).
 */
export function geluVjp(x: Tensor, out: Tensor, g: Tensor, approximate: GeluApproximate): Tensor {
  const saved = out.ndim === x.ndim + 1;
  // y's row of g: g arrives as that row alone (LEADING_GRAD) unless the slope was used too.
  const gy = !saved ? g : g.shape[0] === 1 ? reshape(g, x.shape) : select(g, 0, 0); // (...x's shape)
  // Building a graph of the gradient (or an output recorded without its slope): differentiable ops.
  if (isGradEnabled() || !saved) return composite(x, gy, approximate);
  return E.mul(gy, select(out, 0, 1)); // g·gelu′(x): one product
}

/** g·gelu′(x) from ordinary (differentiable) ops; the x·Φ′ term only where |x| ≤ GELU_FLAT (clamp′ = 1). */
function composite(x: Tensor, g: Tensor, approximate: GeluApproximate): Tensor {
  const xc = E.clamp(x, { min: -GELU_FLAT, max: GELU_FLAT });
  const inside = E.le(E.abs(x), GELU_FLAT); // false for NaN and beyond the bound
  if (approximate === 'tanh') {
    const t = E.tanh(E.mul(E.add(xc, E.mul(E.mul(E.mul(xc, xc), xc), K)), SQRT_2_OVER_PI));
    const du = E.mul(E.add(E.mul(E.mul(xc, xc), 3 * K), 1), SQRT_2_OVER_PI);
    const tail = E.mul(E.mul(E.mul(x, 0.5), E.sub(1, E.mul(t, t))), du);
    return E.mul(g, E.add(E.mul(E.add(t, 1), 0.5), E.where(inside, tail, 0)));
  }
  const phi = E.mul(E.exp(E.mul(E.mul(xc, xc), -0.5)), INV_SQRT_2PI);
  return E.mul(g, E.add(E.mul(E.add(E.erf(E.mul(xc, SQRT1_2)), 1), 0.5), E.where(inside, E.mul(x, phi), 0)));
}

/**
 * The forward formula from ordinary ops (what gelu was before the primitive): kept as the
 * definition the fused kernels are tested against (test/unit/gelu-fused.test.ts).
 */
export function geluComposite(x: Tensor, { approximate = 'none' }: { approximate?: GeluApproximate } = {}): Tensor {
  const xf = E.cast(x, toFloat(x.dtype));
  const xc = E.clamp(xf, { min: -GELU_FLAT, max: GELU_FLAT });
  if (approximate === 'tanh') {
    const inner = E.mul(E.add(xc, E.mul(E.mul(E.mul(xc, xc), xc), K)), SQRT_2_OVER_PI);
    return E.mul(E.mul(xf, 0.5), E.add(E.tanh(inner), 1));
  }
  return E.mul(E.mul(xf, 0.5), E.add(E.erf(E.mul(xc, SQRT1_2)), 1));
}
