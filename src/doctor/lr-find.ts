// lrFind: the learning-rate range test (L. Smith, "Cyclical Learning Rates for Training Neural
// Networks", 2017; popularized by fastai). Train for a few steps while raising the learning rate
// exponentially from tiny to huge, record the smoothed loss, stop when it blows up, and propose a
// rate one order of magnitude below the one that gave the lowest loss. The model's weights are
// put back afterwards.
import { noGrad } from '../autograd/grad-mode.js';
import { ValueError } from '../errors.js';
import { clone } from '../ops/elementwise.js';
import { keep, scope, unkeep } from '../tensor/lifetime.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import type { Optimizer } from '../optim/optimizer.js';
import { checkXY, xyBatches, type XY } from '../train/batches.js';
import { resolveLoss, type LossFn, type LossName } from '../train/loss-fn.js';

export interface LrFindOptions {
  /** First learning rate. Default 1e-7. */
  startLr?: number;
  /** Last learning rate. Default 10. */
  endLr?: number;
  /** Steps between them (one batch each). Default 100. */
  steps?: number;
  batchSize?: number;
  /** Builds the optimizer for the test. Default: Adam. */
  optimizer?: (params: Tensor[], lr: number) => Optimizer<{ lr: number }>;
  /** Default: crossEntropy for int32 targets, else mse. */
  loss?: LossName | LossFn;
  /** Seeds the batch order. Default 0. */
  seed?: number;
  /** Exponential smoothing of the loss curve (0 = none). Default 0.9. */
  smoothing?: number;
}

export interface LrFindResult {
  /** Learning rate of each step taken. */
  lrs: number[];
  /** Smoothed loss after each step. */
  losses: number[];
  /** The rate with the lowest smoothed loss. */
  minLossLr: number;
  /** The rate where the smoothed loss fell fastest (per log-lr unit), before the minimum. */
  steepestLr: number;
  /** The proposed learning rate: minLossLr / 10. */
  suggestion: number;
}

/**
 * LR range test: returns the loss curve over exponentially growing learning rates and a
 * suggested rate. The model is restored to its weights from before the call.
 *
 * @example
 * const { suggestion } = lrFind(model, { x, y });
 * fit(model, { data: { x, y }, optimizer: new Adam(model.parameters(), { lr: suggestion }) });
 */
export function lrFind(model: Module, data: XY, opts: LrFindOptions = {}): LrFindResult {
  const { startLr = 1e-7, endLr = 10, steps = 100, seed = 0, smoothing = 0.9 } = opts;
  checkXY('lrFind', data);
  if (!(startLr > 0 && endLr > startLr)) throw new ValueError('lrFind', `need 0 < startLr < endLr, got ${startLr} and ${endLr}`);
  if (!Number.isInteger(steps) || steps < 5) throw new ValueError('lrFind', `steps must be an integer ≥ 5, got ${steps}`);
  const n = data.x.shape[0]!;
  const batches = xyBatches(data, Math.min(opts.batchSize ?? 32, n), { seed, op: 'lrFind' });
  const lossFn = resolveLoss(opts.loss ?? (data.y.dtype === 'int32' ? 'crossEntropy' : 'mse'));
  const saved = noGrad(() => Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, keep(clone(t))])));
  const optimizer = opts.optimizer ? opts.optimizer(model.parameters(), startLr) : new Adam(model.parameters(), { lr: startLr });
  const factor = (endLr / startLr) ** (1 / (steps - 1));
  const lrs: number[] = [];
  const losses: number[] = [];
  let avg = 0;
  let best = Infinity;
  const was = model.training;
  model.train();
  try {
    let it = batches[Symbol.iterator]();
    for (let s = 0; s < steps; s++) {
      const lr = startLr * factor ** s;
      for (const g of optimizer.paramGroups) g.lr = lr;
      const value = scope(() => {
        let next = it.next();
        if (next.done) { it = batches[Symbol.iterator](); next = it.next(); }
        const [xb, yb] = next.value as Tensor[];
        optimizer.zeroGrad();
        const loss = lossFn(model.forward(xb!) as Tensor, yb!);
        const v = loss.item();
        if (Number.isFinite(v)) { loss.backward(); optimizer.step(); }
        return v;
      });
      if (!Number.isFinite(value)) break;
      avg = smoothing * avg + (1 - smoothing) * value;
      const smoothed = avg / (1 - smoothing ** (s + 1)); // bias-corrected like Adam's moments
      lrs.push(lr);
      losses.push(smoothed);
      best = Math.min(best, smoothed);
      if (s > 5 && smoothed > 4 * best) break; // blown up: the rest of the range tells nothing
    }
  } finally {
    model.loadStateDict(saved);
    for (const t of Object.values(saved)) unkeep(t);
    optimizer.zeroGrad();
    for (const st of Object.values(optimizer.stateDict().state)) for (const v of Object.values(st)) if (typeof v !== 'number') unkeep(v);
    model.train(was);
  }
  if (losses.length < 3) throw new ValueError('lrFind', `the loss was not finite from the first steps (startLr ${startLr}); check the data and the loss, or lower startLr`);
  const iMin = losses.indexOf(Math.min(...losses));
  let iSteep = 0;
  let steep = Infinity;
  for (let i = 1; i <= iMin; i++) {
    const slope = (losses[i]! - losses[i - 1]!) / Math.log(factor);
    if (slope < steep) { steep = slope; iSteep = i; }
  }
  return { lrs, losses, minLossLr: lrs[iMin]!, steepestLr: lrs[iSteep]!, suggestion: lrs[iMin]! / 10 };
}
