// Turning fit()'s data argument into batches: (x, y) tensors are cut with a seeded shuffle each
// epoch; any iterable of [x, y] batches (a DataLoader) is used as it is.
import { ShapeError, ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { Generator } from '../tensor/random.js';
import { indexSelect } from '../ops/indexing.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';

/** Features and targets with the same first dim. */
export interface XY { x: Tensor; y: Tensor }
/** A DataLoader or any re-iterable source of [x, y] batches. */
export type BatchSource = Iterable<readonly Tensor[]> & { readonly length?: number };
export type FitData = XY | BatchSource;

export function isXY(d: unknown): d is XY {
  return typeof d === 'object' && d !== null && 'x' in d && 'y' in d;
}

/** Validate an (x, y) pair: same length, non-empty, no NaN/inf in floats. */
export function checkXY(op: string, { x, y }: XY, what = 'data'): void {
  if (x.ndim === 0 || y.ndim === 0) throw new ShapeError(op, `${what}: x and y need a batch dim, got x ${shapeStr(x.shape)} and y ${shapeStr(y.shape)}`);
  if (x.shape[0] !== y.shape[0]) {
    throw new ShapeError(op, `${what}: x has ${x.shape[0]} samples but y has ${y.shape[0]}; they must be paired row by row`);
  }
  if (x.shape[0] === 0) throw new ValueError(op, `${what} is empty (0 samples); check the loading and filtering steps`);
  for (const [name, t] of [['x', x], ['y', y]] as const) {
    if (t.dtype !== 'float32' && t.dtype !== 'float64') continue;
    const d = t.data();
    const row = t.numel / t.shape[0]!;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i]!)) {
        throw new ValueError(op, `${what}: ${name} contains ${d[i]} at sample ${Math.floor(i / row)} (element ${i % row}); clean the data first (drop the rows or fill in e.g. the column mean)`);
      }
    }
  }
}

/** Seeded shuffled batches over an (x, y) pair; a new order every epoch. */
export class TensorBatches implements BatchSource {
  private readonly gen: Generator;
  readonly length: number;
  constructor(readonly data: XY, readonly batchSize: number, { shuffle = true, seed = 0, dropLast = false } = {}) {
    const n = data.x.shape[0]!;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError('fit', `batchSize must be a positive integer, got ${batchSize}`);
    if (batchSize > n) throw new ValueError('fit', `batchSize ${batchSize} is larger than the ${n} training samples; use batchSize ≤ ${n}`);
    this.gen = new Generator(seed);
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.length = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  }
  private readonly shuffle: boolean;
  private readonly dropLast: boolean;

  *[Symbol.iterator](): Iterator<Tensor[]> {
    const n = this.data.x.shape[0]!;
    const order = Array.from({ length: n }, (_, i) => i);
    if (this.shuffle) {
      for (let i = n - 1; i > 0; i--) { const j = this.gen.int(0, i + 1); [order[i], order[j]] = [order[j]!, order[i]!]; }
    }
    for (let b = 0; b < this.length; b++) {
      const idx = order.slice(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize));
      const it = fromArray(idx, [idx.length], 'int32', this.data.x.storage.backend);
      yield [indexSelect(this.data.x, 0, it), indexSelect(this.data.y, 0, it)];
    }
  }
}

/** The i-th ... rows of an XY pair, in order (for evaluation). */
export function orderedBatches(data: XY, batchSize: number): TensorBatches {
  return new TensorBatches(data, Math.min(batchSize, data.x.shape[0]!), { shuffle: false });
}
