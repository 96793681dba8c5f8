// Movement ops: reshape/view, squeeze/unsqueeze, permute/transpose, expand, slicing, padding,
// flipping, concatenation and splitting, triangular masks.
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { promote } from '../tensor/dtype.js';
import { inferReshape, normalizeDim, normalizeDims, shapesEqual, shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { asTensor, execute, executeReshape, type TensorLike } from './dispatch.js';
import { cast, where } from './elementwise.js';

/** Same elements, new shape (one size may be -1). Shares storage with `x`. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferReshape('reshape', x.shape, shape);
  return shapesEqual(s, x.shape) ? x : executeReshape(x, s);
}
export const view = reshape;

/** Merge dims startDim..endDim into one. A scalar becomes shape [1]. */
export function flatten(x: Tensor, { startDim = 0, endDim = -1 }: { startDim?: number; endDim?: number } = {}): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new ShapeError('flatten', `startDim ${startDim} comes after endDim ${endDim} for shape ${shapeStr(x.shape)}`);
  const mid = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), mid, ...x.shape.slice(e + 1)]); // (..., prod(s..e), ...)
}

/** Drop size-1 dims (all of them, or those in `dim`; a listed dim of another size is kept). */
export function squeeze(x: Tensor, dim: number | readonly number[] | null = null): Tensor {
  const dims = dim === null ? null : normalizeDims('squeeze', dim, x.ndim);
  return reshape(x, x.shape.filter((s, i) => !(s === 1 && (dims === null || dims.includes(i)))));
}

/** Insert a size-1 dim at `dim` (in −(ndim+1)..ndim). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim, 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]); // (..., 1, ...)
}

/** Reorder dims: out.shape[i] = x.shape[dims[i]]. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new ShapeError('permute', `got ${dims.length} dims ${JSON.stringify(dims)} for a tensor with ${x.ndim} dims (shape ${shapeStr(x.shape)}); give each dim exactly once`);
  }
  const d = dims.map((v) => normalizeDim('permute', v, x.ndim));
  if (new Set(d).size !== d.length) throw new ShapeError('permute', `dims ${JSON.stringify(dims)} repeat a dim; give each dim exactly once`);
  if (d.every((v, i) => v === i)) return x;
  return execute('permute', [x], { dims: d }, d.map((v) => x.shape[v]!), x.dtype); // (x.shape[d0], x.shape[d1], ...)
}

/** Swap two dims (the last two by default). */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  if (x.ndim < 2) return x;
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

/** Broadcast to `shape` (new leading dims allowed; -1 keeps a size). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.ndim) {
    throw new ShapeError('expand', `target ${shapeStr(shape)} has fewer dims than the input ${shapeStr(x.shape)}`);
  }
  const off = shape.length - x.ndim;
  const out = shape.map((s, i) => {
    const own = i >= off ? x.shape[i - off]! : 1;
    if (s === -1) {
      if (i < off) throw new ShapeError('expand', `-1 is not allowed for a new leading dim (target ${shapeStr(shape)})`);
      return own;
    }
    if (own !== 1 && own !== s) {
      throw new ShapeError('expand', `can not expand ${shapeStr(x.shape)} to ${shapeStr(shape)}: size ${own} at dim ${i - off} must be 1 or ${s}`);
    }
    return s;
  });
  if (shapesEqual(out, x.shape)) return x;
  return execute('expand', [x], { shape: out }, out, x.dtype);
}
export const broadcastTo = expand;

/**
 * One slicing argument per dim: `null` keeps the dim, a number picks one index (dropping the dim),
 * `[start, stop, step]` (any may be null; negative start/stop count from the end) takes a range.
 */
export type SliceArg = number | null | undefined | readonly [(number | null)?, (number | null)?, (number | null)?];

interface Resolved { starts: number[]; steps: number[]; shape: number[]; keep: boolean[] }

function resolveSlices(op: string, shape: readonly number[], specs: readonly SliceArg[]): Resolved {
  if (specs.length > shape.length) {
    throw new ShapeError(op, `got ${specs.length} slice arguments for a tensor with ${shape.length} dims (shape ${shapeStr(shape)})`);
  }
  const r: Resolved = { starts: [], steps: [], shape: [], keep: [] };
  shape.forEach((n, d) => {
    const s = specs[d];
    if (typeof s === 'number') {
      if (!Number.isInteger(s) || s < -n || s >= n) {
        throw new ShapeError(op, `index ${s} is out of range for dim ${d} of size ${n} (shape ${shapeStr(shape)})`);
      }
      r.starts.push(s < 0 ? s + n : s); r.steps.push(1); r.shape.push(1); r.keep.push(false);
      return;
    }
    const [a = null, b = null, c = null] = s ?? [];
    const step = c ?? 1;
    if (!Number.isInteger(step) || step <= 0) throw new ValueError(op, `step must be a positive integer, got ${step} at dim ${d}; use flip() to reverse`);
    const clampIdx = (v: number): number => Math.min(n, Math.max(0, v < 0 ? v + n : v));
    const start = a === null ? 0 : clampIdx(a);
    const stop = b === null ? n : clampIdx(b);
    const len = stop > start ? Math.ceil((stop - start) / step) : 0;
    r.starts.push(start); r.steps.push(step); r.shape.push(len); r.keep.push(true);
  });
  return r;
}

/** Python-style slicing: `slice(x, [0, 2], null, [null, null, 2])` is `x[0:2, :, ::2]`. */
export function slice(x: Tensor, specs: readonly SliceArg[]): Tensor {
  const r = resolveSlices('slice', x.shape, specs);
  const full = r.starts.every((s) => s === 0) && r.steps.every((s) => s === 1) && shapesEqual(r.shape, x.shape);
  const out = full ? x : execute('slice', [x], { starts: r.starts, steps: r.steps }, r.shape, x.dtype);
  return r.keep.every(Boolean) ? out : reshape(out, r.shape.filter((_, i) => r.keep[i])); // drop indexed dims
}

