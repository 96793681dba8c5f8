// Image transforms (torchvision.transforms in TypeScript casing): resize, crops, shifts, flips,
// small rotations, Gaussian noise, normalize, compose. Each takes one image (C, H, W) or a batch
// (N, C, H, W) and returns a new tensor; random ones draw per image from a seeded Generator, so a
// fixed seed gives the same augmentation. They are data preparation: no gradients flow through them.
import { ShapeError, ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { defaultGenerator, Generator } from '../tensor/random.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** A function from images to images: (C, H, W) → (C, H', W') or (N, C, H, W) → (N, C, H', W'). */
export type Transform = (x: Tensor) => Tensor;

/** Where random transforms draw from: a Generator, or a seed for a new one. Default: the global generator. */
export interface RandomOptions {
  generator?: Generator;
  seed?: number;
}

const rng = (op: string, { generator, seed }: RandomOptions): Generator => {
  if (generator && seed !== undefined) throw new ValueError(op, 'give generator or seed, not both');
  return generator ?? (seed !== undefined ? new Generator(seed) : defaultGenerator);
};

type Plane = { data: Float64Array; h: number; w: number };
/** Per image: channels in, channels out (all the same size). */
type ImageFn = (channels: Plane[]) => Plane[];

/** Apply `fn` to every image of a (C, H, W) image or (N, C, H, W) batch. */
function mapImages(op: string, x: Tensor, fn: ImageFn): Tensor {
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(op, `expects an image (C, H, W) or a batch (N, C, H, W), got ${shapeStr(x.shape)}; reshape flat images first, e.g. reshape(x, [n, 1, 28, 28])`);
  const [n, c, h, w] = (x.ndim === 3 ? [1, ...x.shape] : x.shape) as [number, number, number, number];
  const src = x.data();
  const out: number[][] = [];
  let oh = h;
  let ow = w;
  for (let i = 0; i < n; i++) {
    const planes = Array.from({ length: c }, (_, k) => ({ data: Float64Array.from(src.subarray((i * c + k) * h * w, (i * c + k + 1) * h * w)), h, w }));
    const res = fn(planes);
    [oh, ow] = [res[0]!.h, res[0]!.w];
    for (const p of res) out.push(Array.from(p.data));
  }
  const flat = new Float64Array(n * c * oh * ow);
  out.forEach((p, j) => flat.set(p, j * oh * ow));
  return fromArray(flat, x.ndim === 3 ? [c, oh, ow] : [n, c, oh, ow], x.dtype, x.storage.backend); // (…, C, H', W')
}

function pair(op: string, v: number | readonly [number, number]): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.some((s) => !Number.isInteger(s) || s < 1)) throw new ValueError(op, `size must be positive integer(s), got ${JSON.stringify(v)}`);
  return p;
}

/** Bilinear sample of a plane at (y, x); `fill` outside. */
function sample(p: Plane, y: number, x: number, fill: number): number {
  if (y < -1 || x < -1 || y > p.h || x > p.w) return fill;
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const at = (r: number, q: number): number => (r < 0 || q < 0 || r >= p.h || q >= p.w ? fill : p.data[r * p.w + q]!);
  const dy = y - y0;
  const dx = x - x0;
  return (1 - dy) * ((1 - dx) * at(y0, x0) + dx * at(y0, x0 + 1)) + dy * ((1 - dx) * at(y0 + 1, x0) + dx * at(y0 + 1, x0 + 1));
}

/**
 * Resize with bilinear interpolation (half-pixel centres, like torch's align_corners=False).
 *
 * Shape: (…, C, H, W) → (…, C, h, w).
 *
 * @example
 * resize([32, 32])(img) // (3, 64, 48) -> (3, 32, 32)
 */
