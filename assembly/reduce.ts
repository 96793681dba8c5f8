// f32 reductions over the middle axis of an [outer, n, inner] view (the JS side maps any set of
// adjacent reduced dims to it). Sums accumulate in f64 in the reference's order (k ascending per
// output), so results equal the reference exactly; max/min follow its NaN rule (a NaN wins).
import { REDUCE_MAX, REDUCE_MIN, REDUCE_SUM } from './codes';

const CH: i32 = 256; // inner columns per pass of the f64 accumulator block (2 KiB of scratch)

/** Bytes of scratch `reduceF32` needs per thread. */
export function reduceScratchBytes(): i32 {
  return CH * 8;
}

// @ts-ignore: decorator
@inline
function stepMax(acc: f32, x: f32): f32 { return x > acc || x != x ? x : acc; }
// @ts-ignore: decorator
@inline
function stepMin(acc: f32, x: f32): f32 { return x < acc || x != x ? x : acc; }

// Sixteen columns [c, c + 16) of one [n, inner] block summed down its n rows: eight f64x2
// accumulators in registers, each row's 64 bytes read once (no scratch round trip per row).
// @ts-ignore: decorator
@inline
function sumColumns16(base: usize, ob: usize, n: i32, inner: i32, c: i32): void {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let a4 = f64x2.splat(0), a5 = f64x2.splat(0), a6 = f64x2.splat(0), a7 = f64x2.splat(0);
  let row = base + (<usize>c << 2);
  const stride = <usize>inner << 2;
  for (let k = 0; k < n; k++, row += stride) {
    const v0 = v128.load(row), v1 = v128.load(row, 16), v2 = v128.load(row, 32), v3 = v128.load(row, 48);
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v0)); a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(v0, v0, 2, 3, 2, 3)));
    a2 = f64x2.add(a2, f64x2.promote_low_f32x4(v1)); a3 = f64x2.add(a3, f64x2.promote_low_f32x4(i32x4.shuffle(v1, v1, 2, 3, 2, 3)));
    a4 = f64x2.add(a4, f64x2.promote_low_f32x4(v2)); a5 = f64x2.add(a5, f64x2.promote_low_f32x4(i32x4.shuffle(v2, v2, 2, 3, 2, 3)));
    a6 = f64x2.add(a6, f64x2.promote_low_f32x4(v3)); a7 = f64x2.add(a7, f64x2.promote_low_f32x4(i32x4.shuffle(v3, v3, 2, 3, 2, 3)));
  }
  const o = ob + (<usize>c << 2);
  v128.store(o, i32x4.shuffle(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5));
  v128.store(o, i32x4.shuffle(f32x4.demote_f64x2_zero(a2), f32x4.demote_f64x2_zero(a3), 0, 1, 4, 5), 16);
  v128.store(o, i32x4.shuffle(f32x4.demote_f64x2_zero(a4), f32x4.demote_f64x2_zero(a5), 0, 1, 4, 5), 32);
  v128.store(o, i32x4.shuffle(f32x4.demote_f64x2_zero(a6), f32x4.demote_f64x2_zero(a7), 0, 1, 4, 5), 48);
}

