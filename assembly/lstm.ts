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
 * pre (R, 4H) (plus pre2 (R, 4H) when pre2 ≠ 0: gi_t + h·W_hhᵀ, added in f32 as the add op does),
 * c (R, H) → h' into h and c' into cOut (R, H each), for rows [r0, r1); n = R·H. With saved ≠ 0,
 * the planes at saved + k·n (k = 0…4) also get σ(i), σ(f), tanh(g), σ(o), tanh(c') for the gradient.
 */
export function lstmCellF32(pre: usize, pre2: usize, c: usize, h: usize, cOut: usize, saved: usize, n: i32, H: i32, r0: i32, r1: i32): void {
  const hb = <usize>H << 2;
  const nb = <usize>n << 2;
  for (let r = r0; r < r1; r++) {
    const rowPre = <usize>r * 4 * <usize>H << 2;
    const rh = <usize>r * <usize>H << 2;
    for (let j = 0; j < H; ) {
      const full = j + 4 <= H;
      const off = <usize>j << 2;
      const p = pre + rowPre + off;
      let ai = ld(p, full), af = ld(p + hb, full), ag = ld(p + 2 * hb, full), ao = ld(p + 3 * hb, full);
      if (pre2) {
        const q = pre2 + rowPre + off;
        ai = f32x4.add(ai, ld(q, full)); af = f32x4.add(af, ld(q + hb, full));
        ag = f32x4.add(ag, ld(q + 2 * hb, full)); ao = f32x4.add(ao, ld(q + 3 * hb, full));
      }
      const i = sig4(ai), f = sig4(af), g = tanh4(ag), o = sig4(ao);
      const at = rh + off;
      const cn = f32x4.add(f32x4.mul(f, ld(c + at, full)), f32x4.mul(i, g));
      const t = tanh4(cn);
      st(cOut + at, cn, full);
      st(h + at, f32x4.mul(o, t), full);
      if (saved) {
        st(saved + at, i, full);
        st(saved + nb + at, f, full);
        st(saved + 2 * nb + at, g, full);
        st(saved + 3 * nb + at, o, full);
        st(saved + 4 * nb + at, t, full);
      }
      j += full ? 4 : 1;
    }
  }
}

/**
 * The cell's gradient for rows [r0, r1) (n = R·H): `saved` the five planes lstmCellF32 saved
 * (σ(i), σ(f), tanh(g), σ(o), tanh(c'), n apart), c (R, H) the cell state it read, gh and gc the
 * gradients of h' and c' (each plus dh2, dc2 when ≠ 0: a state's second use, added in f32 first)
 * → dpre (R, 4H) and dc (R, H). dc may be dc2 (each element is read before it is written).
 * Products only: no transcendental is recomputed.
 */
export function lstmCellGradF32(saved: usize, c: usize, gh: usize, gc: usize, dh2: usize, dc2: usize, dpre: usize, dc: usize, n: i32, H: i32, r0: i32, r1: i32): void {
  const hb = <usize>H << 2;
  const nb = <usize>n << 2;
  const one = f32x4.splat(1);
  for (let r = r0; r < r1; r++) {
    const dr = dpre + (<usize>r * 4 * <usize>H << 2);
    const rh = <usize>r * <usize>H << 2;
    for (let j = 0; j < H; ) {
      const full = j + 4 <= H;
      const at = rh + (<usize>j << 2);
      const i = ld(saved + at, full), f = ld(saved + nb + at, full), gg = ld(saved + 2 * nb + at, full), o = ld(saved + 3 * nb + at, full), t = ld(saved + 4 * nb + at, full);
      const cv = ld(c + at, full);
      let dh = ld(gh + at, full);
      let dcIn = ld(gc + at, full);
      if (dh2) dh = f32x4.add(dh, ld(dh2 + at, full));
      if (dc2) dcIn = f32x4.add(dcIn, ld(dc2 + at, full));
      const dct = f32x4.add(dcIn, f32x4.mul(f32x4.mul(dh, o), f32x4.sub(one, f32x4.mul(t, t))));
      const d = dr + (<usize>j << 2);
      st(d, f32x4.mul(f32x4.mul(dct, gg), f32x4.mul(i, f32x4.sub(one, i))), full);
      st(d + hb, f32x4.mul(f32x4.mul(dct, cv), f32x4.mul(f, f32x4.sub(one, f))), full);
      st(d + 2 * hb, f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(gg, gg))), full);
      st(d + 3 * hb, f32x4.mul(f32x4.mul(dh, t), f32x4.mul(o, f32x4.sub(one, o))), full);
      st(dc + at, f32x4.mul(dct, f), full);
      j += full ? 4 : 1;
    }
  }
}
