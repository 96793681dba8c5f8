// The default collate: turns a list of samples into one batch, position by position (tuples),
// key by key (plain objects), stacking tensors and numeric arrays along a new first dim.
import { ShapeError, ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { dtypeOfArray, type DType, type TypedArray } from '../tensor/dtype.js';
import { stack } from '../ops/movement.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

type NumericNested = number | readonly NumericNested[];
type NumericArray = readonly number[] | readonly (readonly number[])[] | readonly (readonly (readonly number[])[])[];

/**
 * The batch type `defaultCollate` makes from samples of type `T`: tensors, numbers, booleans and
 * numeric (nested) arrays become one Tensor; strings a string[]; tuples and objects are collated
 * field by field.
 */
export type Collated<T> =
  T extends Tensor ? Tensor :
  T extends number | boolean ? Tensor :
  T extends TypedArray ? Tensor :
  T extends string ? string[] :
  T extends NumericArray ? Tensor :
  T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> } :
  T extends object ? { -readonly [K in keyof T]: Collated<T[K]> } :
  never;

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : v instanceof Tensor ? `a Tensor ${shapeStr(v.shape)}` : typeof v);

/** Nesting depth of a number array whose elements all nest equally deep (0 for a number), else -1. */
function numericDepth(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (!Array.isArray(v) || v.length === 0) return -1;
  const d = numericDepth(v[0]);
  if (d < 0) return -1;
  for (let i = 1; i < v.length; i++) if (numericDepth(v[i]) !== d) return -1;
  return d + 1;
}

/** Shape of a rectangular nested number array, or null if it is ragged. */
function numericShape(v: unknown): number[] | null {
  if (typeof v === 'number') return [];
  const a = v as unknown[];
  const inner = numericShape(a[0]);
  if (inner === null) return null;
  for (let i = 1; i < a.length; i++) {
    const s = numericShape(a[i]);
    if (s === null || s.length !== inner.length || s.some((x, j) => x !== inner[j])) return null;
  }
  return [a.length, ...inner];
}

function flattenInto(v: NumericNested, out: number[]): void {
  if (typeof v === 'number') out.push(v);
  else for (const e of v) flattenInto(e, out);
}

function collateAt(items: readonly unknown[], where: string): unknown {
  const first = items[0];
  const mismatch = (i: number): never => {
    throw new ValueError('defaultCollate', `sample ${i}${where} is ${describe(items[i])} but sample 0${where} is ${describe(first)}; every sample must have the same structure`);
  };
  if (first instanceof Tensor) {
    items.forEach((t, i) => {
      if (!(t instanceof Tensor)) mismatch(i);
      else if (t.shape.length !== first.shape.length || t.shape.some((s, j) => s !== first.shape[j])) {
        throw new ShapeError('defaultCollate', `sample ${i}${where} has shape ${shapeStr(t.shape)} but sample 0${where} has ${shapeStr(first.shape)}; pad samples to one shape or pass a collate that does`);
      }
    });
    return stack(items as Tensor[]); // (B, ...)
  }
  if (typeof first === 'number' || typeof first === 'boolean') {
    const dt: DType = typeof first === 'boolean' ? 'bool' : 'float32';
    const vals = items.map((v, i) => (typeof v === typeof first ? Number(v) : mismatch(i)));
    return fromArray(vals, [items.length], dt); // (B,)
  }
  if (typeof first === 'string') {
    items.forEach((v, i) => { if (typeof v !== 'string') mismatch(i); });
    return [...items] as string[];
  }
  if (ArrayBuffer.isView(first)) {
    const a0 = first as TypedArray;
    const dt: DType = a0 instanceof Uint8Array ? 'float32' : dtypeOfArray(a0);
    const out = new Float64Array(items.length * a0.length);
    items.forEach((v, i) => {
      if (!ArrayBuffer.isView(v) || (v as TypedArray).length !== a0.length) {
        throw new ShapeError('defaultCollate', `sample ${i}${where} is ${ArrayBuffer.isView(v) ? `a typed array of length ${(v as TypedArray).length}` : describe(v)} but sample 0${where} has length ${a0.length}; every sample must have the same length`);
      }
      out.set(v as TypedArray, i * a0.length);
    });
    return fromArray(out, [items.length, a0.length], dt); // (B, L)
  }
  if (Array.isArray(first)) {
    const depth = numericDepth(first);
    if (depth > 0) {
      // A numeric (nested) array: one tensor row per sample.
      const s0 = numericShape(first);
      if (s0 === null) throw new ShapeError('defaultCollate', `sample 0${where} is a ragged nested array; pad rows to one length or pass a collate that does`);
      const flat: number[] = [];
      items.forEach((v, i) => {
        const s = numericDepth(v) === depth ? numericShape(v) : null;
        if (s === null || s.some((x, j) => x !== s0[j])) {
          throw new ShapeError('defaultCollate', `sample ${i}${where} has shape ${s === null ? `(not a rectangular numeric array like sample 0: ${describe(v)})` : shapeStr(s)} but sample 0${where} has ${shapeStr(s0)}; pad samples to one shape or pass a collate that does`);
        }
        flattenInto(v as NumericNested, flat);
      });
      return fromArray(flat, [items.length, ...s0], 'float32'); // (B, ...)
    }
    // A tuple: collate each position.
    items.forEach((v, i) => { if (!Array.isArray(v) || v.length !== first.length) mismatch(i); });
    return first.map((_, k) => collateAt(items.map((v) => (v as unknown[])[k]), `${where}[${k}]`));
  }
  if (first !== null && typeof first === 'object') {
    const keys = Object.keys(first);
    items.forEach((v, i) => { if (v === null || typeof v !== 'object' || Array.isArray(v)) mismatch(i); });
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = collateAt(items.map((v) => (v as Record<string, unknown>)[k]), `${where}.${k}`);
    return out;
  }
  throw new ValueError('defaultCollate', `sample 0${where} is ${describe(first)}, which can not be batched; return tensors, numbers, arrays or objects of them from get(), or pass a collate`);
}

/**
 * Batch a list of samples like PyTorch's `default_collate`: Tensors are stacked (B, …); numbers
 * become a float32 tensor (B,) — JavaScript can not tell 1 from 1.0, so return an int32 scalar
 * tensor from `get` (or use TensorDataset) for class labels; booleans a bool tensor; numeric
 * (nested) arrays and typed arrays a tensor (B, …); strings stay a string[]; tuples and plain
 * objects are collated field by field.
 *
 * @example
 * defaultCollate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]); // [Tensor [2,2], Tensor [2]]
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (samples.length === 0) throw new ValueError('defaultCollate', 'got an empty list of samples; a batch needs at least one');
  return collateAt(samples, '') as Collated<T>;
}
