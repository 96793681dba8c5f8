// The sequence-level GRU and its gradient, and the Elman RNN's (at the end) (src/ops/gru-sequence.ts; reference:
// src/backend/ts/gru-sequence.ts; planes as src/backend/gru-sequence-layout.ts), as lstm.ts runs
// the LSTM: batch rows [r0, r1) per thread (the recurrence never mixes rows), every step for a block
// of rows that fits gemm's spare scratch. Four columns at a time: σ and tanh in float64 lanes
// rounded once to f32, every other step one f32 op in the composite's order. Gate order r, z, n.
import { GEMM_SPARE_BYTES, GEMM_SPARE_OFFSET, gemm } from './gemm';
import { sig4, tanh4 } from './lstm';
import { addRowF32, ld, st } from './simd';

/**
 * `rows` rows of one step from pointers at their first row: gi (rows, 3H), hw = h·W_hhᵀ
 * (rows, 3H), b = b_hh (3H), h the previous state (rows, H) → hOut; with saved ≠ 0, the planes at
 * saved + k·nb (k = 0…3) also get r, z, n and gh_n.
 *   gh = hw + b;  r, z = σ(gi_rz + gh_rz);  n = tanh(gi_n + r⊙gh_n);  h' = n + z⊙(h − n)
 */
function stepRows(gi: usize, hw: usize, b: usize, h: usize, hOut: usize, saved: usize, nb: usize, H: i32, rows: i32): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const row3 = <usize>r * 3 * hb;
    const rh = <usize>r * hb;
    for (let j = 0; j < H; ) {
      const full = j + 4 <= H;
      const off = <usize>j << 2;
      const p = gi + row3 + off, q = hw + row3 + off, bb = b + off;
      const ghr = f32x4.add(ld(q, full), ld(bb, full));
      const ghz = f32x4.add(ld(q + hb, full), ld(bb + hb, full));
      const ghn = f32x4.add(ld(q + 2 * hb, full), ld(bb + 2 * hb, full));
      const rg = sig4(f32x4.add(ld(p, full), ghr));
      const zg = sig4(f32x4.add(ld(p + hb, full), ghz));
      const ng = tanh4(f32x4.add(ld(p + 2 * hb, full), f32x4.mul(rg, ghn)));
      const at = rh + off;
      st(hOut + at, f32x4.add(ng, f32x4.mul(zg, f32x4.sub(ld(h + at, full), ng))), full);
      if (saved) {
        st(saved + at, rg, full);
        st(saved + nb + at, zg, full);
        st(saved + 2 * nb + at, ng, full);
        st(saved + 3 * nb + at, ghn, full);
      }
      j += full ? 4 : 1;
    }
  }
}

/**
 * The step's gradient for `rows` rows from pointers at their first row: `saved` the four planes
 * stepRows saved (nb bytes apart), h the state it read, g the gradient of h' from the output and
 * dh (rows, H) the running gradient from the later steps (dh' = g + dh) → dgi and dgh (rows, 3H)
 * and dh'⊙z (h's own share) into dh. Products only.
 */
function gradRows(saved: usize, h: usize, g: usize, dh: usize, dgi: usize, dgh: usize, nb: usize, H: i32, rows: i32): void {
  const hb = <usize>H << 2;
  const one = f32x4.splat(1);
  for (let r = 0; r < rows; r++) {
    const row3 = <usize>r * 3 * hb;
    const rh = <usize>r * hb;
    for (let j = 0; j < H; ) {
      const full = j + 4 <= H;
      const off = <usize>j << 2;
      const at = rh + off;
      const rg = ld(saved + at, full), zg = ld(saved + nb + at, full), ng = ld(saved + 2 * nb + at, full), ghn = ld(saved + 3 * nb + at, full);
      const dht = f32x4.add(ld(g + at, full), ld(dh + at, full));
      const p = f32x4.mul(dht, zg);
      const dan = f32x4.mul(f32x4.sub(dht, p), f32x4.sub(one, f32x4.mul(ng, ng)));
      const dar = f32x4.mul(f32x4.mul(dan, ghn), f32x4.mul(rg, f32x4.sub(one, rg)));
      const daz = f32x4.mul(f32x4.mul(dht, f32x4.sub(ld(h + at, full), ng)), f32x4.mul(zg, f32x4.sub(one, zg)));
      const di = dgi + row3 + off, dg = dgh + row3 + off;
      st(di, dar, full); st(di + hb, daz, full); st(di + 2 * hb, dan, full);
      st(dg, dar, full); st(dg + hb, daz, full); st(dg + 2 * hb, f32x4.mul(dan, rg), full);
      st(dh + at, p, full);
      j += full ? 4 : 1;
    }
  }
}

