// The safetensors format (huggingface/safetensors), read and write, with every field validated
// before a single tensor is built, so a truncated or corrupted file is refused whole.
//
// Layout: 8 bytes little-endian u64 N | N bytes of UTF-8 JSON header, starting with '{' and
// padded with spaces to a multiple of 8 | the data section. The header maps each tensor name to
// { dtype, shape, data_offsets: [begin, end] } (offsets relative to the data section) plus an
// optional "__metadata__" map of strings. The tensors' byte ranges must tile the data section
// exactly: no gaps, no overlaps, nothing after the last one. Elements are little-endian, row-major.
// Writing follows the reference implementation byte for byte: tensors ordered by dtype (widest
// first, the Rust `Dtype` enum order) then by name, compact JSON, "__metadata__" first.
import { platform, sourceName, type FileSource } from '../platform/current.js';
import { DTypeError, ValueError } from '../errors.js';
import { brief, isJsonObject, jsonDepth } from '../json-safety.js';
import { checkLimit, type Limits } from '../limits.js';
import { fromArray } from '../tensor/creation.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** Element types of the format. Axon reads all but the 8-bit floats, and writes F64/F32/I32/BOOL. */
export type SafetensorsDType = 'BOOL' | 'U8' | 'I8' | 'F8_E5M2' | 'F8_E4M3' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

/** Bytes per element, in the order of the reference `Dtype` enum (which fixes the write order). */
const ITEM_SIZE: Record<SafetensorsDType, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};
const RANK = Object.fromEntries(Object.keys(ITEM_SIZE).map((k, i) => [k, i])) as Record<SafetensorsDType, number>;
/** The Axon dtype each file dtype loads as (F16/BF16 widen to float32, integers narrow to int32). */
const AXON_DTYPE: Record<SafetensorsDType, DType> = {
  BOOL: 'bool', U8: 'int32', I8: 'int32', F8_E5M2: 'float32', F8_E4M3: 'float32', I16: 'int32', U16: 'int32', F16: 'float32', BF16: 'float32', I32: 'int32', U32: 'int32', F32: 'float32', F64: 'float64', I64: 'int32', U64: 'int32',
};
const FILE_DTYPE: Record<DType, SafetensorsDType> = { float64: 'F64', float32: 'F32', int32: 'I32', bool: 'BOOL' };

/** The reference reader refuses headers over 100 MB; so do we, before allocating anything. */
const MAX_HEADER_BYTES = 100_000_000;
/** Dims of one tensor: far more than any model uses, few enough to keep per-tensor work small. */
const MAX_RANK = 64;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

/** A parsed safetensors file. */
export interface SafetensorsFile {
  /** The tensors by name, in file (offset) order. */
  tensors: Record<string, Tensor>;
  /** The "__metadata__" strings, or null when the file has none. */
  metadata: Record<string, string> | null;
  /** The dtype each tensor had in the file (F16/BF16 load as float32, integer types as int32). */
  dtypes: Record<string, SafetensorsDType>;
}

/** Compare strings by their UTF-8 bytes, as Rust orders `String`s. */
function byteCompare(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Set an own property even for names like "__proto__" (tensor names come from files). */
function setOwn<V>(o: Record<string, V>, k: string, v: V): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v; // plain stores: defineProperty per tensor was a third of the cost of a many-tensor file
}

function checkMetadata(op: string, metadata: unknown): Record<string, string> {
  if (!isJsonObject(metadata)) {
    throw new ValueError(op, `__metadata__ must be a flat object of strings, got ${brief(metadata)}`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new ValueError(op, `__metadata__[${JSON.stringify(k)}] is ${brief(v)}; metadata values must be strings (use JSON.stringify for structured values)`);
  }
  return metadata as Record<string, string>;
}

/**
 * Encode tensors (and optional string metadata) as a safetensors file, byte-identical to what
 * the reference implementation (`safetensors.torch.save_file`) writes for the same tensors and
 * at most one metadata entry (metadata keys are written sorted; Rust's order is unspecified).
 *
 * @example
 * const bytes = serializeSafetensors({ 'fc.weight': w, 'fc.bias': b }, { format: 'pt' });
 */
export function serializeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  return serializeWith('serializeSafetensors', tensors, metadata, (t) => t.data());
}

/**
 * serializeSafetensors with the tensors read back asynchronously (all at once): the form that
 * works on every backend, WebGPU included.
 */
