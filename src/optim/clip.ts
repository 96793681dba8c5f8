// Gradient clipping: by global norm (the usual fix for exploding gradients) or by value.
import { SyncReadError, ValueError } from '../errors.js';
import { readsSync } from '../tensor/host-read.js';
import { stack } from '../ops/movement.js';
import { noGrad } from '../autograd/grad-mode.js';
import { assign } from '../ops/assign.js';
import { add, cast, clamp, div, ge, mul, pow, where } from '../ops/elementwise.js';
import { max, norm, sum } from '../ops/reduce.js';
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
  const host = grads.find((g) => !readsSync(g));
  if (host) {
    throw new SyncReadError('clipGradNorm', `it returns the norm as a number, which needs reading the gradients' norms on the CPU, and the ${host.storage.backend.name} backend's memory can only be read asynchronously; use clipGradNormOnDevice(params, maxNorm), which clips on the device and returns the norm as a tensor (read it with await norm.itemAsync() when you need it)`);
  }
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

/**
 * clipGradNorm computed on the device, without reading anything back: the same scaling (a NaN
 * total norm makes every gradient NaN, an infinite one zeroes the finite gradients), and the
 * total norm before clipping returned as a 0-d tensor. The form for WebGPU, where clipGradNorm
 * (which returns a number) would have to wait for the device.
 *
 * @example
 * const total = clipGradNormOnDevice(model.parameters(), 1.0); // await total.itemAsync() to log it
 */
export function clipGradNormOnDevice(params: Iterable<Tensor>, maxNorm: number, { normType = 2 }: { normType?: number | 'inf' } = {}): Tensor | null {
  if (!(maxNorm > 0)) throw new ValueError('clipGradNormOnDevice', `maxNorm must be > 0, got ${maxNorm}`);
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return null;
  return noGrad(() => scope(() => {
    const norms = stack(grads.map((g) => cast(norm(g, { p: normType }), grads[0]!.dtype))); // (P)
    const total = normType === 'inf' ? max(norms) : pow(sum(pow(norms, normType)), 1 / normType);
    const coef = div(maxNorm, add(total, 1e-6));
    const scale = where(ge(coef, 1), 1, coef); // NaN stays NaN (every gradient NaN), as in clipGradNorm
    for (const g of grads) assign(g, mul(g, cast(scale, g.dtype)));
    return total;
  }));
}
