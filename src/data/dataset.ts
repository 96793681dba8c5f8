// Datasets: anything with a length and an indexed `get`, like torch.utils.data.Dataset. Tensors
// sliced by their first dim (TensorDataset) and index views of another dataset (Subset).
import { ShapeError, ValueError } from '../errors.js';
import { select } from '../ops/movement.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A map-style dataset: `length` samples, sample `i` from `get(i)` for 0 ≤ i < length.
 *
 * @example
 * const squares: Dataset<[number, number]> = { length: 10, get: (i) => [i, i * i] };
 */
export interface Dataset<T> {
  readonly length: number;
  get(i: number): T;
}

/** Throws a clear error unless `i` is an integer in [0, length). */
export function checkIndex(op: string, i: number, length: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= length) {
    throw new ValueError(op, `index ${i} is out of range for a dataset of ${length} samples; use 0..${length - 1}`);
  }
}

/**
 * Samples are the rows of several tensors that share their first dim, like
 * `torch.utils.data.TensorDataset`. `get(i)` returns `[x[i], y[i], …]`. A DataLoader over it
 * batches with one `indexSelect` per tensor instead of copying rows one by one.
 *
 * Shape: each tensor (N, *); `get(i)` gives tensors of shape (*).
 *
 * @example
 * const ds = new TensorDataset(x, y);   // x [N, 784], y [N]
 * const [xi, yi] = ds.get(0);           // xi [784], yi []
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  /** The tensors, in the order given. */
  readonly tensors: Readonly<T>;

  constructor(...tensors: T) {
    if (tensors.length === 0) throw new ValueError('TensorDataset', 'needs at least one tensor, e.g. new TensorDataset(x, y)');
    tensors.forEach((t, k) => {
      if (!(t instanceof Tensor)) throw new ValueError('TensorDataset', `argument ${k} is not a Tensor (got ${typeof t}); wrap arrays with tensor([...])`);
      if (t.ndim === 0) throw new ShapeError('TensorDataset', `tensor ${k} is a scalar; every tensor needs a first dim indexing the samples`);
    });
    const n = tensors[0]!.shape[0]!;
    const bad = tensors.findIndex((t) => t.shape[0] !== n);
    if (bad >= 0) {
      throw new ShapeError('TensorDataset', `all tensors must have the same size in dim 0 (one row per sample), got ${tensors.map((t) => shapeStr(t.shape)).join(', ')}; tensor ${bad} has ${tensors[bad]!.shape[0]} rows, tensor 0 has ${n}`);
    }
    this.tensors = tensors;
  }

  /** Number of samples (the shared first dim). */
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** Row `i` of every tensor. */
  get(i: number): T {
    checkIndex('TensorDataset.get', i, this.length);
    return this.tensors.map((t) => select(t, 0, i)) as T;
  }
}

/**
 * The samples of `dataset` at `indices`, in that order (repeats allowed), like
 * `torch.utils.data.Subset`. It copies nothing; `randomSplit` and `kFold` results wrap these.
 *
 * @example
 * const firstHundred = new Subset(ds, Array.from({ length: 100 }, (_, i) => i));
 */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    const n = dataset.length;
    const idx = Array.from(indices);
    idx.forEach((i) => checkIndex('Subset', i, n));
    this.dataset = dataset;
    this.indices = Object.freeze(idx);
  }

  get length(): number {
    return this.indices.length;
  }

  get(i: number): T {
    checkIndex('Subset.get', i, this.indices.length);
    return this.dataset.get(this.indices[i]!);
  }
}

/**
 * If `dataset` is a TensorDataset, or Subsets (nested any depth) of one, the underlying tensors and
 * the map from `dataset` indices to their rows (null when the map is the identity).
 */
export function tensorBase(dataset: Dataset<unknown>): { base: TensorDataset; rows: readonly number[] | null } | null {
  if (dataset instanceof TensorDataset) return { base: dataset, rows: null };
  if (dataset instanceof Subset) {
    const inner = tensorBase(dataset.dataset as Dataset<unknown>);
    if (inner === null) return null;
    const rows = inner.rows;
    return { base: inner.base, rows: rows === null ? dataset.indices : dataset.indices.map((i) => rows[i]!) };
  }
  return null;
}
