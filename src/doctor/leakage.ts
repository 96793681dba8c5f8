// Check: a single feature that by itself predicts the target almost perfectly (a leak: the label
// re-encoded, an ID sorted by class, a value computed from the answer). Each feature gets a
// one-feature model — the majority class per distinct value or the nearest training value's class
// (the mean target per bin, or a line, for regression), fitted on training rows
// and scored on held-out rows — so an ID-like column that merely memorizes rows scores nothing.
import type { Finding } from '../train/finding.js';
import { thin, type Matrix, type Targets } from './matrix.js';

interface Binning { edges: number[] | null; values: Map<number, number> | null; bins: number }

/** More distinct values than this: a column is binned by quantiles (or, for classes, scored by 1-NN). */
const MAX_DISTINCT = 64;

/** The distinct values of a column in order of appearance, or null when there are more than MAX_DISTINCT. */
function distinctValues(col: Float64Array): Map<number, number> | null {
  const distinct = new Map<number, number>();
  for (const v of col) { if (!distinct.has(v)) distinct.set(v, distinct.size); if (distinct.size > MAX_DISTINCT) return null; }
  return distinct;
}

/** Bins of one column from (a sample of) its training values: exact values when few, else 32 quantiles. */
function binning(col: Float64Array, distinct: Map<number, number> | null): Binning {
  if (distinct) return { edges: null, values: distinct, bins: distinct.size + 1 };
  const sorted = Float64Array.from(col).sort();
  const edges: number[] = [];
  for (let q = 1; q < 32; q++) {
    const e = sorted[Math.floor((q * sorted.length) / 32)]!;
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return { edges, values: null, bins: edges.length + 1 };
}

function binOf(b: Binning, v: number): number {
  if (b.values) return b.values.get(v) ?? b.bins - 1;
  const e = b.edges!;
  let lo = 0;
  let hi = e.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (v < e[mid]!) hi = mid; else lo = mid + 1; }
  return lo;
}

function column(m: Matrix, rows: readonly number[], j: number): Float64Array {
  const out = new Float64Array(rows.length);
  rows.forEach((r, i) => { out[i] = m.values[r * m.d + j]!; });
  return out;
}

/** Rows up to which argsort packs (value, index) into one float64 key: 2²¹ indices fit beside 32 value bits in 53. */
const PACK_ROWS = 1 << 21;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The indices of `vals` in ascending order of value, ties in index order (what a stable sort by
 * value gives), without a comparator. When every value is a float32 (tabular data is) and there
 * are ≤ 2²¹ of them: one native sort of keys that pack the value's order-preserving 32 bits above
 * the index (−0 counts as 0, as a comparison does). Else: a native sort of the values, each
 * value's rank by binary search, then a counting placement. Both several times faster than
 * Array.sort with a callback.
 */
export function argsort(vals: Float64Array): Int32Array {
  const n = vals.length;
  const out = new Int32Array(n);
  if (n <= PACK_ROWS) {
    const keys = new Float64Array(n);
    let i = 0;
    for (; i < n; i++) {
      const v = vals[i]!;
      if (Math.fround(v) !== v) break; // not a float32 (or NaN): the general path
      f32[0] = v === 0 ? 0 : v;
      const b = u32[0]!;
      const ordered = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0; // unsigned order = float order
      keys[i] = ordered * PACK_ROWS + i;
    }
    if (i === n) {
      keys.sort();
      for (let q = 0; q < n; q++) out[q] = keys[q]! % PACK_ROWS;
      return out;
    }
  }
  const sorted = Float64Array.from(vals).sort();
  const used = new Int32Array(n); // slots already filled from each rank
  for (let i = 0; i < n; i++) {
    const v = vals[i]!;
    let lo = 0, hi = n;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid]! < v) lo = mid + 1; else hi = mid; } // first slot of v
    out[lo + used[lo]!++] = i;
  }
  return out;
}

export interface LeakScore { feature: number; score: number; baseline: number; rows: number }

/**
 * Rows of one column's pooled sample (values and labels) whose nearest other value has their
 * label: sorted by value (ties in pooled order), and on a tie of distances both neighbours must
 * have it.
 */
