// Creating tensors: from nested arrays or typed arrays, constant fills, ranges, and seeded random.
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { assertDType, dtypeOfArray, isFloat, type DType, type TypedArray } from './dtype.js';
import { defaultGenerator, type Generator } from './random.js';
import { assertValidShape, numelOf, shapeStr } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';

export interface CreateOptions {
  /** Element type. Numbers default to float32 (JS can not tell 1 from 1.0), booleans to bool. */
  dtype?: DType;
  /** Track gradients for this leaf (float dtypes only). */
  requiresGrad?: boolean;
}

/** Wrap a typed array (copied) as a tensor of `shape` (float32 unless `dtype` says) on `backend` (the active one by default). */
export function fromArray(data: ArrayLike<number>, shape: readonly number[], dtype: DType = 'float32', backend: Backend = getBackend()): Tensor {
  assertDType(dtype, 'fromArray');
  assertValidShape('tensor', shape);
  if (data.length !== numelOf(shape)) {
    throw new ShapeError('tensor', `${data.length} values can not fill shape ${shapeStr(shape)} (${numelOf(shape)} elements)`);
  }
  const s = backend.alloc(dtype, data.length);
  if (data.length > 0) backend.write(s, dtype === 'bool' ? Array.from(data, (v) => (v ? 1 : 0)) : data);
  return new Tensor(s, shape, dtype);
}

