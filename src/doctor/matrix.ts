// Host views of tensors for the doctor's row-level checks (hashing rows, trees, sorting a column):
// rows × columns matrices, and targets read as class labels or values.
import type { Tensor } from '../tensor/tensor.js';

/** A row-major n × d matrix over a tensor's values (any trailing shape is flattened). */
export interface Matrix { values: ArrayLike<number>; n: number; d: number }

/**
 * View x (N, *) as an N × ∏* matrix of its values, read from the backend once, when first used
 * (checks that find nothing to look at row by row never copy the data). Shape: (N, *) → n = N, d = ∏*.
 */
export function asMatrix(x: Tensor): Matrix {
  const n = x.ndim === 0 ? 1 : x.shape[0]!;
  const d = n === 0 ? 0 : x.numel / n;
  let values: ArrayLike<number> | null = null;
  return { get values() { return (values ??= x.data()); }, n, d };
}

/** The task a target tensor implies: int32 labels → classification, floats → regression. */
export type Task = 'classification' | 'regression';

/** Targets as the checks need them. */
export interface Targets {
  task: Task;
  /** Class index per row (classification; argmax for one-hot/probability rows). */
  labels: Int32Array | null;
  /** Number of classes (max label + 1), 0 for regression. */
  classes: number;
  /** First target column per row (regression). */
  values: Float64Array | null;
  /** Whether y is float (N, C) with C ≥ 2 and every row one-hot (0/1 summing to 1). */
  oneHot: boolean;
}

/** Read y (N) or (N, k) as class labels or regression values. */
export function readTargets(y: Tensor, task?: Task): Targets {
  const n = y.ndim === 0 ? 1 : y.shape[0]!;
  const k = n === 0 ? 1 : y.numel / n;
  const v = y.data();
  let oneHot = false;
  if (y.dtype !== 'int32' && k >= 2) {
    oneHot = n > 0;
    for (let i = 0; i < n && oneHot; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) { const t = v[i * k + j]!; if (t !== 0 && t !== 1) { oneHot = false; break; } s += t; }
      if (s !== 1) oneHot = false;
    }
  }
  const isClass = task ? task === 'classification' : y.dtype === 'int32' || y.dtype === 'bool' || oneHot;
  if (!isClass) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = v[i * k]!;
    return { task: 'regression', labels: null, classes: 0, values, oneHot };
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (k === 1) labels[i] = Math.round(v[i]!);
    else {
      let best = 0;
      for (let j = 1; j < k; j++) if (v[i * k + j]! > v[i * k + best]!) best = j;
      labels[i] = best;
    }
  }
  let classes = k > 1 ? k : 0;
  for (let i = 0; i < n; i++) if (labels[i]! + 1 > classes) classes = labels[i]! + 1;
  return { task: 'classification', labels, classes, values: null, oneHot };
}

/** Count of each class 0..classes−1. */
export function classCounts(labels: Int32Array, classes: number): number[] {
  const c = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) { const l = labels[i]!; if (l >= 0 && l < classes) c[l]!++; }
  return c;
}

/** The rows `rows` of a matrix, copied. Shape: (n, d) → (rows.length, d). */
export function gatherRows(m: Matrix, rows: readonly number[]): Float64Array {
  const { values: src, d } = m;
  const v = new Float64Array(rows.length * d);
  const typed = ArrayBuffer.isView(src) ? (src as unknown as Float32Array) : null;
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i]! * d;
    if (typed) v.set(typed.subarray(o, o + d), i * d); // converts natively
    else for (let j = 0; j < d; j++) v[i * d + j] = src[o + j]!;
  }
  return v;
}

/** The targets of the rows `rows`, copied. */
export function pickTargets(t: Targets, rows: readonly number[]): Targets {
  const pick = <A extends Int32Array | Float64Array>(a: A): A => { const out = new (a.constructor as new (n: number) => A)(rows.length); for (let i = 0; i < rows.length; i++) out[i] = a[rows[i]!]!; return out; };
  return { ...t, labels: t.labels ? pick(t.labels) : null, values: t.values ? pick(t.values) : null };
}

/** The rows `rows` of a matrix and its targets, copied. Shape: (n, d) → (rows.length, d). */
export function pickRows(m: Matrix, t: Targets, rows: readonly number[]): [Matrix, Targets] {
  return [{ values: gatherRows(m, rows), n: rows.length, d: m.d }, pickTargets(t, rows)];
}

/** Indices 0..n−1 evenly thinned to at most `max` (deterministic, keeps order). */
export function thin(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}
