// Evaluation metrics as plain functions of (pred, target) → number, matching scikit-learn's
// definitions (accuracy_score, top_k_accuracy_score, precision/recall/f1_score,
// confusion_matrix, roc_auc_score, mean_absolute_error, root_mean_squared_error, r2_score).
// Argument order is (pred, target), like Axon's losses and torchmetrics; scikit-learn's is
// (y_true, y_pred). Inputs are Tensors or plain arrays; nothing here records gradients.
import { ShapeError, ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/** A metric input: a tensor, a flat array (N,), or rows (N, C) as nested arrays. */
export type MetricInput = Tensor | ArrayLike<number> | readonly (readonly number[])[];

interface Matrix { data: Float64Array; rows: number; cols: number; ndim: 1 | 2 }

function matrix(op: string, x: MetricInput, what: string): Matrix {
  let data: Float64Array;
  let shape: number[];
  if (x instanceof Tensor) {
    data = Float64Array.from(x.data());
    shape = [...x.shape];
  } else if (x !== null && typeof x === 'object' && typeof (x as ArrayLike<unknown>).length === 'number') {
    const a = x as ArrayLike<unknown>;
    if (a.length > 0 && Array.isArray(a[0])) {
      const cols = (a[0] as unknown[]).length;
      const rows = Array.from(a as ArrayLike<unknown[]>);
      rows.forEach((r, i) => {
        if (!Array.isArray(r) || r.length !== cols) throw new ShapeError(op, `${what} row ${i} has ${Array.isArray(r) ? r.length : 'no'} entries but row 0 has ${cols}; rows must all be the same length`);
      });
      data = Float64Array.from(rows.flat() as number[]);
      shape = [rows.length, cols];
    } else {
      data = Float64Array.from(a as ArrayLike<number>);
      shape = [a.length];
    }
  } else {
    throw new ValueError(op, `${what} must be a Tensor or an array of numbers, got ${x === null ? 'null' : typeof x}`);
  }
  if (shape.length === 0 || shape.length > 2) throw new ShapeError(op, `${what} must be 1-D (N,) or 2-D (N, C), got shape [${shape.join(',')}]`);
  if (shape[0] === 0) throw new ValueError(op, `${what} is empty; metrics need at least one sample`);
  data.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new ValueError(op, `${what} has ${v} at element ${i}; metrics need finite values (a NaN here usually means the model diverged)`);
  });
  return { data, rows: shape[0]!, cols: shape.length === 2 ? shape[1]! : 1, ndim: shape.length as 1 | 2 };
}

/** argmax of each row (first index on ties, like torch.argmax). */
function rowArgmax(m: Matrix): number[] {
  return Array.from({ length: m.rows }, (_, i) => {
    let best = 0;
    for (let j = 1; j < m.cols; j++) if (m.data[i * m.cols + j]! > m.data[i * m.cols + best]!) best = j;
    return best;
  });
}

/**
 * Class labels from labels (N,) or (N, 1), or from scores (N, C): logits, probabilities or one-hot
 * rows, through argmax. With a threshold, a score column (N,)/(N, 1) becomes 1 where > threshold.
 */
function labelsOf(op: string, x: MetricInput, what: string, threshold?: number): number[] {
  const m = matrix(op, x, what);
  if (threshold !== undefined) {
    if (m.cols !== 1) throw new ShapeError(op, `threshold applies to one score per sample, but ${what} has ${m.cols} columns; drop the threshold to take the argmax`);
    return Array.from(m.data, (v) => (v > threshold ? 1 : 0));
  }
  if (m.cols > 1) return rowArgmax(m);
  const bad = m.data.findIndex((v) => !Number.isInteger(v));
  if (bad >= 0) {
    throw new ValueError(op, `${what} holds ${m.data[bad]} at element ${bad}, not a class label; for binary probabilities pass { threshold: 0.5 } (for logits { threshold: 0 }), for class scores pass the (N, C) matrix`);
  }
  return Array.from(m.data);
}

function sameLength(op: string, p: readonly number[], t: readonly number[]): void {
  if (p.length !== t.length) throw new ShapeError(op, `pred has ${p.length} samples but target has ${t.length}; they must match one to one`);
}

/**
 * Fraction of samples whose predicted class equals the target. `pred`: labels (N,), or scores
 * (N, C) (logits or probabilities; argmax is taken), or with `threshold` one score per sample for
 * binary tasks. `target`: labels (N,) or one-hot (N, C).
 *
 * @example
 * accuracy(tensor([[2, 1], [0, 3]]), [0, 0]);          // 0.5
 * accuracy([0.9, 0.2, 0.6], [1, 0, 0], { threshold: 0.5 }); // 2/3
 */
