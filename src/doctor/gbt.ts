// A compact gradient-boosted-trees baseline (histogram splits, second-order leaf values as in
// XGBoost/LightGBM): logistic loss for two classes, softmax for more, squared loss for regression. Written here because
// the npm GBT packages are wasm builds (ml-xgboost) or unmaintained; the doctor needs only a
// strong, deterministic tabular baseline, not a full library.
import { thin, type Matrix, type Targets } from './matrix.js';

export interface GbtOptions {
  /** Boosting rounds. Default 40. */
  rounds?: number;
  /** Tree depth. Default 3. */
  depth?: number;
  /** Shrinkage per round. Default 0.25. */
  learningRate?: number;
  /** L2 penalty on leaf values (XGBoost's λ). Default 1. */
  lambda?: number;
  /** Smallest hessian mass per leaf. Default 1. */
  minChildWeight?: number;
  /** Histogram bins per feature. Default 32. */
  bins?: number;
}

interface Tree { feature: Int32Array; bin: Int32Array; left: Int32Array; right: Int32Array; value: Float64Array }

/** A fitted model: raw scores (logits per class, or the value) for new rows. */
export interface GbtModel { predict(m: Matrix): Float64Array; outputs: number }

function edgesOf(m: Matrix, rows: readonly number[], j: number, bins: number): Float64Array {
  const col = Float64Array.from(rows, (r) => m.values[r * m.d + j]!).sort();
  const e: number[] = [];
  for (let q = 1; q < bins; q++) {
    const v = col[Math.floor((q * col.length) / bins)]!;
    if (e.length === 0 || v > e[e.length - 1]!) e.push(v);
  }
  return Float64Array.from(e);
}

function binRows(m: Matrix, rows: readonly number[], edges: Float64Array[]): Uint8Array {
  const out = new Uint8Array(rows.length * m.d);
  rows.forEach((r, i) => {
    for (let j = 0; j < m.d; j++) {
      const v = m.values[r * m.d + j]!;
      const e = edges[j]!;
      let lo = 0, hi = e.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (v < e[mid]!) hi = mid; else lo = mid + 1; }
      out[i * m.d + j] = lo;
    }
  });
  return out;
}

/**
 * Histogram additions (rounds × trees a round × rows × features × depth) the doctor's GBT may do: the
 * rows are an evenly spread sample sized to it (at least 500, at most 5,000), so the baseline costs
 * ~5–20 ms whatever the data (iris and penguins keep every row; 8,000 × 20 binary rows use 1,250).
 */
const GBT_WORK = 3_000_000;

/**
 * Fit gradient-boosted trees on an evenly spread sample of the training rows (all of them on
 * small data; see GBT_WORK). Binary classification boosts one logit (logistic loss), more classes
 * one tree per class (softmax), regression the squared error.
 *
 * @example
 * const model = fitGbt(trainMatrix, readTargets(yTrain));
 * const logits = model.predict(valMatrix); // (m × classes) row-major
 */
export function fitGbt(train: Matrix, y: Targets, opts: GbtOptions = {}): GbtModel {
  const { rounds = 40, depth = 3, learningRate = 0.25, lambda = 1, minChildWeight = 1, bins = 32 } = opts;
  const cls = y.task === 'classification';
  const K = cls ? Math.max(2, y.classes) : 1;
  const T = cls && K > 2 ? K : 1; // trees a round: one score for binary (a logit) and regression
  const d = train.d;
  const cap = Math.min(5000, Math.max(500, Math.floor(GBT_WORK / (rounds * T * Math.max(1, d) * depth))));
  const rows = thin(train.n, cap);
  const n = rows.length;
  const edges = Array.from({ length: d }, (_, j) => edgesOf(train, rows, j, bins));
  const X = binRows(train, rows, edges);
  const label = (i: number): number => y.labels![rows[i]!]!;
  const init = new Float64Array(T);
  if (cls) {
    const cnt = new Float64Array(K).fill(1);
    for (let i = 0; i < n; i++) cnt[label(i)]++;
    if (T === 1) init[0] = Math.log(cnt[1]! / cnt[0]!); // log-odds of class 1
    else for (let k = 0; k < K; k++) init[k] = Math.log(cnt[k]! / (n + K));
  } else {
    init[0] = rows.reduce((s, r) => s + y.values![r]!, 0) / n;
  }
  const F = new Float64Array(n * T); // (n, T) scores
  for (let i = 0; i < n; i++) F.set(init, i * T);
  const trees: Tree[][] = [];
  const G = new Float64Array(n * T); // gradients, tree-major: (T, n)
  const H = new Float64Array(n * T); // hessians
  const p = new Float64Array(T);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < n; i++) {
      if (cls && T > 1) {
        let mx = -Infinity;
        for (let k = 0; k < T; k++) mx = Math.max(mx, F[i * T + k]!);
        let s = 0;
        for (let k = 0; k < T; k++) { p[k] = Math.exp(F[i * T + k]! - mx); s += p[k]!; }
        for (let k = 0; k < T; k++) {
          const pk = p[k]! / s;
          G[k * n + i] = pk - (k === label(i) ? 1 : 0);
          H[k * n + i] = Math.max(pk * (1 - pk), 1e-6);
        }
      } else if (cls) {
        const pk = 1 / (1 + Math.exp(-F[i]!));
        G[i] = pk - (label(i) === 1 ? 1 : 0);
        H[i] = Math.max(pk * (1 - pk), 1e-6);
      } else {
        G[i] = F[i]! - y.values![rows[i]!]!;
        H[i] = 1;
      }
    }
    const roundTrees: Tree[] = [];
    for (let k = 0; k < T; k++) {
      const tree = growTree(X, n, d, G.subarray(k * n, (k + 1) * n), H.subarray(k * n, (k + 1) * n), depth, lambda, minChildWeight, bins, learningRate);
      roundTrees.push(tree);
      for (let i = 0; i < n; i++) F[i * T + k] += leafValue(tree, X, i * d);
    }
    trees.push(roundTrees);
  }
  return {
    outputs: K,
    predict(m: Matrix): Float64Array {
      const all = Array.from({ length: m.n }, (_, i) => i);
      const Xm = binRows(m, all, edges);
      const out = new Float64Array(m.n * K);
      for (let i = 0; i < m.n; i++) {
        for (let k = 0; k < T; k++) {
          let s = init[k]!;
          for (const rt of trees) s += leafValue(rt[k]!, Xm, i * d);
          // binary: logits [0, F] (softmax of them is [1 − σ(F), σ(F)])
          out[i * K + (cls && T === 1 ? 1 : k)] = s;
        }
      }
      return out;
    },
  };
}