function nearestAgreement(vals: Float64Array, labs: Int32Array): number {
  const idx = argsort(vals);
  let right = 0;
  for (let i = 0; i < idx.length; i++) {
    const left = i > 0 ? vals[idx[i]!]! - vals[idx[i - 1]!]! : Infinity;
    const rightD = i + 1 < idx.length ? vals[idx[i + 1]!]! - vals[idx[i]!]! : Infinity;
    // on a tie, count it right only when both neighbours agree with the row
    const own = labs[idx[i]!];
    const okLeft = left <= rightD ? labs[idx[i - 1]!] === own : true;
    const okRight = rightD <= left ? labs[idx[i + 1]!] === own : true;
    if (okLeft && okRight) right++;
  }
  return right;
}

/** One-sided 99% Wilson lower bound of a proportion p measured on n rows. */
function wilsonLower(p: number, n: number): number {
  const z = 2.326;
  const z2 = (z * z) / n;
  return (p + z2 / 2 - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n))) / (1 + z2);
}

/**
 * The best one-feature score over all columns: accuracy (classification) or R² (regression) on
 * the held-out rows, with the score of predicting the majority class / mean beside it.
 */
export function singleFeatureScores(train: Matrix, yTrain: Targets, held: Matrix, yHeld: Targets): LeakScore[] {
  // A spread sample of rows (a leak shows on a few thousand rows); wide data (images: a leak
  // would be one pixel) gets a smaller one to stay cheap.
  const tr = thin(train.n, train.d > 100 ? 700 : 1500);
  const he = thin(held.n, train.d > 100 ? 300 : 750);
  const out: LeakScore[] = [];
  const C = Math.max(yTrain.classes, yHeld.classes);
  // Pooled labels of the nearest-neighbour path (training sample first), and its majority baseline.
  const N = tr.length + he.length;
  const labs = new Int32Array(N);
  if (yTrain.task === 'classification') {
    for (let i = 0; i < tr.length; i++) labs[i] = yTrain.labels![tr[i]!]!;
    for (let i = 0; i < he.length; i++) labs[tr.length + i] = yHeld.labels![he[i]!]!;
  }
  const cnt = new Float64Array(C);
  for (const l of labs) cnt[l]++;
  const nearestBaseline = N > 0 && C > 0 ? cnt[argmax(cnt, 0, C)]! / N : 0;
  const nearestCols: number[] = []; // columns for the nearest-neighbour path (scored together below)
  for (let j = 0; j < train.d; j++) {
    const colT = column(train, tr, j);
    let constant = true;
    for (let i = 1; i < colT.length && constant; i++) if (colT[i] !== colT[0]) constant = false;
    if (constant) continue;
    const distinct = distinctValues(colT);
    if (yTrain.task === 'classification' && !distinct) {
      // Many distinct values: leave-one-out 1-nearest-neighbour on this one feature over the
      // training sample and the held-out rows together (a leak separates the classes by value,
      // so every row's nearest other row has its class; quantile bins would mix a small class
      // into a big one at the boundary). Pooling gives the most rows, so the most certainty.
      nearestCols.push(j);
      continue;
    }
    const colH = column(held, he, j);
    if (yTrain.task === 'classification') {
      const b = binning(colT, distinct);
      const counts = new Float64Array(b.bins * C);
      const global = new Float64Array(C);
      tr.forEach((r, i) => { const l = yTrain.labels![r]!; counts[binOf(b, colT[i]!) * C + l]++; global[l]++; });
      const majority = argmax(global, 0, C);
      let right = 0;
      let base = 0;
      const heldMajority = argmax(Float64Array.from({ length: C }, (_, c) => he.reduce((s, r) => s + (yHeld.labels![r] === c ? 1 : 0), 0)), 0, C);
      he.forEach((r, i) => {
        const bin = binOf(b, colH[i]!);
        let total = 0;
        for (let c = 0; c < C; c++) total += counts[bin * C + c]!;
        const guess = total > 0 ? argmax(counts, bin * C, C) : majority;
        if (guess === yHeld.labels![r]) right++;
        if (heldMajority === yHeld.labels![r]) base++;
      });
      out.push({ feature: j, score: right / he.length, baseline: base / he.length, rows: he.length });
    } else {
      const b = binning(colT, distinct);
      const sum = new Float64Array(b.bins);
      const cnt = new Float64Array(b.bins);
      let mean = 0;
      tr.forEach((r, i) => { const bin = binOf(b, colT[i]!); sum[bin] += yTrain.values![r]!; cnt[bin]++; mean += yTrain.values![r]!; });
      mean /= tr.length;
      // linear fit on the training rows too: a leak may be a linear rescaling across bins
      let sx = 0, sy = 0, sxx = 0, sxy = 0;
      tr.forEach((r, i) => { const x = colT[i]!, y = yTrain.values![r]!; sx += x; sy += y; sxx += x * x; sxy += x * y; });
      const nT = tr.length;
      const slope = (sxy - (sx * sy) / nT) / Math.max(sxx - (sx * sx) / nT, 1e-300);
      const icpt = (sy - slope * sx) / nT;
      let ssBin = 0, ssLin = 0, ssTot = 0, hm = 0;
      for (const r of he) hm += yHeld.values![r]!;
      hm /= he.length;
      he.forEach((r, i) => {
        const y = yHeld.values![r]!;
        const bin = binOf(b, colH[i]!);
        const pb = cnt[bin]! > 0 ? sum[bin]! / cnt[bin]! : mean;
        ssBin += (y - pb) ** 2;
        ssLin += (y - (icpt + slope * colH[i]!)) ** 2;
        ssTot += (y - hm) ** 2;
      });
      const r2 = ssTot > 0 ? 1 - Math.min(ssBin, ssLin) / ssTot : 0;
      out.push({ feature: j, score: r2, baseline: 0, rows: he.length });
    }
  }
  if (nearestCols.length > 0) {
    const rights = nearestRights(train, held, tr, he, labs, nearestCols);
    nearestCols.forEach((j, c) => out.push({ feature: j, score: rights[c]! / N, baseline: nearestBaseline, rows: N }));
    out.sort((a, b) => a.feature - b.feature);
  }
  return out;
}