/** Sums over n of columns [c0, c1) of outer row o (c0 a multiple of 16 unless it is the last group). */
function sumRows(x: usize, out: usize, n: i32, inner: i32, o: i32, c0: i32, c1: i32, scratch: usize): void {
  const base = x + (<usize>(o * n * inner) << 2);
  const ob = out + (<usize>(o * inner) << 2);
  if (inner == 1) {
    let s: f64 = 0;
    for (let k = 0; k < n; k++) s += <f64>load<f32>(base + (<usize>k << 2));
    store<f32>(ob, <f32>s);
    return;
  }
  let c = c0;
  for (; c + 16 <= c1; c += 16) sumColumns16(base, ob, n, inner, c);
  // The last (fewer than 16) columns through an f64 block in scratch.
  for (; c < c1; c += CH) {
    const w = min(CH, c1 - c);
    memory.fill(scratch, 0, <usize>w << 3);
    for (let k = 0; k < n; k++) {
      const row = base + (<usize>(k * inner + c) << 2);
      let i = 0;
      for (; i + 2 <= w; i += 2) {
        const p = scratch + (<usize>i << 3);
        const v = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>i << 2)));
        v128.store(p, f64x2.add(v128.load(p), v));
      }
      for (; i < w; i++) {
        const p = scratch + (<usize>i << 3);
        store<f64>(p, load<f64>(p) + <f64>load<f32>(row + (<usize>i << 2)));
      }
    }
    for (let i = 0; i < w; i++) store<f32>(ob + (<usize>(c + i) << 2), <f32>load<f64>(scratch + (<usize>i << 3)));
  }
}

/**
 * Sums over n of an [outer, n, inner] f32 input for columns [c0, c1) of every outer row: the split
 * for few outer rows and wide rows (a bias gradient over (T·N, 4H)), which reduceF32 could not
 * share across threads. c0 is a multiple of 16.
 */
export function sumColumnsF32(x: usize, out: usize, outer: i32, n: i32, inner: i32, c0: i32, c1: i32, scratch: usize): void {
  for (let o = 0; o < outer; o++) sumRows(x, out, n, inner, o, c0, c1, scratch);
}

// @ts-ignore: decorator
@inline
function extremeRows(isMax: bool, x: usize, out: usize, n: i32, inner: i32, o: i32): void {
  const base = x + (<usize>(o * n * inner) << 2);
  const ob = out + (<usize>(o * inner) << 2);
  const init: f32 = isMax ? -Infinity : Infinity;
  if (inner == 1) {
    let a = init;
    for (let k = 0; k < n; k++) { const v = load<f32>(base + (<usize>k << 2)); a = isMax ? stepMax(a, v) : stepMin(a, v); }
    store<f32>(ob, a);
    return;
  }
  for (let i = 0; i < inner; i++) store<f32>(ob + (<usize>i << 2), init);
  for (let k = 0; k < n; k++) {
    const row = base + (<usize>(k * inner) << 2);
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const off = <usize>i << 2;
      const v = v128.load(row + off);
      const a = v128.load(ob + off);
      const take = v128.or(isMax ? f32x4.gt(v, a) : f32x4.lt(v, a), f32x4.ne(v, v));
      v128.store(ob + off, v128.bitselect(v, a, take));
    }
    for (; i < inner; i++) {
      const off = <usize>i << 2;
      const v = load<f32>(row + off);
      const a = load<f32>(ob + off);
      store<f32>(ob + off, isMax ? stepMax(a, v) : stepMin(a, v));
    }
  }
}

