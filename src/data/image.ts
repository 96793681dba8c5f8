// Image decoding: PNG (pngjs) and JPEG (jpeg-js), both pure JavaScript, into (C, H, W) float
// tensors with values in [0, 1]; and the way back: PNG encoding and a grid of images in one. The format is told by the file's magic bytes, not its name.
// The declared size is checked against `maxPixels` before a decoder starts (image-header.ts).
import { platform, sourceName, type FileSource } from '../platform/current.js';
import pngjs from 'pngjs';
import jpeg from 'jpeg-js';
import { ShapeError, ValueError } from '../errors.js';
import { checkLimit, limitOf, type Limits } from '../limits.js';
import { imageDimensions } from './image-header.js';
import { fromArray } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface DecodeImageOptions {
  /**
   * Channels of the result: 1 (gray, ITU-R 601 luma), 3 (RGB) or 4 (RGBA). Default: 1 for
   * grayscale PNGs, 3 otherwise (alpha dropped).
   */
  channels?: 1 | 3 | 4;
  /** Default float32. */
  dtype?: DType;
  /** Named in error messages (e.g. the file path). */
  source?: string;
  /**
   * Most pixels (width × height, rows narrower than 64 pixels counted as 64) the header may
   * declare; checked before decoding. Default 2^25.
   */
  maxPixels?: number;
  /** Most bytes the JPEG decoder may allocate (jpeg-js's maxMemoryUsageInMB). Default 1 GiB. */
  maxBytes?: number;
}

/** Rows narrower than this count as this wide against maxPixels: decoding costs per row too. */
const MIN_ROW = 64;

/** Which decoder the bytes need, or null when they are neither PNG nor JPEG. */
export function imageFormat(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * Decode PNG or JPEG bytes into a (C, H, W) tensor with values in [0, 1].
 *
 * Shape: → (C, H, W).
 *
 * @example
 * const img = decodeImage(readFileSync('digit.png')); // (1, 28, 28) for a grayscale PNG
 */
export function decodeImage(bytes: Uint8Array, { channels, dtype = 'float32', source = 'image', ...limits }: DecodeImageOptions = {}): Tensor {
  const fmt = imageFormat(bytes);
  const maxPixels = limitOf('decodeImage', limits as Limits, 'maxPixels');
  if (fmt !== null) {
    const dims = imageDimensions('decodeImage', source, bytes, fmt);
    if (dims && (dims.width === 0 || dims.height === 0)) {
      // A zero side passes any pixel limit, yet the decoders still loop over the other side (2^31 rows).
      throw new ValueError('decodeImage', `${source}: the header declares a ${dims.width} × ${dims.height} image; a side of 0 is invalid, the file is corrupt`);
    }
    // Decoders also pay per row: rows narrower than 64 pixels count as 64 (a 1 × 2^22 PNG took 10 s and 1 GB).
    if (dims) checkLimit('decodeImage', `${source}: the pixels its header declares (${dims.width} × ${dims.height}${dims.width < MIN_ROW ? `, rows counted as ${MIN_ROW} wide` : ''})`, Math.max(dims.width, MIN_ROW) * dims.height, limits as Limits, 'maxPixels');
  }
  let rgba: Uint8Array | Uint16Array;
  let width: number;
  let height: number;
  let gray = false;
  let max = 255;
  try {
    if (fmt === 'png') {
      const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = png);
      rgba = png.data;
      gray = (png.colorType as number) === 0 || (png.colorType as number) === 4; // gray, gray + alpha
    } else if (fmt === 'jpeg') {
      const img = jpeg.decode(bytes, {
        useTArray: true, formatAsRGBA: true,
        maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: limitOf('decodeImage', limits as Limits, 'maxBytes') / 2 ** 20,
      });
      ({ width, height } = img);
      rgba = img.data;
    } else {
      throw new ValueError('decodeImage', `${source} is not a PNG or JPEG file (its first bytes are ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}); remove it or convert it`);
    }
  } catch (e) {
    if (e instanceof ValueError) throw e;
    throw new ValueError('decodeImage', `${source} could not be decoded as ${fmt?.toUpperCase()}: ${(e as Error).message}; the file may be truncated or corrupt`);
  }
  if (rgba instanceof Uint16Array) max = 65535;
  const c = channels ?? (gray ? 1 : 3);
  const n = width * height;
  const out = new Float32Array(c * n);
  for (let i = 0; i < n; i++) {
    const [r, g, b, a] = [rgba[4 * i]!, rgba[4 * i + 1]!, rgba[4 * i + 2]!, rgba[4 * i + 3]!];
    if (c === 1) out[i] = (0.299 * r + 0.587 * g + 0.114 * b) / max;
    else {
      out[i] = r / max;
      out[n + i] = g / max;
      out[2 * n + i] = b / max;
      if (c === 4) out[3 * n + i] = a / max;
    }
  }
  return fromArray(out, [c, height, width], dtype); // (C, H, W)
}

