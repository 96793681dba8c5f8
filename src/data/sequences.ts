// Time series as supervised data: sliding windows (input window, horizon, stride), and
// time-ordered train/val/test splits whose scaler is fitted on the training part only.
import { ShapeError, ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Dataset } from './dataset.js';
import { timeSplit } from './splits.js';

export interface WindowOptions {
  /** Number of past steps in each input window. */
  window: number;
  /** Number of future steps to predict after the window. Default 1. */
  horizon?: number;
  /** Steps between consecutive windows. Default 1. */
  stride?: number;
  /** Feature (column) predicted, for a (T, F) series. Default 0. */
  targetColumn?: number;
}

interface Series { values: Float64Array; t: number; f: number }

function asSeries(op: string, series: Tensor | ArrayLike<number>): Series {
  if ('shape' in series && 'dtype' in series) {
    const s = series as Tensor;
    if (s.ndim !== 1 && s.ndim !== 2) throw new ShapeError(op, `series must be (T) or (T, features), got shape [${s.shape.join(', ')}]`);
    return { values: Float64Array.from(s.data()), t: s.shape[0]!, f: s.ndim === 2 ? s.shape[1]! : 1 };
  }
  return { values: Float64Array.from(series as ArrayLike<number>), t: (series as ArrayLike<number>).length, f: 1 };
}