/** Rows a block holds when each row needs `floats` floats of gemm's spare scratch. */
// @ts-ignore: decorator
@inline
function rowBlock(floats: i32): i32 {
  return max(1, <i32>(GEMM_SPARE_BYTES / (<usize>floats << 2)));
}

/**
 * gruSequence for batch rows [r0, r1): per step, the block's rows of h_prev times W_hhᵀ (w: packed
 * once by the caller, packPanelsB) into gemm's spare scratch, then the gates. out (T + 1 or, with
 * `save`, 5T + 1 planes of N·H) already holds h0 at its plane.
 */
export function gruSequenceF32(gi: usize, w: usize, b: usize, out: usize, T: i32, N: i32, H: i32, reverse: i32, save: i32, r0: i32, r1: i32, scratch: usize): void {
  const hb = <usize>H << 2;
  const nb = <usize>N * hb;
  const states = reverse ? 0 : 1, previous = reverse ? 1 : 0;
  const hw = scratch + GEMM_SPARE_OFFSET;
  const rb = rowBlock(3 * H);
  for (let b0 = r0; b0 < r1; b0 += rb) {
    const rows = min(rb, r1 - b0);
    const ro = <usize>b0 * hb; // the block's offset in a plane
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const prev = out + <usize>(previous + t) * nb + ro;
      gemm(prev, 0, hw, rows, 3 * H, H, false, false, 0, rows, 0, 3 * H, scratch, 0, w); // (rows, H)·(H, 3H)
      const sv = save ? out + <usize>(T + 1 + 4 * t) * nb + ro : 0;
      stepRows(gi + <usize>t * 3 * nb + 3 * ro, hw, b, prev, out + <usize>(states + t) * nb + ro, sv, nb, H, rows);
    }
  }
}

/**
 * Its gradient for batch rows [r0, r1): saved (5T + 1 planes), g (at least its T + 1 state planes)
 * → out's dgi and dgh (all T steps) and dh0 for these rows (out: dgi, dgh, dh0). dh0 holds the
 * running gradient of h while the steps run backward; w is W_hh (3H, H) packed once.
 */
export function gruSequenceGradF32(saved: usize, w: usize, g: usize, out: usize, T: i32, N: i32, H: i32, reverse: i32, r0: i32, r1: i32, scratch: usize): void {
  const hb = <usize>H << 2;
  const nb = <usize>N * hb;
  const init = reverse ? T : 0, states = reverse ? 0 : 1, previous = reverse ? 1 : 0;
  const back = scratch + GEMM_SPARE_OFFSET;
  const rb = rowBlock(H);
  const dghAt = out + <usize>T * 3 * nb;
  for (let b0 = r0; b0 < r1; b0 += rb) {
    const rows = min(rb, r1 - b0);
    const ro = <usize>b0 * hb;
    const dh = out + <usize>(2 * T) * 3 * nb + ro;
    const m = <usize>rows * <usize>H;
    memory.fill(dh, 0, m << 2);
    for (let s = T - 1; s >= 0; s--) {
      const t = reverse ? T - 1 - s : s;
      const dgh = dghAt + <usize>t * 3 * nb + 3 * ro;
      gradRows(saved + <usize>(T + 1 + 4 * t) * nb + ro, saved + <usize>(previous + t) * nb + ro, g + <usize>(states + t) * nb + ro, dh,
        out + <usize>t * 3 * nb + 3 * ro, dgh, nb, H, rows);
      gemm(dgh, 0, back, rows, H, 3 * H, false, false, 0, rows, 0, H, scratch, 0, w); // (rows, 3H)·(3H, H)
      addRowF32(dh, back, <i32>m);
    }
    // The initial state's own gradient (its plane of g) plus what the first step sends back.
    addRowF32(dh, g + <usize>init * nb + ro, <i32>m);
  }
}

