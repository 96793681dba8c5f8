// f32 reductions over the middle axis of an [outer, n, inner] view (the JS side maps any set of
// adjacent reduced dims to it). Sums accumulate in f64 in the reference's order (k ascending per
// output), so results equal the reference exactly; max/min follow its NaN rule (a NaN wins).
import { REDUCE_MAX, REDUCE_SUM } from './codes';

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

function sumRows(x: usize, out: usize, n: i32, inner: i32, o: i32, scratch: usize): void {
  const base = x + (<usize>(o * n * inner) << 2);
  const ob = out + (<usize>(o * inner) << 2);
  if (inner == 1) {
    let s: f64 = 0;
    for (let k = 0; k < n; k++) s += <f64>load<f32>(base + (<usize>k << 2));
    store<f32>(ob, <f32>s);
    return;
  }
  for (let c0 = 0; c0 < inner; c0 += CH) {
    const w = min(CH, inner - c0);
    memory.fill(scratch, 0, <usize>w << 3);
    for (let k = 0; k < n; k++) {
      const row = base + (<usize>(k * inner + c0) << 2);
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
    for (let i = 0; i < w; i++) store<f32>(ob + (<usize>(c0 + i) << 2), <f32>load<f64>(scratch + (<usize>i << 3)));
  }
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

/** op REDUCE_SUM, REDUCE_MAX or REDUCE_MIN (codes.ts) over n for outer rows [o0,o1) of an [outer, n, inner] f32 input. */
export function reduceF32(op: i32, x: usize, out: usize, n: i32, inner: i32, o0: i32, o1: i32, scratch: usize): void {
  for (let o = o0; o < o1; o++) {
    if (op == REDUCE_SUM) sumRows(x, out, n, inner, o, scratch);
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
