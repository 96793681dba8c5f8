// Integrated gradients (Sundararajan et al. 2017): the path integral of the gradient along the
// straight line from a baseline to the input, times the input's distance from the baseline.
import { gradients } from '../autograd/backward.js';
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { ShapeError, ValueError } from '../errors.js';
import { add, mul, sub } from '../ops/elementwise.js';
import { cat, expand, reshape } from '../ops/movement.js';
import { sum } from '../ops/reduce.js';
import { fromArray, full } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { shapesEqual, shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { quadrature, type IntegrationMethod } from './quadrature.js';
import { checkInput, forwardOf, repeatTarget, selectScores, type Explained, type Target } from './target.js';

export interface IntegratedGradientsOptions {
  target?: Target;
  /**
   * The reference input x′: a number (every element), one row (x's shape without the batch dim,
   * or with a batch dim of 1) shared by all rows, or one per row (x's shape). Default 0.
   */
  baseline?: number | Tensor;
  /** Points on the path (Captum's `n_steps`). Default 50. */
  steps?: number;
  /**
   * The quadrature rule (Captum's `method`, camel-cased): 'gaussLegendre' (default, as Captum),
   * or 'riemann' (= 'riemannTrapezoid'), 'riemannLeft', 'riemannRight', 'riemannMiddle', 'riemannTrapezoid'.
   */
  method?: IntegrationMethod | 'riemann';
  /** Rows per forward pass (Captum's `internal_batch_size`); default all steps × rows at once. */
  internalBatchSize?: number;
}

export interface IntegratedGradientsResult {
  /** Attributions like x: (x − x′) ⊙ Σ_k w_k ∇f(x′ + α_k (x − x′)). */
  attributions: Tensor;
  /** Per row, Σ attributions − (f(x) − f(x′)): how far the quadrature is from completeness. (N,) */
  delta: Tensor;
}

/** The baseline as a tensor broadcastable against x (N, ...), or a typed error naming its shape. */
export function baselineFor(op: string, x: Tensor, baseline: number | Tensor | undefined): Tensor {
  const rest = x.shape.slice(1);
  if (baseline === undefined || typeof baseline === 'number') return full([1, ...rest], baseline ?? 0, { dtype: x.dtype });
  const b = baseline.detach();
  if (shapesEqual(b.shape, x.shape) || shapesEqual(b.shape, [1, ...rest])) return b;
  if (shapesEqual(b.shape, rest)) return reshape(b, [1, ...rest]); // (...) -> (1, ...)
  throw new ShapeError(op, `baseline has shape ${shapeStr(b.shape)} but x is ${shapeStr(x.shape)}; pass a number, one row ${shapeStr(rest)} (or ${shapeStr([1, ...rest])}) or one per row ${shapeStr(x.shape)}`);
}

/**
 * Integrated gradients: IGᵢ(x) = (xᵢ − x′ᵢ) · ∫₀¹ ∂f(x′ + α(x − x′))/∂xᵢ dα, the integral taken with
 * `method`'s points and weights. Completeness: Σᵢ IGᵢ = f(x) − f(x′) up to the quadrature error,
 * which `delta` reports per row (Captum's `return_convergence_delta=True`). The definition of
 * Captum's `IntegratedGradients` (https://captum.ai/api/integrated_gradients.html: "the integral
 * of gradients with respect to inputs along the path from a given baseline to input. The integral
 * is approximated using Riemann Sum or Gauss-Legendre quadrature rule"; delta "is computed by
 * subtracting the total sum of model(inputs) - model(baselines) from the total sum of the integrated gradient").
 *
 * Shape: x (N, ...) → attributions (N, ...), delta (N,).
 *
 * @example
 * const { attributions, delta } = integratedGradients(model, x, { target: 3, steps: 64 });
 */
export function integratedGradients(model: Explained, x: Tensor, opts: IntegratedGradientsOptions = {}): IntegratedGradientsResult {
  const op = 'integratedGradients';
  checkInput(op, x);
  const { steps = 50, target } = opts;
  const method: IntegrationMethod = opts.method === 'riemann' ? 'riemannTrapezoid' : opts.method ?? 'gaussLegendre';
  const { alphas, weights } = quadrature(op, method, steps);
  const N = x.shape[0]!;
  const rest = x.shape.slice(1);
  const perChunk = opts.internalBatchSize === undefined ? steps : Math.floor(opts.internalBatchSize / N);
  if (perChunk < 1) throw new ValueError(op, `internalBatchSize ${opts.internalBatchSize} is smaller than the batch (${N} rows); pass at least ${N}`);
  const f = forwardOf(model);
  return scope(() => {
    const x0 = x.detach();
    const base = expand(baselineFor(op, x, opts.baseline), x.shape); // (N, ...)
    const diff = sub(x0, base); // (N, ...)
    let total: Tensor | null = null; // Σ_k w_k ∇f(path_k), (N, ...)
    for (let k0 = 0; k0 < steps; k0 += perChunk) {
      const ks = alphas.slice(k0, k0 + perChunk).map((_, j) => k0 + j);
      const part = scope(() => {
        const K = ks.length;
        const a = fromArray(ks.map((k) => alphas[k]!), [K, 1, ...rest.map(() => 1)], x.dtype, x.storage.backend); // (K, 1, 1, ...)
        const w = fromArray(ks.map((k) => weights[k]!), [K, 1, ...rest.map(() => 1)], x.dtype, x.storage.backend);
        const path = reshape(add(reshape(base, [1, N, ...rest]), mul(a, reshape(diff, [1, N, ...rest]))), [K * N, ...rest]).requiresGrad_(true); // (K·N, ...)
        const score = enableGrad(() => sum(selectScores(op, f(path), repeatTarget(op, target, N, K))));
        const g = reshape(gradients(score, [path])[0]!, [K, N, ...rest]); // (K·N, ...) -> (K, N, ...)
        return sum(mul(g, w), { dim: 0 }); // (N, ...)
      });
      total = total === null ? part : add(total, part);
    }
    const attributions = mul(diff, total!);
    const endsScores = noGrad(() => reshape(selectScores(op, f(cat([x0, base], 0)), repeatTarget(op, target, N, 2)), [2, N])); // (2N,) -> (2, N)
    const fx = endsScores.data(), sumAttr = sum(reshape(attributions, [N, -1]), { dim: 1 }).data();
    const d = new Float64Array(N);
    for (let i = 0; i < N; i++) d[i] = sumAttr[i]! - (fx[i]! - fx[N + i]!);
    return { attributions: attributions.detach(), delta: fromArray(d, [N], x.dtype, x.storage.backend) };
  });
}
