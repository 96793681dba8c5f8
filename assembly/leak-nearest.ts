// The training doctor's leak check for continuous features of a classification task
// (src/doctor/leakage.ts, singleFeatureScores): per feature, leave-one-out 1-nearest-neighbour on
// that feature alone over a sample of training rows and the held-out rows pooled. Compiled ahead:
// in a program's first fit the JavaScript (gathers, a sort and a scan per column) runs
// interpreted for ~20 ms on 20 columns of 2,250 rows. The same order (value, then pooled index),
// the same float64 differences and tie rule, so the same counts.

import { mergeSortU64, orderedBits } from './sort';

/** Bytes of scratch leakNearestF32 needs for `rows` pooled rows. */
export function leakNearestScratchBytes(rows: i32): i32 {
  return 16 * rows;
}

/**
 * For each column cols[c]: pool the values of training rows tr (nt, indices into train: n × d
 * f32) and held-out rows he (nh, into held: m × d f32), labels labT (nt) and labH (nh) (i32), sort
 * them by value (ties by pooled index: training rows first), and count into right[c] the rows
 * whose nearest other value has their label (on a tie of the two distances, both neighbours must).
 */
export function leakNearestF32(train: usize, held: usize, d: i32, tr: usize, nt: i32, he: usize, nh: i32,
  labT: usize, labH: usize, cols: usize, nc: i32, right: usize, scratch: usize): void {
  const N = nt + nh;
  const keys = scratch; // (N) u64: ordered value bits << 32 | pooled index
  const tmp = keys + (<usize>N << 3);
  for (let c = 0; c < nc; c++) {
    const j = load<i32>(cols + (<usize>c << 2));
    for (let i = 0; i < nt; i++) {
      const v = load<f32>(train + (<usize>(load<i32>(tr + (<usize>i << 2)) * d + j) << 2));
      store<u64>(keys + (<usize>i << 3), (orderedBits(v) << 32) | <u64>i);
    }
    for (let i = 0; i < nh; i++) {
      const v = load<f32>(held + (<usize>(load<i32>(he + (<usize>i << 2)) * d + j) << 2));
      store<u64>(keys + (<usize>(nt + i) << 3), (orderedBits(v) << 32) | <u64>(nt + i));
    }
    const s = mergeSortU64(keys, tmp, N);
    let count = 0;
    let prevV = 0.0, prevL = 0;
    let curQ = <i32>(load<u64>(s) & 0xffffffff);
    let curV = <f64>value(train, held, d, j, tr, he, nt, curQ);
    let curL = label(labT, labH, nt, curQ);
    for (let i = 0; i < N; i++) {
      let nextV = 0.0, nextL = 0;
      if (i + 1 < N) {
        const q = <i32>(load<u64>(s + (<usize>(i + 1) << 3)) & 0xffffffff);
        nextV = <f64>value(train, held, d, j, tr, he, nt, q);
        nextL = label(labT, labH, nt, q);
      }
      const left = i > 0 ? curV - prevV : Infinity;
      const rightD = i + 1 < N ? nextV - curV : Infinity;
      const okLeft = left <= rightD ? (i > 0 && prevL == curL) : true;
      const okRight = rightD <= left ? (i + 1 < N && nextL == curL) : true;
      if (okLeft && okRight) count++;
      prevV = curV; prevL = curL;
      curV = nextV; curL = nextL;
    }
    store<i32>(right + (<usize>c << 2), count);
  }
}

/** The value of pooled row q in column j. */
// @ts-ignore: decorator
@inline
function value(train: usize, held: usize, d: i32, j: i32, tr: usize, he: usize, nt: i32, q: i32): f32 {
  return q < nt
    ? load<f32>(train + (<usize>(load<i32>(tr + (<usize>q << 2)) * d + j) << 2))
    : load<f32>(held + (<usize>(load<i32>(he + (<usize>(q - nt) << 2)) * d + j) << 2));
}

/** The label of pooled row q. */
// @ts-ignore: decorator
@inline
function label(labT: usize, labH: usize, nt: i32, q: i32): i32 {
  return q < nt ? load<i32>(labT + (<usize>q << 2)) : load<i32>(labH + (<usize>(q - nt) << 2));
}
