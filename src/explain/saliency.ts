// Gradient saliency (Simonyan et al. 2014) and gradient × input (Shrikumar et al. 2016): the
// derivative of each row's target score with respect to that row's input.
import { gradients } from '../autograd/backward.js';
import { enableGrad } from '../autograd/grad-mode.js';
import { abs, mul } from '../ops/elementwise.js';
import { scope } from '../tensor/lifetime.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkInput, forwardOf, scoreSum, type Explained, type Target } from './target.js';

export interface SaliencyOptions {
  /** Which output each row explains (a class index, or one per row); omit for one-score models. */
  target?: Target;
  /** Absolute value of the gradient (Captum's default, `abs=True`); false gives the signed gradient. Default true. */
  abs?: boolean;
}

/** ∂ score_i / ∂ x_i for every row i, as a tensor like x (no graph attached). */
export function inputGradient(op: string, model: Explained, x: Tensor, target: Target): Tensor {
  checkInput(op, x);
  const f = forwardOf(model);
  const xg = x.detach().requiresGrad_(true);
  const score = enableGrad(() => scoreSum(op, f(xg), target));
  return gradients(score, [xg])[0]!.detach();
}

/**
 * Saliency map: |∂ score / ∂ x| per input element (or the signed gradient with `abs: false`),
 * for every row of the batch with its own target. Same definition as Captum's `Saliency`
 * (https://captum.ai/api/saliency.html: "returns the gradients with respect to inputs. If abs is
 * set to True, which is the default, the absolute value of the gradients is returned").
 *
 * Shape: x (N, ...) → attributions (N, ...).
 *
 * @example
 * const attr = saliency(model, images, { target: labels }); // (N, 1, 28, 28)
 */
export function saliency(model: Explained, x: Tensor, opts: SaliencyOptions = {}): Tensor {
  return scope(() => {
    const g = inputGradient('saliency', model, x, opts.target);
    return (opts.abs ?? true) ? abs(g) : g;
  });
}

/**
 * Gradient × input: x ⊙ ∂ score / ∂ x, Captum's `InputXGradient`
 * (https://captum.ai/api/input_x_gradient.html: "multiplies input with the gradient with respect
 * to input"). For a linear model it is each feature's exact contribution w·x.
 *
 * Shape: x (N, ...) → attributions (N, ...).
 */
export function inputXGradient(model: Explained, x: Tensor, opts: { target?: Target } = {}): Tensor {
  return scope(() => mul(x.detach(), inputGradient('inputXGradient', model, x, opts.target)));
}
