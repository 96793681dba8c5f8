// Variable-length batches for the sequence-level LSTM and GRU primitives (ops/lstm-sequence.ts,
// ops/gru-sequence.ts), which run every step of every row. A forward direction needs nothing
// more: its steps past a sequence's length never feed the earlier ones, so its outputs there are
// simply dropped (the layer zeroes them) and its final state is the one at the last real step. A
// reversed direction must start at each sequence's own last step, so it runs forward over each
// sequence reversed within its length (padding left in place, after the real steps), and its
// outputs are put back in time order the same way. Same values and gradients as masking every
// step (the padded steps get a zero gradient, so they send none back).
import type { Backend } from '../backend/backend.js';
import { indexSelect } from '../ops/indexing.js';
import { reshape } from '../ops/movement.js';
import { fromArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';

/** Row indices into a (T, N, ·) tensor flattened to (T·N, ·), from the lengths of its N sequences. */
export interface LengthPlan {
  /** (N): row (L_n − 1)·N + n, each sequence's last real step. */
  readonly last: Tensor;
  /** (T·N): row t·N + n ← (L_n − 1 − t)·N + n for t < L_n, itself past L_n (its own inverse). */
  readonly reversal: Tensor;
}

/** The plan for `lengths` (each in [1, T]) of a (T, N, ·) batch, on `backend`. */
export function lengthPlan(lengths: readonly number[], T: number, backend: Backend): LengthPlan {
  const N = lengths.length;
  const reversal = new Int32Array(T * N);
  for (let t = 0; t < T; t++) {
    for (let n = 0; n < N; n++) reversal[t * N + n] = (t < lengths[n]! ? lengths[n]! - 1 - t : t) * N + n;
  }
  const last = Int32Array.from(lengths, (l, n) => (l - 1) * N + n);
  return { last: fromArray(last, [N], 'int32', backend), reversal: fromArray(reversal, [T * N], 'int32', backend) };
}

/** x (T, N, F) with each sequence's steps reversed within its length (plan.reversal). */
export function reverseWithinLengths(x: Tensor, plan: LengthPlan): Tensor {
  const [T, N, F] = x.shape as [number, number, number];
  return reshape(indexSelect(reshape(x, [T * N, F]), 0, plan.reversal), [T, N, F]); // (T, N, F) -> (T·N, F) -> (T, N, F)
}

/** Each sequence's state at its last real step: x (T, N, F) → (N, F). */
export function atLastStep(x: Tensor, plan: LengthPlan): Tensor {
  const [T, N, F] = x.shape as [number, number, number];
  return indexSelect(reshape(x, [T * N, F]), 0, plan.last); // (T·N, F) -> (N, F)
}
