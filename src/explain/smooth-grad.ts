// SmoothGrad (Smilkov et al. 2017): average a gradient map over noisy copies of the input, which
// removes the high-frequency speckle of a single gradient; also its squared and variance forms.
import { ValueError } from '../errors.js';
import { add, mul, square, sub, abs } from '../ops/elementwise.js';
import { expand, reshape } from '../ops/movement.js';
import { max, mean, min } from '../ops/reduce.js';
import { fromArray, randn } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { inputGradient } from './saliency.js';
import { checkInput, repeatTarget, type Explained, type Target } from './target.js';

export interface SmoothGradOptions {
  target?: Target;
  /** Noisy copies per row (Captum's `nt_samples`). Default 50 (the paper's choice). */
  samples?: number;
  /**
   * Noise standard deviation as a fraction of each row's value range, σ = noiseLevel·(max − min)
   * (the paper's parametrisation; it finds 10–20% best). Default 0.15. Ignored when `stdev` is given.
   */
  noiseLevel?: number;
  /** Absolute noise standard deviation, the same for every row (Captum's `stdevs`). */
  stdev?: number;
  /** The map averaged: |gradient| ('saliency', default), the signed 'gradient', or 'inputXGradient' (noisy input × gradient). */
  attribution?: 'saliency' | 'gradient' | 'inputXGradient';
  /** 'smoothgrad' (mean, default), 'smoothgradSq' (mean of squares) or 'vargrad' (variance), as Captum's `nt_type`. */
  type?: 'smoothgrad' | 'smoothgradSq' | 'vargrad';
  /** Source of the noise (seeded for reproducible maps). Default: the global generator. */
  generator?: Generator;
}

/**
 * SmoothGrad: (1/S) Σ_s A(x + ε_s), ε_s ~ N(0, σ²) per element, where A is the gradient map chosen
 * by `attribution`; `smoothgradSq` averages A², `vargrad` takes E[A²] − E[A]². The definition of
 * Captum's `NoiseTunnel` (https://captum.ai/api/noise_tunnel.html: "adds gaussian noise to each
 * input in the batch nt_samples times and applies the given attribution algorithm to each of the
 * samples. The attributions of the samples are combined based on the given noise tunnel type
 * (nt_type): If nt_type is smoothgrad, the mean of the sampled attributions is returned… smoothgrad_sq
 * … the mean of the squared sample attributions… vargrad … the variance").
 *
 * All S·N noisy rows go through the model as one batch.
 *
 * Shape: x (N, ...) → attributions (N, ...).
 */
export function smoothGrad(model: Explained, x: Tensor, opts: SmoothGradOptions = {}): Tensor {
  const op = 'smoothGrad';
  checkInput(op, x);
  const { samples = 50, noiseLevel = 0.15, attribution = 'saliency', type = 'smoothgrad', generator = defaultGenerator } = opts;
  if (!Number.isInteger(samples) || samples < 1) throw new ValueError(op, `samples must be a positive integer, got ${samples}`);
  if (opts.stdev !== undefined && !(opts.stdev >= 0)) throw new ValueError(op, `stdev must be ≥ 0, got ${opts.stdev}`);
  if (!(noiseLevel >= 0)) throw new ValueError(op, `noiseLevel must be ≥ 0, got ${noiseLevel}`);
  return scope(() => {
    const N = x.shape[0]!;
    const rest = x.shape.slice(1);
    const ones = rest.map(() => 1);
    const x0 = x.detach();
    let sigma: Tensor; // (1, N, 1, ...)
    if (opts.stdev !== undefined) sigma = fromArray([opts.stdev], [1, 1, ...ones], x.dtype, x.storage.backend);
    else {
      const flat = reshape(x0, [N, -1]); // (N, ...) -> (N, D)
      sigma = reshape(mul(sub(max(flat, { dim: 1 }), min(flat, { dim: 1 })), noiseLevel), [1, N, ...ones]); // (N,) -> (1, N, 1, ...)
    }
    const noise = mul(randn([samples, N, ...rest], { dtype: x.dtype, generator }), sigma); // (S, N, ...)
    const noisy = reshape(add(expand(reshape(x0, [1, N, ...rest]), [samples, N, ...rest]), noise), [samples * N, ...rest]); // (S·N, ...)
    const g = inputGradient(op, model, noisy, repeatTarget(op, opts.target, N, samples));
    let a = attribution === 'saliency' ? abs(g) : attribution === 'gradient' ? g : mul(g, noisy);
    a = reshape(a, [samples, N, ...rest]); // (S·N, ...) -> (S, N, ...)
    if (type === 'smoothgrad') return mean(a, { dim: 0 });
    const sq = mean(square(a), { dim: 0 });
    if (type === 'smoothgradSq') return sq;
    return sub(sq, square(mean(a, { dim: 0 }))); // vargrad: population variance, as Captum
  });
}
