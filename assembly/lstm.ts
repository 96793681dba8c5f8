// The fused LSTM cell step and its gradient (src/ops/lstm-cell.ts; reference: src/backend/ts/lstm-cell.ts).
// Four columns at a time: σ and tanh in float64 lanes rounded once to f32 (as transcendentalF32),
// every other step one f32 op in the composite's order, so results equal the composite's (up to
// the transcendentals' rare one-ulp difference). Rows [r0, r1) of R = n / H; gate order i, f, g, o.
import { GEMM_SPARE_BYTES, GEMM_SPARE_OFFSET, gemm } from './gemm';
import { ld, st } from './simd';
import { vsigmoid, vtanh } from './transcendental';

/** σ of four f32 lanes, each in float64 and rounded once (as transcendentalF32). */
// @ts-ignore: decorator
@inline
export function sig4(v: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(vsigmoid(f64x2.promote_low_f32x4(v)));
  const hi = f32x4.demote_f64x2_zero(vsigmoid(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3))));
  return i32x4.shuffle(lo, hi, 0, 1, 4, 5);
}

/** tanh of four f32 lanes, each in float64 and rounded once. */
// @ts-ignore: decorator
@inline
export function tanh4(v: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(vtanh(f64x2.promote_low_f32x4(v)));
  const hi = f32x4.demote_f64x2_zero(vtanh(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3))));
  return i32x4.shuffle(lo, hi, 0, 1, 4, 5);
}

/**
 * `rows` rows of the cell from pointers at their first row: pre (rows, 4H) (plus pre2 when ≠ 0:
 * gi_t + h·W_hhᵀ, added in f32 as the add op does), c (rows, H) → h' into h and c' into cOut. With
 * saved ≠ 0, the planes at saved + k·nb (k = 0…4, nb bytes apart) also get σ(i), σ(f), tanh(g),
 * σ(o), tanh(c') for the gradient.
 */
function cellRows(pre: usize, pre2: usize, c: usize, h: usize, cOut: usize, saved: usize, nb: usize, H: i32, rows: i32): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const rowPre = <usize>r * 4 * hb;
    const rh = <usize>r * hb;
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

/** lstmCell rows [r0, r1) of R = n / H (see cellRows; saved optional, its planes n apart). */
export function lstmCellF32(pre: usize, c: usize, h: usize, cOut: usize, saved: usize, n: i32, H: i32, r0: i32, r1: i32): void {
  const row = <usize>r0 * <usize>H << 2;
  cellRows(pre + 4 * row, 0, c + row, h + row, cOut + row, saved ? saved + row : 0, <usize>n << 2, H, r1 - r0);
}

/**
 * The cell's gradient for `rows` rows from pointers at their first row: `saved` the five planes
 * cellRows saved (nb bytes apart), c the cell state it read, gh and gc the gradients of h' and c'
 * (each plus dh2, dc2 when ≠ 0: a state's second use, added in f32 first) → dpre (rows, 4H) and
 * dc (rows, H). dc may be dc2 (each element is read before it is written). Products only.
 */
