// f32 exp, expm1, log, tanh and sigmoid. Each computes in float64 (f64x2 SIMD, two lanes at a
// time) with errors near 1e-13 and rounds once to f32, so results equal the reference (which
// also computes in float64 and rounds) except in the rare case the exact value lies within
// ~1e-13 of an f32 rounding boundary: then they may differ by one ulp (see test/tolerances.ts).
import { EXP, EXPM1, LOG, SIGMOID, TANH } from './codes';

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const LOG2E: f64 = 1.4426950408889634;
const LN2: f64 = 0.6931471805599453;

// @ts-ignore: decorator
@inline
function splat(v: f64): v128 { return f64x2.splat(v); }

// expm1 on |r| ≤ ln2/2 by its Taylor series to r¹⁰ (truncation < 3e-13 relative), evaluated by
// Estrin's scheme (pairs, then r², r⁴, r⁸): about 8 dependent steps instead of Horner's 20, so the
// independent gate lanes of a kernel overlap instead of waiting on one long chain.
// @ts-ignore: decorator
@inline
function expm1Poly(r: v128): v128 {
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const q01 = f64x2.add(splat(1.0), f64x2.mul(r, splat(0.5)));
  const q23 = f64x2.add(splat(1.0 / 6.0), f64x2.mul(r, splat(1.0 / 24.0)));
  const q45 = f64x2.add(splat(1.0 / 120.0), f64x2.mul(r, splat(1.0 / 720.0)));
  const q67 = f64x2.add(splat(1.0 / 5040.0), f64x2.mul(r, splat(1.0 / 40320.0)));
  const q89 = f64x2.add(splat(1.0 / 362880.0), f64x2.mul(r, splat(1.0 / 3628800.0)));
  const q03 = f64x2.add(q01, f64x2.mul(q23, r2));
  const q47 = f64x2.add(q45, f64x2.mul(q67, r2));
  const q07 = f64x2.add(q03, f64x2.mul(q47, r4));
  return f64x2.mul(r, f64x2.add(q07, f64x2.mul(q89, f64x2.mul(r4, r4))));
}

const ROUND: f64 = 6755399441055744.0; // 1.5·2⁵²: adding it rounds |v| < 2⁵¹ to an integer (ties to even)

// Range reduction shared by exp and expm1: x = n·ln2 + r with |r| ≤ ln2/2, x clamped to
// [-110, 90] (beyond it f32 results are 0 or ∞ anyway; NaN stays NaN, since pmin and pmax return
// their first operand when the comparison fails). n comes from the magic-number round (the same
// ties-to-even integer as f64x2.nearest), 2ⁿ from the low bits of that sum shifted into the
// exponent field: no nearest, trunc_sat or NaN-checking min/max, which V8 expands into long
// instruction sequences (exp went from 4.8 to 3.5 ns an element).
// @ts-ignore: decorator
@inline
function clampX(x: v128): v128 { return f64x2.pmin(f64x2.pmax(x, splat(-110)), splat(90)); }

/** x·log₂e + 1.5·2⁵²: its low mantissa bits hold n = round(x·log₂e). */
// @ts-ignore: decorator
@inline
function roundT(x: v128): v128 { return f64x2.add(f64x2.mul(x, splat(LOG2E)), splat(ROUND)); }

/** r = x − n·ln2 in two parts (Cody–Waite), n = t − 1.5·2⁵². */
// @ts-ignore: decorator
@inline
function remainder(x: v128, t: v128): v128 {
  const n = f64x2.sub(t, splat(ROUND));
  return f64x2.sub(f64x2.sub(x, f64x2.mul(n, splat(LN2_HI))), f64x2.mul(n, splat(LN2_LO)));
}

/** 2ⁿ from t: n + 1023 (in [864, 1153]) shifted into the exponent field. */
// @ts-ignore: decorator
@inline
function pow2(t: v128): v128 { return i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52); }

/** exp for f64 lanes, with x clamped to [-110, 90]. */
// @ts-ignore: decorator
@inline
export function vexp(x: v128): v128 {
  x = clampX(x);
  const t = roundT(x);
  return f64x2.mul(pow2(t), f64x2.add(expm1Poly(remainder(x, t)), splat(1)));
}

/** expm1 for f64 lanes: exact to ~1e-13 relative also for tiny x (no cancellation when n = 0). */
// @ts-ignore: decorator
@inline
function vexpm1(x: v128): v128 {
  x = clampX(x);
  const t = roundT(x);
  const s = pow2(t);
  return f64x2.add(f64x2.mul(s, expm1Poly(remainder(x, t))), f64x2.sub(s, splat(1)));
}

