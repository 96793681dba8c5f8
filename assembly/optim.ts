// Fused optimizer updates over a range [e0,e1) of one f32 parameter, in place: one pass reads
// p, g, m, v and writes p, m, v (the composed version makes ~12 passes and as many temporaries).
//
// Subnormals. x86 cores take a microcode assist for many f32 operations on subnormal operands or
// results (WebAssembly has no flush-to-zero mode), and an Adam state fills with them: the moments
// of a weight whose gradient has stopped (a dead ReLU unit, an input that is always 0) decay
// through the subnormal range, m for ~70 steps, v (β₂ = 0.999) for ~16,000. The W1 bench's state
// held 153k subnormals in 470k values and its Adam step ran ~3× slower. With `flush` (the caller
// passes it when ε ≥ 1e-10, src/backend/wasm/wasm-backend.ts) the new m and v are stored with
// their subnormals flushed to zero, so the next step reads none: what that drops (|m|, v < 2⁻¹²⁶,
// √v < 1.1e-19) moves the update by less than one part in 10⁷ of the ε term, so p does not change
// beyond an f32 rounding. (A subnormal gradient, or a square of one below 2⁻¹²⁶, still costs an
// assist; gradients that small are rare, and testing for them costs every element.) With a
// smaller ε (even 0, where a flushed v could turn a finite step into m/0) nothing is flushed.
import { ld, st } from './simd';

// @ts-ignore: decorator
@inline
function flushSubnormals(x: v128): v128 {
  // Lanes whose exponent bits are all zero (±0 and subnormals) become +0.
  return v128.and(x, i32x4.ne(v128.and(x, i32x4.splat(0x7f800000)), i32x4.splat(0)));
}

// One step of four elements at byte offset `off` (or, not `full`, of the element there).
// @ts-ignore: decorator
@inline
function adamAt(p: usize, g: usize, m: usize, v: usize, off: usize, full: bool, flush: bool,
  b1: v128, c1: v128, b2: v128, c2: v128, stepSize: v128, invSqrtBc2: v128, ep: v128, wd: v128, keep: v128): void {
  let pv = ld(p + off, full);
  const gv = f32x4.add(ld(g + off, full), f32x4.mul(wd, pv));
  pv = f32x4.mul(pv, keep);
  let mv = f32x4.add(f32x4.mul(b1, ld(m + off, full)), f32x4.mul(c1, gv));
  let vv = f32x4.add(f32x4.mul(b2, ld(v + off, full)), f32x4.mul(c2, f32x4.mul(gv, gv)));
  if (flush) { mv = flushSubnormals(mv); vv = flushSubnormals(vv); }
  const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), invSqrtBc2), ep);
  st(m + off, mv, full);
  st(v + off, vv, full);
  st(p + off, f32x4.sub(pv, f32x4.mul(stepSize, f32x4.div(mv, denom))), full);
}

// @ts-ignore: decorator
@inline
function adamRange(p: usize, g: usize, m: usize, v: usize, e0: i32, e1: i32, flush: bool,
  lr: f32, beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, bc1: f32, bc2: f32, l2: f32, decay: f32): void {
  const b1 = f32x4.splat(beta1); const c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2); const c2 = f32x4.splat(oneMinusBeta2);
  const stepSize = f32x4.splat(lr / bc1);
  // √v/√bc2 as √v·(1/√bc2): one division an element instead of two (within an f32 rounding).
  const invSqrtBc2 = f32x4.splat(<f32>(1 / Math.sqrt(<f64>bc2)));
  const ep = f32x4.splat(eps);
  const wd = f32x4.splat(l2);
  const keep = f32x4.splat(decay);
  let i = e0;
  for (; i + 4 <= e1; i += 4) adamAt(p, g, m, v, <usize>i << 2, true, flush, b1, c1, b2, c2, stepSize, invSqrtBc2, ep, wd, keep);
  // The tail, one element at a time in lane 0: the same arithmetic.
  for (; i < e1; i++) adamAt(p, g, m, v, <usize>i << 2, false, flush, b1, c1, b2, c2, stepSize, invSqrtBc2, ep, wd, keep);
}

/**
 * Adam / AdamW step. `l2` adds wd·p to the gradient (Adam's weight decay); `decay` multiplies p
 * by (1 − lr·wd) first (AdamW). bc1 = 1 − β1^t and bc2 = 1 − β2^t are the bias corrections.
 * oneMinusBeta1/2 are 1 − β computed in float64 by the caller (1 − f32(0.999) is 1.3e-5 off 0.001).
 * `flush` (0/1): flush subnormals (see above; only with ε ≥ 1e-10).
 */
export function adamF32(p: usize, g: usize, m: usize, v: usize, e0: i32, e1: i32, flush: i32,
  lr: f32, beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, bc1: f32, bc2: f32, l2: f32, decay: f32): void {
  if (flush != 0) adamRange(p, g, m, v, e0, e1, true, lr, beta1, beta2, oneMinusBeta1, oneMinusBeta2, eps, bc1, bc2, l2, decay);
  else adamRange(p, g, m, v, e0, e1, false, lr, beta1, beta2, oneMinusBeta1, oneMinusBeta2, eps, bc1, bc2, l2, decay);
}
