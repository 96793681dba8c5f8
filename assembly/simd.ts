// SIMD helpers shared by the kernels. `madd` is a fused multiply-add when the module is built with
// relaxed SIMD (the build makes two variants; the loader picks the one the engine validates).

// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Lanes 0–1 of four f32 lanes, widened to f64x2. */
// @ts-ignore: decorator
@inline
export function widenLo(v: v128): v128 { return f64x2.promote_low_f32x4(v); }

/** Lanes 2–3 of four f32 lanes, widened to f64x2. */
// @ts-ignore: decorator
@inline
export function widenHi(v: v128): v128 { return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)); }

/** (a₀ + a₁) + (b₀ + b₁): two f64x2 accumulators (chains 0–1 and 2–3 of a four-chain sum) added up. */
// @ts-ignore: decorator
@inline
export function total4(a: v128, b: v128): f64 {
  return (f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1)) + (f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1));
}

/** Two f64x2 rounded to f32 and joined into four lanes (a's two, then b's). */
// @ts-ignore: decorator
@inline
export function narrow2(a: v128, b: v128): v128 { return i32x4.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5); }


/** Lane-wise maximum with the reference's rules: NaN if either is NaN, else x > y ? x : y. */
// @ts-ignore: decorator
@inline
export function vmax(x: v128, y: v128): v128 {
  const r = v128.bitselect(x, y, f32x4.gt(x, y));
  return v128.bitselect(f32x4.splat(NaN), r, v128.or(f32x4.ne(x, x), f32x4.ne(y, y)));
}

/** Lane-wise minimum: NaN if either is NaN, else x < y ? x : y. */
// @ts-ignore: decorator
@inline
export function vmin(x: v128, y: v128): v128 {
  const r = v128.bitselect(x, y, f32x4.lt(x, y));
  return v128.bitselect(f32x4.splat(NaN), r, v128.or(f32x4.ne(x, x), f32x4.ne(y, y)));
}

// @ts-ignore: decorator
@inline
export function fmax(x: f32, y: f32): f32 {
  return x != x || y != y ? NaN : x > y ? x : y;
}

// @ts-ignore: decorator
@inline
export function fmin(x: f32, y: f32): f32 {
  return x != x || y != y ? NaN : x < y ? x : y;
}

/** Load 4 f32 lanes, or (not `full`: a scalar tail element) lane 0 alone, splatted. */
// @ts-ignore: decorator
@inline
export function ld(p: usize, full: bool): v128 {
  return full ? v128.load(p) : f32x4.splat(load<f32>(p));
}

/** Store 4 f32 lanes, or (not `full`) lane 0 alone. */
// @ts-ignore: decorator
@inline
export function st(p: usize, v: v128, full: bool): void {
  if (full) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

/** d[0:len) += s[0:len) in float32, four at a time (bytes at d and s; the rows may not overlap). */
// @ts-ignore: decorator
@inline
export function addRowF32(d: usize, s: usize, len: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const off = <usize>i << 2;
    v128.store(d + off, f32x4.add(v128.load(d + off), v128.load(s + off)));
  }
  for (; i < len; i++) {
    const off = <usize>i << 2;
    store<f32>(d + off, load<f32>(d + off) + load<f32>(s + off));
  }
}
