// Named losses for fit()/evaluate(): a string picks a function from ops/losses with fit's options.
import { ValueError } from '../errors.js';
import * as L from '../ops/losses.js';
import type { Tensor } from '../tensor/tensor.js';

export type LossName = 'crossEntropy' | 'mse' | 'l1' | 'huber' | 'smoothL1' | 'binaryCrossEntropy' | 'binaryCrossEntropyWithLogits' | 'nll';
export type LossFn = (pred: Tensor, target: Tensor) => Tensor;

/** Resolve a loss name (or function) to a function; class weights apply to the class losses. */
export function resolveLoss(loss: LossName | LossFn, classWeight?: readonly number[] | null): LossFn {
  if (typeof loss === 'function') return loss;
  const weight = classWeight ?? null;
  switch (loss) {
    case 'crossEntropy': return (p, t) => L.crossEntropy(p, t, { weight });
    case 'nll': return (p, t) => L.nllLoss(p, t, { weight });
    case 'mse': return (p, t) => L.mseLoss(p, t);
    case 'l1': return (p, t) => L.l1Loss(p, t);
    case 'huber': return (p, t) => L.huberLoss(p, t);
    case 'smoothL1': return (p, t) => L.smoothL1Loss(p, t);
    case 'binaryCrossEntropy': return (p, t) => L.binaryCrossEntropy(p, t);
    case 'binaryCrossEntropyWithLogits': return (p, t) => L.binaryCrossEntropyWithLogits(p, t, { posWeight: weight });
    default: throw new ValueError('fit', `unknown loss '${String(loss)}'; use one of crossEntropy, mse, l1, huber, smoothL1, binaryCrossEntropy, binaryCrossEntropyWithLogits, nll, or a function (pred, target) => Tensor`);
  }
}