// ---- The Elman RNN (src/ops/rnn-sequence.ts; reference: src/backend/ts/rnn-sequence.ts) ----

/** h' = act(gi + hw) for `m` elements: tanh in float64 lanes rounded once, or relu (NaN kept). */
function rnnStep(gi: usize, hw: usize, hOut: usize, relu: bool, m: i32): void {
  for (let k = 0; k < m; ) {
    const full = k + 4 <= m;
    const off = <usize>k << 2;
    const pre = f32x4.add(ld(gi + off, full), ld(hw + off, full));
    st(hOut + off, relu ? v128.bitselect(pre, f32x4.pmax(f32x4.splat(0), pre), f32x4.ne(pre, pre)) : tanh4(pre), full);
    k += full ? 4 : 1;
  }
}

/**
 * rnnSequence for batch rows [r0, r1): per step, the block's rows of h_prev times W_hhᵀ (w packed
 * once by the caller) into gemm's spare scratch, then the add and the activation. out (T + 1 planes
 * of N·H) already holds h0 at its plane.
 */
export function rnnSequenceF32(gi: usize, w: usize, out: usize, T: i32, N: i32, H: i32, reverse: i32, relu: i32, r0: i32, r1: i32, scratch: usize): void {
  const hb = <usize>H << 2;
  const nb = <usize>N * hb;
  const states = reverse ? 0 : 1, previous = reverse ? 1 : 0;
  const hw = scratch + GEMM_SPARE_OFFSET;
  const rb = rowBlock(H);
  for (let b0 = r0; b0 < r1; b0 += rb) {
    const rows = min(rb, r1 - b0);
    const ro = <usize>b0 * hb;
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      gemm(out + <usize>(previous + t) * nb + ro, 0, hw, rows, H, H, false, false, 0, rows, 0, H, scratch, 0, w); // (rows, H)·(H, H)
      if (relu) rnnStep(gi + <usize>t * nb + ro, hw, out + <usize>(states + t) * nb + ro, true, rows * H);
      else rnnStep(gi + <usize>t * nb + ro, hw, out + <usize>(states + t) * nb + ro, false, rows * H);
    }
  }
}

/**
 * Its gradient for batch rows [r0, r1): saved (T + 1 planes), g (T + 1 planes) → out's dgi (all T
 * steps) and dh0 for these rows. dh0 holds the running gradient of h while the steps run backward.
 */
export function rnnSequenceGradF32(saved: usize, w: usize, g: usize, out: usize, T: i32, N: i32, H: i32, reverse: i32, relu: i32, r0: i32, r1: i32, scratch: usize): void {
  const hb = <usize>H << 2;
  const nb = <usize>N * hb;
  const init = reverse ? T : 0, states = reverse ? 0 : 1;
  const ro = <usize>r0 * hb;
  const m = (r1 - r0) * H;
  const dh = out + <usize>T * nb + ro;
  const one = f32x4.splat(1);
  memory.fill(dh, 0, <usize>m << 2);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const y = saved + <usize>(states + t) * nb + ro, gt = g + <usize>(states + t) * nb + ro;
    const dpre = out + <usize>t * nb + ro;
    for (let k = 0; k < m; ) {
      const full = k + 4 <= m;
      const off = <usize>k << 2;
      const dht = f32x4.add(ld(gt + off, full), ld(dh + off, full));
      const v = ld(y + off, full);
      st(dpre + off, relu ? v128.andnot(dht, f32x4.le(v, f32x4.splat(0))) : f32x4.mul(dht, f32x4.sub(one, f32x4.mul(v, v))), full);
      k += full ? 4 : 1;
    }
    gemm(dpre, 0, dh, r1 - r0, H, H, false, false, 0, r1 - r0, 0, H, scratch, 0, w); // (rows, H)·(H, H)
  }
  addRowF32(dh, g + <usize>init * nb + ro, m);
}
