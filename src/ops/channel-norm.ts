// Normalization over channels: batch normalization (with running statistics) and group
// normalization, composed from reductions and elementwise ops.
import { ShapeError, ValueError } from '../errors.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { assign } from './assign.js';
import { add, mul, rsqrt, sub } from './elementwise.js';
import { reshape } from './movement.js';
import { mean, variance } from './reduce.js';

export interface BatchNormOptions {
  /** Per-channel scale γ (C). Default none (1). */
  weight?: Tensor | null;
  /** Per-channel shift β (C). Default none (0). */
  bias?: Tensor | null;
  /** Normalize with this batch's statistics (and update the running ones) instead of the running ones. Default false. */
  training?: boolean;
  /** Weight of the new batch in the running averages: r ← (1−m)·r + m·batch (a number, or a 0-d tensor on the device). Default 0.1. */
  momentum?: number | Tensor;
  /** Added to the variance for numerical safety. Default 1e-5. */
  eps?: number;
}

/** Broadcast a per-channel (C) vector against (N, C, *): shape (C, 1, …, 1). */
function perChannel(v: Tensor, ndim: number): Tensor {
  return reshape(v, [v.shape[0]!, ...new Array<number>(Math.max(0, ndim - 2)).fill(1)]); // (C) -> (C, 1, ...)
}

/**
 * Batch normalization (torch.nn.functional.batch_norm): y = (x − μ)/√(σ² + eps)·γ + β per channel.
 * In training, μ and the biased σ² come from the batch (over N and the spatial dims) and the
 * running statistics, when given, are updated in place with the unbiased variance; otherwise the
 * running statistics are used.
 *
 * Shape: x (N, C) or (N, C, *spatial); runningMean/runningVar/weight/bias (C) → same as x.
 *
 * @example
 * batchNorm(x, rm, rv, { training: true, momentum: 0.1 }) // normalizes x, updates rm and rv
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 }: BatchNormOptions = {}): Tensor {
  const op = 'batchNorm';
  if (x.ndim < 2) throw new ShapeError(op, `expects (N, C) or (N, C, *spatial), got ${shapeStr(x.shape)}`);
  const c = x.shape[1]!;
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) {
      throw new ShapeError(op, `${name} has shape ${shapeStr(t.shape)} but input ${shapeStr(x.shape)} has ${c} channels in dim 1; the layer's numFeatures must equal the input's channels`);
    }
  }
  let mu: Tensor;
  let v: Tensor;
  if (training) {
    const dims = [0, ...x.shape.map((_, i) => i).slice(2)];
    const count = dims.reduce((n, d) => n * x.shape[d]!, 1);
    if (count < 2) throw new ValueError(op, `expected more than 1 value per channel in training, got input ${shapeStr(x.shape)}; use a larger batch or eval()`);
    mu = mean(x, { dim: dims }); // (C)
    v = variance(x, { dim: dims, correction: 0 }); // (C), biased
    if (runningMean && runningVar) {
      const [m, s] = [mu, v];
      noGrad(() => {
        if (typeof momentum === 'number') {
          assign(runningMean, add(mul(runningMean, 1 - momentum), mul(m, momentum)));
          assign(runningVar, add(mul(runningVar, 1 - momentum), mul(s, (momentum * count) / (count - 1)))); // unbiased
        } else { // a scalar tensor on the device (BatchNorm's cumulative average where values are read only asynchronously)
          const keepOld = sub(1, momentum);
          assign(runningMean, add(mul(runningMean, keepOld), mul(m, momentum)));
          assign(runningVar, add(mul(runningVar, keepOld), mul(s, mul(momentum, count / (count - 1))))); // unbiased
        }
      });
    }
  } else {
    if (!runningMean || !runningVar) throw new ValueError(op, 'eval mode needs runningMean and runningVar; pass training: true to use batch statistics');
    [mu, v] = [runningMean, runningVar];
  }
  let y = mul(sub(x, perChannel(mu, x.ndim)), perChannel(rsqrt(add(v, eps)), x.ndim)); // (N, C, *)
  if (weight) y = mul(y, perChannel(weight, x.ndim));
  if (bias) y = add(y, perChannel(bias, x.ndim));
  return y;
}

export interface GroupNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Default 1e-5. */
  eps?: number;
}

/**
 * Group normalization (torch.nn.functional.group_norm): channels split into `numGroups` groups,
 * each normalized over its channels and spatial positions per sample (biased variance), then the
 * per-channel affine γ, β.
 *
 * Shape: (N, C, *) → (N, C, *), C divisible by numGroups.
 *
 * @example
 * groupNorm(randn([2, 8, 4, 4]), 4).shape // [2, 8, 4, 4]
 */
export function groupNorm(x: Tensor, numGroups: number, { weight = null, bias = null, eps = 1e-5 }: GroupNormOptions = {}): Tensor {
  const op = 'groupNorm';
  if (x.ndim < 2) throw new ShapeError(op, `expects (N, C, *), got ${shapeStr(x.shape)}`);
  const [n, c] = x.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new ValueError(op, `numGroups (${numGroups}) must divide the number of channels (${c}) of input ${shapeStr(x.shape)}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) throw new ShapeError(op, `${name} has shape ${shapeStr(t.shape)} but input ${shapeStr(x.shape)} has ${c} channels`);
  }
  const g = reshape(x, [n, numGroups, -1]); // (N, G, C/G·∏spatial)
  const mu = mean(g, { dim: 2, keepDim: true }); // (N, G, 1)
  const v = variance(g, { dim: 2, keepDim: true, correction: 0 }); // (N, G, 1)
  let y = reshape(mul(sub(g, mu), rsqrt(add(v, eps))), x.shape); // (N, G, ·) -> (N, C, *)
  if (weight) y = mul(y, perChannel(weight, x.ndim));
  if (bias) y = add(y, perChannel(bias, x.ndim));
  return y;
}
