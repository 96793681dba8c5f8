// Normalization layers over channels: BatchNorm1d/2d (running statistics are buffers, so they are
// saved and loaded with the weights) and GroupNorm.
import { ShapeError, ValueError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { assign } from '../ops/assign.js';
import { add, cast, div } from '../ops/elementwise.js';
import { readsSync } from '../tensor/host-read.js';
import { batchNorm, groupNorm } from '../ops/channel-norm.js';
import { ones, zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { keep } from '../tensor/lifetime.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, registerModule, type ModuleConfig } from './module.js';
import { Parameter } from './parameter.js';

export interface BatchNormLayerOptions {
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Weight of each new batch in the running averages; null: cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learn a per-channel scale γ (init 1) and shift β (init 0). Default true. */
  affine?: boolean;
  /** Keep running mean/variance for eval mode; without them eval uses batch statistics. Default true. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

abstract class BatchNormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  // Buffers, named as PyTorch's state-dict keys on purpose (saved with the weights, loaded from torch unchanged).
  running_mean: Tensor | null;
  running_var: Tensor | null;
  num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(private readonly layer: string, private readonly dims: readonly number[], readonly numFeatures: number, opts: BatchNormLayerOptions) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new ValueError(layer, `numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    this.running_mean = this.trackRunningStats ? keep(zeros([numFeatures], { dtype })) : null;
    this.running_var = this.trackRunningStats ? keep(ones([numFeatures], { dtype })) : null;
    this.num_batches_tracked = this.trackRunningStats ? keep(zeros([], { dtype: 'int32' })) : null;
  }

  /** The running mean (the `running_mean` buffer), in TypeScript casing. */
  get runningMean(): Tensor | null { return this.running_mean; }
  /** The running variance (the `running_var` buffer). */
  get runningVar(): Tensor | null { return this.running_var; }
  /** Training batches seen (the `num_batches_tracked` buffer, int32: PyTorch's is int64). */
  get numBatchesTracked(): Tensor | null { return this.num_batches_tracked; }

  forward(x: Tensor): Tensor {
    if (!this.dims.includes(x.ndim)) {
      const want = this.dims.map((d) => (d === 2 ? '(N, C)' : d === 3 ? '(N, C, L)' : '(N, C, H, W)')).join(' or ');
      throw new ShapeError(this.layer, `expects a ${want} input, got ${x.ndim}-D input ${shapeStr(x.shape)}${x.ndim === 3 && this.dims.includes(4) ? '; add the batch dim with unsqueeze(x, 0)' : ''}`);
    }
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(this.layer, `expected input ${shapeStr(x.shape)} to have ${this.numFeatures} channels in dim 1, got ${x.shape[1]}; set numFeatures to the previous layer's output channels`);
    }
    const useBatch = this.training || this.running_mean === null;
    let momentum: number | Tensor = this.momentum ?? 0;
    if (this.training && this.num_batches_tracked) {
      const nbt = this.num_batches_tracked;
      noGrad(() => assign(nbt, add(nbt, 1)));
      if (this.momentum === null) { // cumulative moving average: 1 / batches so far (on the device where values are read only asynchronously)
        momentum = readsSync(nbt) ? 1 / nbt.item() : noGrad(() => div(1, cast(nbt, x.dtype)));
      }
    }
    // Running stats are null without trackRunningStats: then eval normalizes with batch statistics too.
    return batchNorm(x, this.running_mean, this.running_var, { weight: this.weight, bias: this.bias, training: useBatch, momentum, eps: this.eps });
  }

  override config(): ModuleConfig {
    return { type: this.layer, args: [this.numFeatures, { eps: this.eps, momentum: this.momentum, affine: this.affine, trackRunningStats: this.trackRunningStats, dtype: (this.weight ?? this.running_mean)?.dtype ?? 'float32' }] };
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/**
 * Batch normalization over (N, C) or (N, C, L) (torch.nn.BatchNorm1d). Training normalizes with
 * batch statistics and updates the running ones; eval() uses the running ones.
 *
 * Shape: (N, C) or (N, C, L) → same.
 *
 * @example
 * const bn = new BatchNorm1d(16);
 * bn.forward(randn([32, 16])); bn.eval(); // now uses bn.runningMean / bn.runningVar
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) { super('BatchNorm1d', [2, 3], numFeatures, opts); }
}
registerModule('BatchNorm1d', (n: number, o?: BatchNormLayerOptions) => new BatchNorm1d(n, o));

/**
 * Batch normalization over (N, C, H, W) per channel (torch.nn.BatchNorm2d).
 *
 * Shape: (N, C, H, W) → same.
 *
 * @example
 * new BatchNorm2d(6).forward(randn([8, 6, 14, 14])).shape // [8, 6, 14, 14]
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) { super('BatchNorm2d', [4], numFeatures, opts); }
}
registerModule('BatchNorm2d', (n: number, o?: BatchNormLayerOptions) => new BatchNorm2d(n, o));

export interface GroupNormLayerOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Learn per-channel γ (init 1), β (init 0). Default true. */
  affine?: boolean;
  dtype?: DType;
}

/**
 * Group normalization (torch.nn.GroupNorm): statistics per sample over groups of channels, so it
 * does not depend on the batch.
 *
 * Shape: (N, C, *) → same, C = numChannels divisible by numGroups.
 *
 * @example
 * new GroupNorm(4, 16).forward(randn([2, 16, 8, 8])).shape // [2, 16, 8, 8]
 */
export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly affine: boolean;

  constructor(readonly numGroups: number, readonly numChannels: number, opts: GroupNormLayerOptions = {}) {
    super();
    if (!Number.isInteger(numGroups) || numGroups < 1 || numChannels % numGroups !== 0) {
      throw new ValueError('GroupNorm', `numGroups (${numGroups}) must divide numChannels (${numChannels})`);
    }
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new ShapeError('GroupNorm', `expected (N, ${this.numChannels}, *) input, got ${shapeStr(x.shape)}; set numChannels to the input's channels`);
    }
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override config(): ModuleConfig {
    return { type: 'GroupNorm', args: [this.numGroups, this.numChannels, { eps: this.eps, affine: this.affine, dtype: this.weight?.dtype ?? 'float32' }] };
  }
  override extraRepr(): string { return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine}`; }
}
registerModule('GroupNorm', (g: number, c: number, o?: GroupNormLayerOptions) => new GroupNorm(g, c, o));