/** Per column cols[c]: the training sample tr and held-out rows he pooled, rows agreeing with their nearest neighbour (nearestAgreement). */
function nearestRights(train: Matrix, held: Matrix, tr: readonly number[], he: readonly number[], labs: Int32Array, cols: readonly number[]): number[] {
  const vals = new Float64Array(tr.length + he.length);
  return cols.map((j) => {
    for (let i = 0; i < tr.length; i++) vals[i] = train.values[tr[i]! * train.d + j]!;
    for (let i = 0; i < he.length; i++) vals[tr.length + i] = held.values[he[i]! * held.d + j]!;
    return nearestAgreement(vals, labs);
  });
}

function argmax(a: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (a[off + c]! > a[off + best]!) best = c;
  return best;
}

/**
 * The leak finding: one feature alone reaches ≥ 99% accuracy (99% lower bound ≥ 95%) while
 * cutting the majority baseline's error by ≥ 90% (classification), or R² ≥ 0.995 (regression). With time-ordered data
 * a lag of the target is expected to score that high, so it is only information there.
 */
export function leakFinding(scores: readonly LeakScore[], task: 'classification' | 'regression', names: readonly string[] | undefined, timeSeries: boolean): Finding | null {
  // Classification also needs certainty: the 99% lower bound of the accuracy must clear 95%, so a
  // genuinely strong feature (iris petal width, ~95%) that happened to make no error on a few
  // dozen rows is not called a leak.
  const leaks = scores.filter((s) => (task === 'classification' ? s.score >= 0.99 && wilsonLower(s.score, s.rows) >= 0.95 && 1 - s.score <= 0.1 * (1 - s.baseline) && s.baseline < 0.99 : s.score >= 0.995));
  if (leaks.length === 0) return null;
  leaks.sort((a, b) => b.score - a.score);
  const best = leaks[0]!;
  const name = (j: number): string => names?.[j] ?? `column ${j}`;
  const metric = task === 'classification' ? `${(100 * best.score).toFixed(1)}% accuracy (majority baseline ${(100 * best.baseline).toFixed(1)}%)` : `R² ${best.score.toFixed(4)}`;
  return {
    id: 'feature-leak',
    severity: timeSeries && task === 'regression' ? 'info' : 'warning',
    title: `the feature '${name(best.feature)}' alone predicts the target with ${metric} on held-out rows${leaks.length > 1 ? ` (${leaks.length} such features: ${leaks.slice(0, 5).map((l) => `'${name(l.feature)}'`).join(', ')})` : ''}${timeSeries ? '; for time series a recent lag of the target does this legitimately' : ''}`,
    evidence: { feature: best.feature, score: best.score, baseline: best.baseline, leakingFeatures: leaks.length },
    fix: `check how '${name(best.feature)}' is made: if it is computed from the target or only known after the fact (an ID sorted by class, a post-outcome field, the label re-encoded), drop it; if it is a genuine, available-at-prediction-time signal, the task is easier than it looks and a simple rule may do`,
  };
}
