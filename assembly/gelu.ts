// The fused GELU and, for the gradient, its slope (src/ops/gelu.ts; reference: src/backend/ts/gelu.ts),
// one pass:
// four f32 elements at a time, widened to two f64x2 halves, computed in float64 (erf per lane by
// erf.ts's polynomials, exp and tanh by transcendental.ts's) and rounded once to f32 like the
// reference, so results agree within TOL.transcendentalF32. Φ's argument is clamped to ±GELU_FLAT
// as the composite clamps it; the x·Φ′ term of the gradient is dropped beyond (clamp′ = 0), which
// keeps +∞ → 1 and −∞ → 0 rather than ∞·0 = NaN. pmin/pmax return their first operand (x) when it is NaN, so NaN propagates.
import { verf } from './erf';
import { vexp, vtanh } from './transcendental';
import { narrow2, widenHi, widenLo } from './simd';

const GELU_FLAT: f64 = 40;
const SQRT1_2: f64 = 0.7071067811865476;
const SQRT_2_OVER_PI: f64 = 0.7978845608028654; // √(2/π)
const INV_SQRT_2PI: f64 = 0.3989422804014327; // 1/√(2π)
const K: f64 = 0.044715;

// @ts-ignore: decorator
@inline
function splat(v: f64): v128 { return f64x2.splat(v); }

// @ts-ignore: decorator
@inline
function clampFlat(x: v128): v128 { return f64x2.pmin(f64x2.pmax(x, splat(-GELU_FLAT)), splat(GELU_FLAT)); }

// tanh(√(2/π)·(xc + 0.044715·xc³))
// @ts-ignore: decorator
@inline
function tanhInner(xc: v128): v128 {
  return vtanh(f64x2.mul(f64x2.add(xc, f64x2.mul(f64x2.mul(f64x2.mul(xc, xc), xc), splat(K))), splat(SQRT_2_OVER_PI)));
}

/** gelu of two f64 lanes from x and s = sOf(clampFlat(x)). */
// @ts-ignore: decorator
@inline
function geluOf(x: v128, s: v128): v128 {
  return f64x2.mul(f64x2.mul(x, splat(0.5)), f64x2.add(s, splat(1)));
}

/** Φ's part of two f64 lanes at xc = clampFlat(x): erf(xc/√2), or the tanh form's tanh. */
// @ts-ignore: decorator
@inline
function sOf(table: usize, xc: v128, tanhForm: bool): v128 {
  return tanhForm ? tanhInner(xc) : verf(table, f64x2.mul(xc, splat(SQRT1_2)));
}

/** gelu′ of two f64 lanes from x, xc and s = sOf(xc): Φ(xc) + x·φ(xc) (or the tanh form's), the second term only where |x| ≤ GELU_FLAT. */
// @ts-ignore: decorator
@inline
function slopeOf(x: v128, xc: v128, s: v128, tanhForm: bool): v128 {
  const inside = f64x2.le(f64x2.abs(x), splat(GELU_FLAT)); // all-zero lanes for NaN
  const head = f64x2.mul(splat(0.5), f64x2.add(s, splat(1)));
  let tail: v128;
  if (tanhForm) {
    const du = f64x2.mul(f64x2.add(splat(1), f64x2.mul(splat(3 * K), f64x2.mul(xc, xc))), splat(SQRT_2_OVER_PI));
    tail = f64x2.mul(f64x2.mul(f64x2.mul(splat(0.5), x), f64x2.sub(splat(1), f64x2.mul(s, s))), du);
  } else {
    tail = f64x2.mul(f64x2.mul(x, vexp(f64x2.mul(splat(-0.5), f64x2.mul(xc, xc)))), splat(INV_SQRT_2PI));
  }
  return f64x2.add(head, v128.and(tail, inside));
}

// The ranges below are inlined once per form with a constant tanhForm, so each loop holds only
// its own form's code (a runtime flag inside the loop let the optimiser evaluate both arms).
// @ts-ignore: decorator
@inline
function geluRange(x: usize, out: usize, table: usize, tf: bool, e0: i32, e1: i32): void {
  let i = e0;
  for (; i + 4 <= e1; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(x + off);
    const lo = widenLo(v), hi = widenHi(v);
    v128.store(out + off, narrow2(geluOf(lo, sOf(table, clampFlat(lo), tf)), geluOf(hi, sOf(table, clampFlat(hi), tf))));
  }
  for (; i < e1; i++) {
    const off = <usize>i << 2;
    const v = splat(<f64>load<f32>(x + off));
    store<f32>(out + off, <f32>f64x2.extract_lane(geluOf(v, sOf(table, clampFlat(v), tf)), 0));
  }
}

// gelu and its slope from one Φ per element (the forward pass when a gradient will be needed).
// @ts-ignore: decorator
@inline
function geluSlopeRange(x: usize, out: usize, slope: usize, table: usize, tf: bool, e0: i32, e1: i32): void {
  let i = e0;
  for (; i + 4 <= e1; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(x + off);
    const lo = widenLo(v), hi = widenHi(v);
    const clo = clampFlat(lo), chi = clampFlat(hi);
    const slo = sOf(table, clo, tf), shi = sOf(table, chi, tf);
    v128.store(out + off, narrow2(geluOf(lo, slo), geluOf(hi, shi)));
    v128.store(slope + off, narrow2(slopeOf(lo, clo, slo, tf), slopeOf(hi, chi, shi, tf)));
  }
  for (; i < e1; i++) {
    const off = <usize>i << 2;
    const v = splat(<f64>load<f32>(x + off));
    const c = clampFlat(v);
    const sv = sOf(table, c, tf);
    store<f32>(out + off, <f32>f64x2.extract_lane(geluOf(v, sv), 0));
    store<f32>(slope + off, <f32>f64x2.extract_lane(slopeOf(v, c, sv, tf), 0));
  }
}

/**
 * out[i] = gelu(x[i]) for i in [e0, e1), and slope[i] = gelu′(x[i]) when slope ≠ 0; tanhForm: 1
 * for approximate 'tanh', 0 for the erf form; `table`: erf's tail coefficients
 * (src/backend/wasm/erf-table.ts).
 */
export function geluF32(x: usize, out: usize, slope: usize, tanhForm: i32, table: usize, e0: i32, e1: i32): void {
  if (slope != 0) {
    if (tanhForm != 0) geluSlopeRange(x, out, slope, table, true, e0, e1);
    else geluSlopeRange(x, out, slope, table, false, e0, e1);
  } else if (tanhForm != 0) geluRange(x, out, table, true, e0, e1);
  else geluRange(x, out, table, false, e0, e1);
}
