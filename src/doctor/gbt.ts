// A compact gradient-boosted-trees baseline (histogram splits, second-order leaf values as in
// XGBoost/LightGBM): softmax loss for classes, squared loss for regression. Written here because
// the npm GBT packages are wasm builds (ml-xgboost) or unmaintained; the doctor needs only a
// strong, deterministic tabular baseline, not a full library.
import { thin, type Matrix, type Targets } from './matrix.js';

export interface GbtOptions {
  /** Boosting rounds. Default 60. */
  rounds?: number;
  /** Tree depth. Default 3. */
  depth?: number;
  /** Shrinkage per round. Default 0.2. */
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
 * Fit gradient-boosted trees on (a deterministic sample of up to 5,000 of) the training rows.
 *
 * @example
 * const model = fitGbt(trainMatrix, readTargets(yTrain));
 * const logits = model.predict(valMatrix); // (m × classes) row-major
 */
export function fitGbt(train: Matrix, y: Targets, opts: GbtOptions = {}): GbtModel {
  const { rounds = 60, depth = 3, learningRate = 0.2, lambda = 1, minChildWeight = 1, bins = 32 } = opts;
  const rows = thin(train.n, 5000);
  const n = rows.length;
  const d = train.d;
  const edges = Array.from({ length: d }, (_, j) => edgesOf(train, rows, j, bins));
  const X = binRows(train, rows, edges);
  const K = y.task === 'classification' ? Math.max(2, y.classes) : 1;
  const F = new Float64Array(n * K);
  const init = new Float64Array(K);
  if (y.task === 'classification') {
    const cnt = new Float64Array(K).fill(1);
    for (const r of rows) cnt[y.labels![r]!]++;
    for (let k = 0; k < K; k++) init[k] = Math.log(cnt[k]! / (n + K));
  } else {
    init[0] = rows.reduce((s, r) => s + y.values![r]!, 0) / n;
  }
  for (let i = 0; i < n; i++) F.set(init, i * K);
  const trees: Tree[][] = [];
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const p = new Float64Array(K);
  for (let round = 0; round < rounds; round++) {
    const roundTrees: Tree[] = [];
    const grads = Array.from({ length: K }, () => ({ g: new Float64Array(n), h: new Float64Array(n) }));
    for (let i = 0; i < n; i++) {
      if (y.task === 'classification') {
        let mx = -Infinity;
        for (let k = 0; k < K; k++) mx = Math.max(mx, F[i * K + k]!);
        let s = 0;
        for (let k = 0; k < K; k++) { p[k] = Math.exp(F[i * K + k]! - mx); s += p[k]!; }
        const label = y.labels![rows[i]!]!;
        for (let k = 0; k < K; k++) {
          const pk = p[k]! / s;
          grads[k]!.g[i] = pk - (k === label ? 1 : 0);
          grads[k]!.h[i] = Math.max(pk * (1 - pk), 1e-6);
        }
      } else {
        grads[0]!.g[i] = F[i]! - y.values![rows[i]!]!;
        grads[0]!.h[i] = 1;
      }
    }
    for (let k = 0; k < K; k++) {
      g.set(grads[k]!.g); h.set(grads[k]!.h);
      const tree = growTree(X, n, d, g, h, depth, lambda, minChildWeight, bins, learningRate);
      roundTrees.push(tree);
      for (let i = 0; i < n; i++) F[i * K + k] += leafValue(tree, X, i * d);
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
        for (let k = 0; k < K; k++) {
          let s = init[k]!;
          for (const rt of trees) s += leafValue(rt[k]!, Xm, i * d);
          out[i * K + k] = s;
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

/**
 * One depth-limited tree on gradients g and hessians h. The rows of each node are a range of one
 * index array, split stably in place (no per-node arrays); each node's histograms of every feature
 * come from one pass over its rows.
 */
function growTree(X: Uint8Array, n: number, d: number, g: Float64Array, h: Float64Array, depth: number, lambda: number, minChild: number, bins: number, lr: number): Tree {
  const maxNodes = 2 ** (depth + 1);
  const t: Tree = { feature: new Int32Array(maxNodes).fill(-1), bin: new Int32Array(maxNodes), left: new Int32Array(maxNodes), right: new Int32Array(maxNodes), value: new Float64Array(maxNodes) };
  let count = 1;
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const spill = new Int32Array(n); // the right side while a range is split
  // Pending nodes: node, first and end of its rows in idx, level (a stack, depth-first as before).
  const stack: number[] = [0, 0, n, 0];
  const hg = new Float64Array(d * bins);
  const hh = new Float64Array(d * bins);
  while (stack.length) {
    const level = stack.pop()!, end = stack.pop()!, lo = stack.pop()!, node = stack.pop()!;
    let G = 0, H = 0;
    for (let q = lo; q < end; q++) { const i = idx[q]!; G += g[i]!; H += h[i]!; }
    t.value[node] = (-G / (H + lambda)) * lr;
    if (level >= depth || end - lo < 2) continue;
    const parent = (G * G) / (H + lambda);
    hg.fill(0); hh.fill(0);
    for (let q = lo; q < end; q++) {
      const i = idx[q]!, gi = g[i]!, hi = h[i]!, off = i * d;
      for (let j = 0; j < d; j++) { const b = j * bins + X[off + j]!; hg[b] += gi; hh[b] += hi; }
    }
    let bestGain = 1e-9, bestF = -1, bestB = 0;
    for (let j = 0; j < d; j++) {
      let gl = 0, hl = 0;
      for (let b = 1; b < bins; b++) {
        gl += hg[j * bins + b - 1]!; hl += hh[j * bins + b - 1]!;
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
    t.feature[node] = bestF; t.bin[node] = bestB;
    t.left[node] = count++; t.right[node] = count++;
    stack.push(t.left[node]!, lo, nl, level + 1, t.right[node]!, nl, end, level + 1);
  }
  return t;
}
