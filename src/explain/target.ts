// What every explainer shares: the model as a function of a batch, the per-row target, the score
// being explained, and the checks that turn a wrong argument into an error naming it.
import { ShapeError, ValueError } from '../errors.js';
import { gather } from '../ops/indexing.js';
import { reshape } from '../ops/movement.js';
import { sum } from '../ops/reduce.js';
import { Module } from '../nn/module.js';
import { fromArray } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** A model to explain: a Module whose `forward` takes a batch, or any function of a batch. */
export type Explained = Module | ((x: Tensor) => Tensor);

/**
 * The output being explained, one per row: a class index for every row, one index per row
 * (an array or an int tensor of length N), or nothing when the model gives one score per row
 * ((N,) or (N, 1) outputs: regression, a logit). As Captum's `target` argument.
 */
export type Target = number | readonly number[] | Tensor | undefined;

/** Call the model on a batch. */
export function forwardOf(model: Explained): (x: Tensor) => Tensor {
  return model instanceof Module ? (x) => model.forward(x) as Tensor : model;
}

/** The target as one integer per row, checked against the output's classes. */
export function targetIndices(op: string, target: Target, rows: number, classes: number): number[] | null {
  if (target === undefined) {
    if (classes !== 1) throw new ValueError(op, `the model gives ${classes} scores per row; pass target (a class index, or one per row: an array or int tensor of length ${rows}) to say which one to explain`);
    return null;
  }
  const t = typeof target === 'number' ? new Array<number>(rows).fill(target) : target instanceof Tensor ? [...target.data()] : [...target];
  if (t.length !== rows) throw new ShapeError(op, `target has ${t.length} entries but the batch has ${rows} rows; pass one class index, or one per row (length ${rows})`);
  t.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new ValueError(op, `target ${c} for row ${i} is out of range: the model gives ${classes} scores per row, so target must be an integer in [0, ${classes - 1}]`);
    }
  });
  return t;
}

/**
 * The explained scores: output[i, target[i]] for each row, shape (N,). `out` is (N,), (N, 1) or
 * (N, C). The rows are independent, so the gradient of their sum w.r.t. the input gives each
 * row's gradient of its own score (for models without cross-row terms, such as BatchNorm in training mode).
 */
export function selectScores(op: string, out: Tensor, target: Target): Tensor {
  if (out.ndim === 0 || out.ndim > 2) throw new ShapeError(op, `the model's output has shape ${shapeStr(out.shape)}; explainers need one score per row (N,) or (N, classes); wrap the model in a function that returns that`);
  const rows = out.shape[0]!;
  const classes = out.ndim === 1 ? 1 : out.shape[1]!;
  const idx = targetIndices(op, target, rows, classes);
  if (out.ndim === 1) return out;
  if (idx === null) return reshape(out, [rows]); // (N, 1) -> (N,)
  const index = fromArray(idx, [rows, 1], 'int32', out.storage.backend);
  return reshape(gather(out, 1, index), [rows]); // (N, C) -> (N, 1) -> (N,)
}

/** The scalar whose gradient w.r.t. the input is every row's score gradient. */
export function scoreSum(op: string, out: Tensor, target: Target): Tensor {
  return sum(selectScores(op, out, target));
}

/** The same target for each of `copies` stacked copies of the batch (rows copy-major). */
export function repeatTarget(op: string, target: Target, rows: number, copies: number): Target {
  if (target === undefined || typeof target === 'number') return target;
  const t = target instanceof Tensor ? [...target.data()] : [...target];
  if (t.length !== rows) throw new ShapeError(op, `target has ${t.length} entries but the batch has ${rows} rows; pass one class index, or one per row (length ${rows})`);
  const out: number[] = [];
  for (let c = 0; c < copies; c++) out.push(...t);
  return out;
}

/** Check the input is a float batch (N, ...). */
export function checkInput(op: string, x: Tensor): void {
  if (x.ndim < 1) throw new ShapeError(op, `x must be a batch (N, ...) with the rows first, got a scalar; add a batch dim with unsqueeze(x, 0)`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new ValueError(op, `x must be float32 or float64 to be differentiated, got ${x.dtype}; cast it with cast(x, 'float32')`);
}
