// f32 erf (GELU's kernel): computed in float64 and rounded once to f32, like the reference.
// |x| < 0.5: Maclaurin series to x²³ (Estrin's scheme); 0.5 ≤ |x| < 4.5: one degree-13 polynomial per interval of
// width 0.5 (Chebyshev fits of the reference erf, made by scripts/fit-erf.mjs; relative error
// < 4e-15); beyond 4.5 erf rounds to ±1 in f32. Results can differ from the reference by one f32
// ulp only when the exact value lies within ~1e-14 of a rounding boundary.

const STRIDE: usize = 14 * 8; // bytes per interval in the table (src/backend/wasm/erf-table.ts)

/** The tail polynomial of interval iv (0..7) at t, Horner from c₁₃ down, coefficients from `table`. */
// @ts-ignore: decorator
@inline
function tail(table: usize, iv: i32, t: f64): f64 {
  const c = table + <usize>iv * STRIDE;
  let p = load<f64>(c, 13 * 8);
  p = load<f64>(c, 12 * 8) + t * p;
  p = load<f64>(c, 11 * 8) + t * p;
  p = load<f64>(c, 10 * 8) + t * p;
  p = load<f64>(c, 9 * 8) + t * p;
  p = load<f64>(c, 8 * 8) + t * p;
  p = load<f64>(c, 7 * 8) + t * p;
  p = load<f64>(c, 6 * 8) + t * p;
  p = load<f64>(c, 5 * 8) + t * p;
  p = load<f64>(c, 4 * 8) + t * p;
  p = load<f64>(c, 3 * 8) + t * p;
  p = load<f64>(c, 2 * 8) + t * p;
  p = load<f64>(c, 8) + t * p;
  return load<f64>(c) + t * p;
}

// Coefficient k of two lanes' intervals (bases c0 and c1) as one f64x2.
// @ts-ignore: decorator
@inline
function coef2(c0: usize, c1: usize, k: usize): v128 {
  return v128.load64_lane(c1 + k * 8, v128.load64_splat(c0 + k * 8), 1);
}

/**
 * The Maclaurin series of erf(x)/x in u = x² (|x| < 0.5: u < 0.25), coefficients c₀…c₁₁, by
 * Estrin's scheme: pairs, then u², u⁴, u⁸. Four dependent multiply-add levels instead of Horner's
 * twelve: GELU's lanes are mostly in this range, where the chain's latency was the cost.
 */
// @ts-ignore: decorator
@inline
function series(u: f64): f64 {
  const u2 = u * u;
  const u4 = u2 * u2;
  const q0 = 1.1283791670955126 + -0.37612638903183754 * u;
  const q1 = 0.11283791670955126 + -0.026866170645131252 * u;
  const q2 = 0.0052239776254421879 + -0.00085483270234508522 * u;
  const q3 = 0.00012055332981789664 + -0.000014925650358406250 * u;
  const q4 = 0.0000016462114365889246 + -1.6365844691234924e-7 * u;
  const q5 = 1.4807192815879218e-8 + -1.2290555301717926e-9 * u;
  const r0 = q0 + q1 * u2;
  const r1 = q2 + q3 * u2;
  const r2 = q4 + q5 * u2;
  return r0 + (r1 + r2 * u4) * u4;
}

