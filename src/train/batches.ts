// Turning fit()'s data argument into batches: (x, y) tensors are cut with a seeded shuffle each
// epoch (through a DataLoader); any iterable of [x, y] batches is used as it is.
import { ShapeError, ValueError } from '../errors.js';
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset } from '../data/dataset.js';
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
  checkXYShapes(op, { x, y }, what);
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

/** checkXY's shape checks (x and y batched, paired, non-empty): nothing read. */
export function checkXYShapes(op: string, { x, y }: XY, what = 'data'): void {
  if (x.ndim === 0 || y.ndim === 0) throw new ShapeError(op, `${what}: x and y need a batch dim, got x ${shapeStr(x.shape)} and y ${shapeStr(y.shape)}`);
  if (x.shape[0] !== y.shape[0]) {
    throw new ShapeError(op, `${what}: x has ${x.shape[0]} samples but y has ${y.shape[0]}; they must be paired row by row`);
  }
  if (x.shape[0] === 0) throw new ValueError(op, `${what} is empty (0 samples); check the loading and filtering steps`);
}

/**
 * Batches of an (x, y) pair: a DataLoader over TensorDataset(x, y) (one indexSelect per batch,
 * a new seeded order every epoch when shuffling). A batch size above the data size is refused
 * instead of silently giving one smaller batch.
 */
export function xyBatches(data: XY, batchSize: number, { shuffle = true, seed = 0, op = 'fit' } = {}): BatchSource {
  const n = data.x.shape[0]!;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError(op, `batchSize must be a positive integer, got ${batchSize}`);
  if (batchSize > n) throw new ValueError(op, `batchSize ${batchSize} is larger than the ${n} training samples; use batchSize ≤ ${n}`);
  return new DataLoader(new TensorDataset(data.x, data.y), { batchSize, shuffle, seed }) as BatchSource;
}

/** Batches of an (x, y) pair in order (for evaluation). */
export function orderedBatches(data: XY, batchSize: number): BatchSource {
  return xyBatches(data, Math.min(batchSize, data.x.shape[0]!), { shuffle: false, op: 'evaluate' });
}
