// The fused layer normalization and its gradient on float32 rows of D features (src/ops/layer-norm.ts;
// reference: src/backend/ts/layer-norm.ts). Everything is computed in float64 and rounded once, in
// the reference's operation order: a row's sums in four interleaved chains (element j in chain
// j mod 4 while four remain, combined as (s0 + s1) + (s2 + s3), then the tail in order), which is
// what two f64x2 accumulators over four floats at a time give, the mean and variance rounded to
// float32 as the reference rounds them; the weight's and bias's gradients over the rows in row
// order. So the results equal the reference's bit for bit.
import { narrow2, total4, widenHi, widenLo } from './simd';

/** v rounded to float32 (the reference rounds the mean and the variance, each sum and quotient, to the dtype). */
// @ts-ignore: decorator
@inline
function f32r(v: f64): f64 { return <f64><f32>v; }

/** The mean of the D floats at row. */
// @ts-ignore: decorator
@inline
function rowMean(row: usize, D: i32): f64 {
  let s0 = f64x2.splat(0); let s1 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= D; j += 4) {
    const v = v128.load(row + (<usize>j << 2));
    s0 = f64x2.add(s0, widenLo(v)); s1 = f64x2.add(s1, widenHi(v));
  }
  let s = total4(s0, s1);
  for (; j < D; j++) s += <f64>load<f32>(row + (<usize>j << 2));
  return f32r(f32r(s) / <f64>D);
}

/** 1/√(σ² + eps) of the D floats at row, given their mean. */
// @ts-ignore: decorator
@inline
function rowRstd(row: usize, D: i32, mean: f64, eps: f64): f64 {
  const m = f64x2.splat(mean);
  let s0 = f64x2.splat(0); let s1 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= D; j += 4) {
    const v = v128.load(row + (<usize>j << 2));
    const c0 = f64x2.sub(widenLo(v), m); const c1 = f64x2.sub(widenHi(v), m);
    s0 = f64x2.add(s0, f64x2.mul(c0, c0)); s1 = f64x2.add(s1, f64x2.mul(c1, c1));
  }
  let s = total4(s0, s1);
  for (; j < D; j++) { const c = <f64>load<f32>(row + (<usize>j << 2)) - mean; s += c * c; }
  return 1.0 / Math.sqrt(f32r(f32r(s) / <f64>D) + eps);
}

/** Rows [r0, r1) of y = (x − μ)·rstd·w + b, x and out (R, D), w and b (D). */
export function layerNormF32(x: usize, w: usize, b: usize, out: usize, D: i32, eps: f64, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const row = x + (<usize>r * <usize>D << 2);
    const o = out + (<usize>r * <usize>D << 2);
    const mean = rowMean(row, D);
    const rstd = rowRstd(row, D, mean, eps);
    const m = f64x2.splat(mean), s = f64x2.splat(rstd);
    let j = 0;
    for (; j + 4 <= D; j += 4) {
      const off = <usize>j << 2;
      const v = v128.load(row + off), wv = v128.load(w + off), bv = v128.load(b + off);
      const y0 = f64x2.add(f64x2.mul(f64x2.mul(f64x2.sub(widenLo(v), m), s), widenLo(wv)), widenLo(bv));
      const y1 = f64x2.add(f64x2.mul(f64x2.mul(f64x2.sub(widenHi(v), m), s), widenHi(wv)), widenHi(bv));
      v128.store(o + off, narrow2(y0, y1));
    }
    for (; j < D; j++) {
      const off = <usize>j << 2;
      store<f32>(o + off, <f32>((<f64>load<f32>(row + off) - mean) * rstd * <f64>load<f32>(w + off) + <f64>load<f32>(b + off)));
    }
  }
}

/**
 * Rows [r0, r1) of dx = rstd·(g·w − mean(g·w) − x̂·mean(g·w·x̂)), x̂ = (x − μ)·rstd; each row's μ
 * and rstd also go to stats (two f64 a row) for layerNormGradColumnsF32.
 */