export function accuracy(pred: MetricInput, target: MetricInput, options: { threshold?: number } = {}): number {
  const p = labelsOf('accuracy', pred, 'pred', options.threshold);
  const t = labelsOf('accuracy', target, 'target');
  sameLength('accuracy', p, t);
  return p.reduce((c, v, i) => c + (v === t[i] ? 1 : 0), 0) / p.length;
}

/**
 * Fraction of samples whose target class is among the k highest scores, like sklearn's
 * top_k_accuracy_score (ties: among equal scores the higher class index ranks first, as there).
 *
 * Shape: scores (N, C), target (N,) labels in 0..C−1.
 *
 * @example
 * topKAccuracy([[0.1, 0.5, 0.4], [0.6, 0.3, 0.1]], [2, 1], { k: 2 }); // 1
 */
export function topKAccuracy(scores: MetricInput, target: MetricInput, options: { k?: number } = {}): number {
  const op = 'topKAccuracy';
  const { k = 5 } = options;
  if (!Number.isInteger(k) || k < 1) throw new ValueError(op, `k must be a positive integer, got ${k}`);
  const s = matrix(op, scores, 'scores');
  if (s.ndim !== 2) throw new ShapeError(op, `scores must be (N, C) class scores, got a 1-D array; for labels use accuracy()`);
  const t = labelsOf(op, target, 'target');
  if (t.length !== s.rows) throw new ShapeError(op, `scores has ${s.rows} rows but target has ${t.length} labels`);
  let hits = 0;
  t.forEach((c, i) => {
    if (c < 0 || c >= s.cols) throw new ValueError(op, `target ${i} is ${c}, outside the ${s.cols} score columns 0..${s.cols - 1}`);
    const row = s.data.subarray(i * s.cols, (i + 1) * s.cols);
    let rank = 0;
    row.forEach((v, j) => { if (v > row[c]! || (v === row[c]! && j > c)) rank++; });
    if (rank < k) hits++;
  });
  return hits / t.length;
}

/** How per-class scores are combined. */
export type Average = 'binary' | 'macro' | 'micro' | 'weighted';

export interface ClassificationOptions {
  /**
   * 'binary' (default): the score of class `posLabel` only; 'macro': unweighted mean over
   * classes; 'micro': from total true/false positives (= accuracy for single-label multiclass);
   * 'weighted': mean over classes weighted by their number of true samples.
   */
  average?: Average;
  /** The positive class for average 'binary'. Default 1. */
  posLabel?: number;
  /** Classes are 0..numClasses−1 (counts classes absent from both inputs). Default: the labels seen. */
  numClasses?: number;
  /** Value of a ratio whose denominator is 0 (e.g. precision of a never-predicted class). Default 0. */
  zeroDivision?: number;
  /** Binarize one score per sample at this threshold (see `accuracy`). */
  threshold?: number;
}

interface Counts { classes: number[]; tp: number[]; predicted: number[]; actual: number[] }

function counts(op: string, pred: MetricInput, target: MetricInput, o: ClassificationOptions): Counts {
  const p = labelsOf(op, pred, 'pred', o.threshold);
  const t = labelsOf(op, target, 'target');
  sameLength(op, p, t);
  let classes: number[];
  if (o.numClasses !== undefined) {
    if (!Number.isInteger(o.numClasses) || o.numClasses < 1) throw new ValueError(op, `numClasses must be a positive integer, got ${o.numClasses}`);
    classes = Array.from({ length: o.numClasses }, (_, i) => i);
    [...p, ...t].forEach((c) => {
      if (c < 0 || c >= o.numClasses!) throw new ValueError(op, `label ${c} is outside 0..${o.numClasses! - 1} (numClasses ${o.numClasses})`);
    });
  } else {
    classes = [...new Set([...p, ...t])].sort((a, b) => a - b);
  }
  const at = new Map(classes.map((c, i) => [c, i]));
  const tp = classes.map(() => 0);
  const predicted = classes.map(() => 0);
  const actual = classes.map(() => 0);
  p.forEach((c, i) => {
    predicted[at.get(c)!]!++;
    actual[at.get(t[i]!)!]!++;
    if (c === t[i]) tp[at.get(c)!]!++;
  });
  return { classes, tp, predicted, actual };
}

type Which = 'precision' | 'recall' | 'f1';

