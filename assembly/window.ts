// f32 unfold (im2col), fold (col2im) and max pooling's window argmax over maps computed once per
// geometry by the reference code (src/backend/ts/im2col.ts, max-pool.ts): map[j] is the offset of
// tap j in one input plane, or -1 on padding. unfold and fold take that map as runs (j, offset,
// length; offset -1 for padding: src/backend/wasm/window-runs.ts) and move each run with vectors.
// Work is split over the N·C planes. fold sums overlapping taps in f64 in the reference's order
// (runs in increasing j), so all three equal the reference exactly.

/** out[p, j] = map[j] < 0 ? 0 : x[p, map[j]] for planes p in [p0,p1), the map as `nruns` runs; rc = map length. */
export function unfoldF32(x: usize, out: usize, runs: usize, nruns: i32, plane: i32, rc: i32, p0: i32, p1: i32): void {
  for (let p = p0; p < p1; p++) {
    const ib = x + (<usize>(p * plane) << 2);
    const ob = out + (<usize>p * <usize>rc << 2);
    let rp = runs;
    for (let t = 0; t < nruns; t++) {
      const d = ob + (<usize>load<i32>(rp) << 2);
      const src = load<i32>(rp, 4);
      const len = load<i32>(rp, 8);
      rp += 12;
      let k = 0;
      if (src < 0) {
        for (; k + 4 <= len; k += 4) v128.store(d + (<usize>k << 2), f32x4.splat(0));
        for (; k < len; k++) store<f32>(d + (<usize>k << 2), 0);
      } else {
        const s = ib + (<usize>src << 2);
        for (; k + 4 <= len; k += 4) v128.store(d + (<usize>k << 2), v128.load(s + (<usize>k << 2)));
        for (; k < len; k++) store<f32>(d + (<usize>k << 2), load<f32>(s + (<usize>k << 2)));
      }
    }
  }
}

/** out[p, i] = Σ_{j: map[j] = i} cols[p, j] for planes p in [p0,p1), the map as runs; `scratch` holds plane f64s. */
export function foldF32(cols: usize, out: usize, runs: usize, nruns: i32, plane: i32, rc: i32, p0: i32, p1: i32, scratch: usize): void {
  for (let p = p0; p < p1; p++) {
    memory.fill(scratch, 0, <usize>plane << 3);
    const ib = cols + (<usize>p * <usize>rc << 2);
    let rp = runs;
    for (let t = 0; t < nruns; t++) {
      const src = load<i32>(rp, 4);
      if (src >= 0) {
        const s = ib + (<usize>load<i32>(rp) << 2);
        const a = scratch + (<usize>src << 3);
        const len = load<i32>(rp, 8);
        let k = 0;
        for (; k + 2 <= len; k += 2) {
          const at = a + (<usize>k << 3);
          v128.store(at, f64x2.add(v128.load(at), f64x2.promote_low_f32x4(v128.load64_zero(s + (<usize>k << 2)))));
        }
        for (; k < len; k++) {
          const at = a + (<usize>k << 3);
          store<f64>(at, load<f64>(at) + <f64>load<f32>(s + (<usize>k << 2)));
        }
      }
      rp += 12;
    }
    const ob = out + (<usize>(p * plane) << 2);
    let i = 0;
    for (; i + 4 <= plane; i += 4) {
      const lo = f32x4.demote_f64x2_zero(v128.load(scratch + (<usize>i << 3)));
      const hi = f32x4.demote_f64x2_zero(v128.load(scratch + (<usize>i << 3), 16));
      v128.store(ob + (<usize>i << 2), i32x4.shuffle(lo, hi, 0, 1, 4, 5));
    }
    for (; i < plane; i++) store<f32>(ob + (<usize>i << 2), <f32>load<f64>(scratch + (<usize>i << 3)));
  }
}

