// Sorting helpers of the doctor's kernels: order-preserving keys of f32 values and a stable
// merge sort of u64 keys (value bits above a row index: value order, ties by index).

/** The value's order-preserving 32 bits (−0 as 0, as a comparison treats it), as the high half of a u64 key. */
// @ts-ignore: decorator
@inline
export function orderedBits(v: f32): u64 {
  const b = reinterpret<u32>(v == 0 ? <f32>0 : v);
  return <u64>((b & 0x80000000) != 0 ? ~b : b | 0x80000000);
}

/** Sort keys[0..n) ascending (u64), stably, by bottom-up merge sort through tmp (n u64 too); returns where the result is. */
export function mergeSortU64(keys: usize, tmp: usize, n: i32): usize {
  let src = keys, dst = tmp;
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = min(lo + width, n), hi = min(lo + 2 * width, n);
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        const a = load<u64>(src + (<usize>i << 3)), b = load<u64>(src + (<usize>j << 3));
        if (b < a) { store<u64>(dst + (<usize>(o++) << 3), b); j++; } else { store<u64>(dst + (<usize>(o++) << 3), a); i++; }
      }
      while (i < mid) { store<u64>(dst + (<usize>(o++) << 3), load<u64>(src + (<usize>(i++) << 3))); }
      while (j < hi) { store<u64>(dst + (<usize>(o++) << 3), load<u64>(src + (<usize>(j++) << 3))); }
    }
    const t = src; src = dst; dst = t;
  }
  return src;
}
