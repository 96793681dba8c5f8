// The training doctor's gradient-boosted-trees baseline (src/doctor/gbt.ts, boost and forestScores),
// compiled ahead: in a program's first fit the JavaScript version runs interpreted and allocates
// per tree (~20 ms cold on iris, ~70 ms on 1,250 × 20 rows), this one runs at compiled speed from
// its first call in scratch memory. Same algorithm and the same order of every sum, so the same
// trees (exp is math64.ts's, which may differ from V8's in the last bits).

import { exp64 } from './math64';

// Loss codes (BoostRequest.loss in gbt.ts).
const SQUARED = 0;
const LOGISTIC = 1;

/** Bytes of scratch boostU8 needs. */
export function boostScratchBytes(n: i32, d: i32, T: i32, depth: i32, bins: i32): i32 {
  const nodes = 1 << (depth + 1);
  return 8 * (3 * n * T + 2 * nodes * d * bins + T) + 4 * (2 * n + 4 * (2 * depth + 4));
}

/** Zero the d·bins histograms at `at` and add the gradients and hessians of rows idx[lo..end). */
function accumulate(X: usize, d: i32, bins: i32, g: usize, h: usize, idx: usize, lo: i32, end: i32, hg: usize, hh: usize, at: i32): void {
  const size = <usize>(d * bins) << 3;
  memory.fill(hg + (<usize>at << 3), 0, size);
  memory.fill(hh + (<usize>at << 3), 0, size);
  for (let q = lo; q < end; q++) {
    const i = load<i32>(idx + (<usize>q << 2));
    const gi = load<f64>(g + (<usize>i << 3)), hi = load<f64>(h + (<usize>i << 3));
    const row = X + <usize>(i * d);
    for (let j = 0; j < d; j++) {
      const b = (<usize>(at + j * bins + <i32>load<u8>(row + <usize>j))) << 3;
      store<f64>(hg + b, load<f64>(hg + b) + gi);
      store<f64>(hh + b, load<f64>(hh + b) + hi);
    }
  }
}

/**
 * One depth-limited tree on gradients g and hessians h (f64, n) into the node arrays at `base`
 * (local node ids; feature −1 marks a leaf; every node gets its scaled value). The rows of each
 * node are a range of idx, split stably in place; the smaller child's histograms come from its
 * rows, the larger one's by subtraction from the parent's.
 */