// i32 keys that order f32 values as `>` does, with NaN above everything (NAN_KEY) and −0 equal to
// +0, four lanes at a time. Comparing keys in vectors keeps the window loop free of branches: on
// random data a branch on `v > best` mispredicts about once a window (scalar code with branches
// took 1.8 ms for LeNet's first pool, 64×6×28×28, on one thread; this form 0.28 ms).
// @ts-ignore: decorator
@inline
function orderKeys(v: v128): v128 {
  const flip = v128.and(i32x4.shr_s(v, 31), i32x4.splat(0x7fffffff));
  const k = v128.andnot(v128.xor(v, flip), i32x4.eq(i32x4.shl(v, 1), i32x4.splat(0))); // ±0 → 0
  return v128.bitselect(i32x4.splat(NAN_KEY), k, i32x4.gt_s(v128.and(v, i32x4.splat(0x7fffffff)), i32x4.splat(0x7f800000)));
}

const NAN_KEY: i32 = 0x7fffffff;

// The values at four map entries (0 is read for padding, whose key is then overridden).
// @ts-ignore: decorator
@inline
function gather4(ib: usize, m: v128): v128 {
  const z = i32x4.max_s(m, i32x4.splat(0));
  let v = f32x4.splat(load<f32>(ib + (<usize>i32x4.extract_lane(z, 0) << 2)));
  v = f32x4.replace_lane(v, 1, load<f32>(ib + (<usize>i32x4.extract_lane(z, 1) << 2)));
  v = f32x4.replace_lane(v, 2, load<f32>(ib + (<usize>i32x4.extract_lane(z, 2) << 2)));
  return f32x4.replace_lane(v, 3, load<f32>(ib + (<usize>i32x4.extract_lane(z, 3) << 2)));
}

/**
 * Max pooling's window argmax: out[p, l] (i32) = the plane offset of the first maximum over the
 * taps map[r·width + l] ≥ 0 of x[p, ·] (−1 marks padding, skipped; a NaN wins, the window's last
 * one, as in PyTorch), for planes p in [p0,p1). Four windows at a time, one per lane; the map's
 * `width` is `windows` rounded up to a multiple of 4 (padded with −1). Every window has a real tap
 * (the frontend's geometry).
 */
export function maxPoolIndexF32(x: usize, out: usize, map: usize, plane: i32, windows: i32, taps: i32, p0: i32, p1: i32): void {
  const stride = <usize>((windows + 3) & ~3) << 2; // bytes between two taps' rows of the map (width)
  const low = i32x4.splat(i32.MIN_VALUE); // below every real tap's key: the first real tap always wins
  for (let p = p0; p < p1; p++) {
    const ib = x + (<usize>(p * plane) << 2);
    const ob = out + (<usize>p * <usize>windows << 2);
    for (let l = 0; l < windows; l += 4) {
      let best = i32x4.splat(-1);
      let bk = low;
      let mp = map + (<usize>l << 2);
      for (let r = 0; r < taps; r++) {
        const m = v128.load(mp);
        const k = v128.bitselect(orderKeys(gather4(ib, m)), low, i32x4.ge_s(m, i32x4.splat(0)));
        const take = v128.or(i32x4.gt_s(k, bk), i32x4.eq(k, i32x4.splat(NAN_KEY))); // a later NaN takes it again
        best = v128.bitselect(m, best, take);
        bk = v128.bitselect(k, bk, take);
        mp += stride;
      }
      const o = ob + (<usize>l << 2);
      if (l + 4 <= windows) v128.store(o, best);
      else for (let j = 0; j < windows - l; j++) store<i32>(o + (<usize>j << 2), lane(best, j)); // the last 1–3 windows
    }
  }
}

// @ts-ignore: decorator
@inline
function lane(v: v128, j: i32): i32 {
  return j == 0 ? i32x4.extract_lane(v, 0) : j == 1 ? i32x4.extract_lane(v, 1) : i32x4.extract_lane(v, 2);
}