export async function serializeSafetensorsAsync(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Promise<Uint8Array> {
  const op = 'serializeSafetensors';
  for (const t of Object.values(tensors)) if (t instanceof Tensor) t.assertLive(op);
  const list = Object.values(tensors).filter((t) => t instanceof Tensor);
  const contents = await Promise.all(list.map((t) => t.dataAsync()));
  const read = new Map(list.map((t, i) => [t, contents[i]!]));
  return serializeWith(op, tensors, metadata, (t) => read.get(t)!);
}

function serializeWith(op: string, tensors: Record<string, Tensor>, metadata: Record<string, string> | undefined, contents: (t: Tensor) => TypedArray): Uint8Array {
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === '' || name === '__metadata__') throw new ValueError(op, `tensor name ${JSON.stringify(name)} is not allowed; rename it`);
    if (!(t instanceof Tensor)) throw new ValueError(op, `${JSON.stringify(name)} is not a Tensor (got ${typeof t})`);
    t.assertLive(op);
  }
  // Widest dtype first, then by name: keeps every tensor aligned to its element size.
  entries.sort(([na, a], [nb, b]) => RANK[FILE_DTYPE[b.dtype]] - RANK[FILE_DTYPE[a.dtype]] || byteCompare(na, nb));
  // The JSON is assembled by hand: a JS object would move integer-like names ("0") to the front.
  const fields: string[] = [];
  if (metadata !== undefined) {
    const m = checkMetadata(op, metadata);
    fields.push(`"__metadata__":{${Object.keys(m).sort(byteCompare).map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(',')}}`);
  }
  const datas: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    const bytes = toLittleEndianBytes(contents(t));
    const info = { dtype: FILE_DTYPE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    fields.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset += bytes.length;
    datas.push(bytes);
  }
  let json = utf8.encode(`{${fields.join(',')}}`);
  const pad = (8 - (json.length % 8)) % 8;
  if (pad > 0) {
    const padded = new Uint8Array(json.length + pad).fill(0x20); // spaces, as the format specifies
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const d of datas) { out.set(d, at); at += d.length; }
  return out;
}

function toLittleEndianBytes(a: TypedArray): Uint8Array {
  if (LITTLE_ENDIAN_HOST || a.BYTES_PER_ELEMENT === 1) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const v = new DataView(out.buffer);
  a.forEach((x, i) => {
    if (a instanceof Float32Array) v.setFloat32(4 * i, x, true);
    else if (a instanceof Float64Array) v.setFloat64(8 * i, x, true);
    else v.setInt32(4 * i, x, true);
  });
  return out;
}

interface Entry { name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }

/**
 * Decode a safetensors file. Before building any tensor it checks: the 8-byte length, that the
 * header fits in the file, is UTF-8 JSON starting with '{', every entry's dtype, shape and
 * offsets, that shape × element size equals each byte span, that the spans tile the data section
 * with no gap or overlap, and that no bytes trail the last tensor. Any failure is a ValueError
 * (DTypeError for an unknown or unsupported dtype) naming the tensor and the numbers at fault.
 *
 * @example
 * const { tensors, metadata } = parseSafetensors(bytes);
 */
export function parseSafetensors(bytes: Uint8Array, limits?: SafetensorsLimits): SafetensorsFile {
  return parseWith('parseSafetensors', bytes, limits);
}

/** Limits checked before anything is built: `maxTensors` (default 16,384) and `maxDepth` of the header JSON (64). */
export type SafetensorsLimits = Pick<Limits, 'maxTensors' | 'maxDepth'>;