function score(op: Which, pred: MetricInput, target: MetricInput, o: ClassificationOptions): number {
  const { average = 'binary', posLabel = 1, zeroDivision = 0 } = o;
  if (!['binary', 'macro', 'micro', 'weighted'].includes(average)) {
    throw new ValueError(op, `average must be 'binary', 'macro', 'micro' or 'weighted', got ${JSON.stringify(average)}`);
  }
  const c = counts(op, pred, target, o);
  const ratio = (num: number, den: number): number => (den === 0 ? zeroDivision : num / den);
  // From true positives, predicted positives and actual positives of one class (or all, for micro).
  const of = (tp: number, predicted: number, actual: number): number => {
    if (op === 'precision') return ratio(tp, predicted);
    if (op === 'recall') return ratio(tp, actual);
    return ratio(2 * tp, predicted + actual); // F1 = 2tp / (2tp + fp + fn)
  };
  if (average === 'binary') {
    if (c.classes.length > 2) {
      throw new ValueError(op, `the labels hold ${c.classes.length} classes (${c.classes.slice(0, 10).join(', ')}) but average is 'binary'; choose average: 'macro', 'micro' or 'weighted'`);
    }
    const k = c.classes.indexOf(posLabel);
    if (k < 0) {
      if (c.classes.length === 2) throw new ValueError(op, `posLabel ${posLabel} is not one of the labels ${c.classes.join(', ')}; set posLabel to the positive class`);
      return zeroDivision; // the positive class never occurs, in pred nor target
    }
    return of(c.tp[k]!, c.predicted[k]!, c.actual[k]!);
  }
  if (average === 'micro') {
    const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
    return of(sum(c.tp), sum(c.predicted), sum(c.actual));
  }
  const per = c.classes.map((_, k) => of(c.tp[k]!, c.predicted[k]!, c.actual[k]!));
  if (average === 'macro') return per.reduce((a, b) => a + b, 0) / per.length;
  const support = c.actual.reduce((a, b) => a + b, 0);
  return support === 0 ? zeroDivision : per.reduce((a, v, k) => a + v * c.actual[k]!, 0) / support;
}

/**
 * Precision tp / (tp + fp): of the samples predicted as a class, the fraction that are. See
 * `ClassificationOptions` for `average` (default 'binary' with posLabel 1).
 *
 * @example
 * precision([1, 1, 0, 1], [1, 0, 0, 1]);                    // 2/3
 * precision(logits, y, { average: 'macro' });               // multiclass
 */
export function precision(pred: MetricInput, target: MetricInput, options: ClassificationOptions = {}): number {
  return score('precision', pred, target, options);
}

/**
 * Recall tp / (tp + fn): of the samples of a class, the fraction predicted as it.
 *
 * @example
 * recall([1, 1, 0, 1], [1, 0, 1, 1]);                       // 2/3
 */
export function recall(pred: MetricInput, target: MetricInput, options: ClassificationOptions = {}): number {
  return score('recall', pred, target, options);
}

/**
 * F1 = 2·precision·recall / (precision + recall) = 2tp / (2tp + fp + fn), per class; 'macro'
 * averages the per-class F1 (not the F1 of averaged precision and recall), as sklearn does.
 *
 * @example
 * f1([0, 1, 2, 2], [0, 2, 2, 1], { average: 'macro' });
 */
export function f1(pred: MetricInput, target: MetricInput, options: ClassificationOptions = {}): number {
  return score('f1', pred, target, options);
}

/**
 * Confusion matrix C with C[i][j] = number of samples of true class i predicted as class j (rows
 * true, columns predicted, as sklearn). Classes are 0..numClasses−1 (default: largest label + 1).
 *
 * @example
 * confusionMatrix([0, 1, 1], [0, 0, 1]); // [[1, 1], [0, 1]]
 */
export function confusionMatrix(pred: MetricInput, target: MetricInput, options: { numClasses?: number; threshold?: number } = {}): number[][] {
  const op = 'confusionMatrix';
  const p = labelsOf(op, pred, 'pred', options.threshold);
  const t = labelsOf(op, target, 'target');
  sameLength(op, p, t);
  const all = [...p, ...t];
  const neg = all.find((c) => c < 0);
  if (neg !== undefined) throw new ValueError(op, `label ${neg} is negative; classes are 0..K−1 (map labels with LabelEncoder)`);
  const k = options.numClasses ?? Math.max(...all) + 1;
  const big = all.find((c) => c >= k);
  if (big !== undefined) throw new ValueError(op, `label ${big} is outside 0..${k - 1} (numClasses ${k}); raise numClasses`);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  p.forEach((c, i) => { m[t[i]!]![c]!++; });
  return m;
}

