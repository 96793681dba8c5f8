// argmax/argmin, gather and scatterAdd along the middle axis of [outer, n, inner] (the index has
// the input's shape except along that axis: max pooling and its gradient). Results equal the
// reference exactly: argmax keeps the first maximum and a NaN wins; scatterAdd adds in the
// reference's order. gather/scatterAdd return the number of out-of-range indices (the caller
// then lets the reference raise its error).
import { addRowF32 } from './simd';

/** out (i32) = index of the first max (min when !isMax) over n, NaN winning, for rows [o0,o1). */
export function argF32(isMax: bool, x: usize, out: usize, n: i32, inner: i32, o0: i32, o1: i32): void {
  for (let o = o0; o < o1; o++) {
    const base = x + (<usize>(o * n * inner) << 2);
    const ob = out + (<usize>(o * inner) << 2);
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      let best = v128.load(base + (<usize>i << 2));
      let bi = i32x4.splat(0);
      for (let k = 1; k < n; k++) {
        const v = v128.load(base + (<usize>(k * inner + i) << 2));
        const better = v128.and(v128.or(isMax ? f32x4.gt(v, best) : f32x4.lt(v, best), f32x4.ne(v, v)), f32x4.eq(best, best));
        best = v128.bitselect(v, best, better);
        bi = v128.bitselect(i32x4.splat(k), bi, better);
      }
      v128.store(ob + (<usize>i << 2), bi);
    }
    for (; i < inner; i++) {
      let bv = load<f32>(base + (<usize>i << 2));
      let bi = 0;
      for (let k = 1; k < n && bv == bv; k++) {
        const v = load<f32>(base + (<usize>(k * inner + i) << 2));
        if ((isMax ? v > bv : v < bv) || v != v) { bv = v; bi = k; }
      }
      store<i32>(ob + (<usize>i << 2), bi);
    }
  }
}

/** out[o, j, i] = x[o, idx[o, j, i], i] (x: [outer, n, inner], idx/out: [outer, m, inner]). */
export function gather32(x: usize, idx: usize, out: usize, outer: i32, n: i32, m: i32, inner: i32): i32 {
  let bad = 0;
  if (inner == 1) {
    // Along the last dim (pooling's gather, cross-entropy's pick): one flat loop per row.
    for (let o = 0; o < outer; o++) {
      const xr = x + (<usize>(o * n) << 2);
      const ir = idx + (<usize>(o * m) << 2);
      const or = out + (<usize>(o * m) << 2);
      for (let j = 0; j < m; j++) {
        let k = load<i32>(ir + (<usize>j << 2));
        k += select(n, 0, k < 0);
        if (<u32>k >= <u32>n) { bad++; continue; }
        store<u32>(or + (<usize>j << 2), load<u32>(xr + (<usize>k << 2)));
      }
    }
    return bad;
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const p = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) {
        let k = load<i32>(idx + (<usize>(p + i) << 2));
        if (k < 0) k += n;
        if (<u32>k >= <u32>n) { bad++; continue; }
        store<u32>(out + (<usize>(p + i) << 2), load<u32>(x + (<usize>((o * n + k) * inner + i) << 2)));
      }
    }
  }
  return bad;
}

/** out (already a copy of the base) [o, idx[o, j, i], i] += src[o, j, i], in index order. */
export function scatterAddF32(out: usize, idx: usize, src: usize, outer: i32, n: i32, m: i32, inner: i32): i32 {
  let bad = 0;
  if (inner == 1) {
    // Along the last dim (max pooling's and cross-entropy's gradient): one flat loop per row.
    for (let o = 0; o < outer; o++) {
      const or = out + (<usize>(o * n) << 2);
      const ir = idx + (<usize>(o * m) << 2);
      const sr = src + (<usize>(o * m) << 2);
      for (let j = 0; j < m; j++) {
        let k = load<i32>(ir + (<usize>j << 2));
        k += select(n, 0, k < 0);
        if (<u32>k >= <u32>n) { bad++; continue; }
        const a = or + (<usize>k << 2);
        store<f32>(a, load<f32>(a) + load<f32>(sr + (<usize>j << 2)));
      }
    }
    return bad;
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const p = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) {
        let k = load<i32>(idx + (<usize>(p + i) << 2));
        if (k < 0) k += n;
        if (<u32>k >= <u32>n) { bad++; continue; }
        const a = out + (<usize>((o * n + k) * inner + i) << 2);
        store<f32>(a, load<f32>(a) + load<f32>(src + (<usize>(p + i) << 2)));
      }
    }
  }
  return bad;
}

/**
 * The row walk of indexSelect and indexAdd over x: [outer, n, inner] and idx: [m]: for each index
 * j in order, each outer o, copy row (o, idx[j]) of x to row (o, j) of out, or (add) add row (o, j)
 * of src to row (o, idx[j]) of out. Returns how many indices lie outside [−n, n) (skipped: the
 * caller then runs the reference, which names the bad index).
 */
// @ts-ignore: decorator
@inline
function indexRows(add: bool, x: usize, idx: usize, out: usize, outer: i32, n: i32, m: i32, inner: i32): i32 {
  let bad = 0;
  const row = <usize>inner << 2;
  for (let j = 0; j < m; j++) {
    let k = load<i32>(idx + (<usize>j << 2));
    k += select(n, 0, k < 0);
    if (<u32>k >= <u32>n) { bad++; continue; }
    for (let o = 0; o < outer; o++) {
      const picked = <usize>(o * n + k) * row, listed = <usize>(o * m + j) * row;
      if (add) addRowF32(out + picked, x + listed, inner);
      else memory.copy(out + listed, x + picked, row);
    }
  }
  return bad;
}

/** out[o, j, :] = x[o, idx[j], :] (32-bit elements): embeddings' lookup. */
export function indexSelect32(x: usize, idx: usize, out: usize, outer: i32, n: i32, m: i32, inner: i32): i32 {
  return indexRows(false, x, idx, out, outer, n, m, inner);
}

/** out (already a copy of the base) [o, idx[j], :] += src[o, j, :], the indices in order (a row indexed twice sums as the reference sums). */
export function indexAddF32(out: usize, idx: usize, src: usize, outer: i32, n: i32, m: i32, inner: i32): i32 {
  return indexRows(true, src, idx, out, outer, n, m, inner);
}
