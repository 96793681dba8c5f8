// The points α_k ∈ [0, 1] and weights w_k with which integrated gradients approximates ∫₀¹ g(α) dα
// ≈ Σ w_k g(α_k): Captum's riemann_{left,right,middle,trapezoid} and gausslegendre rules, point for point.
import { ValueError } from '../errors.js';

export type IntegrationMethod = 'riemannLeft' | 'riemannRight' | 'riemannMiddle' | 'riemannTrapezoid' | 'gaussLegendre';

export const INTEGRATION_METHODS: readonly IntegrationMethod[] = ['riemannLeft', 'riemannRight', 'riemannMiddle', 'riemannTrapezoid', 'gaussLegendre'];

export interface Quadrature { alphas: number[]; weights: number[] }

/** n points evenly spaced from a to b inclusive (numpy's linspace). */
function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  const step = (b - a) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + i * step));
}

/**
 * Gauss–Legendre nodes and weights on [−1, 1], nodes ascending (as numpy's `leggauss`): each node
 * is a root of the Legendre polynomial P_n found by Newton's method from Tricomi's estimate
 * cos(π(k − ¼)/(n + ½)); the weight is 2 / ((1 − x²) P_n'(x)²). Newton converges quadratically
 * there, so a few iterations reach rounding level (the nodes are checked to 1e-14 against numpy's).
 */
export function legendreGauss(n: number): { nodes: number[]; weights: number[] } {
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let k = 1; k <= Math.ceil(n / 2); k++) {
    let x = Math.cos((Math.PI * (k - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      // P_n(x) and P_n'(x) by the three-term recurrence (j+1)P_{j+1} = (2j+1)xP_j − jP_{j−1}.
      let p0 = 1, p1 = x;
      for (let j = 1; j < n; j++) { const p2 = ((2 * j + 1) * x * p1 - j * p0) / (j + 1); p0 = p1; p1 = p2; }
      const p = n === 0 ? 1 : p1;
      dp = (n * (x * p - p0)) / (x * x - 1);
      const dx = p / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    let p0 = 1, p1 = x; // P_n'(x) at the converged root, for the weight
    for (let j = 1; j < n; j++) { const p2 = ((2 * j + 1) * x * p1 - j * p0) / (j + 1); p0 = p1; p1 = p2; }
    dp = (n * (x * p1 - p0)) / (x * x - 1);
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[n - k] = x; weights[n - k] = w; // the largest roots first, so fill from the right
    nodes[k - 1] = -x; weights[k - 1] = w;
  }
  if (n % 2 === 1) nodes[(n - 1) / 2] = 0; // the middle root is exactly 0
  return { nodes, weights };
}

/**
 * The points and weights of `method` with `steps` points, as Captum's
 * `captum.attr._utils.approximation_methods` (https://captum.ai/api/integrated_gradients.html,
 * `method`: "riemann_right, riemann_left, riemann_middle, riemann_trapezoid or gausslegendre"):
 * the Riemann rules use weights 1/n at α = linspace(0, 1 − 1/n) (left), linspace(1/n, 1) (right),
 * linspace(1/2n, 1 − 1/2n) (middle); the trapezoid rule α = linspace(0, 1) with weights 1/n, halved
 * at both ends (Captum's choice: they sum to 1 − 1/n, not 1); Gauss–Legendre α = (1 + xₖ)/2, w = wₖ/2.
 */
export function quadrature(op: string, method: IntegrationMethod, steps: number): Quadrature {
  if (!INTEGRATION_METHODS.includes(method)) throw new ValueError(op, `method ${JSON.stringify(method)} is not one of ${INTEGRATION_METHODS.map((m) => `'${m}'`).join(', ')}`);
  const min = method === 'gaussLegendre' ? 1 : 2;
  if (!Number.isInteger(steps) || steps < min) throw new ValueError(op, `steps must be an integer ≥ ${min} for ${method}, got ${steps}`);
  const n = steps;
  if (method === 'gaussLegendre') {
    const { nodes, weights } = legendreGauss(n);
    return { alphas: nodes.map((x) => 0.5 * (1 + x)), weights: weights.map((w) => 0.5 * w) };
  }
  const weights = new Array<number>(n).fill(1 / n);
  if (method === 'riemannTrapezoid') { weights[0] = 1 / n / 2; weights[n - 1] = 1 / n / 2; }
  const alphas = method === 'riemannTrapezoid' ? linspace(0, 1, n)
    : method === 'riemannLeft' ? linspace(0, 1 - 1 / n, n)
      : method === 'riemannMiddle' ? linspace(1 / (2 * n), 1 - 1 / (2 * n), n)
        : linspace(1 / n, 1, n);
  return { alphas, weights };
}
