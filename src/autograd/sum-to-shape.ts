// sumToShape: the one place where broadcasting is undone in the backward pass.
import { numelOf, shapesEqual, type Shape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { executeReshape } from '../ops/dispatch.js';
import { sum } from '../ops/reduce.js';

/** Sum `g` (shaped like a broadcast result) down to `shape` (an operand's shape before broadcasting). */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const s = dims.length > 0 ? sum(g, { dim: dims, keepDim: true }) : g;
  return executeReshape(s, [...shape]);
}

/** A zero tensor shaped and typed like `x` (or of `shape`), on `x`'s backend. */
export function zerosOf(x: Tensor, shape: Shape = x.shape, dtype: DType = x.dtype): Tensor {
  const s = x.storage.backend.alloc(dtype, numelOf(shape));
  return new Tensor(s, shape, dtype);
}
