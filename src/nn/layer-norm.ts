// LayerNorm and RMSNorm layers: normalization over the trailing feature dims (PyTorch layouts).
import { layerNorm, rmsNorm } from '../ops/norm.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { ones_ } from './init.js';
import { Module, registerModule, type ModuleConfig } from './module.js';
import { Parameter } from './parameter.js';
import { empty } from './util.js';

export interface LayerNormOptions {
  /** Added to the variance for stability. Default 1e-5 (PyTorch's). */
  eps?: number;
  /** Learn a per-feature scale (init 1) and shift (init 0). Default true. */
  elementwiseAffine?: boolean;
  /** Learn the shift (only with elementwiseAffine). Default true. */
  bias?: boolean;
  dtype?: DType;
}

const asShape = (s: number | readonly number[]): number[] => (typeof s === 'number' ? [s] : [...s]);

/**
 * Layer normalization (Ba et al. 2016): y = (x − E[x]) / √(Var[x] + eps) · weight + bias over
 * the trailing `normalizedShape` dims. Keys `weight`, `bias` as in torch.nn.LayerNorm.
 *
 * Shape: input (..., *normalizedShape) → same.
 *
 * @example
 * const ln = new LayerNorm(128);
 * ln.forward(randn([16, 64, 128])).shape; // [16, 64, 128]
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = asShape(normalizedShape);
    this.eps = opts.eps ?? 1e-5;
    const dtype = opts.dtype ?? 'float32';
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones_(empty('LayerNorm', this.normalizedShape, dtype))) : null;
    this.bias = affine && opts.bias !== false ? new Parameter(empty('LayerNorm', this.normalizedShape, dtype)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override config(): ModuleConfig {
    return { type: 'LayerNorm', args: [this.normalizedShape, { eps: this.eps, elementwiseAffine: this.weight !== null, bias: this.bias !== null, dtype: this.weight?.dtype ?? 'float32' }] };
  }
  override extraRepr(): string { return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`; }
}
registerModule('LayerNorm', (s: number[], o?: LayerNormOptions) => new LayerNorm(s, o));

export interface RMSNormOptions {
  /** Added to mean(x²); null (default) = the dtype's machine epsilon, as PyTorch. */
  eps?: number | null;
  /** Learn a per-feature scale (init 1). Default true. */
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/**
 * Root-mean-square normalization (Zhang & Sennrich 2019): y = x / √(mean(x²) + eps) · weight,
 * no centering and no bias. Key `weight` as in torch.nn.RMSNorm.
 *
 * Shape: input (..., *normalizedShape) → same.
 *
 * @example
 * new RMSNorm(64).forward(randn([4, 64])).shape; // [4, 64]
 */
export class RMSNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number | null;
  weight: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: RMSNormOptions = {}) {
    super();
    this.normalizedShape = asShape(normalizedShape);
    this.eps = opts.eps ?? null;
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones_(empty('RMSNorm', this.normalizedShape, opts.dtype ?? 'float32'))) : null;
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }

  override config(): ModuleConfig {
    return { type: 'RMSNorm', args: [this.normalizedShape, { eps: this.eps, elementwiseAffine: this.weight !== null, dtype: this.weight?.dtype ?? 'float32' }] };
  }
  override extraRepr(): string { return `[${this.normalizedShape.join(', ')}], eps=${this.eps ?? 'auto'}`; }
}
registerModule('RMSNorm', (s: number[], o?: RMSNormOptions) => new RMSNorm(s, o));
