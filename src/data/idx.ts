// Reader for the IDX format of the original MNIST files (train-images-idx3-ubyte etc., plain or
// gzipped). Layout: two zero bytes, a dtype byte, a dims byte, one big-endian uint32 size per dim,
// then the elements big-endian, row-major. Everything is validated before any element is read,
// and a gzipped file never inflates past what its header implies (nor `maxBytes`).
import { platform, sourceName, type FileSource } from '../platform/current.js';
import { ValueError } from '../errors.js';
import { checkLimit, limitOf, type Limits } from '../limits.js';
import { fromArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';

/** Element types an IDX file can declare, by their type byte. */
const IDX_TYPES = {
  0x08: { name: 'uint8', size: 1 },
  0x09: { name: 'int8', size: 1 },
  0x0b: { name: 'int16', size: 2 },
  0x0c: { name: 'int32', size: 4 },
  0x0d: { name: 'float32', size: 4 },
  0x0e: { name: 'float64', size: 8 },
} as const;

export type IdxDType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];

/** A decoded IDX array: its declared element type, its shape and its values (native byte order). */
export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** Limits of parseIdx: `maxBytes` bounds what a gzipped file may inflate to (default 1 GiB). */
export type IdxLimits = Pick<Limits, 'maxBytes'>;

/**
 * Decode an IDX buffer (gzip-compressed buffers are inflated first, never past the size the
 * header implies nor `maxBytes`). Checks the magic bytes, the type byte, the dims, and that the
 * data is exactly as long as the header promises; a truncated or padded file is refused with its
 * expected and actual sizes.
 *
 * @example
 * const { shape, data } = parseIdx(bytes); // shape [60000, 28, 28], data Uint8Array
 */
