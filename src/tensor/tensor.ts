// The Tensor: a shape, a dtype and a storage on a backend, plus the autograd fields. Its methods
// are one-line delegations to the functions in ops/.
import type { Storage } from '../backend/backend.js';
import { assertLive, readStorageAsync } from '../backend/backend.js';
import type { GradNode, TensorLike } from '../ops/dispatch.js';
import * as E from '../ops/elementwise.js';
import * as R from '../ops/reduce.js';
import * as M from '../ops/movement.js';
import * as I from '../ops/indexing.js';
import * as L from '../ops/linalg.js';
import * as F from '../ops/activation.js';
import { backward, type BackwardOptions } from '../autograd/backward.js';
import { GradError, SyncReadError } from '../errors.js';
import type { DType, TypedArray } from './dtype.js';
import { numelOf, type Shape } from './shape.js';
import { formatTensor } from './format.js';
import { trackTensor } from './lifetime.js';
import { versionOf } from './version.js';

export type NestedArray = number | boolean | NestedArray[];
type Dim = number | readonly number[] | null;
type ReduceOpts = { dim?: Dim; keepDim?: boolean };

let nextId = 0;

export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly storage: Storage;
  /** Unique id (stable for a tensor's lifetime), handy for debugging and the tape. */
  readonly id = nextId++;
  /** Whether gradients flow to this tensor. Leaves set it; op results inherit it. */
  requiresGrad = false;
  /** Accumulated gradient of a leaf after `backward()`. */
  grad: Tensor | null = null;
  /** The op that made this tensor (null for leaves and for results made without grad). */
  node: GradNode | null = null;
  /** Inputs of the op that made this tensor without history, outside any scope (see lifetime.ts). */
  sources: readonly Tensor[] | null = null;

  constructor(storage: Storage, shape: Shape, dtype: DType) {
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    trackTensor(this);
  }

  get ndim(): number { return this.shape.length; }
  get numel(): number { return numelOf(this.shape); }
  /** Size of `dim` (negative counts from the end), or the whole shape. */
  size(dim?: number): number { return dim === undefined ? this.numel : this.shape[dim < 0 ? dim + this.ndim : dim]!; }
  get isLeaf(): boolean { return this.node === null; }

  // ---- reading back ----
  /**
   * A copy of the elements, row-major, as a typed array of this dtype. Synchronous: on WebGPU it
   * throws SyncReadError; use `await t.dataAsync()` there (it works on every backend).
   */
  data(): TypedArray {
    const b = this.storage.backend;
    if (b.syncRead === false) throw syncReadError('data', b.name, 'dataAsync');
    return b.read(this.storage);
  }
  /** The elements as nested JS arrays (booleans for bool tensors); a number for a scalar. */
  toArray(): NestedArray {
    if (this.storage.backend.syncRead === false) throw syncReadError('toArray', this.storage.backend.name, 'toArrayAsync');
    return nestArray(this.data(), this.shape, this.dtype);
  }
  /** The value of a one-element tensor. */
  item(): number {
    if (this.storage.backend.syncRead === false) throw syncReadError('item', this.storage.backend.name, 'itemAsync');
    return this.data()[assertOneElement(this)]!;
  }
  /** data(), read back asynchronously: the way to read a WebGPU tensor (works on every backend). */
  dataAsync(): Promise<TypedArray> { assertLive('dataAsync', this.storage); return readStorageAsync(this.storage); }
  /** toArray(), read back asynchronously (works on every backend). */
  async toArrayAsync(): Promise<NestedArray> { return nestArray(await this.dataAsync(), this.shape, this.dtype); }
  /** item(), read back asynchronously (works on every backend). */
  async itemAsync(): Promise<number> { const i = assertOneElement(this); return (await this.dataAsync())[i]!; }
  toString(): string { return formatTensor(this); }

  // ---- autograd ----
  /**
   * Backpropagate from this tensor; `grad` defaults to 1 for a scalar. Leaves accumulate `.grad`.
   * `backward({ retainGraph: true })` keeps the graph for another backward() through it.
   */
  backward(grad?: Tensor | BackwardOptions, opts?: BackwardOptions): void { backward(this, grad, opts); }
  /** In-place writes into this tensor's memory so far (PyTorch's `_version`; views share it). */
  get version(): number { return versionOf(this.storage); }
  /** The same values with no history (shares storage). */
  detach(): Tensor { const t = new Tensor(this.storage, this.shape, this.dtype); return t; }
  /** Set requiresGrad in place (only floating-point tensors can require grad); returns this. */
  requiresGrad_(flag = true): this {
    if (flag && this.dtype !== 'float32' && this.dtype !== 'float64') {
      throw new GradError('requiresGrad_', `only float tensors can require gradients, this one is ${this.dtype}; convert with .float()`);
    }
    if (!flag && this.node !== null) throw new GradError('requiresGrad_', 'can only change requiresGrad of a leaf; use .detach()');
    this.requiresGrad = flag;
    return this;
  }
  /** Release the memory now (optional: the library frees intermediates itself). */
  dispose(): void { if (!this.storage.released) this.storage.backend.free(this.storage); }
  [Symbol.dispose](): void { this.dispose(); }
  get isDisposed(): boolean { return this.storage.released; }
  /** Throws if the storage was released. */
  assertLive(op = 'tensor'): void { assertLive(op, this.storage); }

  // ---- dtype ----
  to(dtype: DType): Tensor { return E.cast(this, dtype); }
  float(): Tensor { return E.cast(this, 'float32'); }
  double(): Tensor { return E.cast(this, 'float64'); }
  int(): Tensor { return E.cast(this, 'int32'); }
  bool(): Tensor { return E.cast(this, 'bool'); }
  clone(): Tensor { return E.clone(this); }

  // ---- elementwise ----
  add(o: TensorLike): Tensor { return E.add(this, o); }
  sub(o: TensorLike): Tensor { return E.sub(this, o); }
  mul(o: TensorLike): Tensor { return E.mul(this, o); }
  div(o: TensorLike): Tensor { return E.div(this, o); }
  pow(o: TensorLike): Tensor { return E.pow(this, o); }
  maximum(o: TensorLike): Tensor { return E.maximum(this, o); }
  minimum(o: TensorLike): Tensor { return E.minimum(this, o); }
  neg(): Tensor { return E.neg(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  log1p(): Tensor { return E.log1p(this); }
  expm1(): Tensor { return E.expm1(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  rsqrt(): Tensor { return E.rsqrt(this); }
  square(): Tensor { return E.square(this); }
  abs(): Tensor { return E.abs(this); }
  sign(): Tensor { return E.sign(this); }
  sin(): Tensor { return E.sin(this); }
  cos(): Tensor { return E.cos(this); }
  tanh(): Tensor { return E.tanh(this); }
  sigmoid(): Tensor { return E.sigmoid(this); }
  relu(): Tensor { return E.relu(this); }
  erf(): Tensor { return E.erf(this); }
  floor(): Tensor { return E.floor(this); }
  ceil(): Tensor { return E.ceil(this); }
  round(): Tensor { return E.round(this); }
  clamp(min?: number | null, max?: number | null): Tensor { return E.clamp(this, { min, max }); }
  eq(o: TensorLike): Tensor { return E.eq(this, o); }
  ne(o: TensorLike): Tensor { return E.ne(this, o); }
  lt(o: TensorLike): Tensor { return E.lt(this, o); }
  le(o: TensorLike): Tensor { return E.le(this, o); }
  gt(o: TensorLike): Tensor { return E.gt(this, o); }
  ge(o: TensorLike): Tensor { return E.ge(this, o); }
  logicalAnd(o: TensorLike): Tensor { return E.logicalAnd(this, o); }
  logicalOr(o: TensorLike): Tensor { return E.logicalOr(this, o); }
  logicalNot(): Tensor { return E.logicalNot(this); }
  isNaN(): Tensor { return E.isNaN(this); }
  isFinite(): Tensor { return E.isFinite(this); }
  /** `where(this, a, b)`: a where this is true, else b. */
  where(a: TensorLike, b: TensorLike): Tensor { return E.where(this, a, b); }
  gelu(opts?: { approximate?: 'none' | 'tanh' }): Tensor { return F.gelu(this, opts); }
  silu(): Tensor { return F.silu(this); }
  softplus(): Tensor { return F.softplus(this); }
  softmax(dim = -1): Tensor { return F.softmax(this, { dim }); }
  logSoftmax(dim = -1): Tensor { return F.logSoftmax(this, { dim }); }

  // ---- reductions ----
  sum(opts?: ReduceOpts): Tensor { return R.sum(this, opts); }
  mean(opts?: ReduceOpts): Tensor { return R.mean(this, opts); }
  prod(opts?: ReduceOpts): Tensor { return R.prod(this, opts); }
  max(opts?: ReduceOpts): Tensor { return R.max(this, opts); }
  min(opts?: ReduceOpts): Tensor { return R.min(this, opts); }
  argmax(opts?: { dim?: number | null; keepDim?: boolean }): Tensor { return R.argmax(this, opts); }
  argmin(opts?: { dim?: number | null; keepDim?: boolean }): Tensor { return R.argmin(this, opts); }
  var(opts?: ReduceOpts & { correction?: number }): Tensor { return R.variance(this, opts); }
  std(opts?: ReduceOpts & { correction?: number }): Tensor { return R.std(this, opts); }
  logsumexp(opts?: ReduceOpts): Tensor { return R.logsumexp(this, opts); }
  norm(opts?: ReduceOpts & { p?: number | 'inf' }): Tensor { return R.norm(this, opts); }

  // ---- movement ----
  reshape(...shape: number[] | [readonly number[]]): Tensor { return M.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [readonly number[]]): Tensor { return M.reshape(this, flatArgs(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return M.flatten(this, { startDim, endDim }); }
  squeeze(dim?: number | null): Tensor { return M.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return M.unsqueeze(this, dim); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return M.permute(this, flatArgs(dims)); }
  transpose(dim0 = -2, dim1 = -1): Tensor { return M.transpose(this, dim0, dim1); }
  /** Transpose of a 2-D tensor (reverses the dims of any tensor, like numpy's .T). */
  get T(): Tensor { return M.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return M.expand(this, flatArgs(shape)); }
  slice(...specs: M.SliceArg[]): Tensor { return M.slice(this, specs); }
  flip(dims: number | readonly number[]): Tensor { return M.flip(this, dims); }
  pad(pad: readonly number[], value = 0): Tensor { return M.pad(this, pad, value); }
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] { return M.split(this, sizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return M.chunk(this, chunks, dim); }
  tril(diagonal = 0): Tensor { return M.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return M.triu(this, diagonal); }
  indexSelect(dim: number, index: Tensor): Tensor { return I.indexSelect(this, dim, index); }
  gather(dim: number, index: Tensor): Tensor { return I.gather(this, dim, index); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return I.scatterAdd(this, dim, index, src); }

  // ---- linear algebra ----
  matmul(o: Tensor): Tensor { return L.matmul(this, o); }

  // ---- methods for the functions a PyTorch user reaches for as methods (parity with the
  // exported ops; test/unit/tensor-methods.test.ts lists the functions that are not methods) ----
  /** `x.select(dim, i)`: the slice at index i of dim, that dim removed (PyTorch's x.select / x[:, i]). */
  select(dim: number, index: number): Tensor { return M.select(this, dim, index); }
  /** Add `src` into this tensor's slices along `dim` at `index` (out of place, like PyTorch's index_add). */
  indexAdd(dim: number, index: Tensor, src: Tensor): Tensor { return I.indexAdd(this, dim, index, src); }
  /** One-hot rows of these int32 labels. Shape: (*) → (*, numClasses). */
  oneHot(numClasses = -1): Tensor { return I.oneHot(this, numClasses); }
  /** `value` where `mask` is true, else this tensor's element (PyTorch's masked_fill). */
  maskedFill(mask: Tensor, value: TensorLike): Tensor { return E.where(mask, value, this); }
  broadcastTo(...shape: number[] | [readonly number[]]): Tensor { return M.expand(this, flatArgs(shape)); }
  bmm(o: Tensor): Tensor { return L.bmm(this, o); }
  outer(o: Tensor): Tensor { return L.outer(this, o); }
  dot(o: Tensor): Tensor { return L.dot(this, o); }
  reciprocal(): Tensor { return E.reciprocal(this); }
  logicalXor(o: TensorLike): Tensor { return E.logicalXor(this, o); }
  elu(alpha = 1): Tensor { return F.elu(this, { alpha }); }
  leakyRelu(negativeSlope = 0.01): Tensor { return F.leakyRelu(this, { negativeSlope }); }
}

function flatArgs(a: number[] | [readonly number[]]): number[] {
  return a.length === 1 && Array.isArray(a[0]) ? [...(a[0] as readonly number[])] : (a as number[]);
}

/** Nested JS arrays of row-major `d` with `shape` (booleans for bool); a number for a scalar. */
function nestArray(d: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const conv = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  const build = (dim: number, off: number): NestedArray => {
    if (dim === shape.length) return conv(d[off]!);
    const step = numelOf(shape.slice(dim + 1));
    return Array.from({ length: shape[dim]! }, (_, i) => build(dim + 1, off + i * step));
  };
  return build(0, 0);
}

/** item()'s check: the tensor has one element (returns its index, 0). */
function assertOneElement(t: Tensor): number {
  if (t.numel !== 1) throw new GradError('item', `only one-element tensors can be converted to a number, this one has shape [${t.shape.join(',')}]; reduce it first (e.g. .sum() or .mean())`);
  return 0;
}

function syncReadError(call: string, backend: string, asyncCall: string): SyncReadError {
  return new SyncReadError(call, `the ${backend} backend's memory can only be read asynchronously; use \`await t.${asyncCall}()\` instead of t.${call}()`);
}