/** Pick index `index` of `dim`, dropping that dim. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim('select', dim, x.ndim);
  const specs: SliceArg[] = x.shape.map(() => null);
  specs[d] = index;
  return slice(x, specs);
}

/** A copy of `x` with the slice given by `specs` replaced by `value` (broadcast to the slice). */
export function sliceUpdate(x: Tensor, specs: readonly SliceArg[], value: TensorLike): Tensor {
  const r = resolveSlices('sliceUpdate', x.shape, specs);
  const kept = r.shape.filter((_, i) => r.keep[i]);
  const v = reshape(expand(cast(asTensor('sliceUpdate', value, x), x.dtype), kept), r.shape); // value -> slice shape
  return execute('sliceUpdate', [x, v], { starts: r.starts, steps: r.steps }, x.shape, x.dtype);
}

/**
 * Constant padding in torch.nn.functional.pad order: `[left, right]` pads the last dim,
 * `[left, right, top, bottom]` the last two, and so on. Sizes must be ≥ 0.
 */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  if (padding.length % 2 !== 0 || padding.length / 2 > x.ndim) {
    throw new ShapeError('pad', `padding ${JSON.stringify(padding)} must hold a (before, after) pair per dim, for at most ${x.ndim} dims`);
  }
  if (padding.some((p) => !Number.isInteger(p) || p < 0)) throw new ValueError('pad', `padding sizes must be non-negative integers, got ${JSON.stringify(padding)}; use slice() to crop`);
  const pads: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < padding.length / 2; i++) pads[x.ndim - 1 - i] = [padding[2 * i]!, padding[2 * i + 1]!];
  if (pads.every(([a, b]) => a === 0 && b === 0)) return x;
  const shape = x.shape.map((s, d) => s + pads[d]![0] + pads[d]![1]); // each dim grows by before + after
  return execute('pad', [x], { pads, value }, shape, x.dtype);
}

/** Reverse the order of elements along `dims`. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const d = normalizeDims('flip', dims, x.ndim);
  if (d.length === 0) return x;
  return execute('flip', [x], { dims: d }, x.shape, x.dtype);
}

/** Join tensors along an existing dim; all other sizes must match. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('cat', 'needs at least one tensor');
  const first = tensors[0]!;
  const d = normalizeDim('cat', dim, first.ndim);
  let dt = first.dtype;
  for (const t of tensors) {
    if (!(t instanceof Tensor)) throw new DTypeError('cat', `expected a list of Tensors, got ${typeof t}`);
    if (t.ndim !== first.ndim || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new ShapeError('cat', `shapes ${tensors.map((u) => shapeStr(u.shape)).join(', ')} differ outside dim ${d}; all sizes but the cat dim must match`);
    }
    dt = promote(dt, t.dtype);
  }
  if (tensors.length === 1) return first;
  const shape = [...first.shape];
  shape[d] = tensors.reduce((n, t) => n + t.shape[d]!, 0); // (..., Σ sizes, ...)
  return execute('cat', tensors.map((t) => cast(t, dt)), { dim: d }, shape, dt);
}

/** Join same-shaped tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('stack', 'needs at least one tensor');
  const s0 = tensors[0]!.shape;
  for (const t of tensors) {
    if (!shapesEqual(t.shape, s0)) throw new ShapeError('stack', `all tensors must have the same shape, got ${tensors.map((u) => shapeStr(u.shape)).join(', ')}`);
  }
  const d = normalizeDim('stack', dim, s0.length, 1);
  return cat(tensors.map((t) => unsqueeze(t, d)), d); // (..., len(tensors), ...)
}

/** Split along `dim` into pieces of `size` (the last may be smaller) or of the listed sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, x.ndim);
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) throw new ValueError('split', `split size must be a positive integer, got ${sizeOrSections}`);
    sizes = [];
    for (let at = 0; at < n; at += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - at));
    if (n === 0) sizes.push(0);
  } else {
    sizes = [...sizeOrSections];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n) throw new ShapeError('split', `sections ${JSON.stringify(sizes)} add up to ${total} but dim ${d} has size ${n}`);
  }
  let at = 0;
  return sizes.map((s) => {
    const specs: SliceArg[] = x.shape.map(() => null);
    specs[d] = [at, at + s];
    at += s;
    return slice(x, specs);
  });
}

/** Split into `chunks` nearly equal pieces along `dim` (like torch.chunk: size ceil(n/chunks)). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError('chunk', `chunks must be a positive integer, got ${chunks}`);
  const n = x.shape[normalizeDim('chunk', dim, x.ndim)]!;
  return split(x, Math.max(1, Math.ceil(n / chunks)), dim);
}

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  if (x.ndim < 2) throw new ShapeError(op, `needs at least 2 dims, got shape ${shapeStr(x.shape)}`);
  const [r, c] = x.shape.slice(-2) as [number, number];
  const mask = new Uint8Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) mask[i * c + j] = (op === 'tril' ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  const m = fromArray(mask, [r, c], 'bool', x.storage.backend);
  return where(m, x, asTensor(op, 0, x));
}

/** Lower triangle of the last two dims (j − i ≤ diagonal); the rest set to 0. */
export const tril = (x: Tensor, diagonal = 0): Tensor => triangle('tril', x, diagonal);
/** Upper triangle of the last two dims (j − i ≥ diagonal); the rest set to 0. */
export const triu = (x: Tensor, diagonal = 0): Tensor => triangle('triu', x, diagonal);
