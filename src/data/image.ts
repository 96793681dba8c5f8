// Image decoding: PNG (pngjs) and JPEG (jpeg-js), both pure JavaScript, into (C, H, W) float
// tensors with values in [0, 1]. The format is told by the file's magic bytes, not its name.
// The declared size is checked against `maxPixels` before a decoder starts (image-header.ts).
import { platform, sourceName, type FileSource } from '../platform/current.js';
import pngjs from 'pngjs';
import jpeg from 'jpeg-js';
import { ValueError } from '../errors.js';
import { checkLimit, limitOf, type Limits } from '../limits.js';
import { imageDimensions } from './image-header.js';
import { fromArray } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
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
