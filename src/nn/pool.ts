// Pooling layers: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool2d (no weights).
import { avgPoolNd, adaptiveAvgPool2d, maxPoolNd, type AvgPoolOptions, type MaxPoolOptions } from '../ops/pool.js';
import type { SizeArg } from '../ops/unfold.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, registerModule, type ModuleConfig } from './module.js';

/**
 * 1-D max pooling (torch.nn.MaxPool1d); stride defaults to the kernel size.
 *
 * Shape: (N, C, L) → (N, C, Lout).
 *
 * @example
 * new MaxPool1d(2).forward(randn([2, 3, 10])).shape // [2, 3, 5]
 */
export class MaxPool1d extends Module {
  constructor(readonly kernelSize: SizeArg, readonly opts: MaxPoolOptions = {}) { super(); }
  forward(x: Tensor): Tensor { return maxPoolNd('MaxPool1d', 1, x, this.kernelSize, this.opts); }
  override config(): ModuleConfig { return { type: 'MaxPool1d', args: [this.kernelSize, this.opts] }; }
  override extraRepr(): string { return `kernelSize=${JSON.stringify(this.kernelSize)}, ${JSON.stringify(this.opts)}`; }
}
registerModule('MaxPool1d', (k: SizeArg, o?: MaxPoolOptions) => new MaxPool1d(k, o));

/**
 * 2-D max pooling (torch.nn.MaxPool2d): −∞ padding, dilation, ceilMode; stride defaults to the kernel size.
 *
 * Shape: (N, C, H, W) → (N, C, Hout, Wout).
 *
 * @example
 * new MaxPool2d(2).forward(randn([64, 6, 28, 28])).shape // [64, 6, 14, 14]
 */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: SizeArg, readonly opts: MaxPoolOptions = {}) { super(); }
  forward(x: Tensor): Tensor { return maxPoolNd('MaxPool2d', 2, x, this.kernelSize, this.opts); }
  override config(): ModuleConfig { return { type: 'MaxPool2d', args: [this.kernelSize, this.opts] }; }
  override extraRepr(): string { return `kernelSize=${JSON.stringify(this.kernelSize)}, ${JSON.stringify(this.opts)}`; }
}
registerModule('MaxPool2d', (k: SizeArg, o?: MaxPoolOptions) => new MaxPool2d(k, o));

/**
 * 1-D average pooling (torch.nn.AvgPool1d).
 *
 * Shape: (N, C, L) → (N, C, Lout).
 *
 * @example
 * new AvgPool1d(3, { stride: 1, padding: 1 }).forward(randn([2, 3, 10])).shape // [2, 3, 10]
 */
export class AvgPool1d extends Module {
  constructor(readonly kernelSize: SizeArg, readonly opts: AvgPoolOptions = {}) { super(); }
  forward(x: Tensor): Tensor { return avgPoolNd('AvgPool1d', 1, x, this.kernelSize, this.opts); }
  override config(): ModuleConfig { return { type: 'AvgPool1d', args: [this.kernelSize, this.opts] }; }
  override extraRepr(): string { return `kernelSize=${JSON.stringify(this.kernelSize)}, ${JSON.stringify(this.opts)}`; }
}
registerModule('AvgPool1d', (k: SizeArg, o?: AvgPoolOptions) => new AvgPool1d(k, o));

/**
 * 2-D average pooling (torch.nn.AvgPool2d); countIncludePad chooses the divisor at the borders.
 *
 * Shape: (N, C, H, W) → (N, C, Hout, Wout).
 *
 * @example
 * new AvgPool2d(2).forward(randn([1, 3, 8, 8])).shape // [1, 3, 4, 4]
 */
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: SizeArg, readonly opts: AvgPoolOptions = {}) { super(); }
  forward(x: Tensor): Tensor { return avgPoolNd('AvgPool2d', 2, x, this.kernelSize, this.opts); }
  override config(): ModuleConfig { return { type: 'AvgPool2d', args: [this.kernelSize, this.opts] }; }
  override extraRepr(): string { return `kernelSize=${JSON.stringify(this.kernelSize)}, ${JSON.stringify(this.opts)}`; }
}
registerModule('AvgPool2d', (k: SizeArg, o?: AvgPoolOptions) => new AvgPool2d(k, o));

/**
 * Adaptive 2-D average pooling (torch.nn.AdaptiveAvgPool2d); outputSize 1 is global average pooling.
 *
 * Shape: (N, C, H, W) → (N, C, oH, oW).
 *
 * @example
 * new AdaptiveAvgPool2d(1).forward(randn([8, 64, 7, 7])).shape // [8, 64, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly (number | null)[]) { super(); }
  forward(x: Tensor): Tensor { return adaptiveAvgPool2d(x, this.outputSize); }
  override config(): ModuleConfig { return { type: 'AdaptiveAvgPool2d', args: [this.outputSize] }; }
  override extraRepr(): string { return `outputSize=${JSON.stringify(this.outputSize)}`; }
}
registerModule('AdaptiveAvgPool2d', (o: number | (number | null)[]) => new AdaptiveAvgPool2d(o));
