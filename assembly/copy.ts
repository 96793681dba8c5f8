// Strided copies for the movement primitives (permute, expand, slice, sliceUpdate, flip), any
// element size: for every index of `shape` (row-major, flat range [e0,e1)),
// dst[dstOff + Σ idx·dstSt] = src[srcOff + Σ idx·srcSt]. Runs along the last dim with unit
// strides on both sides become memory.copy. Copies are exact for every dtype. With `add` set
// (f32 only: sliceAdd, the adjoint of slice) the source is added to the destination instead.
import { addRowF32 } from './simd';

/**
 * `meta` holds i32s: shape[nd], srcSt[nd], dstSt[nd], srcOff, dstOff (strides and offsets in
 * elements of `1 << shift` bytes). `scratch` holds nd i32s for the running index.
 */
export function stridedCopy(src: usize, dst: usize, nd: i32, meta: usize, shift: i32, e0: i32, e1: i32, scratch: usize, add: bool): void {
  if (e1 <= e0) return;
  const shapeP = meta;
  const srcP = meta + (<usize>nd << 2);
  const dstP = srcP + (<usize>nd << 2);
  let so = load<i32>(dstP + (<usize>nd << 2));
  let dO = load<i32>(dstP + (<usize>nd << 2), 4);
  // Start index of e0 and the offsets it maps to.
  let rem = e0;
  for (let d = nd - 1; d >= 0; d--) {
    const n = load<i32>(shapeP + (<usize>d << 2));
    const i = rem % n;
    rem = rem / n;
    store<i32>(scratch + (<usize>d << 2), i);
    so += i * load<i32>(srcP + (<usize>d << 2));
    dO += i * load<i32>(dstP + (<usize>d << 2));
  }
  const last = nd - 1;
  const n = load<i32>(shapeP + (<usize>last << 2));
  const ss = load<i32>(srcP + (<usize>last << 2));
  const ds = load<i32>(dstP + (<usize>last << 2));
  let e = e0;
  while (e < e1) {
    const i0 = load<i32>(scratch + (<usize>last << 2));
    const len = min(n - i0, e1 - e);
    if (add && ss == 1 && ds == 1) {
      // A contiguous run on both sides (a slice's gradient added into its rows): four at a time.
      addRowF32(dst + (<usize>dO << 2), src + (<usize>so << 2), len);
    } else if (add) {
      for (let j = 0; j < len; j++) {
        const d = dst + (<usize>(dO + j * ds) << 2);
        store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>(so + j * ss) << 2)));
      }
    } else if (ss == 1 && ds == 1) {
      const d0 = dst + (<usize>dO << shift);
      const s0 = src + (<usize>so << shift);
      const bytes = <usize>len << shift;
      if (bytes > 512) memory.copy(d0, s0, bytes);
      else {
        // Short runs (a head's 32 floats when permuting heads): V8 calls out for memory.copy.
        let o: usize = 0;
        for (; o + 16 <= bytes; o += 16) v128.store(d0 + o, v128.load(s0 + o));
        for (; o < bytes; o++) store<u8>(d0 + o, load<u8>(s0 + o));
      }
    } else if (ss == 0 && ds == 1 && shift == 2) {
      // One value along the run (expand of a keepdim reduction, e.g. a LayerNorm statistic): four at a time.
      const d0 = dst + (<usize>dO << 2);
      const v = load<u32>(src + (<usize>so << 2));
      const v4 = i32x4.splat(v);
      let j = 0;
      for (; j + 4 <= len; j += 4) v128.store(d0 + (<usize>j << 2), v4);
      for (; j < len; j++) store<u32>(d0 + (<usize>j << 2), v);
    } else if (shift == 2) {
      for (let j = 0; j < len; j++) store<u32>(dst + (<usize>(dO + j * ds) << 2), load<u32>(src + (<usize>(so + j * ss) << 2)));
    } else if (shift == 3) {
      for (let j = 0; j < len; j++) store<u64>(dst + (<usize>(dO + j * ds) << 3), load<u64>(src + (<usize>(so + j * ss) << 3)));
    } else {
      for (let j = 0; j < len; j++) store<u8>(dst + <usize>(dO + j * ds), load<u8>(src + <usize>(so + j * ss)));
    }
    e += len;
    // Advance the index by `len` along the last dim, carrying into the outer dims.
    so += len * ss;
    dO += len * ds;
    let d = last;
    let v = i0 + len;
    while (d >= 0) {
      const nd_ = load<i32>(shapeP + (<usize>d << 2));
      if (v < nd_) { store<i32>(scratch + (<usize>d << 2), v); break; }
      store<i32>(scratch + (<usize>d << 2), 0);
      so -= nd_ * load<i32>(srcP + (<usize>d << 2));
      dO -= nd_ * load<i32>(dstP + (<usize>d << 2));
      d--;
      if (d < 0) break;
      so += load<i32>(srcP + (<usize>d << 2));
      dO += load<i32>(dstP + (<usize>d << 2));
      v = load<i32>(scratch + (<usize>d << 2)) + 1;
    }
  }
}

/**
 * Zero `bytes` bytes at `ptr` (a recycled block before its first read): memory.fill is a memset,
 * where a typed array's fill over shared memory runs ~40× slower (24 µs for 80 KB).
 */
export function zeroFill(ptr: usize, bytes: usize): void {
  memory.fill(ptr, 0, bytes);
}

/**
 * memmove `bytes` bytes from `src` to `dst` (scatterAdd's and sliceUpdate's copy of the base):
 * memory.copy, where a typed array's copyWithin over shared memory runs 2–3× slower (55.6 vs
 * 28.4 µs for 1.2 MB over an unshared buffer).
 */
export function copyBytes(dst: usize, src: usize, bytes: usize): void {
  memory.copy(dst, src, bytes);
}
