// A compact gradient-boosted-trees baseline (histogram splits, second-order leaf values as in
// XGBoost/LightGBM): logistic loss for two classes, softmax for more, squared loss for regression.
// Plain TypeScript on the host, written here because the npm GBT packages are wasm builds
// (ml-xgboost) or unmaintained; the doctor needs only a strong, deterministic tabular baseline,
// not a full library.
import { ValueError } from '../errors.js';
import { gatherRows, thin, type Matrix, type Targets } from './matrix.js';

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

/**
 * The trees of a boosted model in flat arrays: tree t = round·T + k adds to score k and holds
 * nodes t·nodes … (t + 1)·nodes − 1 (left/right are ids within the tree; feature −1 marks a leaf).
 */
export interface Forest {
  trees: number;
  /** Trees a round (scores per row). */
  T: number;
  /** Nodes per tree: 2^(depth + 1). */
  nodes: number;
  /** Starting score of each of the T outputs. */
  init: Float64Array;
  feature: Int32Array;
  bin: Int32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/** The loss boosted: squared error on values, logistic on labels 0/1 (one tree a round), softmax over T classes. */
export type BoostLoss = 'squared' | 'logistic' | 'softmax';

/** The boosting loop's inputs: binned rows, targets, options. */
interface BoostRequest {
  /** Binned rows (n × d): bin of each value. */
  X: Uint8Array;
  n: number;
  d: number;
  loss: BoostLoss;
  T: number;
  /** Class of each row (logistic, softmax) or its value (squared). */
  labels: Int32Array | null;
  values: Float64Array | null;
  /** Starting scores (T). */
  init: Float64Array;
  rounds: number;
  depth: number;
  learningRate: number;
  lambda: number;
  minChildWeight: number;
  bins: number;
}

/** A fitted model: raw scores (logits per class, or the value) for new rows. */
export interface GbtModel { predict(m: Matrix): Float64Array; outputs: number }

/** Column j's bin edges: the distinct values among its bins − 1 quantiles. Shape: X (n, d) → (≤ bins − 1). */
function edgesOf(X: Float64Array, n: number, d: number, j: number, bins: number): Float64Array {
  const col = new Float64Array(n);
  for (let i = 0; i < n; i++) col[i] = X[i * d + j]!;
  col.sort();
  const e: number[] = [];
  for (let q = 1; q < bins; q++) {
    const v = col[Math.floor((q * n) / bins)]!;
    if (e.length === 0 || v > e[e.length - 1]!) e.push(v);
  }
  return Float64Array.from(e);
}

/** The bin of every value: how many of its column's edges are ≤ it. Shape: X (n, d) → (n, d). */
function binRows(X: ArrayLike<number>, n: number, d: number, edges: readonly Float64Array[]): Uint8Array {
  const out = new Uint8Array(n * d);
  for (let j = 0; j < d; j++) {
    const e = edges[j]!, ne = e.length;
    for (let i = 0; i < n; i++) {
      const v = X[i * d + j]!;
      let lo = 0, hi = ne;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (v < e[mid]!) hi = mid; else lo = mid + 1; }
      out[i * d + j] = lo;
    }
  }
  return out;
}