function growTree(X: usize, n: i32, d: i32, g: usize, h: usize, depth: i32, lambda: f64, minChild: f64, bins: i32, lr: f64,
  feature: usize, bin: usize, left: usize, right: usize, value: usize, base: i32,
  hg: usize, hh: usize, idx: usize, spill: usize, stack: usize): void {
  const nodes = 1 << (depth + 1);
  for (let q = 0; q < nodes; q++) {
    const o = <usize>(base + q);
    store<i32>(feature + (o << 2), -1);
    store<i32>(bin + (o << 2), 0);
    store<i32>(left + (o << 2), 0);
    store<i32>(right + (o << 2), 0);
    store<f64>(value + (o << 3), 0);
  }
  for (let i = 0; i < n; i++) store<i32>(idx + (<usize>i << 2), i);
  const size = d * bins;
  accumulate(X, d, bins, g, h, idx, 0, n, hg, hh, 0);
  let count = 1;
  // Pending nodes: node, first and end of its rows in idx, level (depth-first).
  let top = 0;
  store<i32>(stack, 0); store<i32>(stack + 4, 0); store<i32>(stack + 8, n); store<i32>(stack + 12, 0);
  top = 4;
  while (top > 0) {
    top -= 4;
    const s = stack + (<usize>top << 2);
    const node = load<i32>(s), lo = load<i32>(s + 4), end = load<i32>(s + 8), level = load<i32>(s + 12);
    let G = 0.0, H = 0.0;
    for (let q = lo; q < end; q++) {
      const i = <usize>load<i32>(idx + (<usize>q << 2));
      G += load<f64>(g + (i << 3));
      H += load<f64>(h + (i << 3));
    }
    store<f64>(value + (<usize>(base + node) << 3), (-G / (H + lambda)) * lr);
    if (level >= depth || end - lo < 2) continue;
    const parent = (G * G) / (H + lambda);
    const at = node * size;
    let bestGain = 1e-9, bestF = -1, bestB = 0;
    for (let j = 0; j < d; j++) {
      let gl = 0.0, hl = 0.0;
      for (let b = 1; b < bins; b++) {
        const o = <usize>(at + j * bins + b - 1) << 3;
        gl += load<f64>(hg + o); hl += load<f64>(hh + o);
        const gr = G - gl, hr = H - hl;
        if (hl < minChild || hr < minChild) continue;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent;
        if (gain > bestGain * (1 + 1e-9)) { bestGain = gain; bestF = j; bestB = b; } // a gain within rounding of the best is a tie: the first split wins
      }
    }
    if (bestF < 0) continue;
    // Stable partition: rows with bin < bestB first, in their order, then the others.
    let nl = lo, nr = 0;
    for (let q = lo; q < end; q++) {
      const i = load<i32>(idx + (<usize>q << 2));
      if (<i32>load<u8>(X + <usize>(i * d + bestF)) < bestB) store<i32>(idx + (<usize>(nl++) << 2), i);
      else store<i32>(spill + (<usize>(nr++) << 2), i);
    }
    memory.copy(idx + (<usize>nl << 2), spill, <usize>nr << 2);
    const l = count++, r = count++;
    const o = <usize>(base + node);
    store<i32>(feature + (o << 2), bestF);
    store<i32>(bin + (o << 2), bestB);
    store<i32>(left + (o << 2), l);
    store<i32>(right + (o << 2), r);
    if (level + 1 < depth) { // the children split again: they need histograms
      const smallIsLeft = nl - lo <= end - nl;
      const small = smallIsLeft ? l : r, big = smallIsLeft ? r : l;
      accumulate(X, d, bins, g, h, idx, smallIsLeft ? lo : nl, smallIsLeft ? nl : end, hg, hh, small * size);
      for (let q = 0; q < size; q++) {
        const po = <usize>(at + q) << 3, so = <usize>(small * size + q) << 3, bo = <usize>(big * size + q) << 3;
        store<f64>(hg + bo, load<f64>(hg + po) - load<f64>(hg + so));
        store<f64>(hh + bo, load<f64>(hh + po) - load<f64>(hh + so));
      }
    }
    const p = stack + (<usize>top << 2);
    store<i32>(p, l); store<i32>(p + 4, lo); store<i32>(p + 8, nl); store<i32>(p + 12, level + 1);
    store<i32>(p + 16, r); store<i32>(p + 20, nl); store<i32>(p + 24, end); store<i32>(p + 28, level + 1);
    top += 8;
  }
}

/** The value of the leaf row `row` (d bins) falls into in the tree at `base`. */
function leafValue(feature: usize, bin: usize, left: usize, right: usize, value: usize, base: i32, row: usize): f64 {
  let node = 0;
  while (true) {
    const o = <usize>(base + node);
    const f = load<i32>(feature + (o << 2));
    if (f < 0) return load<f64>(value + (o << 3));
    node = <i32>load<u8>(row + <usize>f) < load<i32>(bin + (o << 2)) ? load<i32>(left + (o << 2)) : load<i32>(right + (o << 2));
  }
  return 0;
}

/**
 * Boost rounds r0 … r1 − 1 of T trees each on binned rows X (n × d, u8): loss 0 squared error on
 * values (f64, n), 1 logistic on labels 0/1 (i32, n; T = 1), 2 softmax over T classes; scores
 * start at init (f64, T) in round 0 and live in scratch between calls (boostScratchBytes, 8-byte
 * aligned). Tree round·T + k goes to the node arrays (2^(depth+1) nodes a tree)
 * feature/bin/left/right (i32) and value (f64). Called a few rounds at a time (a long first call
 * would run unoptimized code throughout).
 */
