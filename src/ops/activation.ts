// Activation functions and softmax family, composed from primitives (no kernels, no rules of their
// own), except gelu, re-exported from its fused primitive, and softmax/logSoftmax over the last
// dim (ops/softmax.ts).
import { ValueError } from '../errors.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { toFloat } from '../tensor/dtype.js';
import { normalizeDim } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { bernoulli } from '../tensor/creation.js';
import type { Generator } from '../tensor/random.js';
import { abs, add, cast, div, exp, expm1, gt, isFinite, le, log, log1p, logicalAnd, logicalNot, logicalOr, lt, maximum, mul, sigmoid, sub, where } from './elementwise.js';
import { max, sum } from './reduce.js';
import { logSoftmaxComposite, softmaxComposite, softmaxFused } from './softmax.js';

/** max(0, x) + slope·min(0, x); the slope applies at 0 as in PyTorch. Default slope 0.01. */
export function leakyRelu(x: Tensor, { negativeSlope = 0.01 }: { negativeSlope?: number } = {}): Tensor {
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

/** x for x > 0, alpha·(eˣ − 1) otherwise. Default alpha 1. */
export function elu(x: Tensor, { alpha = 1 }: { alpha?: number } = {}): Tensor {
  // eˣ is only taken of x ≤ 0, so a large x can not overflow it into a NaN gradient (0·∞); a NaN
  // input takes the x branch, so its gradient is g, as in PyTorch.
  const neg = le(x, 0);
  return where(neg, mul(expm1(where(neg, x, 0)), alpha), x);
}

// gelu is its own primitive (ops/gelu.ts: one fused pass forward and backward).
export { gelu } from './gelu.js';

/**
 * x·σ(x) (also called swish). Beyond ±SILU_FLAT σ(x) is exactly 1 or 0 in either float dtype, so
 * the result is x or ±0 there (finite x), computed without x·σ′(x) (∞·0 = NaN at huge |x| in the gradient).
 */
export function silu(x: Tensor): Tensor {
  const hi = logicalAnd(gt(x, SILU_FLAT), lt(x, Infinity)); // ±∞ keep PyTorch's NaN gradient
  const lo = logicalAnd(lt(x, -SILU_FLAT_NEG), gt(x, -Infinity));
  const mid = logicalNot(logicalOr(hi, lo));
  const xm = where(mid, x, 0);
  return where(hi, x, where(lo, mul(x, 0), mul(xm, sigmoid(xm))));
}
const SILU_FLAT = 40; // σ(40) = 1 − 4e-18 rounds to 1 in float64 (and float32)
const SILU_FLAT_NEG = 1e4; // σ(−1e4) = e^−1e4 underflows to 0 in float64 (and float32)

/**
 * log(1 + e^{βx})/β, computed as max(βx, 0) + log1p(e^{−|βx|}) so it never overflows; above
 * `threshold` (on βx) it returns x, as in PyTorch. At 0 the two kinks cancel: maximum splits its
 * gradient on the tie (½) and |·|′(0) = 0, so softplus′(0) = σ(0) = ½.
 */
export function softplus(x: Tensor, { beta = 1, threshold = 20 }: { beta?: number; threshold?: number } = {}): Tensor {
  const bx = mul(cast(x, toFloat(x.dtype)), beta);
  const soft = div(add(maximum(bx, 0), log1p(exp(mul(abs(bx), -1)))), beta);
  return where(gt(bx, threshold), x, soft);
}

/**
 * exp(x − max) / Σ exp(x − max) along `dim` (default −1). Over the last dim it is one primitive
 * forward and one backward (ops/softmax.ts); over another it composes.
 */
export function softmax(x: Tensor, { dim = -1 }: { dim?: number } = {}): Tensor {
  const d = normalizeDim('softmax', dim, Math.max(1, x.ndim));
  const xf = cast(x, toFloat(x.dtype));
  if (xf.ndim >= 1 && d === xf.ndim - 1) return softmaxFused(xf, false);
  return softmaxComposite(xf, d);
}

/**
 * (x − max) − log Σ exp(x − max) along `dim` (default −1); stable for large logits. As in PyTorch,
 * a slice holding +∞ (or only −∞) gives NaN throughout. Over the last dim it is one primitive
 * forward and one backward (ops/softmax.ts), except a large one a gradient will flow through
 * (LOG_SOFTMAX_FUSED_GRAD_MAX); over another dim it composes.
 */
export function logSoftmax(x: Tensor, { dim = -1 }: { dim?: number } = {}): Tensor {
  const d = normalizeDim('logSoftmax', dim, Math.max(1, x.ndim));
  const xf = cast(x, toFloat(x.dtype));
  if (xf.ndim >= 1 && d === xf.ndim - 1 && !(isGradEnabled() && xf.requiresGrad && xf.numel > LOG_SOFTMAX_FUSED_GRAD_MAX)) return softmaxFused(xf, true);
  return logSoftmaxComposite(xf, d);
}

/**
 * Elements up to which log-softmax with a gradient to come runs fused. Past it the composite is
 * faster: its backward reuses the forward's exps, where the fused gradient recomputes exp(y) in
 * float64 (bench/norm-kernels.ts, 2 threads, forward and backward: (64, 10) 29 vs 50 µs composed;
 * (1024, 96) 641 vs 551 µs; (64, 64, 64) 1,710 vs 1,275 µs).
 */
const LOG_SOFTMAX_FUSED_GRAD_MAX = 16384;

/**
 * Inverted dropout: zero each element with probability `p` and scale the rest by 1/(1−p), so
 * the expected value is unchanged. Identity when `training` is false or p = 0.
 */
export function dropout(x: Tensor, { p = 0.5, training = true, generator }: { p?: number; training?: boolean; generator?: Generator } = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ValueError('dropout', `p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const keep = bernoulli(1 - p, { shape: x.shape, dtype: x.dtype, generator });
  return mul(x, div(keep, 1 - p));
}
