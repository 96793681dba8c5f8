// Scalar float64 exp and log accurate to a few ulp, without lookup tables: AssemblyScript's own
// Math.exp/log bring data segments, which the allocator would hand out as tensor memory (see the
// static-data test). Used by the doctor's baselines (boost.ts, softmax-regression.ts), whose
// JavaScript twins call V8's Math.exp/log: the two may differ in the last bits.

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const LOG2E: f64 = 1.4426950408889634;
const SQRT2: f64 = 1.4142135623730951;

/** 2ⁿ for integral n in [-1022, 1023]. */
// @ts-ignore: decorator
@inline
function pow2(n: i32): f64 {
  return reinterpret<f64>(<i64>(n + 1023) << 52);
}

/**
 * eˣ: x = n·ln2 + r with |r| ≤ ln2/2, eʳ by its Taylor series to r¹³ (truncation < 1e-17):
 * eʳ = 1 + (r + r²·P(r)), P of degree 11 evaluated by Estrin's scheme (pairs, then r², r⁴, r⁸):
 * a dependency chain of ~6 operations instead of Horner's 26, and P's rounding is scaled down
 * by r² before the two final adds that set the last bits.
 */
export function exp64(x: f64): f64 {
  if (x != x) return x;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const n = Math.round(x * LOG2E);
  const r = (x - n * LN2_HI) - n * LN2_LO;
  const r2 = r * r;
  const r4 = r2 * r2;
  const r8 = r4 * r4;
  const b0 = 1.0 / 2.0 + r * (1.0 / 6.0);
  const b1 = 1.0 / 24.0 + r * (1.0 / 120.0);
  const b2 = 1.0 / 720.0 + r * (1.0 / 5040.0);
  const b3 = 1.0 / 40320.0 + r * (1.0 / 362880.0);
  const b4 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0);
  const b5 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
  const p = (b0 + b1 * r2) + (b2 + b3 * r2) * r4 + (b4 + b5 * r2) * r8; // Σ rⁱ/(i+2)!, i = 0..11
  const e = 1.0 + (r + r2 * p); // eʳ
  const k = <i32>n;
  // 2ᵏ in two factors where one would leave the normal range (results near overflow or subnormal)
  if (k > 1000) return e * pow2(1000) * pow2(k - 1000);
  if (k < -1000) return e * pow2(-1000) * pow2(k + 1000);
  return e * pow2(k);
}

/** ln x: x = m·2ᵉ with m in [√½, √2), ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716, to s²³. */
export function log64(x: f64): f64 {
  if (x != x || x == Infinity) return x;
  if (x == 0) return -Infinity;
  if (x < 0) return NaN;
  let bits = reinterpret<i64>(x);
  let e = <i32>(bits >>> 52) - 1023;
  if (e == -1023) { // subnormal: scale into the normal range first
    bits = reinterpret<i64>(x * 18014398509481984.0); // 2⁵⁴
    e = <i32>(bits >>> 52) - 1023 - 54;
  }
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000); // [1, 2)
  if (m > SQRT2) { m *= 0.5; e += 1; }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  // Σ s²ⁱ/(2i + 3), i = 0..10, by Estrin's scheme in u = s² (as in exp64)
  const u2 = s2 * s2;
  const u4 = u2 * u2;
  const u8 = u4 * u4;
  const d0 = 1.0 / 3.0 + s2 * (1.0 / 5.0);
  const d1 = 1.0 / 7.0 + s2 * (1.0 / 9.0);
  const d2 = 1.0 / 11.0 + s2 * (1.0 / 13.0);
  const d3 = 1.0 / 15.0 + s2 * (1.0 / 17.0);
  const d4 = 1.0 / 19.0 + s2 * (1.0 / 21.0);
  const p = (d0 + d1 * u2) + (d2 + d3 * u2) * u4 + (d4 + (1.0 / 23.0) * u2) * u8;
  const fe = <f64>e;
  // e·ln2 split in two so that its rounding does not swamp the small part
  return fe * LN2_HI + (2 * s + (2 * s * s2 * p + fe * LN2_LO));
}

/** exp (op 0) or log (op 1) of x: the two functions above, for tests. */
export function math64(op: i32, x: f64): f64 {
  return op == 0 ? exp64(x) : log64(x);
}