export function resize(size: number | readonly [number, number]): Transform {
  const [oh, ow] = pair('resize', size);
  return (x) => mapImages('resize', x, (planes) => planes.map((p) => {
    const out = new Float64Array(oh * ow);
    const sy = p.h / oh;
    const sx = p.w / ow;
    for (let r = 0; r < oh; r++) {
      const y = Math.min(Math.max((r + 0.5) * sy - 0.5, 0), p.h - 1);
      for (let q = 0; q < ow; q++) {
        const xx = Math.min(Math.max((q + 0.5) * sx - 0.5, 0), p.w - 1);
        out[r * ow + q] = sample(p, y, xx, 0);
      }
    }
    return { data: out, h: oh, w: ow };
  }));
}

function crop(p: Plane, top: number, left: number, h: number, w: number, fill: number): Plane {
  const out = new Float64Array(h * w).fill(fill);
  for (let r = 0; r < h; r++) {
    const sr = top + r;
    if (sr < 0 || sr >= p.h) continue;
    for (let q = 0; q < w; q++) {
      const sq = left + q;
      if (sq >= 0 && sq < p.w) out[r * w + q] = p.data[sr * p.w + sq]!;
    }
  }
  return { data: out, h, w };
}

/**
 * Crop the centre (zero-padded when the image is smaller).
 *
 * Shape: (…, C, H, W) → (…, C, h, w).
 *
 * @example
 * centerCrop(24)(img) // (1, 28, 28) -> (1, 24, 24)
 */
export function centerCrop(size: number | readonly [number, number]): Transform {
  const [h, w] = pair('centerCrop', size);
  return (x) => mapImages('centerCrop', x, (planes) => planes.map((p) => crop(p, Math.round((p.h - h) / 2), Math.round((p.w - w) / 2), h, w, 0)));
}

/**
 * Crop at a random place, after zero-padding each side by `padding` (the classic CIFAR recipe).
 *
 * Shape: (…, C, H, W) → (…, C, h, w).
 *
 * @example
 * randomCrop(28, { padding: 2, seed: 0 })(batch) // (N, 1, 28, 28) -> same, shifted up to 2 px
 */
export function randomCrop(size: number | readonly [number, number], opts: RandomOptions & { padding?: number } = {}): Transform {
  const [h, w] = pair('randomCrop', size);
  const pad = opts.padding ?? 0;
  const g = rng('randomCrop', opts);
  return (x) => mapImages('randomCrop', x, (planes) => {
    const { h: ph, w: pw } = planes[0]!;
    if (ph + 2 * pad < h || pw + 2 * pad < w) throw new ShapeError('randomCrop', `crop ${h}×${w} is larger than the padded image ${ph + 2 * pad}×${pw + 2 * pad}; add padding or crop smaller`);
    const top = g.int(0, ph + 2 * pad - h + 1) - pad;
    const left = g.int(0, pw + 2 * pad - w + 1) - pad;
    return planes.map((p) => crop(p, top, left, h, w, 0));
  });
}

/**
 * Shift each image by a random whole number of pixels in −maxShift..maxShift per axis, filling with `fill`.
 *
 * Shape: (…, C, H, W) → same.
 *
 * @example
 * randomShift({ maxShift: 2, seed: 1 })(batch)
 */
export function randomShift({ maxShift = 2, fill = 0, ...r }: RandomOptions & { maxShift?: number; fill?: number } = {}): Transform {
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new ValueError('randomShift', `maxShift must be a non-negative integer, got ${maxShift}`);
  const g = rng('randomShift', r);
  return (x) => mapImages('randomShift', x, (planes) => {
    const dy = g.int(-maxShift, maxShift + 1);
    const dx = g.int(-maxShift, maxShift + 1);
    return planes.map((p) => crop(p, -dy, -dx, p.h, p.w, fill));
  });
}

/**
 * Mirror left–right with probability p (default 0.5).
 *
 * Shape: (…, C, H, W) → same.
 *
 * @example
 * horizontalFlip({ p: 1 })(img) // always mirrored
 */
