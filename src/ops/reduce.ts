// Reductions over one, several or all dims, with keepDim; statistics built from them.
import { ValueError } from '../errors.js';
import { isFloat, toFloat } from '../tensor/dtype.js';
import { normalizeDim, normalizeDims, reducedShape, shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { execute, executeReshape } from './dispatch.js';
import { abs, cast, div, eq, isFinite, log, mul, pow, sqrt, sub, exp, add, where } from './elementwise.js';
import type { ReduceOp } from '../backend/prims.js';

export interface ReduceOptions {
  /** The dim(s) to reduce; omitted or null reduces all of them. Negative counts from the end. */
  dim?: number | readonly number[] | null;
  /** Keep reduced dims as size 1 (so the result broadcasts against the input). Default false. */
  keepDim?: boolean;
}

function reduce(op: ReduceOp, x: Tensor, { dim = null, keepDim = false }: ReduceOptions): Tensor {
  const dims = normalizeDims(op, dim, x.ndim);
  if ((op === 'max' || op === 'min') && dims.some((d) => x.shape[d] === 0)) {
    throw new ValueError(op, `can not reduce over an empty dim of shape ${shapeStr(x.shape)}; ${op} of nothing is undefined`);
  }
  const dt = (op === 'sum' || op === 'prod') && !isFloat(x.dtype) ? 'int32' : x.dtype;
  const input = cast(x, dt);
  const kept = execute(op, [input], { dims }, reducedShape(x.shape, dims, true), dt); // (..., 1 at dims, ...)
  return keepDim ? kept : executeReshape(kept, reducedShape(x.shape, dims, false));
}

/** Sum of elements over `dim` (all by default). Integer and bool inputs give int32. */
export const sum = (x: Tensor, opts: ReduceOptions = {}): Tensor => reduce('sum', x, opts);
/** Product of elements over `dim`. */
export const prod = (x: Tensor, opts: ReduceOptions = {}): Tensor => reduce('prod', x, opts);
/** Largest value over `dim` (NaN wins). Ties share the gradient evenly, like torch.amax. */
export const max = (x: Tensor, opts: ReduceOptions = {}): Tensor => reduce('max', x, opts);
/** Smallest value over `dim` (NaN wins). Ties share the gradient evenly, like torch.amin. */
export const min = (x: Tensor, opts: ReduceOptions = {}): Tensor => reduce('min', x, opts);

/** Number of elements a reduction over `dim` combines. */
export function reducedCount(x: Tensor, dim: ReduceOptions['dim']): number {
  return normalizeDims('reduce', dim ?? null, x.ndim).reduce((n, d) => n * x.shape[d]!, 1);
}

/** Arithmetic mean over `dim` (integer inputs give float32). */
export function mean(x: Tensor, opts: ReduceOptions = {}): Tensor {
  const n = reducedCount(x, opts.dim);
  return div(sum(cast(x, toFloat(x.dtype)), opts), n);
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, { dim = null, keepDim = false }: { dim?: number | null; keepDim?: boolean }): Tensor {
  if (dim === null) {
    const flat = executeReshape(x, [x.numel]);
    const r = execute(op, [flat], { dim: 0 }, [1], 'int32');
    return executeReshape(r, keepDim ? x.shape.map(() => 1) : []);
  }
  const d = normalizeDim(op, dim, x.ndim);
  const xs = x.ndim === 0 ? executeReshape(x, [1]) : x;
  const kept = execute(op, [xs], { dim: x.ndim === 0 ? 0 : d }, reducedShape(xs.shape, [d], true), 'int32');
  return executeReshape(kept, x.ndim === 0 ? [] : reducedShape(x.shape, [d], keepDim));
}

/** Index of the largest value along `dim` (over the flattened tensor when dim is null), int32. */
export const argmax = (x: Tensor, opts: { dim?: number | null; keepDim?: boolean } = {}): Tensor => argReduce('argmax', x, opts);
/** Index of the smallest value along `dim`, int32. */
export const argmin = (x: Tensor, opts: { dim?: number | null; keepDim?: boolean } = {}): Tensor => argReduce('argmin', x, opts);

export interface VarOptions extends ReduceOptions {
  /** Subtracted from the count in the denominator: 1 = unbiased (default, as in PyTorch), 0 = population. */
  correction?: number;
}

/** Variance Σ(x − mean)² / (N − correction) over `dim`. */
export function variance(x: Tensor, { dim = null, keepDim = false, correction = 1 }: VarOptions = {}): Tensor {
  const xf = cast(x, toFloat(x.dtype));
  const n = reducedCount(xf, dim);
  const centered = sub(xf, mean(xf, { dim, keepDim: true }));
  return div(sum(mul(centered, centered), { dim, keepDim }), Math.max(0, n - correction));
}

/** Standard deviation: √variance (gradient 0 where the spread is 0, as in PyTorch). */
export function std(x: Tensor, opts: VarOptions = {}): Tensor {
  return sqrtZeroSafe(variance(x, opts));
}

/** √s with gradient 0 where s = 0 (instead of ∞·0 = NaN); NaN stays NaN. */
function sqrtZeroSafe(s: Tensor): Tensor {
  const zero = eq(s, 0);
  return where(zero, 0, sqrt(where(zero, 1, s)));
}

/**
 * log Σ exp(x) over `dim`, computed stably as m + log Σ exp(x − m) with m the (detached) max;
 * an all −inf slice gives −inf rather than NaN.
 */
export function logsumexp(x: Tensor, { dim = null, keepDim = false }: ReduceOptions = {}): Tensor {
  const xf = cast(x, toFloat(x.dtype));
  const empty = normalizeDims('logsumexp', dim, x.ndim).some((d) => x.shape[d] === 0); // log 0 = −∞, as PyTorch
  const m0 = empty ? null : max(xf, { dim, keepDim: true }).detach();
  const m = m0 ? where(isFinite(m0), m0, 0) : 0;
  const s = log(sum(exp(sub(xf, m)), { dim, keepDim: true }));
  const out = add(s, m);
  return keepDim ? out : executeReshape(out, reducedShape(x.shape, normalizeDims('logsumexp', dim, x.ndim), false));
}

export interface NormOptions extends ReduceOptions {
  /** 2 (Euclidean, default), 1, 'inf' (max |x|) or any p > 0. */
  p?: number | 'inf';
}

/** Vector p-norm over `dim` (all elements by default), like torch.linalg.vector_norm. */
export function norm(x: Tensor, { p = 2, dim = null, keepDim = false }: NormOptions = {}): Tensor {
  const a = abs(cast(x, toFloat(x.dtype)));
  if (p === 'inf') return max(a, { dim, keepDim });
  if (!(p > 0)) throw new ValueError('norm', `p must be > 0 or 'inf', got ${p}`);
  if (p === 1) return sum(a, { dim, keepDim });
  // Gradient 0 at a zero norm, and for p < 1 at zero elements, as PyTorch defines them.
  if (p === 2) return sqrtZeroSafe(sum(mul(a, a), { dim, keepDim }));
  const az = eq(a, 0);
  const s = sum(where(az, 0, pow(where(az, 1, a), p)), { dim, keepDim });
  const sz = eq(s, 0);
  return where(sz, 0, pow(where(sz, 1, s), 1 / p));
}