export function boostU8(X: usize, n: i32, d: i32, loss: i32, T: i32, labels: usize, values: usize, init: usize,
  r0: i32, r1: i32, depth: i32, lr: f64, lambda: f64, minChild: f64, bins: i32,
  feature: usize, bin: usize, left: usize, right: usize, value: usize, scratch: usize): void {
  const nodes = 1 << (depth + 1);
  const F = scratch; // (n, T) scores
  const G = F + (<usize>(n * T) << 3); // (T, n) gradients
  const H = G + (<usize>(n * T) << 3); // (T, n) hessians
  const hg = H + (<usize>(n * T) << 3); // (nodes, d·bins)
  const hh = hg + (<usize>(nodes * d * bins) << 3);
  const p = hh + (<usize>(nodes * d * bins) << 3); // (T)
  const idx = p + (<usize>T << 3); // (n) i32
  const spill = idx + (<usize>n << 2);
  const stack = spill + (<usize>n << 2);
  if (r0 == 0) for (let i = 0; i < n; i++) for (let k = 0; k < T; k++) store<f64>(F + (<usize>(i * T + k) << 3), load<f64>(init + (<usize>k << 3)));
  for (let round = r0; round < r1; round++) {
    for (let i = 0; i < n; i++) {
      const fi = F + (<usize>(i * T) << 3);
      if (loss == SQUARED) {
        store<f64>(G + (<usize>i << 3), load<f64>(fi) - load<f64>(values + (<usize>i << 3)));
        store<f64>(H + (<usize>i << 3), 1.0);
      } else if (loss == LOGISTIC) {
        const pk = 1 / (1 + exp64(-load<f64>(fi)));
        store<f64>(G + (<usize>i << 3), pk - (load<i32>(labels + (<usize>i << 2)) == 1 ? 1.0 : 0.0));
        store<f64>(H + (<usize>i << 3), Math.max(pk * (1 - pk), 1e-6));
      } else {
        let mx = -Infinity;
        for (let k = 0; k < T; k++) mx = Math.max(mx, load<f64>(fi + (<usize>k << 3)));
        let s = 0.0;
        for (let k = 0; k < T; k++) {
          const e = exp64(load<f64>(fi + (<usize>k << 3)) - mx);
          store<f64>(p + (<usize>k << 3), e);
          s += e;
        }
        const label = load<i32>(labels + (<usize>i << 2));
        for (let k = 0; k < T; k++) {
          const pk = load<f64>(p + (<usize>k << 3)) / s;
          store<f64>(G + (<usize>(k * n + i) << 3), pk - (k == label ? 1.0 : 0.0));
          store<f64>(H + (<usize>(k * n + i) << 3), Math.max(pk * (1 - pk), 1e-6));
        }
      }
    }
    for (let k = 0; k < T; k++) {
      const base = (round * T + k) * nodes;
      growTree(X, n, d, G + (<usize>(k * n) << 3), H + (<usize>(k * n) << 3), depth, lambda, minChild, bins, lr,
        feature, bin, left, right, value, base, hg, hh, idx, spill, stack);
      for (let i = 0; i < n; i++) {
        const o = F + (<usize>(i * T + k) << 3);
        store<f64>(o, load<f64>(o) + leafValue(feature, bin, left, right, value, base, X + <usize>(i * d)));
      }
    }
  }
}

/**
 * Raw scores of binned rows X (m × d, u8) under a forest of `trees` trees, T a round (tree t adds
 * to score t mod T), each of `nodes` nodes: out (m × T, f64) = init + the sum of the leaves.
 */
export function forestScoresU8(X: usize, m: i32, d: i32, trees: i32, T: i32, nodes: i32,
  feature: usize, bin: usize, left: usize, right: usize, value: usize, init: usize, out: usize): void {
  for (let i = 0; i < m; i++) {
    const row = X + <usize>(i * d);
    for (let k = 0; k < T; k++) {
      let s = load<f64>(init + (<usize>k << 3));
      for (let t = k; t < trees; t += T) s += leafValue(feature, bin, left, right, value, t * nodes, row);
      store<f64>(out + (<usize>(i * T + k) << 3), s);
    }
  }
}