export function horizontalFlip({ p = 0.5, ...r }: RandomOptions & { p?: number } = {}): Transform {
  const g = rng('horizontalFlip', r);
  return (x) => mapImages('horizontalFlip', x, (planes) => {
    if (!(g.uniform() < p)) return planes;
    return planes.map((pl) => {
      const out = new Float64Array(pl.data.length);
      for (let i = 0; i < pl.h; i++) for (let j = 0; j < pl.w; j++) out[i * pl.w + j] = pl.data[i * pl.w + pl.w - 1 - j]!;
      return { data: out, h: pl.h, w: pl.w };
    });
  });
}

/**
 * Rotate each image by a random angle in −degrees..degrees about its centre (bilinear; `fill` outside).
 *
 * Shape: (…, C, H, W) → same.
 *
 * @example
 * randomRotation({ degrees: 10, seed: 0 })(batch)
 */
export function randomRotation({ degrees = 10, fill = 0, ...r }: RandomOptions & { degrees?: number; fill?: number } = {}): Transform {
  if (!(degrees >= 0)) throw new ValueError('randomRotation', `degrees must be ≥ 0, got ${degrees}`);
  const g = rng('randomRotation', r);
  return (x) => mapImages('randomRotation', x, (planes) => {
    const a = ((g.uniform() * 2 - 1) * degrees * Math.PI) / 180;
    const [cos, sin] = [Math.cos(a), Math.sin(a)];
    return planes.map((p) => {
      const out = new Float64Array(p.data.length);
      const cy = (p.h - 1) / 2;
      const cx = (p.w - 1) / 2;
      for (let i = 0; i < p.h; i++) {
        for (let j = 0; j < p.w; j++) {
          // Inverse map: the source of output pixel (i, j) is it rotated by −a about the centre.
          const y = cy + (i - cy) * cos - (j - cx) * sin;
          const xx = cx + (i - cy) * sin + (j - cx) * cos;
          out[i * p.w + j] = sample(p, y, xx, fill);
        }
      }
      return { data: out, h: p.h, w: p.w };
    });
  });
}

/**
 * Add N(0, std²) noise to every pixel (optionally clamped to [min, max]).
 *
 * Shape: (…, C, H, W) → same.
 *
 * @example
 * gaussianNoise({ std: 0.05, clamp: [0, 1], seed: 0 })(batch)
 */
export function gaussianNoise({ std = 0.1, clamp, ...r }: RandomOptions & { std?: number; clamp?: [number, number] } = {}): Transform {
  const g = rng('gaussianNoise', r);
  return (x) => mapImages('gaussianNoise', x, (planes) => planes.map((p) => {
    const out = p.data.map((v) => {
      const z = v + std * g.normal();
      return clamp ? Math.min(Math.max(z, clamp[0]), clamp[1]) : z;
    });
    return { data: out, h: p.h, w: p.w };
  }));
}

/**
 * Per-channel (x − mean[c]) / std[c].
 *
 * Shape: (…, C, H, W) → same; mean and std have C entries (or one for all).
 *
 * @example
 * normalize([0.1307], [0.3081])(img) // MNIST's statistics
 */
export function normalize(mean: readonly number[], std: readonly number[]): Transform {
  if (std.some((s) => !(s > 0))) throw new ValueError('normalize', `std must be positive, got ${JSON.stringify(std)}`);
  return (x) => mapImages('normalize', x, (planes) => {
    if ((mean.length !== 1 && mean.length !== planes.length) || mean.length !== std.length) {
      throw new ShapeError('normalize', `mean (${mean.length}) and std (${std.length}) need one value per channel (${planes.length}) or one for all`);
    }
    return planes.map((p, c) => {
      const [m, s] = [mean[mean.length === 1 ? 0 : c]!, std[std.length === 1 ? 0 : c]!];
      return { data: p.data.map((v) => (v - m) / s), h: p.h, w: p.w };
    });
  });
}

/**
 * Chain transforms left to right.
 *
 * @example
 * const augment = compose(randomShift({ maxShift: 2 }), randomRotation({ degrees: 10 }), gaussianNoise({ std: 0.05 }));
 * fit(model, { data, augment });
 */
export function compose(...transforms: Transform[]): Transform {
  return (x) => transforms.reduce((y, t) => t(y), x);
}