function finish(t: Tensor, opts: CreateOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

function inferShape(x: NestedArray, path: string): number[] {
  if (!Array.isArray(x)) return [];
  if (x.length === 0) return [0];
  const inner = inferShape(x[0]!, `${path}[0]`);
  for (let i = 1; i < x.length; i++) {
    const s = inferShape(x[i]!, `${path}[${i}]`);
    if (s.length !== inner.length || s.some((v, j) => v !== inner[j])) {
      throw new ShapeError('tensor', `ragged nested array: ${path}[0] has shape ${shapeStr(inner)} but ${path}[${i}] has shape ${shapeStr(s)}; every row must have the same length`);
    }
  }
  return [x.length, ...inner];
}

/**
 * Make a tensor from a number, a nested array or a typed array.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]]);            // float32, shape [2, 2]
 * const y = tensor([0, 2, 1], { dtype: 'int32' }); // class labels
 * const w = tensor(new Float64Array([0.5]), { requiresGrad: true });
 */
export function tensor(data: NestedArray | TypedArray | Tensor, opts: CreateOptions = {}): Tensor {
  if (opts.dtype !== undefined) assertDType(opts.dtype, 'tensor');
  if (data instanceof Tensor) {
    const dt = opts.dtype ?? data.dtype;
    return finish(fromArray(data.data(), data.shape, dt), opts);
  }
  if (ArrayBuffer.isView(data)) {
    const dt = opts.dtype ?? (data instanceof Uint8Array ? 'float32' : dtypeOfArray(data as TypedArray));
    return finish(fromArray(data as TypedArray, [(data as TypedArray).length], dt), opts);
  }
  const shape = inferShape(data, 'data');
  const flat: number[] = [];
  let sawBool = false;
  let sawNumber = false;
  const walk = (v: NestedArray): void => {
    if (Array.isArray(v)) { for (const e of v) walk(e); return; }
    if (typeof v === 'boolean') { sawBool = true; flat.push(v ? 1 : 0); return; }
    if (typeof v !== 'number') throw new DTypeError('tensor', `expected numbers or booleans, got ${v === null ? 'null' : typeof v} (${JSON.stringify(v)})`);
    sawNumber = true;
    flat.push(v);
  };
  walk(data);
  const dt: DType = opts.dtype ?? (sawBool && !sawNumber ? 'bool' : 'float32');
  if (dt === 'int32') {
    const bad = flat.find((v) => !Number.isInteger(v));
    if (bad !== undefined) throw new DTypeError('tensor', `value ${bad} is not an integer but dtype is int32; round it first or use a float dtype`);
  }
  return finish(fromArray(flat, shape, dt), opts);
}

function filled(shape: readonly number[], value: number, opts: CreateOptions, b: Backend = getBackend()): Tensor {
  if (typeof opts !== 'object' || opts === null) {
    throw new DTypeError('full', `options must be an object like { dtype: 'int32' }, got ${JSON.stringify(opts)}`);
  }
  const dt = opts.dtype === undefined ? 'float32' : assertDType(opts.dtype, 'full');
  assertValidShape('full', shape);
  const n = numelOf(shape);
  const s = b.alloc(dt, n);
  if (value !== 0 && n > 0) b.write(s, new Float64Array(n).fill(value));
  return finish(new Tensor(s, shape, dt), opts);
}

/** A tensor of zeros. */
export const zeros = (shape: readonly number[], opts: CreateOptions = {}): Tensor => filled(shape, 0, opts);
/** A tensor of ones. */
export const ones = (shape: readonly number[], opts: CreateOptions = {}): Tensor => filled(shape, 1, opts);
/** A tensor filled with `value`. */
export const full = (shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor => filled(shape, value, opts);
// The *Like functions make the tensor on `t`'s backend (as PyTorch's on its device).
export const zerosLike = (t: Tensor, opts: CreateOptions = {}): Tensor => filled(t.shape, 0, { dtype: t.dtype, ...opts }, t.storage.backend);
export const onesLike = (t: Tensor, opts: CreateOptions = {}): Tensor => filled(t.shape, 1, { dtype: t.dtype, ...opts }, t.storage.backend);
export const fullLike = (t: Tensor, value: number, opts: CreateOptions = {}): Tensor => filled(t.shape, value, { dtype: t.dtype, ...opts }, t.storage.backend);

/**
 * Values from `start` (inclusive) to `end` (exclusive) by `step`. `arange(5)` is 0..4.
 * Integer arguments give int32 unless a dtype is given.
 */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) { end = start; start = 0; }
  if (step === 0 || !Number.isFinite(step)) throw new ValueError('arange', `step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const ints = [start, end, step].every(Number.isInteger);
  const dt = opts.dtype ?? (ints ? 'int32' : 'float32');
  return finish(fromArray(Array.from({ length: n }, (_, i) => start + i * step), [n], dt), opts);
}

/** `steps` evenly spaced values from `start` to `end`, both included. */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError('linspace', `steps must be a non-negative integer, got ${steps}`);
  const d = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends so the last value is exactly `end`, as torch.linspace does.
  const vals = Array.from({ length: steps }, (_, i) => (i < steps / 2 ? start + i * d : end - (steps - 1 - i) * d));
  return finish(fromArray(vals, [steps], opts.dtype ?? 'float32'), opts);
}

/** Identity matrix of n rows and m (default n) columns. */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  assertValidShape('eye', [n, m]);
  const v = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) v[i * m + i] = 1;
  return finish(fromArray(v, [n, m], opts.dtype ?? 'float32'), opts);
}

export interface RandomOptions extends CreateOptions {
  /** Source of randomness; the default generator (seed it with `manualSeed`) when omitted. */
  generator?: Generator;
}

function random(shape: readonly number[], opts: RandomOptions, draw: (g: Generator) => number, fallback: DType = 'float32'): Tensor {
  assertValidShape('random', shape);
  const dt = opts.dtype ?? fallback;
  const g = opts.generator ?? defaultGenerator;
  const v = new Float64Array(numelOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = draw(g);
  return finish(fromArray(v, shape, dt), opts);
}

function assertFloatOpt(op: string, opts: CreateOptions): void {
  if (opts.dtype !== undefined && !isFloat(opts.dtype)) throw new DTypeError(op, `dtype must be float32 or float64, got ${opts.dtype}`);
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  assertFloatOpt('rand', opts);
  return random(shape, opts, (g) => g.uniform());
}
/** Standard normal samples. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  assertFloatOpt('randn', opts);
  return random(shape, opts, (g) => g.normal());
}
/** Uniform samples in [low, high). */
export function uniform(shape: readonly number[], low: number, high: number, opts: RandomOptions = {}): Tensor {
  assertFloatOpt('uniform', opts);
  if (!(high >= low)) throw new ValueError('uniform', `high (${high}) must be ≥ low (${low})`);
  return random(shape, opts, (g) => low + (high - low) * g.uniform());
}
/** Normal samples with the given mean and standard deviation. */
export function normal(shape: readonly number[], mean = 0, std = 1, opts: RandomOptions = {}): Tensor {
  assertFloatOpt('normal', opts);
  if (!(std >= 0)) throw new ValueError('normal', `std must be ≥ 0, got ${std}`);
  return random(shape, opts, (g) => mean + std * g.normal());
}
/** Uniform integers in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError('randint', `need integers low < high, got low=${low}, high=${high}`);
  }
  return random(shape, opts, (g) => g.int(low, high), 'int32');
}
/** 1 with probability p (a number or a tensor of probabilities), else 0. */
export function bernoulli(p: number | Tensor, opts: RandomOptions & { shape?: readonly number[] } = {}): Tensor {
  const probs = typeof p === 'number' ? null : p.data();
  const shape = typeof p === 'number' ? opts.shape ?? [] : p.shape;
  const dt = opts.dtype ?? (typeof p === 'number' ? 'float32' : p.dtype);
  let i = 0;
  const check = (q: number): number => {
    if (!(q >= 0 && q <= 1)) throw new ValueError('bernoulli', `probability ${q} is outside [0, 1]`);
    return q;
  };
  return random(shape, { ...opts, dtype: dt }, (g) => (g.uniform() < check(probs ? probs[i++]! : (p as number)) ? 1 : 0));
}
/** A random permutation of 0..n−1 (Fisher–Yates), int32. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError('randperm', `n must be a non-negative integer, got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return finish(fromArray(p, [n], opts.dtype ?? 'int32'), opts);
}