function parseWith(op: string, bytes: Uint8Array, limits?: SafetensorsLimits): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) throw new ValueError(op, `expected the file's bytes as a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 8) throw new ValueError(op, `the file is ${bytes.length} bytes, shorter than the 8-byte header length; it is truncated or not a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) {
    throw new ValueError(op, `the header length field says ${n64} bytes, over the ${MAX_HEADER_BYTES}-byte limit; the file is corrupted or not a safetensors file`);
  }
  const n = Number(n64);
  if (8 + n > bytes.length) {
    throw new ValueError(op, `the header length field says ${n} bytes but the file has only ${bytes.length - 8} after it; the file is truncated or not a safetensors file`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new ValueError(op, 'the header is not valid UTF-8; the file is corrupted');
  }
  if (!text.startsWith('{')) throw new ValueError(op, `the header must start with '{', it starts with ${JSON.stringify(text.slice(0, 16))}; the file is corrupted or not a safetensors file`);
  checkLimit(op, 'the header\'s JSON nesting depth', jsonDepth(text), limits, 'maxDepth');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new ValueError(op, `the header is not valid JSON (${(e as Error).message}); the file is corrupted or truncated`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new ValueError(op, 'the header must be a JSON object of tensor entries');

  const names = Object.keys(header);
  checkLimit(op, 'the number of tensors in the header', names.length - (Object.hasOwn(header, '__metadata__') ? 1 : 0), limits, 'maxTensors');
  const dataBytes = bytes.length - 8 - n;
  let metadata: Record<string, string> | null = null;
  const entries: Entry[] = [];
  for (const name of names) {
    const info = (header as Record<string, unknown>)[name];
    if (name === '__metadata__') { metadata = checkMetadata(op, info); continue; }
    entries.push(checkEntry(op, name, info, dataBytes));
  }
  // The spans must tile [0, dataBytes): sorted by offset, each starts where the previous ended.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev = '';
  for (const e of entries) {
    if (e.begin < at) throw new ValueError(op, `tensor ${JSON.stringify(e.name)} (bytes ${e.begin}..${e.end}) overlaps ${JSON.stringify(prev)} (which ends at ${at}); the file is corrupted`);
    if (e.begin > at) throw new ValueError(op, `tensor ${JSON.stringify(e.name)} starts at byte ${e.begin} but the previous tensor ends at ${at}; offsets must be contiguous, the file is corrupted`);
    at = e.end;
    prev = e.name;
  }
  if (at !== dataBytes) {
    throw new ValueError(op, `the tensors cover ${at} bytes of data but the file holds ${dataBytes} after the header; ${dataBytes - at} trailing bytes mean the file is corrupted or was appended to`);
  }

  const base = 8 + n;
  const tensors: Record<string, Tensor> = {};
  const dtypes: Record<string, SafetensorsDType> = {};
  for (const e of entries) {
    const { values, dtype } = decode(op, e, bytes.subarray(base + e.begin, base + e.end));
    setOwn(tensors, e.name, fromArray(values, e.shape, dtype));
    setOwn(dtypes, e.name, e.dtype);
  }
  return { tensors, metadata, dtypes };
}

function checkEntry(op: string, name: string, info: unknown, dataBytes: number): Entry {
  const what = `tensor ${JSON.stringify(name)}`;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) throw new ValueError(op, `${what}: entry must be an object {dtype, shape, data_offsets}, got ${brief(info)}`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(ITEM_SIZE, dtype)) {
    throw new DTypeError(op, `${what}: unknown dtype ${brief(dtype)}; safetensors dtypes are ${Object.keys(ITEM_SIZE).join(', ')}`);
  }
  if (dtype === 'F8_E5M2' || dtype === 'F8_E4M3') throw new DTypeError(op, `${what}: dtype ${dtype} (8-bit float) is not supported; convert it to F16 or F32 before saving`);
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new ValueError(op, `${what}: shape must be an array of non-negative integers, got ${brief(shape)}`);
  if (shape.length > MAX_RANK) throw new ValueError(op, `${what}: shape has ${shape.length} dims, more than the ${MAX_RANK} Axon supports; the file is corrupted`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw new ValueError(op, `${what}: data_offsets must be [begin, end] with non-negative integers, got ${brief(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new ValueError(op, `${what}: data_offsets [${begin}, ${end}] end before they begin; the file is corrupted`);
  if (end > dataBytes) throw new ValueError(op, `${what}: data_offsets [${begin}, ${end}] reach past the ${dataBytes}-byte data section; the file is truncated or corrupted`);
  let bytes = ITEM_SIZE[dtype as SafetensorsDType];
  for (const s of shape) {
    bytes *= s;
    if (!Number.isSafeInteger(bytes)) throw new ValueError(op, `${what}: shape ${brief(shape)} is too large to address; the file is corrupted`);
  }
  if (bytes !== end - begin) {
    throw new ValueError(op, `${what}: shape ${brief(shape)} of ${dtype} needs ${bytes} bytes but data_offsets [${begin}, ${end}] span ${end - begin}; the file is corrupted`);
  }
  return { name, dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end };
}

/** Elements of one tensor, converted to the nearest Axon dtype. */
function decode(op: string, e: Entry, raw: Uint8Array): { values: ArrayLike<number>; dtype: DType } {
  const count = raw.length / ITEM_SIZE[e.dtype];
  if (count === 0) return { values: [], dtype: AXON_DTYPE[e.dtype] }; // no copy, no views: many empty tensors stay cheap
  const copy = new Uint8Array(raw); // own, aligned buffer (not raw.slice(): a Node Buffer's slice is a view into the whole file)
  const v = new DataView(copy.buffer);
  const each = (f: (i: number) => number): Float64Array => Float64Array.from({ length: count }, (_, i) => f(i));
  const int32 = (f: (i: number) => number | bigint): Int32Array => Int32Array.from({ length: count }, (_, i) => {
    const x = Number(f(i));
    if (x < -2147483648 || x > 2147483647) {
      throw new ValueError(op, `tensor ${JSON.stringify(e.name)} (${e.dtype}) holds ${x} at element ${i}, outside the int32 range Axon's integer tensors use`);
    }
    return x;
  });
  switch (e.dtype) {
    case 'F64': return { values: LITTLE_ENDIAN_HOST ? new Float64Array(copy.buffer) : each((i) => v.getFloat64(8 * i, true)), dtype: 'float64' };
    case 'F32': return { values: LITTLE_ENDIAN_HOST ? new Float32Array(copy.buffer) : each((i) => v.getFloat32(4 * i, true)), dtype: 'float32' };
    case 'F16': return { values: each((i) => halfToFloat(v.getUint16(2 * i, true))), dtype: 'float32' };
    case 'BF16': return { values: each((i) => bf16ToFloat(v.getUint16(2 * i, true))), dtype: 'float32' };
    case 'I32': return { values: LITTLE_ENDIAN_HOST ? new Int32Array(copy.buffer) : int32((i) => v.getInt32(4 * i, true)), dtype: 'int32' };
    case 'U32': return { values: int32((i) => v.getUint32(4 * i, true)), dtype: 'int32' };
    case 'I64': return { values: int32((i) => v.getBigInt64(8 * i, true)), dtype: 'int32' };
    case 'U64': return { values: int32((i) => v.getBigUint64(8 * i, true)), dtype: 'int32' };
    case 'I16': return { values: int32((i) => v.getInt16(2 * i, true)), dtype: 'int32' };
    case 'U16': return { values: int32((i) => v.getUint16(2 * i, true)), dtype: 'int32' };
    case 'I8': return { values: new Int8Array(copy.buffer), dtype: 'int32' };
    case 'U8': return { values: copy, dtype: 'int32' };
    case 'BOOL': return { values: copy, dtype: 'bool' };
    default: throw new DTypeError(op, `tensor ${JSON.stringify(e.name)}: dtype ${e.dtype} is not supported`);
  }
}