// Rows of a [rows, n] input (inner == 1: a LayerNorm's or a softmax's row sums, maxima) four at a
// time, one row per lane: 4×4 blocks transposed so that each vector holds element k of the four
// rows. A row's sum is still one chain of f64 additions in k order and its max/min one chain of
// stepMax/stepMin, so every output has the bits of the one-row loop; only the chains of four rows
// (eight for sums: two f64x2 per four rows) now run side by side instead of one after another
// (the one-row sum waits on each addition: ~3 cycles an element).
// @ts-ignore: decorator
@inline
function rows4(op: i32, x: usize, out: usize, n: i32, o: i32): void {
  const r0 = x + (<usize>o * <usize>n << 2);
  const rs = <usize>n << 2;
  let lo = f64x2.splat(0); let hi = f64x2.splat(0); // sums of rows 0–1 and 2–3
  let a = f32x4.splat(op == REDUCE_MAX ? -Infinity : Infinity); // max/min of rows 0–3
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const off = <usize>k << 2;
    const v0 = v128.load(r0 + off); const v1 = v128.load(r0 + rs + off);
    const v2 = v128.load(r0 + 2 * rs + off); const v3 = v128.load(r0 + 3 * rs + off);
    const c0 = col(v0, v1, v2, v3, 0); // element k of rows 0..3
    const c1 = col(v0, v1, v2, v3, 1); // k + 1
    const c2 = col(v0, v1, v2, v3, 2); // k + 2
    const c3 = col(v0, v1, v2, v3, 3); // k + 3
    if (op == REDUCE_SUM) {
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(c0)); hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(c0, c0, 2, 3, 2, 3)));
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(c1)); hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(c1, c1, 2, 3, 2, 3)));
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(c2)); hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(c2, c2, 2, 3, 2, 3)));
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(c3)); hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(c3, c3, 2, 3, 2, 3)));
    } else {
      a = stepExtreme(op, a, c0); a = stepExtreme(op, a, c1); a = stepExtreme(op, a, c2); a = stepExtreme(op, a, c3);
    }
  }
  for (; k < n; k++) {
    const off = <usize>k << 2;
    const c = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(load<f32>(r0 + off)),
      1, load<f32>(r0 + rs + off)), 2, load<f32>(r0 + 2 * rs + off)), 3, load<f32>(r0 + 3 * rs + off));
    if (op == REDUCE_SUM) {
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(c)); hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(c, c, 2, 3, 2, 3)));
    } else {
      a = stepExtreme(op, a, c);
    }
  }
  const ob = out + (<usize>o << 2);
  if (op == REDUCE_SUM) v128.store(ob, i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  else v128.store(ob, a);
}

// Element k, k+1, k+2, k+3 of four rows (vectors v0..v3 at k) as four vectors, each holding one k
// of the four rows (a 4×4 transpose); `q` picks which of the four.
// @ts-ignore: decorator
@inline
function col(v0: v128, v1: v128, v2: v128, v3: v128, q: i32): v128 {
  const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5); // v0[0] v1[0] v0[1] v1[1]
  const t1 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
  if (q == 0) return i32x4.shuffle(t0, t2, 0, 1, 4, 5);
  if (q == 1) return i32x4.shuffle(t0, t2, 2, 3, 6, 7);
  if (q == 2) return i32x4.shuffle(t1, t3, 0, 1, 4, 5);
  return i32x4.shuffle(t1, t3, 2, 3, 6, 7);
}

// Sums of eight rows o..o+7 (four f64x2 chains, as rows4 with two groups of four side by side).
// @ts-ignore: decorator
@inline
function sum8(x: usize, out: usize, n: i32, o: i32): void {
  const r0 = x + (<usize>o * <usize>n << 2);
  const rs = <usize>n << 2;
  const r4 = r0 + 4 * rs;
  let a0 = f64x2.splat(0); let a1 = f64x2.splat(0); let b0 = f64x2.splat(0); let b1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const off = <usize>k << 2;
    const v0 = v128.load(r0 + off); const v1 = v128.load(r0 + rs + off); const v2 = v128.load(r0 + 2 * rs + off); const v3 = v128.load(r0 + 3 * rs + off);
    const w0 = v128.load(r4 + off); const w1 = v128.load(r4 + rs + off); const w2 = v128.load(r4 + 2 * rs + off); const w3 = v128.load(r4 + 3 * rs + off);
    for (let q = 0; q < 4; q++) {
      const c = col(v0, v1, v2, v3, q);
      const d = col(w0, w1, w2, w3, q);
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(c)); a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(c, c, 2, 3, 2, 3)));
      b0 = f64x2.add(b0, f64x2.promote_low_f32x4(d)); b1 = f64x2.add(b1, f64x2.promote_low_f32x4(i32x4.shuffle(d, d, 2, 3, 2, 3)));
    }
  }
  for (; k < n; k++) {
    const off = <usize>k << 2;
    a0 = f64x2.add(a0, f64x2.replace_lane(f64x2.splat(<f64>load<f32>(r0 + off)), 1, <f64>load<f32>(r0 + rs + off)));
    a1 = f64x2.add(a1, f64x2.replace_lane(f64x2.splat(<f64>load<f32>(r0 + 2 * rs + off)), 1, <f64>load<f32>(r0 + 3 * rs + off)));
    b0 = f64x2.add(b0, f64x2.replace_lane(f64x2.splat(<f64>load<f32>(r4 + off)), 1, <f64>load<f32>(r4 + rs + off)));
    b1 = f64x2.add(b1, f64x2.replace_lane(f64x2.splat(<f64>load<f32>(r4 + 2 * rs + off)), 1, <f64>load<f32>(r4 + 3 * rs + off)));
  }
  const ob = out + (<usize>o << 2);
  v128.store(ob, i32x4.shuffle(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5));
  v128.store(ob, i32x4.shuffle(f32x4.demote_f64x2_zero(b0), f32x4.demote_f64x2_zero(b1), 0, 1, 4, 5), 16);
}

