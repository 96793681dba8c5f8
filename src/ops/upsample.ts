// Nearest-neighbour upsampling: two index selections, so the gradient sums the copies back.
import { ShapeError, ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { indexSelect } from './indexing.js';

export interface UpsampleOptions {
  /** Output (H, W) (or one number for both). Give this or scaleFactor. */
  size?: number | readonly [number, number];
  /** Multiplier of H and W (or one number for both). */
  scaleFactor?: number | readonly [number, number];
}

/**
 * Nearest-neighbour 2-D upsampling (torch.nn.functional.interpolate, mode 'nearest'): output pixel
 * i reads input pixel ⌊i·scale⌋ with scale = 1/scaleFactor (or in/out when `size` is given).
 *
 * Shape: (N, C, H, W) → (N, C, oH, oW).
 *
 * @example
 * upsampleNearest2d(randn([1, 3, 4, 4]), { scaleFactor: 2 }).shape // [1, 3, 8, 8]
 */
export function upsampleNearest2d(x: Tensor, { size, scaleFactor }: UpsampleOptions): Tensor {
  const op = 'upsampleNearest2d';
  if (x.ndim !== 4) throw new ShapeError(op, `expects a 4-D input (N, C, H, W), got ${shapeStr(x.shape)}${x.ndim === 3 ? '; add the batch dim with unsqueeze(x, 0)' : ''}`);
  if ((size === undefined) === (scaleFactor === undefined)) throw new ValueError(op, 'give exactly one of size and scaleFactor');
  const ins = x.shape.slice(2) as [number, number];
  const pair = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
  const outs = size !== undefined ? pair(size) : pair(scaleFactor!).map((f, i) => Math.floor(ins[i]! * f));
  const scales = size !== undefined ? ins.map((n, i) => n / outs[i]!) : pair(scaleFactor!).map((f) => 1 / f);
  if (outs.some((o) => !Number.isInteger(o) || o < 1)) throw new ValueError(op, `output size must be positive integers, got ${JSON.stringify(outs)}`);
  let y = x;
  for (let i = 0; i < 2; i++) {
    const idx = Array.from({ length: outs[i]! }, (_, j) => Math.min(Math.floor(j * scales[i]!), ins[i]! - 1));
    y = indexSelect(y, i + 2, fromArray(idx, [outs[i]!], 'int32', x.storage.backend)); // (N, C, oH, W) then (N, C, oH, oW)
  }
  return y;
}
