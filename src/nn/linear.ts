// Linear (fully connected) layer: y = x·Wᵀ + b, PyTorch layout and default init.
import { linear } from '../ops/linalg.js';
import { fusedLinear } from '../ops/linear-fused.js';
import { relu } from '../ops/elementwise.js';
import { empty } from './util.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { kaimingUniform_, uniform_ } from './init.js';
import { Module, registerModule, type ModuleConfig } from './module.js';
import { Parameter } from './parameter.js';

export interface LinearOptions {
  /** Learn an additive bias. Default true. */
  bias?: boolean;
  dtype?: DType;
}

/**
 * Applies y = x·Wᵀ + b.
 *
 * Init (as PyTorch): W ~ U(−1/√in, 1/√in) (Kaiming uniform with a = √5), b ~ U(−1/√in, 1/√in).
 *
 * Shape: input (..., inFeatures) → output (..., outFeatures).
 *
 * @example
 * const fc = new Linear(784, 10);
 * fc.forward(randn([64, 784])).shape; // [64, 10]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty('Linear', [outFeatures, inFeatures], dtype));
    this.bias = opts.bias === false ? null : new Parameter(empty('Linear', [outFeatures], dtype));
    this.resetParameters();
  }

  /** Re-draw the weights from PyTorch's default distribution (uses the default generator). */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  /** forward(x) then ReLU, as one fused op where the backend has it (Sequential's Linear, ReLU pairs under noGrad). */
  forwardRelu(x: Tensor): Tensor {
    return fusedLinear(x, this.weight, this.bias, true) ?? relu(linear(x, this.weight, this.bias));
  }

  override config(): ModuleConfig {
    return { type: 'Linear', args: [this.inFeatures, this.outFeatures, { bias: this.bias !== null, dtype: this.weight.dtype }] };
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
registerModule('Linear', (i: number, o: number, opts?: LinearOptions) => new Linear(i, o, opts));