// stepMax/stepMin lane by lane: take x where it is greater (smaller) or NaN.
// @ts-ignore: decorator
@inline
function stepExtreme(op: i32, acc: v128, x: v128): v128 {
  return v128.bitselect(x, acc, v128.or(op == REDUCE_MAX ? f32x4.gt(x, acc) : f32x4.lt(x, acc), f32x4.ne(x, x)));
}

/** op REDUCE_SUM, REDUCE_MAX or REDUCE_MIN (codes.ts) over n for outer rows [o0,o1) of an [outer, n, inner] f32 input. */
export function reduceF32(op: i32, x: usize, out: usize, n: i32, inner: i32, o0: i32, o1: i32, scratch: usize): void {
  let o = o0;
  if (inner == 1) {
    if (op == REDUCE_SUM) {
      for (; o + 8 <= o1; o += 8) sum8(x, out, n, o);
      for (; o + 4 <= o1; o += 4) rows4(REDUCE_SUM, x, out, n, o);
    }
    else if (op == REDUCE_MAX) for (; o + 4 <= o1; o += 4) rows4(REDUCE_MAX, x, out, n, o);
    else for (; o + 4 <= o1; o += 4) rows4(REDUCE_MIN, x, out, n, o);
  }
  for (; o < o1; o++) {
    if (op == REDUCE_SUM) sumRows(x, out, n, inner, o, 0, inner, scratch);
    else if (op == REDUCE_MAX) extremeRows(true, x, out, n, inner, o);
    else extremeRows(false, x, out, n, inner, o);
  }
}

/**
 * op REDUCE_SUM, REDUCE_MAX or REDUCE_MIN (codes.ts) over dims 0 and 2 of an [r1, k, r2] f32 input (e.g. a bias gradient
 * summed over batch and pixels), for kept indices [k0,k1). Per output the order is r1 then r2,
 * as in the reference; sums accumulate in f64.
 */
export function reduceOuterInnerF32(op: i32, x: usize, out: usize, r1: i32, k: i32, r2: i32, k0: i32, k1: i32): void {
  for (let j = k0; j < k1; j++) {
    let s: f64 = 0;
    let a: f32 = op == REDUCE_MAX ? -Infinity : Infinity;
    for (let i = 0; i < r1; i++) {
      const row = x + (<usize>((i * k + j) * r2) << 2);
      if (op == REDUCE_SUM) {
        for (let t = 0; t < r2; t++) s += <f64>load<f32>(row + (<usize>t << 2));
      } else if (op == REDUCE_MAX) {
        for (let t = 0; t < r2; t++) a = stepMax(a, load<f32>(row + (<usize>t << 2)));
      } else {
        for (let t = 0; t < r2; t++) a = stepMin(a, load<f32>(row + (<usize>t << 2)));
      }
    }
    store<f32>(out + (<usize>j << 2), op == REDUCE_SUM ? <f32>s : a);
  }
}