/** Read and decode an image file (see decodeImage). */
export function readImage(path: string, opts: Omit<DecodeImageOptions, 'source'> = {}): Tensor {
  return decodeImage(platform.readBytesSync('readImage', path), { ...opts, source: path });
}

/** Fetch or read an image (a URL, File/Blob or path) and decode it (see decodeImage). */
export async function loadImage(source: FileSource, opts: Omit<DecodeImageOptions, 'source'> = {}): Promise<Tensor> {
  return decodeImage(await platform.readBytes('loadImage', source), { ...opts, source: sourceName(source) });
}

/**
 * Encode a (C, H, W) or (H, W) image with values in [0, 1] (clamped; rounded to 8 bits) as PNG
 * bytes: 1 channel as grayscale, 3 as RGB, 4 as RGBA. The inverse of decodeImage up to rounding.
 *
 * @example
 * writeFileSync('digit.png', encodePng(x)); // x (1, 28, 28)
 */
export function encodePng(image: Tensor): Uint8Array {
  const op = 'encodePng';
  const img = image.ndim === 2 ? image.reshape([1, ...image.shape]) : image; // (H, W) -> (1, H, W)
  if (img.ndim !== 3 || ![1, 3, 4].includes(img.shape[0]!)) {
    throw new ShapeError(op, `image must be (H, W) or (C, H, W) with C = 1, 3 or 4 channels, got ${shapeStr(image.shape)}`);
  }
  const [c, height, width] = img.shape as [number, number, number];
  if (height < 1 || width < 1) throw new ShapeError(op, `image must be at least 1 × 1 pixels, got ${shapeStr(image.shape)}`);
  const v = img.data();
  const n = height * width;
  const png = new pngjs.PNG({ width, height, colorType: c === 1 ? 0 : c === 3 ? 2 : 6, inputColorType: 6, inputHasAlpha: true, bitDepth: 8 });
  const byte = (x: number): number => (Number.isNaN(x) ? 0 : Math.round(Math.min(Math.max(x, 0), 1) * 255));
  for (let i = 0; i < n; i++) {
    const [r, g, b] = c === 1 ? [v[i]!, v[i]!, v[i]!] : [v[i]!, v[n + i]!, v[2 * n + i]!];
    png.data[4 * i] = byte(r);
    png.data[4 * i + 1] = byte(g);
    png.data[4 * i + 2] = byte(b);
    png.data[4 * i + 3] = c === 4 ? byte(v[3 * n + i]!) : 255;
  }
  return new Uint8Array(pngjs.PNG.sync.write(png, { colorType: c === 1 ? 0 : c === 3 ? 2 : 6 }));
}

/**
 * A grid of images as one image, as torchvision.utils.make_grid: (N, C, H, W) tiles laid out
 * `nrow` per row (default 8), `padding` pixels (default 2) of `padValue` (default 0) around each.
 *
 * Shape: (N, C, H, W) → (C, rows·(H + p) + p, nrow'·(W + p) + p), nrow' = min(nrow, N).
 */
export function imageGrid(images: Tensor, { nrow = 8, padding = 2, padValue = 0 }: { nrow?: number; padding?: number; padValue?: number } = {}): Tensor {
  const op = 'imageGrid';
  if (images.ndim !== 4) throw new ShapeError(op, `images must be (N, C, H, W), got ${shapeStr(images.shape)}`);
  if (!Number.isInteger(nrow) || nrow < 1) throw new ValueError(op, `nrow must be a positive integer, got ${nrow}`);
  if (!Number.isInteger(padding) || padding < 0) throw new ValueError(op, `padding must be a non-negative integer, got ${padding}`);
  const [n, c, h, w] = images.shape as [number, number, number, number];
  const cols = Math.min(nrow, n);
  const rows = Math.ceil(n / nrow);
  const H = rows * (h + padding) + padding;
  const W = cols * (w + padding) + padding;
  const src = images.data();
  const out = new Float32Array(c * H * W).fill(padValue);
  for (let k = 0; k < n; k++) {
    const y0 = padding + Math.floor(k / cols) * (h + padding);
    const x0 = padding + (k % cols) * (w + padding);
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) out[(ch * H + y0 + y) * W + x0 + x] = src[((k * c + ch) * h + y) * w + x]!;
      }
    }
  }
  return fromArray(out, [c, H, W], images.dtype === 'float64' ? 'float64' : 'float32'); // (C, H', W')
}
