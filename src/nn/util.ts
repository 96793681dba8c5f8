// Small helpers shared by layers.
import { ValueError } from '../errors.js';
import { zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

/** A zero tensor for a layer's parameter, after checking the sizes are positive integers. */
export function empty(layer: string, shape: readonly number[], dtype: DType): Tensor {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new ValueError(layer, `sizes must be non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return zeros(shape, { dtype });
}
