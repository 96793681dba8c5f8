// Class labels stored as floats: with no loss named, fit() picks mseLoss for float targets, and a
// model with one output per class then fails deep in the loss with a shape error. This names the
// mistake before the first step: the labels' dtype, and the fix (y.int()).
import { DTypeError } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { FitData } from '../train/batches.js';
import { isXY } from '../train/batches.js';
import { isFloat } from '../tensor/dtype.js';
import { probeOutputShape } from './diagnose-data.js';

/** Throw a DTypeError when float labels of shape (N) meet a model with K ≥ 2 outputs and the default loss. */
export function checkLabelDtype(model: Module, data: FitData, loss: unknown): void {
  if (loss !== undefined || !isXY(data)) return;
  const { x, y } = data;
  if (!isFloat(y.dtype) || y.ndim !== 1 || y.shape[0]! === 0) return;
  const out = probeOutputShape(model, x);
  if (out === null || out.length !== 2 || out[1]! < 2) return;
  const v = y.data();
  const n = Math.min(v.length, 10000);
  for (let i = 0; i < n; i++) if (!Number.isInteger(v[i]!) || v[i]! < 0) return;
  throw new DTypeError('fit', `the labels y are ${y.dtype} values that look like class indices, and the model has ${out[1]} outputs per row; fit picks mseLoss for float targets, so pass the labels as int32 with y.int() (classification with crossEntropy), or give the model one output for regression`);
}