function checkWindow(op: string, o: WindowOptions, f: number): Required<WindowOptions> {
  const { window, horizon = 1, stride = 1, targetColumn = 0 } = o;
  for (const [k, v] of [['window', window], ['horizon', horizon], ['stride', stride]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(op, `${k} must be an integer ≥ 1, got ${v}`);
  }
  if (!Number.isInteger(targetColumn) || targetColumn < 0 || targetColumn >= f) throw new ValueError(op, `targetColumn ${targetColumn} is not a column of a series with ${f} feature(s)`);
  return { window, horizon, stride, targetColumn };
}

/**
 * Windows whose first target step is one of `targetStarts`: x (M, window, F) from the steps before
 * it, y (M, horizon) from the target column.
 */
function windowsAt(s: Series, o: Required<WindowOptions>, targetStarts: readonly number[]): { x: Tensor; y: Tensor } {
  const { window: W, horizon: Hz, targetColumn } = o;
  const x = new Float32Array(targetStarts.length * W * s.f);
  const y = new Float32Array(targetStarts.length * Hz);
  targetStarts.forEach((t0, m) => {
    x.set(s.values.subarray((t0 - W) * s.f, t0 * s.f), m * W * s.f);
    for (let h = 0; h < Hz; h++) y[m * Hz + h] = s.values[(t0 + h) * s.f + targetColumn]!;
  });
  return { x: fromArray(x, [targetStarts.length, W, s.f], 'float32'), y: fromArray(y, [targetStarts.length, Hz], 'float32') }; // (M, W, F), (M, Hz)
}

/**
 * Sliding windows over a series: window m covers steps [m·stride, m·stride + window) as input and
 * the next `horizon` steps of the target column as the target.
 *
 * Shape: series (T) or (T, F) → x (M, window, F) float32, y (M, horizon) float32,
 * M = ⌊(T − window − horizon) / stride⌋ + 1.
 *
 * @example
 * const { x, y } = slidingWindows(co2, { window: 24 }); // x (717, 24, 1), y (717, 1)
 */
export function slidingWindows(series: Tensor | ArrayLike<number>, opts: WindowOptions): { x: Tensor; y: Tensor } {
  const s = asSeries('slidingWindows', series);
  const o = checkWindow('slidingWindows', opts, s.f);
  if (s.t < o.window + o.horizon) throw new ValueError('slidingWindows', `a series of ${s.t} steps is shorter than window + horizon = ${o.window + o.horizon}; use a smaller window`);
  const starts: number[] = [];
  for (let t0 = o.window; t0 + o.horizon <= s.t; t0 += o.stride) starts.push(t0);
  return windowsAt(s, o, starts);
}

/**
 * A Dataset of sliding windows: item i is [x (window, F), y (horizon)] as in `slidingWindows`.
 *
 * @example
 * const ds = new SlidingWindowDataset(co2, { window: 24, horizon: 3, stride: 2 });
 * const [x, y] = ds.get(0); // (24, 1), (3)
 */
export class SlidingWindowDataset implements Dataset<[Tensor, Tensor]> {
  readonly x: Tensor;
  readonly y: Tensor;
  constructor(series: Tensor | ArrayLike<number>, opts: WindowOptions) {
    ({ x: this.x, y: this.y } = slidingWindows(series, opts));
  }
  get length(): number { return this.x.shape[0]!; }
  get(i: number): [Tensor, Tensor] {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new ValueError('SlidingWindowDataset', `index ${i} is out of range for ${this.length} windows`);
    return [this.x.slice(i), this.y.slice(i)]; // (window, F), (horizon)
  }
}

export interface WindowSplitOptions extends WindowOptions {
  /** Fraction of the series (its last steps) whose targets form the test set. */
  testFraction: number;
  /** Fraction just before the test part whose targets form the validation set. Default 0. */
  valFraction?: number;
  /** Standardize each feature with the mean/std of the training steps only (default), or not. */
  scale?: 'standard' | 'none';
}

/** One part of a windowed split: inputs, targets, and the time index of each window's first target. */
export interface WindowPart { x: Tensor; y: Tensor; targetIndex: number[] }

/**
 * Time-ordered windows for forecasting: the series is cut by `timeSplit` into train/val/test
 * steps, and every window belongs to the part where its first target lies (its inputs may reach
 * back into earlier parts: the past is known at forecast time, the future never is). The scaler is
 * fitted on the training steps only, so no statistic of the validation or test period leaks in.
 *
 * Shape: series (T) or (T, F) → each part x (M, window, F), y (M, horizon), scaled.
 *
 * @example
 * const s = windowedTimeSplit(co2, { window: 24, testFraction: 0.2 });
 * const mae = meanAbs(s.unscale(pred).sub(s.unscale(s.test.y))); // back in ppm
 */
export function windowedTimeSplit(series: Tensor | ArrayLike<number>, opts: WindowSplitOptions): {
  train: WindowPart; val: WindowPart; test: WindowPart; mean: number[]; std: number[]; unscale: (y: Tensor) => Tensor;
} {
  const op = 'windowedTimeSplit';
  const s = asSeries(op, series);
  const o = checkWindow(op, opts, s.f);
  const parts = timeSplit(s.t, { testFraction: opts.testFraction, valFraction: opts.valFraction ?? 0 });
  const nTrain = parts.train.length;
  if (nTrain < o.window + o.horizon) throw new ValueError(op, `the training part has ${nTrain} steps, fewer than window + horizon = ${o.window + o.horizon}; use a smaller window or testFraction`);
  const mean = new Array<number>(s.f).fill(0);
  const std = new Array<number>(s.f).fill(1);
  if ((opts.scale ?? 'standard') === 'standard') {
    for (let j = 0; j < s.f; j++) {
      let m = 0;
      for (let t = 0; t < nTrain; t++) m += s.values[t * s.f + j]!;
      m /= nTrain;
      let v = 0;
      for (let t = 0; t < nTrain; t++) v += (s.values[t * s.f + j]! - m) ** 2;
      mean[j] = m;
      std[j] = Math.sqrt(v / nTrain) || 1; // a constant column maps to 0, not NaN
    }
  }
  const scaled: Series = { ...s, values: s.values.map((v, k) => (v - mean[k % s.f]!) / std[k % s.f]!) };
  // A window's targets must lie inside its own part, so no target crosses into a later part.
  const part = (idx: number[]): WindowPart => {
    if (idx.length === 0) return { ...windowsAt(scaled, o, []), targetIndex: [] };
    const end = idx[idx.length - 1]! + 1;
    const starts: number[] = [];
    for (let t0 = Math.max(idx[0]!, o.window); t0 + o.horizon <= end; t0 += o.stride) starts.push(t0);
    return { ...windowsAt(scaled, o, starts), targetIndex: starts };
  };
  const c = o.targetColumn;
  return {
    train: part(parts.train), val: part(parts.val), test: part(parts.test), mean, std,
    unscale: (y: Tensor) => y.mul(std[c]!).add(mean[c]!),
  };
}