function gradRows(saved: usize, c: usize, gh: usize, gc: usize, dh2: usize, dc2: usize, dpre: usize, dc: usize, nb: usize, H: i32, rows: i32): void {
  const hb = <usize>H << 2;
  const one = f32x4.splat(1);
  for (let r = 0; r < rows; r++) {
    const dr = dpre + <usize>r * 4 * hb;
    const rh = <usize>r * hb;
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

/** lstmCellGrad rows [r0, r1) of R = n / H (see gradRows). */
export function lstmCellGradF32(saved: usize, c: usize, gh: usize, gc: usize, dpre: usize, dc: usize, n: i32, H: i32, r0: i32, r1: i32): void {
  const row = <usize>r0 * <usize>H << 2;
  gradRows(saved + row, c + row, gh + row, gc + row, 0, 0, dpre + 4 * row, dc + row, <usize>n << 2, H, r1 - r0);
}

/** Rows of the per-step product h·W_hhᵀ (rows, 4H) that fit in gemm's spare scratch at once. */
// @ts-ignore: decorator
@inline
function rowBlock(H: i32): i32 {
  return max(1, <i32>(GEMM_SPARE_BYTES / (<usize>H << 4)));
}

/**
 * The sequence-level LSTM (src/ops/lstm-sequence.ts; planes as src/backend/lstm-sequence-layout.ts)
 * for batch rows [r0, r1): the recurrence never mixes rows, so a thread runs every step for its own
 * rows without waiting for the others. Per step: its rows of h_prev times W_hhᵀ, packed once by the
 * caller (w, packPanelsB), into gemm's spare scratch, then the cell from gi_t plus that product.
 * out (2T + 2 or, with `save`, 7T + 2 planes of N·H) already holds h0 and c0 at their planes.
 */
export function lstmSequenceF32(gi: usize, w: usize, out: usize, T: i32, N: i32, H: i32, reverse: i32, save: i32, r0: i32, r1: i32, scratch: usize): void {
  const hb = <usize>H << 2;
  const nb = <usize>N * hb;
  const states = reverse ? 0 : 1, previous = reverse ? 1 : 0, cells = T + 1;
  const hw = scratch + GEMM_SPARE_OFFSET;
  const rb = rowBlock(H);
  for (let b0 = r0; b0 < r1; b0 += rb) {
    const rows = min(rb, r1 - b0);
    const ro = <usize>b0 * hb; // the block's offset in a plane
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const prev = <usize>(previous + t), next = <usize>(states + t);
      gemm(out + prev * nb + ro, 0, hw, rows, 4 * H, H, false, false, 0, rows, 0, 4 * H, scratch, 0, w); // (rows, H)·(H, 4H)
      const sv = save ? out + <usize>(2 * T + 2 + 5 * t) * nb + ro : 0;
      cellRows(gi + <usize>t * 4 * nb + 4 * ro, hw, out + (prev + cells) * nb + ro, out + next * nb + ro, out + (next + cells) * nb + ro, sv, nb, H, rows);
    }
  }
}

/**
 * Its gradient for batch rows [r0, r1): saved (7T + 2 planes), g (at least its 2T + 2 state
 * planes) → out's gradients of gi (all T steps) and of h0 and c0 for these rows (out: dgi, dW_hh,
 * dh0, dc0; dW_hh is the caller's one product over all rows afterwards). dh0 and dc0 hold the
 * running gradients of h and c while the steps run backward; w is W_hh (4H, H) packed once.
 */
export function lstmSequenceGradF32(saved: usize, w: usize, g: usize, out: usize, T: i32, N: i32, H: i32, reverse: i32, r0: i32, r1: i32, scratch: usize): void {
  const hb = <usize>H << 2;
  const nb = <usize>N * hb;
  const init = reverse ? T : 0, states = reverse ? 0 : 1, previous = reverse ? 1 : 0, cells = T + 1;
  const ro = <usize>r0 * hb;
  const rows = r1 - r0;
  const dh = out + <usize>T * 4 * nb + 4 * hb * <usize>H + ro;
  const dc = dh + nb;
  memory.fill(dh, 0, <usize>rows * hb);
  memory.fill(dc, 0, <usize>rows * hb);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const prev = <usize>(previous + t), next = <usize>(states + t);
    const dpre = out + <usize>t * 4 * nb + 4 * ro;
    gradRows(saved + <usize>(2 * T + 2 + 5 * t) * nb + ro, saved + (prev + cells) * nb + ro, g + next * nb + ro, g + (next + cells) * nb + ro, dh, dc, dpre, dc, nb, H, rows);
    gemm(dpre, 0, dh, rows, H, 4 * H, false, false, 0, rows, 0, H, scratch, 0, w); // (rows, 4H)·(4H, H)
  }
  // The initial states' own gradients (their planes of g) plus what the first step sends back.
  const gh0 = g + <usize>init * nb + ro, gc0 = g + <usize>(init + cells) * nb + ro;
  const m = <usize>rows * <usize>H;
  for (let i: usize = 0; i < m; i++) {
    const o = i << 2;
    store<f32>(dh + o, load<f32>(gh0 + o) + load<f32>(dh + o));
    store<f32>(dc + o, load<f32>(gc0 + o) + load<f32>(dc + o));
  }
}