export function parseIdx(bytes: Uint8Array, source = 'parseIdx', limits?: IdxLimits): IdxArray {
  const op = source;
  if (isGzip(bytes)) bytes = inflate(op, bytes, limits);
  const { type, shape, headerBytes, count, expected } = readHeader(op, bytes);
  const actual = bytes.length - headerBytes;
  if (actual !== expected) {
    throw new ValueError(op, `shape [${shape.join(',')}] of ${type.name} needs ${expected} data bytes but the file has ${actual}; it is ${actual < expected ? 'truncated (download it again)' : 'followed by extra bytes (not a valid IDX file)'}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = (): Uint8Array => new Uint8Array(bytes.subarray(headerBytes)); // a copy: its own buffer, offset 0
  let data: IdxArray['data'];
  switch (type.name) {
    case 'uint8': data = body(); break;
    case 'int8': data = new Int8Array(body().buffer); break;
    case 'int16': data = Int16Array.from({ length: count }, (_, i) => view.getInt16(headerBytes + 2 * i, false)); break;
    case 'int32': data = Int32Array.from({ length: count }, (_, i) => view.getInt32(headerBytes + 4 * i, false)); break;
    case 'float32': data = Float32Array.from({ length: count }, (_, i) => view.getFloat32(headerBytes + 4 * i, false)); break;
    case 'float64': data = Float64Array.from({ length: count }, (_, i) => view.getFloat64(headerBytes + 8 * i, false)); break;
  }
  return { dtype: type.name, shape, data };
}

interface IdxHeader { type: (typeof IDX_TYPES)[keyof typeof IDX_TYPES]; shape: number[]; headerBytes: number; count: number; expected: number }

/** The header of IDX bytes (which may hold only a prefix of the file), validated. */
function readHeader(op: string, bytes: Uint8Array): IdxHeader {
  if (bytes.length < 4) throw new ValueError(op, `the file is ${bytes.length} bytes, shorter than the 4-byte IDX magic number; it is truncated or not an IDX file`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new ValueError(op, `bad magic number: an IDX file starts with two zero bytes, this one with 0x${hex(bytes[0]!)} 0x${hex(bytes[1]!)}; it is not an IDX file (MNIST files are named like train-images-idx3-ubyte)`);
  }
  const type = Object.hasOwn(IDX_TYPES, bytes[2]!) ? IDX_TYPES[bytes[2]! as keyof typeof IDX_TYPES] : undefined;
  if (type === undefined) {
    throw new ValueError(op, `unknown IDX type byte 0x${hex(bytes[2]!)}; valid ones are 0x08 (uint8), 0x09 (int8), 0x0B (int16), 0x0C (int32), 0x0D (float32), 0x0E (float64)`);
  }
  const ndim = bytes[3]!;
  if (ndim === 0) throw new ValueError(op, 'the header declares 0 dims; an IDX array needs at least one');
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new ValueError(op, `the header declares ${ndim} dims (${headerBytes} header bytes) but the file has only ${bytes.length} bytes; it is truncated`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, d) => view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  return { type, shape, headerBytes, count, expected: count * type.size };
}

/** Compressed bytes inflated to read the header: deflate expands 1 KB to at most about 1 MB. */
const HEADER_PREFIX = 1024;

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Inflate gzip bytes without trusting them: the header is read from a bounded prefix, then the
 * whole stream is inflated with zlib's maxOutputLength set to what that header implies (and
 * checked against `maxBytes` first), so a small bomb can not inflate to gigabytes.
 */
function inflate(op: string, bytes: Uint8Array, limits?: IdxLimits): Uint8Array {
  const gunzipSync = platform.gunzipSync;
  if (!gunzipSync) throw new ValueError(op, 'gzip-compressed IDX bytes can only be inflated asynchronously in a browser: load the file with readIdx(url)');
  const prefix = gunzipSync(op, bytes.subarray(0, HEADER_PREFIX), 1100 * HEADER_PREFIX, true);
  let expected: number;
  if (prefix.length >= 4 && prefix.length >= 4 + 4 * prefix[3]!) {
    const h = readHeader(op, prefix);
    expected = h.headerBytes + h.expected;
    checkLimit(op, `the inflated size its header implies (shape [${h.shape.join(',')}] of ${h.type.name}), in bytes,`, expected, limits, 'maxBytes');
  } else if (bytes.length <= HEADER_PREFIX) {
    expected = prefix.length; // the whole stream is shorter than a header: readHeader says why
  } else {
    readHeader(op, prefix); // a bad magic or type byte, or a header spread over a far longer stream
    throw new ValueError(op, `the first ${HEADER_PREFIX} gzip bytes hold no complete IDX header; the file is corrupted`);
  }
  const max = Math.max(1, expected);
  return gunzipSync(op, bytes, max, false, `the gzip stream inflates to more than the ${max} bytes its IDX header implies; the file is corrupted (extra data)`);
}

const hex = (b: number): string => b.toString(16).padStart(2, '0').toUpperCase();

/** Read and decode an IDX file (plain or .gz). */
export async function readIdx(path: FileSource, limits?: IdxLimits): Promise<IdxArray> {
  const op = `readIdx(${sourceName(path)})`;
  let bytes: Uint8Array = await platform.readBytes('readIdx', path);
  // A host without synchronous gzip (a browser) inflates here, bounded by maxBytes.
  if (!platform.gunzipSync && isGzip(bytes)) bytes = await platform.gunzip(op, bytes, limitOf(op, limits, 'maxBytes'));
  return parseIdx(bytes, op, limits);
}

/**
 * The original MNIST files as tensors: images scaled to [0, 1], x float32 (N, 784) (or
 * (N, 28, 28) with `flatten: false`), labels y int32 (N,). Paths may point at .gz files.
 *
 * @example
 * const { x, y } = await loadMnistIdx({ images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' });
 */
export async function loadMnistIdx(paths: { images: string; labels: string; flatten?: boolean } & IdxLimits): Promise<{ x: Tensor; y: Tensor }> {
  const op = 'loadMnistIdx';
  const [img, lab] = await Promise.all([readIdx(paths.images, paths), readIdx(paths.labels, paths)]);
  if (img.dtype !== 'uint8' || img.shape.length !== 3) {
    throw new ValueError(op, `${paths.images} holds ${img.dtype} [${img.shape.join(',')}], but MNIST images are uint8 [N, rows, cols]; are images and labels swapped?`);
  }
  if (lab.dtype !== 'uint8' || lab.shape.length !== 1) {
    throw new ValueError(op, `${paths.labels} holds ${lab.dtype} [${lab.shape.join(',')}], but MNIST labels are uint8 [N]; are images and labels swapped?`);
  }
  const [n, rows, cols] = img.shape as [number, number, number];
  if (lab.shape[0] !== n) throw new ValueError(op, `${n} images but ${lab.shape[0]} labels; use the labels file that belongs to the images file`);
  const pixels = new Float32Array(img.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = img.data[i]! / 255;
  const x = fromArray(pixels, paths.flatten === false ? [n, rows, cols] : [n, rows * cols], 'float32');
  return { x, y: fromArray(lab.data, [n], 'int32') };
}
