// The fused GELU primitives (ops/gelu.ts) on the GPU: one thread per element, the reference's
// formulas (backend/ts/gelu.ts) in float32 with the few-ulp erf/exp/tanh of wgsl.ts, so results
// agree with the reference (float64 inside, rounded once) within a few float32 roundings. Φ's
// argument is clamped to ±40 by selects (WGSL's min/max leave NaN unspecified; selects keep it).
import type { TensorView } from '../backend.js';
import { DTypeError } from '../../errors.js';
import type { GeluApproximate } from '../prims.js';
import type { Gpu } from './gpu.js';
import { bindings, grid1d, main1d } from './wgsl.js';

function assertF32(op: string, views: readonly TensorView[]): void {
  const bad = views.find((t) => t.dtype !== 'float32');
  if (bad) throw new DTypeError(op, `the webgpu backend runs the fused GELU in float32 only, got ${bad.dtype}; use .float() or the wasm/ts backend`);
}

/** xc = x clamped to ±GELU_FLAT (NaN kept), and s = erf(xc/√2) or tanh(√(2/π)·(xc + 0.044715·xc³)). */
const head = (approximate: GeluApproximate): string => `  let x = X[i];
  let xc = select(select(x, -40.0f, x < -40.0f), 40.0f, x > 40.0f);
  let s = ${approximate === 'tanh' ? 'ax_tanh((xc + xc * xc * xc * 0.044715f) * 0.797884561f)' : 'ax_erf(xc * 0.707106781f)'};`;

/** gelu′(x) from head()'s values; the x·Φ′ term only where |x| ≤ 40 (false for NaN), as the composite's clamp′. */
const slope = (approximate: GeluApproximate): string => {
  const tail = approximate === 'tanh'
    ? '((0.5f * x) * (1.0f - s * s)) * ((1.0f + 0.134145f * xc * xc) * 0.797884561f)'
    : '(x * ax_exp(-0.5f * xc * xc)) * 0.398942280f';
  return `  let slope = 0.5f * (s + 1.0f) + select(0.0f, ${tail}, abs(x) <= 40.0f);`;
};

/** x → out = gelu(x); or out (2, ...x's shape): gelu(x), then gelu′(x) for the gradient. */
export function gelu(gpu: Gpu, x: TensorView, out: TensorView, approximate: GeluApproximate): void {
  assertF32('gelu', [x, out]);
  const n = x.shape.reduce((a, d) => a * d, 1);
  if (n === 0) return;
  const save = out.shape.reduce((a, d) => a * d, 1) === 2 * n;
  const code = () => `${bindings([['X', 'array<f32>', false], ['O', 'array<f32>', true]])}
${main1d(`${head(approximate)}
  O[i] = (x * 0.5f) * (s + 1.0f);${save ? `
${slope(approximate)}
  O[u32(P[0]) + i] = slope;` : ''}`)}`;
  gpu.dispatch(`gelu:${approximate}${save ? ':slope' : ''}`, code, [x], [out], [n], grid1d(n));
}
