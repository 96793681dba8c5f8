// Convolution layers: Conv1d, Conv2d, ConvTranspose2d, with PyTorch layouts and default init.
import { ValueError } from '../errors.js';
import { convNd, convTransposeAs, type ConvPadding } from '../ops/conv.js';
import type { SizeArg } from '../ops/unfold.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { calculateFans, kaimingUniform_, uniform_ } from './init.js';
import { Module, registerModule, type ModuleConfig } from './module.js';
import { Parameter } from './parameter.js';
import { empty } from './util.js';

export interface ConvLayerOptions {
  /** Step between windows. Default 1. */
  stride?: SizeArg;
  /** Zero padding per side, 'valid' or 'same'. Default 0. */
  padding?: ConvPadding;
  /** Spacing between kernel taps. Default 1. */
  dilation?: SizeArg;
  /** Channel groups (groups = inChannels: depthwise). Default 1. */
  groups?: number;
  /** Learn a per-channel bias. Default true. */
  bias?: boolean;
  dtype?: DType;
}

function sizes(layer: string, v: SizeArg, nd: number): number[] {
  const out = typeof v === 'number' ? new Array<number>(nd).fill(v) : [...v];
  if (out.length !== nd || out.some((k) => !Number.isInteger(k) || k < 1)) throw new ValueError(layer, `kernelSize must be ${nd} positive integer(s), got ${JSON.stringify(v)}`);
  return out;
}

/** Shared by the convolution layers: weight, bias and PyTorch's default init. */
abstract class ConvBase extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];

  constructor(layer: string, readonly inChannels: number, readonly outChannels: number, kernelSize: SizeArg, nd: number, readonly opts: ConvLayerOptions, transposed: boolean) {
    super();
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new ValueError(layer, `inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`);
    }
    this.kernelSize = sizes(layer, kernelSize, nd);
    const dtype = opts.dtype ?? 'float32';
    const wShape = transposed ? [inChannels, outChannels / groups, ...this.kernelSize] : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(empty(layer, wShape, dtype));
    this.bias = opts.bias === false ? null : new Parameter(empty(layer, [outChannels], dtype));
    this.resetParameters();
  }

  /** PyTorch's default: W ~ Kaiming-uniform(a = √5), i.e. U(±1/√fanIn); b ~ U(±1/√fanIn). */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = calculateFans(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  protected layerOptions(): ConvLayerOptions {
    return { ...this.opts, bias: this.bias !== null, dtype: this.weight.dtype };
  }

  override extraRepr(): string {
    const o = this.opts;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(o.stride ?? 1)}, padding=${JSON.stringify(o.padding ?? 0)}${o.groups && o.groups > 1 ? `, groups=${o.groups}` : ''}, bias=${this.bias !== null}`;
  }
}

/**
 * 1-D convolution layer (torch.nn.Conv1d).
 *
 * Shape: (N, inChannels, L) → (N, outChannels, Lout); weight (out, in/groups, k).
 *
 * @example
 * new Conv1d(4, 16, 3, { padding: 'same' }).forward(randn([8, 4, 32])).shape // [8, 16, 32]
 */
export class Conv1d extends ConvBase {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvLayerOptions = {}) {
    super('Conv1d', inChannels, outChannels, kernelSize, 1, opts, false);
  }
  forward(x: Tensor): Tensor {
    return convNd('Conv1d', 1, x, this.weight, this.bias, this.opts);
  }
  override config(): ModuleConfig { return { type: 'Conv1d', args: [this.inChannels, this.outChannels, this.kernelSize, this.layerOptions()] }; }
}
registerModule('Conv1d', (i: number, o: number, k: SizeArg, opts?: ConvLayerOptions) => new Conv1d(i, o, k, opts));

/**
 * 2-D convolution layer (torch.nn.Conv2d), NCHW.
 *
 * Shape: (N, inChannels, H, W) → (N, outChannels, Hout, Wout), Hout = ⌊(H + 2p − d·(k−1) − 1)/s⌋ + 1;
 * weight (out, in/groups, kH, kW).
 *
 * @example
 * const conv = new Conv2d(1, 6, 5, { padding: 2 });
 * conv.forward(randn([64, 1, 28, 28])).shape // [64, 6, 28, 28]
 */
export class Conv2d extends ConvBase {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvLayerOptions = {}) {
    super('Conv2d', inChannels, outChannels, kernelSize, 2, opts, false);
  }
  forward(x: Tensor): Tensor {
    return convNd('Conv2d', 2, x, this.weight, this.bias, this.opts);
  }
  override config(): ModuleConfig { return { type: 'Conv2d', args: [this.inChannels, this.outChannels, this.kernelSize, this.layerOptions()] }; }
}
registerModule('Conv2d', (i: number, o: number, k: SizeArg, opts?: ConvLayerOptions) => new Conv2d(i, o, k, opts));

export interface ConvTransposeLayerOptions extends Omit<ConvLayerOptions, 'padding'> {
  /** Cropped from both sides of the full output. Default 0. */
  padding?: SizeArg;
  /** Added to one side of the output to pick among the sizes a strided conv maps to one. Default 0. */
  outputPadding?: SizeArg;
}

/**
 * 2-D transposed convolution layer (torch.nn.ConvTranspose2d): upsamples by the stride.
 *
 * Shape: (N, inChannels, H, W) → (N, outChannels, Hout, Wout), Hout = (H−1)·s − 2p + d·(k−1) + outputPadding + 1;
 * weight (in, out/groups, kH, kW).
 *
 * @example
 * new ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1 }).forward(randn([1, 8, 7, 7])).shape // [1, 4, 14, 14]
 */
export class ConvTranspose2d extends ConvBase {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvTransposeLayerOptions = {}) {
    super('ConvTranspose2d', inChannels, outChannels, kernelSize, 2, opts, true);
  }
  forward(x: Tensor): Tensor {
    return convTransposeAs('ConvTranspose2d', x, this.weight, this.bias, this.opts as ConvTransposeLayerOptions);
  }
  override config(): ModuleConfig { return { type: 'ConvTranspose2d', args: [this.inChannels, this.outChannels, this.kernelSize, this.layerOptions()] }; }
}
registerModule('ConvTranspose2d', (i: number, o: number, k: SizeArg, opts?: ConvTransposeLayerOptions) => new ConvTranspose2d(i, o, k, opts));