function leafValue(t: Tree, X: Uint8Array, off: number): number {
  let node = 0;
  while (t.feature[node]! >= 0) node = X[off + t.feature[node]!]! < t.bin[node]! ? t.left[node]! : t.right[node]!;
  return t.value[node]!;
}

/** Add the gradient and hessian of rows idx[lo..end) to the per-feature histograms at `at` (d·bins slots each). */
function accumulate(X: Uint8Array, d: number, bins: number, g: Float64Array, h: Float64Array, idx: Int32Array, lo: number, end: number, hg: Float64Array, hh: Float64Array, at: number): void {
  hg.fill(0, at, at + d * bins);
  hh.fill(0, at, at + d * bins);
  for (let q = lo; q < end; q++) {
    const i = idx[q]!, gi = g[i]!, hi = h[i]!, off = i * d;
    for (let j = 0; j < d; j++) { const b = at + j * bins + X[off + j]!; hg[b] += gi; hh[b] += hi; }
  }
}

/**
 * One depth-limited tree on gradients g and hessians h. The rows of each node are a range of one
 * index array, split stably in place (no per-node arrays); a node's histograms of every feature
 * come from one pass over the rows of the smaller child of a split, the larger child's by
 * subtracting those from its parent's (a third less work than a pass per node).
 */
function growTree(X: Uint8Array, n: number, d: number, g: Float64Array, h: Float64Array, depth: number, lambda: number, minChild: number, bins: number, lr: number): Tree {
  const maxNodes = 2 ** (depth + 1);
  const t: Tree = { feature: new Int32Array(maxNodes).fill(-1), bin: new Int32Array(maxNodes), left: new Int32Array(maxNodes), right: new Int32Array(maxNodes), value: new Float64Array(maxNodes) };
  let count = 1;
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const spill = new Int32Array(n); // the right side while a range is split
  const size = d * bins;
  const hg = new Float64Array(maxNodes * size); // node k's histograms at k·size
  const hh = new Float64Array(maxNodes * size);
  accumulate(X, d, bins, g, h, idx, 0, n, hg, hh, 0);
  // Pending nodes: node, first and end of its rows in idx, level (a stack, depth-first).
  const stack: number[] = [0, 0, n, 0];
  while (stack.length) {
    const level = stack.pop()!, end = stack.pop()!, lo = stack.pop()!, node = stack.pop()!;
    let G = 0, H = 0;
    for (let q = lo; q < end; q++) { const i = idx[q]!; G += g[i]!; H += h[i]!; }
    t.value[node] = (-G / (H + lambda)) * lr;
    if (level >= depth || end - lo < 2) continue;
    const parent = (G * G) / (H + lambda);
    const at = node * size;
    let bestGain = 1e-9, bestF = -1, bestB = 0;
    for (let j = 0; j < d; j++) {
      let gl = 0, hl = 0;
      for (let b = 1; b < bins; b++) {
        gl += hg[at + j * bins + b - 1]!; hl += hh[at + j * bins + b - 1]!;
        const gr = G - gl, hr = H - hl;
        if (hl < minChild || hr < minChild) continue;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent;
        if (gain > bestGain) { bestGain = gain; bestF = j; bestB = b; }
      }
    }
    if (bestF < 0) continue;
    // Stable partition: rows with bin < bestB first, in their order, then the others.
    let nl = lo, nr = 0;
    for (let q = lo; q < end; q++) { const i = idx[q]!; if (X[i * d + bestF]! < bestB) idx[nl++] = i; else spill[nr++] = i; }
    idx.set(spill.subarray(0, nr), nl);
    const l = count++, r = count++;
    t.feature[node] = bestF; t.bin[node] = bestB;
    t.left[node] = l; t.right[node] = r;
    if (level + 1 < depth) { // the children split again: they need histograms
      const [small, big] = nl - lo <= end - nl ? [l, r] : [r, l];
      const [sLo, sEnd] = small === l ? [lo, nl] : [nl, end];
      accumulate(X, d, bins, g, h, idx, sLo, sEnd, hg, hh, small * size);
      for (let q = 0; q < size; q++) {
        hg[big * size + q] = hg[at + q]! - hg[small * size + q]!;
        hh[big * size + q] = hh[at + q]! - hh[small * size + q]!;
      }
    }
    stack.push(l, lo, nl, level + 1, r, nl, end, level + 1);
  }
  return t;
}