/** ROC AUC of one score column against 0/1 truth: the Mann–Whitney U with tied scores counted ½. */
function binaryAuc(scores: ArrayLike<number>, truth: readonly boolean[]): number {
  const order = Array.from({ length: truth.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avgRank = (i + j) / 2 + 1; // tied scores share the mean of their 1-based ranks
    for (let k = i; k <= j; k++) if (truth[order[k]!]) { rankSumPos += avgRank; nPos++; }
    i = j + 1;
  }
  const nNeg = truth.length - nPos;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Area under the ROC curve, equal to sklearn's roc_auc_score including ties (a tie between a
 * positive and a negative counts ½: the trapezoid through tied thresholds). Binary: `scores` (N,)
 * or (N, 1) — probabilities or logits of the positive class — or (N, 2), whose column 1 is used;
 * `target` 0/1 (or any two labels, the larger being positive unless `posLabel` says otherwise). Multiclass scores (N, C > 2): the unweighted mean of
 * the one-vs-rest AUCs (sklearn's multi_class='ovr', average='macro').
 *
 * @example
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 */
export function rocAuc(scores: MetricInput, target: MetricInput, options: { posLabel?: number } = {}): number {
  const op = 'rocAuc';
  const s = matrix(op, scores, 'scores');
  const t = labelsOf(op, target, 'target');
  if (t.length !== s.rows) throw new ShapeError(op, `scores has ${s.rows} rows but target has ${t.length} labels`);
  const column = (j: number): Float64Array => Float64Array.from({ length: s.rows }, (_, i) => s.data[i * s.cols + j]!);
  const auc = (col: Float64Array, truth: boolean[], what: string): number => {
    const nPos = truth.filter(Boolean).length;
    if (nPos === 0 || nPos === truth.length) {
      throw new ValueError(op, `only one class is present in target (${what}); ROC AUC is undefined then — evaluate on data with both positive and negative samples`);
    }
    return binaryAuc(col, truth);
  };
  if (s.cols <= 2) {
    const distinct = [...new Set(t)].sort((a, b) => a - b);
    if (distinct.length > 2) throw new ValueError(op, `target holds ${distinct.length} classes but scores has ${s.cols} column(s); pass (N, C) class scores for multiclass AUC`);
    const posLabel = options.posLabel ?? (distinct.length === 2 ? distinct[1]! : 1); // sklearn: the larger label
    return auc(column(s.cols - 1), t.map((c) => c === posLabel), `every label is ${t[0]}`);
  }
  let sum = 0;
  for (let c = 0; c < s.cols; c++) sum += auc(column(c), t.map((v) => v === c), `class ${c} vs rest`);
  return sum / s.cols;
}

/**
 * The equal-error rate of a verification score: the rate at the threshold where the false-accept
 * rate (negatives scored at or above it) equals the false-reject rate (positives below it), read
 * off the ROC curve with linear interpolation between its points (ties move together, as in
 * rocAuc). 0 for scores that separate the classes, 0.5 for chance. `scores` (N,) — higher means
 * "positive" (e.g. the same identity) — and `target` as in rocAuc.
 *
 * @example
 * equalErrorRate([0.9, 0.8, 0.3, 0.2], [1, 1, 0, 0]); // 0
 */
export function equalErrorRate(scores: MetricInput, target: MetricInput, options: { posLabel?: number } = {}): number {
  const op = 'equalErrorRate';
  const s = matrix(op, scores, 'scores');
  const t = labelsOf(op, target, 'target');
  if (s.cols !== 1) throw new ShapeError(op, `scores must be (N,) or (N, 1), one score per pair, got ${s.cols} columns`);
  if (t.length !== s.rows) throw new ShapeError(op, `scores has ${s.rows} rows but target has ${t.length} labels`);
  const distinct = [...new Set(t)].sort((a, b) => a - b);
  if (distinct.length > 2) throw new ValueError(op, `target must hold two labels (positive, negative), got ${distinct.length}`);
  const posLabel = options.posLabel ?? (distinct.length === 2 ? distinct[1]! : 1);
  const pos = t.map((c) => c === posLabel);
  const nPos = pos.filter(Boolean).length;
  const nNeg = pos.length - nPos;
  if (nPos === 0 || nNeg === 0) throw new ValueError(op, 'only one class is present in target; the equal-error rate needs both positive and negative pairs');
  for (let i = 0; i < s.rows; i++) if (Number.isNaN(s.data[i]!)) throw new ValueError(op, `scores[${i}] is NaN`);
  const order = Array.from({ length: s.rows }, (_, i) => i).sort((a, b) => s.data[b]! - s.data[a]!);
  let [fa, fr] = [0, 1]; // threshold above every score: nothing accepted
  for (let i = 0; i < order.length;) {
    let j = i;
    let [p, n] = [0, 0];
    while (j < order.length && s.data[order[j]!] === s.data[order[i]!]) { if (pos[order[j]!]) p++; else n++; j++; } // one tie group
    const [fa2, fr2] = [fa + n / nNeg, fr - p / nPos];
    if (fr2 <= fa2) { // the curves cross on this segment
      const d1 = fr - fa;
      const d2 = fr2 - fa2;
      const u = d1 === d2 ? 0 : d1 / (d1 - d2);
      return fa + u * (fa2 - fa);
    }
    [fa, fr, i] = [fa2, fr2, j];
  }
  return fa; // unreachable: the last point is (1, 0)
}

// ---- regression ----

function pairOf(op: string, pred: MetricInput, target: MetricInput): { p: Matrix; t: Matrix } {
  const p = matrix(op, pred, 'pred');
  const t = matrix(op, target, 'target');
  // (N,) and (N, 1) are the same single output; anything else must match exactly.
  if (p.rows !== t.rows || p.cols !== t.cols) {
    throw new ShapeError(op, `pred is (${p.rows}${p.ndim === 2 ? `, ${p.cols}` : ''}) but target is (${t.rows}${t.ndim === 2 ? `, ${t.cols}` : ''}); they must have the same shape (reshape one, e.g. pred.reshape([-1]))`);
  }
  return { p, t };
}

/** Per-output (column) values of `f`, then their mean: sklearn's multioutput='uniform_average'. */
function perColumn(m: { p: Matrix; t: Matrix }, f: (p: number[], t: number[]) => number): number {
  const { p, t } = m;
  let sum = 0;
  for (let j = 0; j < p.cols; j++) {
    const pc: number[] = [];
    const tc: number[] = [];
    for (let i = 0; i < p.rows; i++) { pc.push(p.data[i * p.cols + j]!); tc.push(t.data[i * p.cols + j]!); }
    sum += f(pc, tc);
  }
  return sum / p.cols;
}

/**
 * Mean absolute error mean|pred − target| (averaged over outputs for (N, D)).
 *
 * @example
 * mae([2.5, 0, 2, 8], [3, -0.5, 2, 7]); // 0.5
 */
export function mae(pred: MetricInput, target: MetricInput): number {
  return perColumn(pairOf('mae', pred, target), (p, t) => p.reduce((a, v, i) => a + Math.abs(v - t[i]!), 0) / p.length);
}

/**
 * Root mean squared error √mean((pred − target)²). For (N, D) it is computed per output and then
 * averaged, as sklearn's root_mean_squared_error.
 *
 * @example
 * rmse([2.5, 0, 2, 8], [3, -0.5, 2, 7]); // √0.375 ≈ 0.6124
 */
export function rmse(pred: MetricInput, target: MetricInput): number {
  return perColumn(pairOf('rmse', pred, target), (p, t) => Math.sqrt(p.reduce((a, v, i) => a + (v - t[i]!) ** 2, 0) / p.length));
}

/**
 * Coefficient of determination R² = 1 − Σ(target − pred)² / Σ(target − mean(target))². 1 is a
 * perfect fit, 0 is as good as predicting the mean, negative is worse. A constant target gives 1
 * for a perfect prediction and 0 otherwise (sklearn's force_finite). (N, D): mean over outputs.
 *
 * @example
 * r2([2.5, 0, 2, 8], [3, -0.5, 2, 7]); // 0.9486…
 */
export function r2(pred: MetricInput, target: MetricInput): number {
  const m = pairOf('r2', pred, target);
  if (m.p.rows < 2) throw new ValueError('r2', 'needs at least 2 samples (R² is undefined for one)');
  return perColumn(m, (p, t) => {
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    const ssRes = p.reduce((a, v, i) => a + (t[i]! - v) ** 2, 0);
    const ssTot = t.reduce((a, v) => a + (v - mean) ** 2, 0);
    if (ssTot === 0) return ssRes === 0 ? 1 : 0;
    return 1 - ssRes / ssTot;
  });
}