export function layerNormGradRowsF32(x: usize, w: usize, g: usize, dx: usize, stats: usize, D: i32, eps: f64, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const at = <usize>r * <usize>D << 2;
    const row = x + at, gr = g + at, o = dx + at;
    const mean = rowMean(row, D);
    const rstd = rowRstd(row, D, mean, eps);
    store<f64>(stats + (<usize>r << 4), mean);
    store<f64>(stats + (<usize>r << 4), rstd, 8);
    const m = f64x2.splat(mean), s = f64x2.splat(rstd);
    let a0 = f64x2.splat(0); let a1 = f64x2.splat(0); let c0 = f64x2.splat(0); let c1 = f64x2.splat(0);
    let j = 0;
    for (; j + 4 <= D; j += 4) {
      const off = <usize>j << 2;
      const v = v128.load(row + off), wv = v128.load(w + off), gv = v128.load(gr + off);
      const gw0 = f64x2.mul(widenLo(gv), widenLo(wv)), gw1 = f64x2.mul(widenHi(gv), widenHi(wv));
      a0 = f64x2.add(a0, gw0); a1 = f64x2.add(a1, gw1);
      c0 = f64x2.add(c0, f64x2.mul(gw0, f64x2.mul(f64x2.sub(widenLo(v), m), s)));
      c1 = f64x2.add(c1, f64x2.mul(gw1, f64x2.mul(f64x2.sub(widenHi(v), m), s)));
    }
    let a = total4(a0, a1), c = total4(c0, c1);
    for (let k = j; k < D; k++) {
      const off = <usize>k << 2;
      const gw = <f64>load<f32>(gr + off) * <f64>load<f32>(w + off);
      a += gw;
      c += gw * ((<f64>load<f32>(row + off) - mean) * rstd);
    }
    a /= <f64>D;
    c /= <f64>D;
    const av = f64x2.splat(a), cv = f64x2.splat(c);
    j = 0;
    for (; j + 4 <= D; j += 4) {
      const off = <usize>j << 2;
      const v = v128.load(row + off), wv = v128.load(w + off), gv = v128.load(gr + off);
      const d0 = f64x2.mul(s, f64x2.sub(f64x2.sub(f64x2.mul(widenLo(gv), widenLo(wv)), av), f64x2.mul(f64x2.mul(f64x2.sub(widenLo(v), m), s), cv)));
      const d1 = f64x2.mul(s, f64x2.sub(f64x2.sub(f64x2.mul(widenHi(gv), widenHi(wv)), av), f64x2.mul(f64x2.mul(f64x2.sub(widenHi(v), m), s), cv)));
      v128.store(o + off, narrow2(d0, d1));
    }
    for (; j < D; j++) {
      const off = <usize>j << 2;
      const xh = (<f64>load<f32>(row + off) - mean) * rstd;
      store<f32>(o + off, <f32>(rstd * (<f64>load<f32>(gr + off) * <f64>load<f32>(w + off) - a - xh * c)));
    }
  }
}

/**
 * Columns [c0, c1) of dw = Σ_rows g·x̂ and db = Σ_rows g over R rows, in row order, from the rows'
 * μ and rstd in stats; the running sums (2·(c1 − c0) f64) live in scratch.
 */
export function layerNormGradColumnsF32(x: usize, g: usize, stats: usize, dw: usize, db: usize, R: i32, D: i32, c0: i32, c1: i32, scratch: usize): void {
  const n = c1 - c0;
  const accW = scratch, accB = scratch + (<usize>n << 3);
  memory.fill(scratch, 0, <usize>n << 4);
  for (let r = 0; r < R; r++) {
    const at = (<usize>r * <usize>D + <usize>c0) << 2;
    const row = x + at, gr = g + at;
    const mean = load<f64>(stats + (<usize>r << 4)), rstd = load<f64>(stats + (<usize>r << 4), 8);
    const m = f64x2.splat(mean), s = f64x2.splat(rstd);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const off = <usize>j << 2, o8 = <usize>j << 3;
      const v = v128.load(row + off), gv = v128.load(gr + off);
      const g0 = widenLo(gv), g1 = widenHi(gv);
      v128.store(accW + o8, f64x2.add(v128.load(accW + o8), f64x2.mul(g0, f64x2.mul(f64x2.sub(widenLo(v), m), s))));
      v128.store(accW + o8, f64x2.add(v128.load(accW + o8, 16), f64x2.mul(g1, f64x2.mul(f64x2.sub(widenHi(v), m), s))), 16);
      v128.store(accB + o8, f64x2.add(v128.load(accB + o8), g0));
      v128.store(accB + o8, f64x2.add(v128.load(accB + o8, 16), g1), 16);
    }
    for (; j < n; j++) {
      const off = <usize>j << 2, o8 = <usize>j << 3;
      const gj = <f64>load<f32>(gr + off);
      store<f64>(accW + o8, load<f64>(accW + o8) + gj * ((<f64>load<f32>(row + off) - mean) * rstd));
      store<f64>(accB + o8, load<f64>(accB + o8) + gj);
    }
  }
  for (let j = 0; j < n; j++) {
    store<f32>(dw + (<usize>(c0 + j) << 2), <f32>load<f64>(accW + (<usize>j << 3)));
    store<f32>(db + (<usize>(c0 + j) << 2), <f32>load<f64>(accB + (<usize>j << 3)));
  }
}
