// Gradient clipping: by global norm (the usual fix for exploding gradients) or by value.
import { ValueError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { assign } from '../ops/assign.js';
import { clamp, mul } from '../ops/elementwise.js';
import { norm } from '../ops/reduce.js';
import { scope } from '../tensor/lifetime.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Scale all gradients together so their joint p-norm is at most `maxNorm`. Returns the norm
 * before clipping (useful to log: spikes signal instability). `errorIfNonfinite` throws on NaN/inf.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, { normType = 2, errorIfNonfinite = false }: { normType?: number | 'inf'; errorIfNonfinite?: boolean } = {}): number {
  if (!(maxNorm > 0)) throw new ValueError('clipGradNorm', `maxNorm must be > 0, got ${maxNorm}`);
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return 0;
  return noGrad(() => scope(() => {
    const norms = grads.map((g) => norm(g, { p: normType }).item());
    const total = normType === 'inf' ? Math.max(...norms) : norms.reduce((s, n) => s + n ** normType, 0) ** (1 / normType);
    if (!Number.isFinite(total) && errorIfNonfinite) {
      throw new ValueError('clipGradNorm', `the total gradient norm is ${total}; the loss has probably diverged — lower the learning rate or check the inputs for NaN`);
    }
    // As torch.nn.utils.clip_grad_norm_: a NaN norm makes every gradient NaN (the coefficient is
    // NaN), an infinite one zeroes the finite gradients.
    const coef = maxNorm / (total + 1e-6);
    if (!(coef >= 1)) for (const g of grads) assign(g, mul(g, coef));
    return total;
  }));
}

/** Clamp every gradient element into [−clipValue, clipValue]. */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue > 0)) throw new ValueError('clipGradValue', `clipValue must be > 0, got ${clipValue}`);
  noGrad(() => scope(() => {
    for (const p of params) if (p.grad) assign(p.grad, clamp(p.grad, { min: -clipValue, max: clipValue }));
  }));
}
