// Upsample layer (nearest neighbour).
import { ValueError } from '../errors.js';
import { upsampleNearest2d, type UpsampleOptions } from '../ops/upsample.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, registerModule, type ModuleConfig } from './module.js';

/**
 * Nearest-neighbour upsampling of (N, C, H, W) images (torch.nn.Upsample, mode 'nearest').
 *
 * Shape: (N, C, H, W) → (N, C, oH, oW), oH = size or ⌊H·scaleFactor⌋.
 *
 * @example
 * new Upsample({ scaleFactor: 2 }).forward(randn([1, 3, 4, 4])).shape // [1, 3, 8, 8]
 */
export class Upsample extends Module {
  constructor(readonly opts: UpsampleOptions & { mode?: 'nearest' }) {
    super();
    if (opts.mode !== undefined && opts.mode !== 'nearest') throw new ValueError('Upsample', `only mode 'nearest' is implemented, got '${String(opts.mode)}'`);
  }
  forward(x: Tensor): Tensor { return upsampleNearest2d(x, this.opts); }
  override config(): ModuleConfig { return { type: 'Upsample', args: [this.opts] }; }
  override extraRepr(): string { return JSON.stringify(this.opts); }
}
registerModule('Upsample', (o: UpsampleOptions) => new Upsample(o));