/** log for f64 lanes holding promoted f32 values (so never subnormal). */
// @ts-ignore: decorator
@inline
export function vlog(x: v128): v128 {
  const bits = x;
  let e = f64x2.convert_low_i32x4_s(i32x4.shuffle(i64x2.sub(i64x2.shr_u(bits, 52), i64x2.splat(1023)), i32x4.splat(0), 0, 2, 4, 4));
  // Mantissa in [1, 2); move it to [√½, √2) so log(m) is small and accurate.
  let m = v128.or(v128.and(bits, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const big = f64x2.gt(m, splat(1.4142135623730951));
  m = v128.bitselect(f64x2.mul(m, splat(0.5)), m, big);
  e = v128.bitselect(f64x2.add(e, splat(1)), e, big);
  const s = f64x2.div(f64x2.sub(m, splat(1)), f64x2.add(m, splat(1)));
  const s2 = f64x2.mul(s, s);
  // log(m) = 2·atanh(s) = 2s(1 + s²/3 + s⁴/5 + …), |s| ≤ 0.1716: terms to s¹⁴ (< 2e-12 relative).
  let p = splat(1.0 / 15.0);
  p = f64x2.add(splat(1.0 / 13.0), f64x2.mul(s2, p));
  p = f64x2.add(splat(1.0 / 11.0), f64x2.mul(s2, p));
  p = f64x2.add(splat(1.0 / 9.0), f64x2.mul(s2, p));
  p = f64x2.add(splat(1.0 / 7.0), f64x2.mul(s2, p));
  p = f64x2.add(splat(1.0 / 5.0), f64x2.mul(s2, p));
  p = f64x2.add(splat(1.0 / 3.0), f64x2.mul(s2, p));
  p = f64x2.add(splat(1.0), f64x2.mul(s2, p));
  let r = f64x2.add(f64x2.mul(e, splat(LN2)), f64x2.mul(f64x2.mul(splat(2), s), p));
  // Special values: log(0) = -∞, log(x < 0) = NaN, log(∞) = ∞, NaN stays NaN.
  r = v128.bitselect(splat(-Infinity), r, f64x2.eq(x, splat(0)));
  r = v128.bitselect(splat(NaN), r, f64x2.lt(x, splat(0)));
  r = v128.bitselect(x, r, v128.or(f64x2.eq(x, splat(Infinity)), f64x2.ne(x, x)));
  return r;
}

// tanh = sign(x)·e/(e + 2) with e = expm1(2|x|); |x| ≥ 20 gives 1 in f32 (and avoids ∞/∞).
// @ts-ignore: decorator
@inline
export function vtanh(x: v128): v128 {
  const a = f64x2.pmin(f64x2.abs(x), splat(20)); // NaN stays NaN (pmin's first operand)
  const e = vexpm1(f64x2.add(a, a));
  const t = f64x2.div(e, f64x2.add(e, splat(2)));
  return v128.bitselect(x, t, i64x2.splat(0x8000000000000000)); // copy the sign (keeps -0 and NaN)
}

// sigmoid as the reference: 1/(1 + e^-x) for x ≥ 0, e^x/(1 + e^x) below, via e = exp(-|x|).
// @ts-ignore: decorator
@inline
export function vsigmoid(x: v128): v128 {
  const e = vexp(f64x2.neg(f64x2.abs(x)));
  // One division: the numerator is chosen first (1 for x ≥ 0, e below; NaN takes e, as before).
  return f64x2.div(v128.bitselect(splat(1), e, f64x2.ge(x, splat(0))), f64x2.add(splat(1), e));
}

// @ts-ignore: decorator
@inline
function apply(op: i32, x: v128): v128 {
  switch (op) {
    case EXP: return vexp(x);
    case EXPM1: return vexpm1(x);
    case LOG: return vlog(x);
    case TANH: return vtanh(x);
    default: return vsigmoid(x);
  }
}

// @ts-ignore: decorator
@inline
function mapRange(op: i32, x: usize, out: usize, e0: i32, e1: i32): void {
  let i = e0;
  for (; i + 4 <= e1; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(x + off);
    const lo = f32x4.demote_f64x2_zero(apply(op, f64x2.promote_low_f32x4(v)));
    const hi = f32x4.demote_f64x2_zero(apply(op, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3))));
    v128.store(out + off, i32x4.shuffle(lo, hi, 0, 1, 4, 5));
  }
  for (; i < e1; i++) {
    const off = <usize>i << 2;
    const r = apply(op, f64x2.splat(<f64>load<f32>(x + off)));
    store<f32>(out + off, <f32>f64x2.extract_lane(r, 0));
  }
}

/** out[i] = op(x[i]) for i in [e0,e1); op: EXP, EXPM1, LOG, TANH or SIGMOID (codes.ts). */
export function transcendentalF32(op: i32, x: usize, out: usize, e0: i32, e1: i32): void {
  switch (op) {
    case EXP: mapRange(EXP, x, out, e0, e1); break;
    case EXPM1: mapRange(EXPM1, x, out, e0, e1); break;
    case LOG: mapRange(LOG, x, out, e0, e1); break;
    case TANH: mapRange(TANH, x, out, e0, e1); break;
    case SIGMOID: mapRange(SIGMOID, x, out, e0, e1); break;
  }
}