/**
 * Histogram additions (rounds × trees a round × rows × features × depth) the doctor's GBT may do: the
 * rows are an evenly spread sample sized to it (at least 500, at most 5,000), so the baseline's cost
 * is bounded whatever the data (iris and penguins keep every row; 8,000 × 20 binary rows use 1,250).
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
  if (train.n < 1 || train.d < 1) throw new ValueError('fitGbt', `no training rows or no features (a ${train.n} × ${train.d} matrix); pass at least one row of at least one feature`);
  if (!(bins >= 2 && bins <= 256 && depth >= 1 && depth <= 12 && rounds >= 1)) throw new ValueError('fitGbt', `options out of range: bins ${bins} (2–256: bins are bytes), depth ${depth} (1–12), rounds ${rounds} (≥ 1)`);
  const cls = y.task === 'classification';
  const K = cls ? Math.max(2, y.classes) : 1;
  const T = cls && K > 2 ? K : 1; // trees a round: one score for binary (a logit) and regression
  const d = train.d;
  const cap = Math.min(5000, Math.max(500, Math.floor(GBT_WORK / (rounds * T * Math.max(1, d) * depth))));
  const rows = thin(train.n, cap);
  const n = rows.length;
  const S = gatherRows(train, rows); // (n, d)
  const edges = Array.from({ length: d }, (_, j) => edgesOf(S, n, d, j, bins)); // bin edges of each column
  const X = binRows(S, n, d, edges); // (n, d) bins of the sampled rows
  const labels = cls ? new Int32Array(n) : null;
  const values = cls ? null : new Float64Array(n);
  for (let i = 0; i < n; i++) if (labels) labels[i] = y.labels![rows[i]!]!; else values![i] = y.values![rows[i]!]!;
  const init = new Float64Array(T);
  if (labels) {
    const cnt = new Float64Array(K).fill(1);
    for (let i = 0; i < n; i++) cnt[labels[i]!]++;
    if (T === 1) init[0] = Math.log(cnt[1]! / cnt[0]!); // log-odds of class 1
    else for (let k = 0; k < K; k++) init[k] = Math.log(cnt[k]! / (n + K));
  } else {
    init[0] = values!.reduce((s, v) => s + v, 0) / n;
  }
  const req: BoostRequest = {
    X, n, d, loss: !cls ? 'squared' : T === 1 ? 'logistic' : 'softmax', T, labels, values, init,
    rounds, depth, learningRate, lambda, minChildWeight, bins,
  };
  const forest = boost(req);
  return {
    outputs: K,
    predict(m: Matrix): Float64Array {
      const Xm = binRows(m.values, m.n, d, edges); // (m, d)
      const s = forestScores(forest, Xm, m.n, d); // (m, T)
      if (!(cls && T === 1)) return s;
      const out = new Float64Array(m.n * K); // binary: logits [0, F] (softmax of them is [1 − σ(F), σ(F)])
      for (let i = 0; i < m.n; i++) out[i * K + 1] = s[i]!;
      return out;
    },
  };
}

/** Grow every tree of `req`. */
function boost(req: BoostRequest): Forest {
  const { X, n, d, loss, T, labels, values, init, rounds, depth } = req;
  const nodes = 2 ** (depth + 1);
  const trees = rounds * T;
  const forest: Forest = {
    trees, T, nodes, init,
    feature: new Int32Array(trees * nodes).fill(-1), bin: new Int32Array(trees * nodes),
    left: new Int32Array(trees * nodes), right: new Int32Array(trees * nodes), value: new Float64Array(trees * nodes),
  };
  const F = new Float64Array(n * T); // (n, T) scores
  for (let i = 0; i < n; i++) F.set(init, i * T);
  const G = new Float64Array(n * T); // gradients, tree-major: (T, n)
  const H = new Float64Array(n * T); // hessians
  const p = new Float64Array(T);
  const work = treeWork(n, d, nodes, req.bins);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < n; i++) {
      if (loss === 'softmax') {
        let mx = -Infinity;
        for (let k = 0; k < T; k++) mx = Math.max(mx, F[i * T + k]!);
        let s = 0;
        for (let k = 0; k < T; k++) { p[k] = Math.exp(F[i * T + k]! - mx); s += p[k]!; }
        for (let k = 0; k < T; k++) {
          const pk = p[k]! / s;
          G[k * n + i] = pk - (k === labels![i] ? 1 : 0);
          H[k * n + i] = Math.max(pk * (1 - pk), 1e-6);
        }
      } else if (loss === 'logistic') {
        const pk = 1 / (1 + Math.exp(-F[i]!));
        G[i] = pk - (labels![i] === 1 ? 1 : 0);
        H[i] = Math.max(pk * (1 - pk), 1e-6);
      } else {
        G[i] = F[i]! - values![i]!;
        H[i] = 1;
      }
    }
    for (let k = 0; k < T; k++) {
      const base = (round * T + k) * nodes;
      growTree(req, G.subarray(k * n, (k + 1) * n), H.subarray(k * n, (k + 1) * n), forest, base, work);
      for (let i = 0; i < n; i++) F[i * T + k] += leafValue(forest, base, X, i * d);
    }
  }
  return forest;
}

