// The one table of numeric tolerances for tests. Each loosening says why.
export interface Tol { rtol: number; atol: number }

export const TOL = {
  /** float64 vs PyTorch float64: only the order of summation differs. */
  fixtureF64: { rtol: 1e-9, atol: 1e-12 },
  /**
   * A float64 fixture run in float32 on a backend without float64 (WebGPU: WGSL has no 64-bit
   * floats) vs the float64 reference: the inputs round to float32 (2⁻²⁴ relative) and every op
   * rounds to float32, a few dozen ops deep for the layers and their gradients.
   */
  fixtureAsF32: { rtol: 1e-4, atol: 1e-5 },
  /** Central finite differences in float64 with step 1e-6: truncation error ~1e-12/h² plus rounding ~1e-16/h. */
  finiteDiff: { rtol: 1e-5, atol: 1e-7 },
  finiteDiffStep: 1e-6,
  /** float32 results vs a float64 reference: one rounding per op, a few ops deep. */
  float32: { rtol: 2e-5, atol: 1e-6 },
  /**
   * float32 results vs PyTorch's float32 results (the edge fixtures): each side rounds every op
   * to float32, with different intermediate precision (Axon's reference computes each op in
   * float64; PyTorch in float32 with its own exp/log/erf), so a few ulps apart; atol covers results
   * that cancel to ~0 at a tie or kink.
   */
  edgesF32: { rtol: 5e-5, atol: 5e-6 },
  /**
   * wasm f32 GEMM vs the reference (which accumulates in float64): the SIMD kernel sums in f32 in
   * blocks of 256 along K, so each output carries ~√K rounding steps of 2⁻²⁴ on partial sums of
   * size ~√K for inputs in [-1, 1]; 1e-4 absolute covers K ≤ 300 with a wide margin.
   */
  gemmF32: { rtol: 1e-5, atol: 1e-4 },
  /**
   * wasm f32 exp/expm1/log/tanh/sigmoid/erf vs the reference: both compute in float64 and round once
   * to f32; the wasm polynomials are accurate to ~1e-13, so a result can differ by one f32 ulp
   * (2⁻²³ relative) only when the exact value sits that close to a rounding boundary. atol covers
   * subnormal results (exp of very negative inputs), whose ulp is 2⁻¹⁴⁹.
   */
  transcendentalF32: { rtol: 1.2e-7, atol: 1e-44 },
  /**
   * Fused GELU (ts, wasm: float64 inside, rounded once to f32) vs the float64 composite rounded to
   * f32: one f32 ulp where the exact value sits at a rounding boundary (as transcendentalF32); atol
   * covers the gradient's zero near x ≈ −0.75, where Φ + x·φ cancels and the composite's other
   * summation order leaves ~1e-16.
   */
  fusedGeluF32: { rtol: 1.2e-7, atol: 1e-15 },
  /**
   * The same on wasm: assembly/erf.ts's erf is accurate to ~4e-15 absolute and returns ±1 from
   * |z| = 4.5 on (f32 erf rounds to ±1 there), and 1 + erf(x/√2) cancels for negative x, so below
   * x ≈ −5 the result (then |gelu| < 1e-6) carries up to ~1e-9 absolute: 0 instead of −6e-10 at
   * x = −6.4. The float32 composite, which rounds erf to f32, is further off there (TOL.float32).
   */
  fusedGeluWasmF32: { rtol: 1.2e-7, atol: 1e-9 },
  /**
   * Fused GELU vs the float32 composite it replaced: the composite rounds erf(x/√2) and tanh(u)
   * to f32, then 1 + s and 1 − s² cancel where s is near ±1 (|x| ≈ 3–5): up to 4.8e-7 absolute
   * on the value and 6e-7 per unit of g on the gradient (the most seen over x in [−12, 12]), with
   * |g| ≤ 2 in the tests. The fused kernel is the accurate side (it meets fusedGeluF32).
   */
  geluCompositeF32: { rtol: 2e-5, atol: 2e-6 },
  /** Fused float64 GELU vs the float64 composite: the same formula, the gradient summed in another order (atol: as fusedGeluF32). */
  fusedGeluF64: { rtol: 1e-12, atol: 1e-15 },
  /**
   * Fused f32 attention (wasm, assembly/attention.ts) vs the composite on the ts reference: the
   * kernel sums q·k in f32 (4 lanes, then across), uses an f32 exp polynomial (~1e-7 relative),
   * accumulates Σ p·v unnormalised with online rescales and divides once at the end; the reference
   * rounds after each op with float64 inside. Outputs are averages of values in [-1, 1]; the largest
   * difference seen over head dims 1–128 and up to 300 keys is 2.7e-7.
   */
  fusedAttentionF32: { rtol: 1e-5, atol: 2e-6 },
  /**
   * A float32 layer loaded from a torch state dict vs torch's float32 output on the same weights
   * (test/fixtures/state-dicts.*): both round every op to float32 but differ in summation order
   * and exp/tanh/erf; recurrent and attention layers chain a few dozen such ops. Outputs are O(1).
   */
  torchLayerF32: { rtol: 1e-4, atol: 1e-5 },
  /**
   * Kernel SHAP's weighted least-squares solution (float64, Gaussian elimination on the M−1 normal
   * equations) vs Shapley values summed directly: the normal equations square the condition number
   * of the coalition matrix (the Shapley kernel's weights span ~C(M, M/2)), which costs a few digits.
   */
  kernelShapSolve: { rtol: 1e-9, atol: 1e-11 },
  /** Integration points and weights vs numpy's (linspace, leggauss): a few ulps of values in [0, 1]. */
  quadrature: { rtol: 0, atol: 1e-14 },
  /**
   * webgpu f32 exp/log/expm1/log1p/tanh/sigmoid/erf/sqrt/rsqrt vs the reference: the kernels
   * (backend/webgpu/wgsl.ts) compute in f32 throughout (range reduction and a polynomial rounded
   * at each step; WGSL has no wider type), a few ulp from the correctly rounded result; atol covers
   * subnormal results, which GPUs may flush to zero.
   */
  webgpuTranscendentalF32: { rtol: 1e-6, atol: 1.2e-38 },
  /**
   * webgpu sin/cos (backend/webgpu/wgsl.ts ax_sin/ax_cos: Cody–Waite reduction by π/4 in three
   * f32 parts and Cephes' sinf/cosf polynomials, all in f32; WGSL's built-ins are bounded only
   * absolutely, 2⁻¹¹ on [−π, π], and were 1e-4 off on SwiftShader): a few ulp of the result, and
   * near a zero of the function an absolute few ulp of 1 from the reduction.
   */
  webgpuSinCosF32: { rtol: 2e-6, atol: 2e-7 },
  /** Fused f32 Adam step vs the same update composed in float64: a few f32 roundings per element. */
  fusedAdamF32: { rtol: 1e-5, atol: 1e-7 },
  /**
   * The doctor's gradient RMS (float32 sums of (x / max|x|)² on the backend) vs a float64 loop:
   * one float32 rounding per element and the summation's; only thresholds 10× apart read it.
   */
  gradientRmsF32: { rtol: 1e-5, atol: 0 },
  /**
   * A whole float32 training run vs PyTorch's float32 run (GPT parity, 100 AdamW steps): each
   * step's rounding differs (summation order, exp/erf implementations), and the differences
   * compound through the updates; the bar is 1% relative on every step's loss.
   */
  lossCurve: { rtol: 0.01, atol: 0 },
} as const;

export function closeEnough(actual: number, expected: number, { rtol, atol }: Tol): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}
