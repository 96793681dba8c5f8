// Permutation feature importance (Breiman 2001; scikit-learn's permutation_importance): how much a
// model's score drops when one feature's column is shuffled, breaking its link to the target.
import { noGrad } from '../autograd/grad-mode.js';
import { ShapeError, ValueError } from '../errors.js';
import { argmax } from '../ops/reduce.js';
import { fromArray } from '../tensor/creation.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { forwardOf, type Explained } from './target.js';

/** A score of predictions against labels; built-ins: 'accuracy' (higher is better) and 'mse' (lower is better). */
export type ImportanceMetric = 'accuracy' | 'mse' | ((output: Tensor, y: Tensor) => number);

export interface PermutationImportanceOptions {
  /** Shuffles per feature (scikit-learn's `n_repeats`). Default 5. */
  repeats?: number;
  /** For a metric function: whether a larger value is better. Default true. */
  higherIsBetter?: boolean;
  generator?: Generator;
}

export interface PermutationImportanceResult {
  /** The metric on the unshuffled data. */
  baseline: number;
  /** Per feature, the mean drop of the score over the repeats (positive: the model relies on the feature). */
  importances: number[];
  /** Per feature, the standard deviation of the drop over the repeats. */
  std: number[];
  /** Per feature, the drop of each repeat. */
  raw: number[][];
}

function builtin(metric: 'accuracy' | 'mse'): (out: Tensor, y: Tensor) => number {
  if (metric === 'accuracy') {
    return (out, y) => {
      const pred = out.ndim === 2 && out.shape[1]! > 1 ? argmax(out, { dim: 1 }).data() : out.data().map((v) => (v > 0 ? 1 : 0));
      const t = y.data();
      let ok = 0;
      for (let i = 0; i < t.length; i++) ok += pred[i] === t[i] ? 1 : 0;
      return ok / t.length;
    };
  }
  return (out, y) => {
    const o = out.data(), t = y.data();
    if (o.length !== t.length) throw new ShapeError('permutationImportance', `metric 'mse' needs one prediction per target: output ${shapeStr(out.shape)}, y ${shapeStr(y.shape)}`);
    let s = 0;
    for (let i = 0; i < o.length; i++) s += (o[i]! - t[i]!) ** 2;
    return s / o.length;
  };
}

/**
 * Permutation importance of feature j: score(x, y) − score(x with column j shuffled, y), averaged
 * over `repeats` shuffles (for a lower-is-better metric, the increase), the definition of
 * scikit-learn's `permutation_importance`
 * (https://scikit-learn.org/stable/modules/permutation_importance.html: "the decrease in a model
 * score when a single feature value is randomly shuffled") and of SHAP's permutation baseline.
 *
 * Shape: data.x (N, M) features in dim 1, data.y (N) labels or targets.
 *
 * @example
 * const { importances } = permutationImportance(model, { x: test.x, y: test.y }, 'accuracy');
 */
export function permutationImportance(model: Explained, data: { x: Tensor; y: Tensor }, metric: ImportanceMetric, opts: PermutationImportanceOptions = {}): PermutationImportanceResult {
  const op = 'permutationImportance';
  const { x, y } = data;
  if (x.ndim !== 2) throw new ShapeError(op, `data.x must be (N, features), got ${shapeStr(x.shape)}`);
  if (y.shape[0] !== x.shape[0]) throw new ShapeError(op, `data.y has ${y.shape[0]} rows but data.x has ${x.shape[0]}; pass one label per row`);
  const { repeats = 5, generator = defaultGenerator } = opts;
  if (!Number.isInteger(repeats) || repeats < 1) throw new ValueError(op, `repeats must be a positive integer, got ${repeats}`);
  const score = typeof metric === 'function' ? metric : builtin(metric);
  const higher = typeof metric === 'function' ? opts.higherIsBetter ?? true : metric === 'accuracy';
  const f = forwardOf(model);
  const [N, M] = x.shape as [number, number];
  const xs = Float64Array.from(x.data());
  const evalOn = (d: Float64Array): number => noGrad(() => score(f(fromArray(d, [N, M], x.dtype, x.storage.backend)), y));
  const baseline = evalOn(xs);
  const raw: number[][] = [];
  for (let j = 0; j < M; j++) {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const d = Float64Array.from(xs);
      for (let i = N - 1; i > 0; i--) { // Fisher–Yates on column j
        const k = Math.floor(generator.uniform() * (i + 1));
        const t = d[i * M + j]!; d[i * M + j] = d[k * M + j]!; d[k * M + j] = t;
      }
      const s = evalOn(d);
      drops.push(higher ? baseline - s : s - baseline);
    }
    raw.push(drops);
  }
  const importances = raw.map((d) => d.reduce((a, b) => a + b, 0) / d.length);
  const std = raw.map((d, j) => Math.sqrt(d.reduce((a, b) => a + (b - importances[j]!) ** 2, 0) / d.length));
  return { baseline, importances, std, raw };
}
