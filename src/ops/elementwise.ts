// Elementwise primitives and their small composites, with broadcasting and dtype promotion.
import { DTypeError } from '../errors.js';
import { arithmeticDType, isFloat, promote, toFloat, type DType } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asPair, asTensor, execute, type TensorLike } from './dispatch.js';
import type { BinaryOp, UnaryOp } from '../backend/prims.js';

/** Convert `x` to `dtype` (a copy; float→int truncates toward zero, non-zero→true for bool). */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return execute('cast', [x], { dtype }, x.shape, dtype);
}

/** A copy with the same dtype and its own storage (gradients flow through). */
export function clone(x: Tensor): Tensor {
  return execute('cast', [x], { dtype: x.dtype }, x.shape, x.dtype);
}

type Kind = 'float' | 'same' | 'bool' | 'signed';

function unary(op: UnaryOp, kind: Kind, v: TensorLike): Tensor {
  let x = asTensor(op, v);
  if (kind === 'float') x = cast(x, toFloat(x.dtype));
  if (kind === 'signed' && x.dtype === 'bool') {
    throw new DTypeError(op, `is not defined for bool tensors; use logicalNot for booleans or .int() first`);
  }
  const out = kind === 'bool' ? 'bool' : x.dtype;
  return execute(op, [x], {}, x.shape, out);
}

export const neg = (x: TensorLike): Tensor => unary('neg', 'signed', x);
/** e^x */
export const exp = (x: TensorLike): Tensor => unary('exp', 'float', x);
/** Natural logarithm (NaN below 0, -inf at 0, as in IEEE arithmetic). */
export const log = (x: TensorLike): Tensor => unary('log', 'float', x);
/** log(1 + x), accurate near 0. */
export const log1p = (x: TensorLike): Tensor => unary('log1p', 'float', x);
/** e^x − 1, accurate near 0. */
export const expm1 = (x: TensorLike): Tensor => unary('expm1', 'float', x);
export const sqrt = (x: TensorLike): Tensor => unary('sqrt', 'float', x);
/** 1/√x */
export const rsqrt = (x: TensorLike): Tensor => unary('rsqrt', 'float', x);
export const abs = (x: TensorLike): Tensor => unary('abs', 'signed', x);
/** −1, 0 or 1 (gradient 0). */
export const sign = (x: TensorLike): Tensor => unary('sign', 'signed', x);
export const sin = (x: TensorLike): Tensor => unary('sin', 'float', x);
export const cos = (x: TensorLike): Tensor => unary('cos', 'float', x);
export const tanh = (x: TensorLike): Tensor => unary('tanh', 'float', x);
/** 1 / (1 + e^{−x}), computed without overflow for large |x|. */
export const sigmoid = (x: TensorLike): Tensor => unary('sigmoid', 'float', x);
/** max(x, 0) */
export const relu = (x: TensorLike): Tensor => unary('relu', 'signed', x);
/** Gauss error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt. */
export const erf = (x: TensorLike): Tensor => unary('erf', 'float', x);
export const floor = (x: TensorLike): Tensor => unary('floor', 'same', x);
export const ceil = (x: TensorLike): Tensor => unary('ceil', 'same', x);
/** Round half to even (like torch.round). */
export const round = (x: TensorLike): Tensor => unary('round', 'same', x);
export const isNaN = (x: TensorLike): Tensor => unary('isNaN', 'bool', x);
export const isFinite = (x: TensorLike): Tensor => unary('isFinite', 'bool', x);
export const logicalNot = (x: TensorLike): Tensor => unary('logicalNot', 'bool', x);

function binary(op: BinaryOp, a: TensorLike, b: TensorLike, result: (a: DType, b: DType) => DType, castInputs: boolean): Tensor {
  let [x, y] = asPair(op, a, b);
  const shape = broadcastShapes(op, x.shape, y.shape);
  const dt = result(x.dtype, y.dtype);
  if (castInputs) { x = cast(x, dt); y = cast(y, dt); }
  return execute(op, [x, y], {}, shape, dt);
}

const arith = (op: BinaryOp) => (a: TensorLike, b: TensorLike): Tensor => binary(op, a, b, arithmeticDType, true);
const compare = (op: BinaryOp) => (a: TensorLike, b: TensorLike): Tensor => binary(op, a, b, () => 'bool', false);

/** a + b with broadcasting. */
export const add = arith('add');
/** a − b with broadcasting. */
export const sub = arith('sub');
/** a · b with broadcasting. */
export const mul = arith('mul');
/** True division a / b (integer inputs give float32). */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('div', a, b, (p, q) => toFloat(promote(p, q)), true);
/** a^b with broadcasting. */
export const pow = arith('pow');
/** Elementwise max (NaN propagates; ties split the gradient evenly, as in PyTorch). */
export const maximum = arith('maximum');
/** Elementwise min (NaN propagates; ties split the gradient evenly). */
export const minimum = arith('minimum');
export const eq = compare('eq');
export const ne = compare('ne');
export const lt = compare('lt');
export const le = compare('le');
export const gt = compare('gt');
export const ge = compare('ge');
export const logicalAnd = compare('logicalAnd');
export const logicalOr = compare('logicalOr');
export const logicalXor = compare('logicalXor');

/** x² */
export const square = (x: Tensor): Tensor => mul(x, x);
/** 1/x */
export const reciprocal = (x: Tensor): Tensor => div(1, x);

/** `a` where `cond` is true, else `b`, all three broadcast together. `cond` must be bool. */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = asTensor('where', cond);
  if (c.dtype !== 'bool') {
    throw new DTypeError('where', `condition must be a bool tensor, got ${c.dtype}; build it with a comparison such as x.gt(0), or call .bool()`);
  }
  let [x, y] = asPair('where', a, b);
  const shape = broadcastShapes('where', c.shape, x.shape, y.shape);
  const dt = promote(x.dtype, y.dtype);
  x = cast(x, dt);
  y = cast(y, dt);
  return execute('where', [c, x, y], {}, shape, dt);
}

/**
 * Clamp into [min, max] (either bound may be omitted). The gradient is 1 inside the closed
 * interval and 0 outside or at NaN (NaN stays NaN), as in PyTorch.
 */
export function clamp(x: Tensor, { min = null, max = null }: { min?: number | null; max?: number | null } = {}): Tensor {
  if (min === null && max === null) throw new DTypeError('clamp', 'give at least one of min and max');
  let out = x.detach(); // NaN (and, below, the bounds): no gradient
  if (min !== null) out = where(lt(out, min), asTensor('clamp', min, x), out);
  if (max !== null) out = where(gt(out, max), asTensor('clamp', max, x), out);
  const inside = min !== null && max !== null ? logicalAnd(ge(x, min), le(x, max)) : min !== null ? ge(x, min) : le(x, max!);
  return where(inside, x, out);
}

export function assertFloatTensor(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) throw new DTypeError(op, `input has dtype ${x.dtype} but a float dtype is required; convert with .float()`);
}
