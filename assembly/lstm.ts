// The fused LSTM cell step and its gradient (src/ops/lstm-cell.ts; reference: src/backend/ts/lstm-cell.ts).
// Four columns at a time: σ and tanh in float64 lanes rounded once to f32 (as transcendentalF32),
// every other step one f32 op in the composite's order, so results equal the composite's (up to
// the transcendentals' rare one-ulp difference). Rows [r0, r1) of R = n / H; gate order i, f, g, o.
import { ld, st } from './simd';
import { vsigmoid, vtanh } from './transcendental';

// @ts-ignore: decorator
@inline
function sig4(v: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(vsigmoid(f64x2.promote_low_f32x4(v)));
  const hi = f32x4.demote_f64x2_zero(vsigmoid(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3))));
  return i32x4.shuffle(lo, hi, 0, 1, 4, 5);
}

// @ts-ignore: decorator
@inline
function tanh4(v: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(vtanh(f64x2.promote_low_f32x4(v)));
  const hi = f32x4.demote_f64x2_zero(vtanh(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3))));
  return i32x4.shuffle(lo, hi, 0, 1, 4, 5);
}

/**
 * pre (R, 4H), c (R, H) → out (2, R, H): h' then c', for rows [r0, r1); n = R·H. With `save`, out
 * is (7, R, H) and rows 2–6 also get σ(i), σ(f), tanh(g), σ(o), tanh(c') for the gradient.
 */
export function lstmCellF32(pre: usize, c: usize, out: usize, n: i32, H: i32, save: i32, r0: i32, r1: i32): void {
  const hb = <usize>H << 2;
  const nb = <usize>n << 2;
  for (let r = r0; r < r1; r++) {
    const pr = pre + (<usize>r * 4 * <usize>H << 2);
    const cr = c + (<usize>r * <usize>H << 2);
    const or = out + (<usize>r * <usize>H << 2);
    for (let j = 0; j < H; ) {
      const full = j + 4 <= H;
      const off = <usize>j << 2;
      const p = pr + off;
      const i = sig4(ld(p, full)), f = sig4(ld(p + hb, full)), g = tanh4(ld(p + 2 * hb, full)), o = sig4(ld(p + 3 * hb, full));
      const cn = f32x4.add(f32x4.mul(f, ld(cr + off, full)), f32x4.mul(i, g));
      const t = tanh4(cn);
      const at = or + off;
      st(at + nb, cn, full);
      st(at, f32x4.mul(o, t), full);
      if (save) {
        st(at + 2 * nb, i, full);
        st(at + 3 * nb, f, full);
        st(at + 4 * nb, g, full);
        st(at + 5 * nb, o, full);
        st(at + 6 * nb, t, full);
      }
      j += full ? 4 : 1;
    }
  }
}

/**
 * a (7, R, H): lstmCell's output with the saved activations, c (R, H), g: the gradient of [h', c']
 * (rows 0 and 1 of a (2 or 7, R, H) buffer) → out (5·n): the gradient of pre (R, 4H) then of c
 * (R, H), for rows [r0, r1); n = R·H. Products only: no transcendental is recomputed.
 */
export function lstmCellGradF32(a: usize, c: usize, g: usize, out: usize, n: i32, H: i32, r0: i32, r1: i32): void {
  const hb = <usize>H << 2;
  const nb = <usize>n << 2;
  const one = f32x4.splat(1);
  for (let r = r0; r < r1; r++) {
    const dr = out + (<usize>r * 4 * <usize>H << 2);
    const rh = <usize>r * <usize>H << 2;
    for (let j = 0; j < H; ) {
      const full = j + 4 <= H;
      const off = <usize>j << 2;
      const at = a + rh + off;
      const i = ld(at + 2 * nb, full), f = ld(at + 3 * nb, full), gg = ld(at + 4 * nb, full), o = ld(at + 5 * nb, full), t = ld(at + 6 * nb, full);
      const cv = ld(c + rh + off, full);
      const dh = ld(g + rh + off, full);
      const dct = f32x4.add(ld(g + nb + rh + off, full), f32x4.mul(f32x4.mul(dh, o), f32x4.sub(one, f32x4.mul(t, t))));
      const d = dr + off;
      st(d, f32x4.mul(f32x4.mul(dct, gg), f32x4.mul(i, f32x4.sub(one, i))), full);
      st(d + hb, f32x4.mul(f32x4.mul(dct, cv), f32x4.mul(f, f32x4.sub(one, f))), full);
      st(d + 2 * hb, f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(gg, gg))), full);
      st(d + 3 * hb, f32x4.mul(f32x4.mul(dh, t), f32x4.mul(o, f32x4.sub(one, o))), full);
      st(out + 4 * nb + rh + off, f32x4.mul(dct, f), full);
      j += full ? 4 : 1;
    }
  }
}
