// On-the-fly image augmentation for training batches (never for validation or test data).
import { ShapeError, ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

export interface RandomShiftOptions {
  /** Largest shift in pixels along each axis (uniform in −max..max). Default 2. */
  maxShift?: number;
  /** Image height and width, needed when images are flattened to (N, H·W). */
  height?: number;
  width?: number;
  /** Value shifted in at the borders. Default 0 (black background). */
  fill?: number;
  generator?: Generator;
}

/**
 * Shift every image of a batch by a random whole number of pixels (each image its own shift).
 * Accepts (N, C, H, W), (N, H, W), or flattened (N, H·W) with `height`/`width`.
 *
 * @example
 * fit(model, { data: train, augment: (x) => randomShift(x, { height: 28, width: 28 }) });
 */
export function randomShift(x: Tensor, { maxShift = 2, height, width, fill = 0, generator = defaultGenerator }: RandomShiftOptions = {}): Tensor {
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new ValueError('randomShift', `maxShift must be a non-negative integer, got ${maxShift}`);
  let h: number;
  let w: number;
  if (x.ndim === 2) {
    if (height === undefined || width === undefined || height * width !== x.shape[1]) {
      throw new ShapeError('randomShift', `a flattened batch ${JSON.stringify(x.shape)} needs height and width with height·width = ${x.shape[1]}`);
    }
    [h, w] = [height, width];
  } else if (x.ndim === 3 || x.ndim === 4) {
    [h, w] = x.shape.slice(-2) as [number, number];
  } else throw new ShapeError('randomShift', `expects (N, C, H, W), (N, H, W) or (N, H·W) images, got shape ${JSON.stringify(x.shape)}`);
  const n = x.shape[0]!;
  const planes = x.numel / (n * h * w); // channels per image
  const src = x.data();
  const out = new Float32Array(src.length).fill(fill);
  for (let i = 0; i < n; i++) {
    const dy = generator.int(-maxShift, maxShift + 1);
    const dx = generator.int(-maxShift, maxShift + 1);
    for (let c = 0; c < planes; c++) {
      const base = (i * planes + c) * h * w;
      for (let r = Math.max(0, dy); r < Math.min(h, h + dy); r++) {
        const from = base + (r - dy) * w;
        const to = base + r * w;
        for (let q = Math.max(0, dx); q < Math.min(w, w + dx); q++) out[to + q] = src[from + q - dx]!;
      }
    }
  }
  return fromArray(out, x.shape, x.dtype, x.storage.backend);
}
