// Reference kernels of the fused GELU (ops/gelu.ts). Each element is computed in float64 and
// rounded once to the output dtype, with Φ's argument clamped to ±GELU_FLAT as the composite
// clamps it: the same values as the composite (ops/gelu.ts geluComposite) up to its per-op
// float32 roundings (its 1 + erf(x/√2) cancels for negative x), the same non-finite results.
import type { GeluApproximate } from '../prims.js';
import type { KView } from './kernels.js';
import { erf } from './scalar-math.js';

/** Beyond ±GELU_FLAT, Φ is exactly 1 or 0 in either float dtype (φ underflows to 0). */
export const GELU_FLAT = 40;
const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const K = 0.044715;

/** x clamped to ±GELU_FLAT, NaN kept (the composite's two compares and wheres). */
const clampFlat = (x: number): number => (x < -GELU_FLAT ? -GELU_FLAT : x > GELU_FLAT ? GELU_FLAT : x);

/** gelu(x) in float64: 0.5·x·(1 + erf(xc/√2)), or 0.5·x·(1 + tanh(√(2/π)·(xc + 0.044715·xc³))). */
export function gelu64(x: number, approximate: GeluApproximate): number {
  const xc = clampFlat(x);
  if (approximate === 'tanh') return x * 0.5 * (Math.tanh((xc + xc * xc * xc * K) * SQRT_2_OVER_PI) + 1);
  return x * 0.5 * (erf(xc * SQRT1_2) + 1);
}

/**
 * d gelu/dx in float64 at x. The x·Φ′ term is taken only where |x| ≤ GELU_FLAT (clamp′ = 0 beyond,
 * which is why the composite's gradient is 1 at +∞ and 0 at −∞, not ∞·0 = NaN); NaN gives NaN
 * through Φ.
 */
export function geluSlope64(x: number, approximate: GeluApproximate): number {
  const xc = clampFlat(x);
  const inside = x >= -GELU_FLAT && x <= GELU_FLAT;
  if (approximate === 'tanh') {
    const t = Math.tanh((xc + xc * xc * xc * K) * SQRT_2_OVER_PI);
    const du = (1 + 3 * K * xc * xc) * SQRT_2_OVER_PI;
    return 0.5 * (t + 1) + (inside ? 0.5 * x * (1 - t * t) * du : 0);
  }
  return 0.5 * (erf(xc * SQRT1_2) + 1) + (inside ? x * Math.exp(-0.5 * xc * xc) * INV_SQRT_2PI : 0);
}

/** x → out = gelu(x), any shape; or out (2, ...x's shape): gelu(x), then gelu′(x) for the gradient. */
export function geluKernel([x]: readonly KView[], out: KView, { approximate }: { approximate: GeluApproximate }): void {
  const xd = x!.data, o = out.data, n = xd.length;
  for (let i = 0; i < n; i++) o[i] = gelu64(xd[i]!, approximate);
  if (o.length === 2 * n && n > 0) for (let i = 0; i < n; i++) o[n + i] = geluSlope64(xd[i]!, approximate);
}