/** Raw scores of binned rows X (m × d) under a forest: init + the leaves. Shape: → (m, T). */
function forestScores(f: Forest, X: Uint8Array, m: number, d: number): Float64Array {
  const out = new Float64Array(m * f.T);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < f.T; k++) {
      let s = f.init[k]!;
      for (let t = k; t < f.trees; t += f.T) s += leafValue(f, t * f.nodes, X, i * d);
      out[i * f.T + k] = s;
    }
  }
  return out;
}

/** The value of the leaf that the row at X[off…] falls into in the tree whose nodes start at `base`. */
function leafValue(f: Forest, base: number, X: Uint8Array, off: number): number {
  let node = 0;
  while (f.feature[base + node]! >= 0) node = X[off + f.feature[base + node]!]! < f.bin[base + node]! ? f.left[base + node]! : f.right[base + node]!;
  return f.value[base + node]!;
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

/** Buffers one tree's growth reuses: row indices, the right side of a split, node histograms (nodes × d·bins each). */
interface TreeWork { idx: Int32Array; spill: Int32Array; hg: Float64Array; hh: Float64Array }

function treeWork(n: number, d: number, nodes: number, bins: number): TreeWork {
  return { idx: new Int32Array(n), spill: new Int32Array(n), hg: new Float64Array(nodes * d * bins), hh: new Float64Array(nodes * d * bins) };
}

/**
 * One depth-limited tree on gradients g and hessians h, written into the forest's nodes from
 * `base` (every node gets its scaled value). The rows of each node are a range of one index
 * array, split stably in place (no per-node arrays); a node's histograms of every feature come
 * from one pass over the rows of the smaller child of a split, the larger child's by subtracting
 * those from its parent's (a third less work than a pass per node).
 */
function growTree(req: BoostRequest, g: Float64Array, h: Float64Array, f: Forest, base: number, w: TreeWork): void {
  const { X, n, d, depth, lambda, minChildWeight: minChild, bins, learningRate: lr } = req;
  const { idx, spill, hg, hh } = w;
  let count = 1;
  for (let i = 0; i < n; i++) idx[i] = i;
  const size = d * bins;
  accumulate(X, d, bins, g, h, idx, 0, n, hg, hh, 0); // node k's histograms at k·size
  // Pending nodes: node, first and end of its rows in idx, level (a stack, depth-first).
  const stack: number[] = [0, 0, n, 0];
  while (stack.length) {
    const level = stack.pop()!, end = stack.pop()!, lo = stack.pop()!, node = stack.pop()!;
    let G = 0, H = 0;
    for (let q = lo; q < end; q++) { const i = idx[q]!; G += g[i]!; H += h[i]!; }
    f.value[base + node] = (-G / (H + lambda)) * lr;
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
        if (gain > bestGain * (1 + 1e-9)) { bestGain = gain; bestF = j; bestB = b; } // a gain within rounding of the best is a tie: the first split wins
      }
    }
    if (bestF < 0) continue;
    // Stable partition: rows with bin < bestB first, in their order, then the others.
    let nl = lo, nr = 0;
    for (let q = lo; q < end; q++) { const i = idx[q]!; if (X[i * d + bestF]! < bestB) idx[nl++] = i; else spill[nr++] = i; }
    idx.set(spill.subarray(0, nr), nl);
    const l = count++, r = count++;
    f.feature[base + node] = bestF; f.bin[base + node] = bestB;
    f.left[base + node] = l; f.right[base + node] = r;
    if (level + 1 < depth) { // the children split again: they need histograms
      const smallIsLeft = nl - lo <= end - nl;
      const small = smallIsLeft ? l : r, big = smallIsLeft ? r : l;
      accumulate(X, d, bins, g, h, idx, smallIsLeft ? lo : nl, smallIsLeft ? nl : end, hg, hh, small * size);
      for (let q = 0; q < size; q++) {
        hg[big * size + q] = hg[at + q]! - hg[small * size + q]!;
        hh[big * size + q] = hh[at + q]! - hh[small * size + q]!;
      }
    }
    stack.push(l, lo, nl, level + 1, r, nl, end, level + 1);
  }
}
