// The value of a coalition of features for Shapley values: v(S) = E_b[ f(x_S, b_S̄) ], the model's
// mean score when the features in S come from the row being explained and the others from each
// background row in turn (SHAP's interventional value function). Evaluated in large batches.
import { noGrad } from '../autograd/grad-mode.js';
import { ShapeError, ValueError } from '../errors.js';
import { fromArray } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { selectScores, targetIndices, type Target } from './target.js';

/** A model of a feature vector: (B, M) → (B,) or (B, classes). */
export type FeatureFunction = (x: Tensor) => Tensor;

/** Rows per forward pass when evaluating coalitions (bounds the memory of one call). */
const CHUNK_ROWS = 16384;

/** Check x (N, M) and background (K, M); returns [N, M, K]. */
export function checkTabular(op: string, x: Tensor, background: Tensor): [number, number, number] {
  if (x.ndim !== 2) throw new ShapeError(op, `x must be a batch of feature vectors (N, M), got ${shapeStr(x.shape)}; add a batch dim with unsqueeze(x, 0)`);
  if (background.ndim !== 2 || background.shape[1] !== x.shape[1]) throw new ShapeError(op, `background must be (K, ${x.shape[1]}) like x's rows, got ${shapeStr(background.shape)}`);
  if (background.shape[0] === 0) throw new ValueError(op, 'background needs at least one row');
  return [x.shape[0]!, x.shape[1]!, background.shape[0]!];
}

/** One target index (or null for a one-score model) per row of x, found from one call of f on the first row. */
export function tabularTargets(op: string, f: FeatureFunction, x: Tensor, target: Target): (number | null)[] {
  const N = x.shape[0]!;
  const probe = noGrad(() => f(x));
  if (probe.ndim === 0 || probe.ndim > 2 || probe.shape[0] !== N) throw new ShapeError(op, `f must map (B, M) rows to (B,) or (B, classes) scores; for ${shapeStr(x.shape)} it gave ${shapeStr(probe.shape)}`);
  const idx = targetIndices(op, target, N, probe.ndim === 1 ? 1 : probe.shape[1]!);
  return idx ?? new Array<null>(N).fill(null);
}

/**
 * v(S) for each coalition mask (R masks of M 0/1 entries, row-major) of the row `xi`: the mean
 * over the K background rows of f's `target` score. Returns R values.
 */
export function coalitionValues(f: FeatureFunction, xi: ArrayLike<number>, background: Float64Array, K: number, masks: Uint8Array, target: number | null, dtype: Tensor['dtype']): Float64Array {
  const M = xi.length;
  const R = masks.length / M;
  const values = new Float64Array(R);
  const perChunk = Math.max(1, Math.floor(CHUNK_ROWS / K));
  for (let r0 = 0; r0 < R; r0 += perChunk) {
    const r1 = Math.min(R, r0 + perChunk);
    const rows = (r1 - r0) * K;
    const data = new Float64Array(rows * M);
    for (let r = r0; r < r1; r++) {
      for (let k = 0; k < K; k++) {
        const o = ((r - r0) * K + k) * M;
        for (let j = 0; j < M; j++) data[o + j] = masks[r * M + j] ? xi[j]! : background[k * M + j]!;
      }
    }
    const scores = noGrad(() => selectScores('shapley', f(fromArray(data, [rows, M], dtype)), target ?? undefined).data()); // (rows,)
    for (let r = r0; r < r1; r++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += scores[(r - r0) * K + k]!;
      values[r] = s / K;
    }
  }
  return values;
}
