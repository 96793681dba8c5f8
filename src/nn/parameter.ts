// Parameter: a tensor a Module trains. It requires grad and its memory is kept across steps.
import { Tensor } from '../tensor/tensor.js';
import { keep } from '../tensor/lifetime.js';

/**
 * A trainable tensor. Modules find their parameters by walking their fields for Parameters
 * (tensor fields that are not Parameters are buffers, e.g. BatchNorm's running mean).
 *
 * @example
 * this.weight = new Parameter(randn([out, inp]));
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, { requiresGrad = true }: { requiresGrad?: boolean } = {}) {
    super(data.storage, data.shape, data.dtype);
    keep(this);
    if (requiresGrad) this.requiresGrad_(true);
  }
}
