// The fused softmax and log-softmax over the last dim, and their gradient, on float32 rows of D
// elements (src/ops/softmax.ts; reference: src/backend/ts/softmax.ts). Each row in float64 (exp by
// transcendental.ts's vexp, sums in the reference's four-chain order) and each result rounded once,
// so results agree with the reference within TOL.transcendentalF32. The row's max follows the
// reduction's rule (NaN wins): a row holding NaN or +∞, or only −∞, gives NaN as composed.
import { fmax, narrow2, total4, widenHi, widenLo } from './simd';
import { vexp, vlog } from './transcendental';

/**
 * The maximum of the D floats at row, NaN if any is NaN. Two pmax chains (one instruction each)
 * and a separate NaN flag: the reduction's NaN-aware max, a compare and two selects deep, made a
 * latency chain that cost a fifth of the kernel. A tie of −0 and +0 may give either; x − m is the
 * same for both.
 */
// @ts-ignore: decorator
@inline
function rowMax(row: usize, D: i32): f32 {
  let m0 = f32x4.splat(-Infinity); let m1 = f32x4.splat(-Infinity);
  let nan = v128.splat<i32>(0);
  let j = 0;
  for (; j + 8 <= D; j += 8) {
    const a = v128.load(row + (<usize>j << 2)), b = v128.load(row + (<usize>j << 2), 16);
    m0 = f32x4.pmax(m0, a); m1 = f32x4.pmax(m1, b);
    nan = v128.or(nan, v128.or(f32x4.ne(a, a), f32x4.ne(b, b)));
  }
  for (; j + 4 <= D; j += 4) {
    const a = v128.load(row + (<usize>j << 2));
    m0 = f32x4.pmax(m0, a);
    nan = v128.or(nan, f32x4.ne(a, a));
  }
  const mv = f32x4.pmax(m0, m1);
  let m = fmax(fmax(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), fmax(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (; j < D; j++) m = fmax(m, load<f32>(row + (<usize>j << 2)));
  return v128.any_true(nan) ? NaN : m;
}

/** exp(x − m) of one float, as the vector lanes compute it. */
// @ts-ignore: decorator
@inline
function exp1(x: f32, m: f64): f64 {
  return f64x2.extract_lane(vexp(f64x2.splat(<f64>x - m)), 0);
}

/**
 * Rows [r0, r1) of out = softmax(x) (log = 0) or logSoftmax(x) (log = 1) over rows of D. A row's
 * exps (float64) go to scratch in a loop of their own, then are summed, then divided: one loop
 * that both exponentiated and summed ran at half the speed of a plain exp map (the caller checks
 * that 8·D bytes fit the scratch).
 */
export function softmaxF32(x: usize, out: usize, D: i32, log: i32, r0: i32, r1: i32, scratch: usize): void {
  for (let r = r0; r < r1; r++) {
    const row = x + (<usize>r * <usize>D << 2);
    const o = out + (<usize>r * <usize>D << 2);
    const m = <f64>rowMax(row, D);
    const mv = f64x2.splat(m);
    let j = 0;
    for (; j + 4 <= D; j += 4) {
      const v = v128.load(row + (<usize>j << 2));
      const e = scratch + (<usize>j << 3);
      v128.store(e, vexp(f64x2.sub(widenLo(v), mv)));
      v128.store(e, vexp(f64x2.sub(widenHi(v), mv)), 16);
    }
    for (let k = j; k < D; k++) store<f64>(scratch + (<usize>k << 3), exp1(load<f32>(row + (<usize>k << 2)), m));
    let s0 = f64x2.splat(0); let s1 = f64x2.splat(0);
    for (j = 0; j + 4 <= D; j += 4) {
      const e = scratch + (<usize>j << 3);
      s0 = f64x2.add(s0, v128.load(e)); s1 = f64x2.add(s1, v128.load(e, 16));
    }
    let s = total4(s0, s1);
    for (let k = j; k < D; k++) s += load<f64>(scratch + (<usize>k << 3));
    j = 0;
    if (log != 0) {
      const ls = f64x2.splat(f64x2.extract_lane(vlog(f64x2.splat(s)), 0)); // no Math.log: its tables would be static data
      for (; j + 4 <= D; j += 4) {
        const v = v128.load(row + (<usize>j << 2));
        v128.store(o + (<usize>j << 2), narrow2(f64x2.sub(f64x2.sub(widenLo(v), mv), ls), f64x2.sub(f64x2.sub(widenHi(v), mv), ls)));
      }
      for (; j < D; j++) store<f32>(o + (<usize>j << 2), <f32>((<f64>load<f32>(row + (<usize>j << 2)) - m) - f64x2.extract_lane(ls, 0)));
    } else {
      // e·(1/s) instead of e/s (a division per two lanes is slow): at most an f64 ulp apart, so the
      // float32 results differ from the reference's only at a rounding boundary.
      const inv = 1.0 / s;
      const sv = f64x2.splat(inv);
      for (; j + 4 <= D; j += 4) {
        const e = scratch + (<usize>j << 3);
        v128.store(o + (<usize>j << 2), narrow2(f64x2.mul(v128.load(e), sv), f64x2.mul(v128.load(e, 16), sv)));
      }
      for (; j < D; j++) store<f32>(o + (<usize>j << 2), <f32>(load<f64>(scratch + (<usize>j << 3)) * inv));
    }
  }
}

/** Rows [r0, r1) of dx from y and g: y·(g − Σ g·y) (log = 0) or g − exp(y)·Σ g (log = 1). */
export function softmaxGradF32(y: usize, g: usize, out: usize, D: i32, log: i32, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const at = <usize>r * <usize>D << 2;
    const yr = y + at, gr = g + at, o = out + at;
    let s0 = f64x2.splat(0); let s1 = f64x2.splat(0);
    let j = 0;
    for (; j + 4 <= D; j += 4) {
      const off = <usize>j << 2;
      const gv = v128.load(gr + off);
      if (log != 0) {
        s0 = f64x2.add(s0, widenLo(gv)); s1 = f64x2.add(s1, widenHi(gv));
      } else {
        const yv = v128.load(yr + off);
        s0 = f64x2.add(s0, f64x2.mul(widenLo(gv), widenLo(yv))); s1 = f64x2.add(s1, f64x2.mul(widenHi(gv), widenHi(yv)));
      }
    }
    let t = total4(s0, s1);
    for (let k = j; k < D; k++) {
      const off = <usize>k << 2;
      t += log != 0 ? <f64>load<f32>(gr + off) : <f64>load<f32>(gr + off) * <f64>load<f32>(yr + off);
    }
    const tv = f64x2.splat(t);
    j = 0;
    for (; j + 4 <= D; j += 4) {
      const off = <usize>j << 2;
      const gv = v128.load(gr + off), yv = v128.load(yr + off);
      const g0 = widenLo(gv), g1 = widenHi(gv), y0 = widenLo(yv), y1 = widenHi(yv);
      if (log != 0) {
        v128.store(o + off, narrow2(f64x2.sub(g0, f64x2.mul(vexp(y0), tv)), f64x2.sub(g1, f64x2.mul(vexp(y1), tv))));
      } else {
        v128.store(o + off, narrow2(f64x2.mul(y0, f64x2.sub(g0, tv)), f64x2.mul(y1, f64x2.sub(g1, tv))));
      }
    }
    for (; j < D; j++) {
      const off = <usize>j << 2;
      const gj = <f64>load<f32>(gr + off), yj = <f64>load<f32>(yr + off);
      const d = log != 0 ? gj - exp1(load<f32>(yr + off), 0) * t : yj * (gj - t);
      store<f32>(o + off, <f32>d);
    }
  }
}