/** IEEE 754 half precision → number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal: frac/1024 · 2^-14
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const bfView = new DataView(new ArrayBuffer(4));
/** bfloat16 (the top half of a float32) → number. */
function bf16ToFloat(b: number): number {
  bfView.setUint32(0, b << 16, false);
  return bfView.getFloat32(0, false);
}

/**
 * Write tensors to a .safetensors file atomically (temp file + fsync + rename): a crash leaves
 * the previous file intact, never a partial one.
 *
 * @example
 * await saveSafetensors('mlp.safetensors', { 'fc1.weight': w1, 'fc1.bias': b1 }, { format: 'pt' });
 */
export async function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  await platform.writeFileAtomic(path, await serializeSafetensorsAsync(tensors, metadata));
}

/** `saveSafetensors` for synchronous callers. */
export function saveSafetensorsSync(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  platform.writeFileAtomicSync(path, serializeSafetensors(tensors, metadata));
}

/**
 * Read and validate a .safetensors file (see `parseSafetensors`); errors name the path.
 *
 * @example
 * const { tensors } = await loadSafetensors('mlp.safetensors');
 */
export async function loadSafetensors(path: FileSource, limits?: SafetensorsLimits): Promise<SafetensorsFile> {
  return parseWith(`loadSafetensors(${sourceName(path)})`, await platform.readBytes('loadSafetensors', path), limits);
}

/** `loadSafetensors` for synchronous callers. */
export function loadSafetensorsSync(path: string, limits?: SafetensorsLimits): SafetensorsFile {
  return parseWith(`loadSafetensorsSync(${path})`, platform.readBytesSync('loadSafetensorsSync', path), limits);
}
