// The diagonal Gaussian pieces of a variational autoencoder (Kingma & Welling 2014): drawing
// z ~ N(μ, σ²) by the reparameterisation trick, and the KL divergence to the standard normal prior.
import { ShapeError, ValueError } from '../errors.js';
import { randn } from '../tensor/creation.js';
import { toFloat } from '../tensor/dtype.js';
import type { Generator } from '../tensor/random.js';
import { shapesEqual, shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, cast, exp, mul, sub } from './elementwise.js';
import { mean, sum } from './reduce.js';
import type { Reduction } from './losses.js';

function pair(op: string, mu: Tensor, logVar: Tensor): [Tensor, Tensor] {
  if (!shapesEqual(mu.shape, logVar.shape)) throw new ShapeError(op, `mu ${shapeStr(mu.shape)} and logVar ${shapeStr(logVar.shape)} must have the same shape (one mean and one log-variance per latent dim)`);
  const dt = toFloat(mu.dtype);
  return [cast(mu, dt), cast(logVar, dt)];
}

/**
 * A sample z = μ + exp(½·logVar)·ε with ε ~ N(0, I) drawn from `generator` (the default one unless
 * given): a draw from N(μ, σ²) through which gradients reach μ and logVar (the reparameterisation
 * trick). Pass `eps` to supply the noise yourself (e.g. zeros for the posterior mean).
 *
 * Shape: mu, logVar (N, D) (any shape, the same) → z of that shape.
 *
 * @example
 * const [mu, logVar] = encoder(x); // (N, 784) -> 2 × (N, 16)
 * const z = reparameterize(mu, logVar, { generator: g }); // (N, 16)
 */
export function reparameterize(mu: Tensor, logVar: Tensor, { generator, eps }: { generator?: Generator; eps?: Tensor } = {}): Tensor {
  const [m, lv] = pair('reparameterize', mu, logVar);
  if (eps !== undefined && !shapesEqual(eps.shape, m.shape)) throw new ShapeError('reparameterize', `eps ${shapeStr(eps.shape)} must have mu's shape ${shapeStr(m.shape)}`);
  const e = eps !== undefined ? cast(eps, m.dtype) : randn(m.shape, { dtype: m.dtype, ...(generator ? { generator } : {}) });
  return add(m, mul(exp(mul(lv, 0.5)), e)); // μ + σ·ε
}

/**
 * KL(N(μ, σ²) ‖ N(0, 1)) = −½·(1 + logVar − μ² − exp(logVar)) per element (Kingma & Welling 2014,
 * appendix B), equal to torch.distributions.kl_divergence(Normal(μ, σ), Normal(0, 1)). With
 * reduction 'none' the per-element terms (sum them over the latent dim for a sample's KL); 'sum'
 * their total; 'mean' their mean over all elements. A VAE's loss usually wants the sum over latent
 * dims averaged over the batch: `div(gaussianKl(mu, logVar, { reduction: 'sum' }), n)`.
 */
export function gaussianKl(mu: Tensor, logVar: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  const [m, lv] = pair('gaussianKl', mu, logVar);
  const terms = mul(sub(sub(add(lv, 1), mul(m, m)), exp(lv)), -0.5); // (N, D)
  if (reduction === 'none') return terms;
  if (reduction === 'sum') return sum(terms);
  if (reduction === 'mean') return mean(terms);
  throw new ValueError('gaussianKl', `reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
}