/** The same series on two f64 lanes, the same operations in the same order (lanes equal series()). */
// @ts-ignore: decorator
@inline
function vseries(u: v128): v128 {
  const u2 = f64x2.mul(u, u);
  const u4 = f64x2.mul(u2, u2);
  const q0 = f64x2.add(f64x2.splat(1.1283791670955126), f64x2.mul(f64x2.splat(-0.37612638903183754), u));
  const q1 = f64x2.add(f64x2.splat(0.11283791670955126), f64x2.mul(f64x2.splat(-0.026866170645131252), u));
  const q2 = f64x2.add(f64x2.splat(0.0052239776254421879), f64x2.mul(f64x2.splat(-0.00085483270234508522), u));
  const q3 = f64x2.add(f64x2.splat(0.00012055332981789664), f64x2.mul(f64x2.splat(-0.000014925650358406250), u));
  const q4 = f64x2.add(f64x2.splat(0.0000016462114365889246), f64x2.mul(f64x2.splat(-1.6365844691234924e-7), u));
  const q5 = f64x2.add(f64x2.splat(1.4807192815879218e-8), f64x2.mul(f64x2.splat(-1.2290555301717926e-9), u));
  const r0 = f64x2.add(q0, f64x2.mul(q1, u2));
  const r1 = f64x2.add(q2, f64x2.mul(q3, u2));
  const r2 = f64x2.add(q4, f64x2.mul(q5, u2));
  return f64x2.add(r0, f64x2.mul(f64x2.add(r1, f64x2.mul(r2, u4)), u4));
}

// @ts-ignore: decorator
@inline
export function erf64(table: usize, x: f64): f64 {
  if (x != x) return x;
  const ax = Math.abs(x);
  if (ax < 0.5) return x * series(x * x);
  if (ax >= 4.5) return copysign<f64>(1.0, x);
  const iv = <i32>((ax - 0.5) * 2.0);
  const t = (ax - (0.75 + <f64>iv * 0.5)) * 4.0;
  return copysign<f64>(tail(table, iv, t), x);
}

/** out[i] = erf(x[i]) for i in [e0,e1); `table`: the tail coefficients (erf-table.ts). */
export function erfF32(x: usize, out: usize, table: usize, e0: i32, e1: i32): void {
  for (let i = e0; i < e1; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, <f32>erf64(table, <f64>load<f32>(x + off)));
  }
}

/**
 * erf of two f64 lanes: the same series, polynomials and operation order as erf64, so each lane
 * equals erf64 bit for bit (NaN kept). Each lane's tail polynomial takes its own interval's
 * coefficients from `table` (two loads per coefficient), with no branch per lane.
 */
// @ts-ignore: decorator
@inline
export function verf(table: usize, x: v128): v128 {
  const ax = f64x2.abs(x);
  const u = f64x2.mul(x, x);
  const small = f64x2.mul(x, vseries(u));
  if (i64x2.all_true(f64x2.lt(ax, f64x2.splat(0.5)))) return small; // both lanes small: the common case for pre-activations near 0
  const ivf = f64x2.pmin(f64x2.pmax(f64x2.floor(f64x2.mul(f64x2.sub(ax, f64x2.splat(0.5)), f64x2.splat(2.0))), f64x2.splat(0)), f64x2.splat(7));
  const t = f64x2.mul(f64x2.sub(ax, f64x2.add(f64x2.splat(0.75), f64x2.mul(ivf, f64x2.splat(0.5)))), f64x2.splat(4.0));
  const iv = i32x4.trunc_sat_f64x2_s_zero(ivf); // NaN → 0: its t is NaN anyway
  const c0 = table + <usize>i32x4.extract_lane(iv, 0) * STRIDE; // iv in [0, 7]: ivf is clamped
  const c1 = table + <usize>i32x4.extract_lane(iv, 1) * STRIDE;
  let q = coef2(c0, c1, 13);
  for (let k: usize = 12; ; k--) { // Horner as tail(); unrolled by the optimiser (constant bounds)
    q = f64x2.add(coef2(c0, c1, k), f64x2.mul(t, q));
    if (k == 0) break;
  }
  const signBit = i64x2.splat(0x8000000000000000);
  const tail = v128.bitselect(x, q, signBit); // copysign(q, x)
  const one = v128.bitselect(x, f64x2.splat(1), signBit);
  return v128.bitselect(small, v128.bitselect(one, tail, f64x2.ge(ax, f64x2.splat(4.5))), f64x2.lt(ax, f64x2.splat(0.5)));
}
