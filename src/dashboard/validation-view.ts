// What the dashboard shows of one validation pass, gathered batch by batch from the outputs fit()
// computes anyway (no extra forward pass): for classification the confusion matrix (per-class
// precision and recall follow from it on the page) and up to 16 misclassified images; for
// regression and time series the targets and predictions of the first rows, in order.
import type { Tensor } from '../tensor/tensor.js';
import type { DashboardTask, Thumbnail, ValidationEvent } from './events.js';

/** Past this many classes a confusion matrix is unreadable (a character model's 96 outputs): skipped. */
export const MAX_CLASSES = 50;
/** Rows of targets/predictions kept for a regression pass. */
export const MAX_REGRESSION_ROWS = 500;
/** Misclassified images kept per pass, and the largest side drawn. */
export const MAX_THUMBNAILS = 16;
const MAX_SIDE = 64;

export class ValidationView {
  private confusion: number[][] | null = null;
  private truth: number[] = [];
  private pred: number[] = [];
  private thumbs: Thumbnail[] = [];
  private rows = 0;

  /** `threshold`: the decision threshold of a single-output classifier (0 for logits, 0.5 for probabilities). */
  constructor(readonly task: DashboardTask, private readonly threshold: number) {}

  begin(): void {
    this.confusion = null;
    this.truth = [];
    this.pred = [];
    this.thumbs = [];
    this.rows = 0;
  }

  batch(x: Tensor, pred: Tensor, y: Tensor): void {
    const n = y.shape[0] ?? 1;
    this.rows += n;
    if (this.task === 'regression') { this.regression(pred, y, n); return; }
    const p = pred.data(), t = y.data();
    // (N, C) logits, or (N, T, C) per token; a single output (N) or (N, 1) is a binary classifier.
    const c = pred.ndim >= 2 && pred.shape[pred.ndim - 1]! > 1 ? pred.shape[pred.ndim - 1]! : 1;
    const k = c === 1 ? 2 : c;
    if (k > MAX_CLASSES) return;
    if (this.confusion === null || this.confusion.length < k) this.confusion = grow(this.confusion, k);
    const m = p.length / c;
    const image = x.ndim === 4 && (x.shape[1] === 1 || x.shape[1] === 3) && x.shape[2]! <= MAX_SIDE && x.shape[3]! <= MAX_SIDE && m === n;
    let xs: ArrayLike<number> | null = null;
    for (let i = 0; i < m && i < t.length; i++) {
      let guess = 0;
      if (c === 1) guess = p[i]! > this.threshold ? 1 : 0;
      else for (let j = 1; j < c; j++) if (p[i * c + j]! > p[i * c + guess]!) guess = j;
      const truth = c === 1 ? (t[i]! >= 0.5 ? 1 : 0) : t[i]!;
      if (!(Number.isInteger(truth) && truth >= 0 && truth < k)) continue; // e.g. an ignore index
      this.confusion[truth]![guess]!++;
      if (image && truth !== guess && this.thumbs.length < MAX_THUMBNAILS) {
        xs ??= x.data();
        this.thumbs.push(thumbnail(xs, x.shape, i, truth, guess));
      }
    }
  }

  private regression(pred: Tensor, y: Tensor, n: number): void {
    if (this.truth.length >= MAX_REGRESSION_ROWS) return;
    const p = pred.data(), t = y.data();
    const ps = p.length / n, ts = t.length / n; // outputs per row: the first is drawn
    for (let i = 0; i < n && this.truth.length < MAX_REGRESSION_ROWS; i++) {
      this.truth.push(t[i * ts]!);
      this.pred.push(p[i * ps]!);
    }
  }

  event(trained: number, step: number): ValidationEvent {
    const e: ValidationEvent = { event: 'validation', trained, step, rows: this.rows };
    if (this.confusion) e.confusion = this.confusion;
    if (this.truth.length > 0) { e.truth = this.truth; e.pred = this.pred; }
    if (this.thumbs.length > 0) e.misclassified = this.thumbs;
    return e;
  }
}

function grow(m: number[][] | null, k: number): number[][] {
  const out = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  m?.forEach((row, i) => row.forEach((v, j) => { out[i]![j] = v; }));
  return out;
}

/** Image `i` of an (N, C, H, W) batch as 0–255 bytes (its own min..max), base64. */
function thumbnail(xs: ArrayLike<number>, shape: readonly number[], i: number, truth: number, pred: number): Thumbnail {
  const [, c, h, w] = shape as [number, 1 | 3, number, number];
  const size = c * h * w;
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < size; k++) { const v = xs[i * size + k]!; if (v < lo) lo = v; if (v > hi) hi = v; }
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  // Channels last (H, W, C) for the page's ImageData.
  let bin = '';
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      for (let ch = 0; ch < c; ch++) bin += String.fromCharCode(Math.round((xs[i * size + ch * h * w + r * w + col]! - lo) * scale));
    }
  }
  return { width: w, height: h, channels: c, pixels: btoa(bin), truth, pred };
}
