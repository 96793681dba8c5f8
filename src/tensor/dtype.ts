// Data types, their typed-array storage, and the promotion rule for mixed-dtype operations.
import { DTypeError } from '../errors.js';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type FloatDType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** Allocate a zero-filled typed array for `size` elements of `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'bool': return new Uint8Array(size);
  }
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'bool' ? 1 : 4;
}

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch-style promotion between two tensors: bool < int32 < float32 < float64. */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The dtype arithmetic produces: bool operands count as int32 (true + true = 2). */
export function arithmeticDType(a: DType, b: DType): DType {
  const p = promote(a, b);
  return p === 'bool' ? 'int32' : p;
}

/** The float dtype an op such as `div` or `exp` produces from `d` (ints become float32). */
export function toFloat(d: DType): FloatDType {
  return isFloat(d) ? d : 'float32';
}

export function assertFloat(op: string, dtype: DType, what = 'input'): void {
  if (!isFloat(dtype)) {
    throw new DTypeError(op, `${what} has dtype ${dtype} but a float dtype is required; convert it with .float() or .to('float64')`);
  }
}

export function assertDType(x: unknown, op = 'dtype'): DType {
  if (typeof x === 'string' && (DTYPES as readonly string[]).includes(x)) return x as DType;
  throw new DTypeError(op, `unknown dtype ${JSON.stringify(x)}; use one of ${DTYPES.join(', ')}`);
}
