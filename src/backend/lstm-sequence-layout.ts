// Where lstmSequence (prims.ts) keeps each plane of its (2T + 2 or 7T + 2, N, H) output, shared
// by every backend's kernels and by ops/lstm-sequence.ts. The T + 1 hidden states lie in time
// order with the initial one at the end the direction starts from, so both the states by time
// (h_0 … h_{T−1}) and the states each step read (its previous one) are T contiguous planes: the
// weight gradient is then one product over K = T·N.

export interface SequenceLayout {
  /** Plane of the initial hidden state (0 forward, T reversed); the cell state's is T + 1 further. */
  readonly init: number;
  /** First of the T planes holding h_t by time t. */
  readonly states: number;
  /** First of the T planes holding, by time t, the hidden state step t read. */
  readonly previous: number;
  /** Plane of the cell states' first slot (the hidden state's plane p has its cell state at p + cells). */
  readonly cells: number;
  /** First plane of step t's saved activations σ(i), σ(f), tanh(g), σ(o), tanh(c'). */
  saved(t: number): number;
}

/** The layout for T steps, run from t = 0 up or (`reverse`) from T − 1 down. */
export function sequenceLayout(T: number, reverse: boolean): SequenceLayout {
  return {
    init: reverse ? T : 0,
    states: reverse ? 0 : 1,
    previous: reverse ? 1 : 0,
    cells: T + 1,
    saved: (t) => 2 * T + 2 + 5 * t,
  };
}

/** Steps T of an output (or saved output) with `planes` planes: 2T + 2 without saved activations, 7T + 2 with. */
export const stepsOf = (planes: number, saved: boolean): number => (saved ? (planes - 2) / 7 : (planes - 2) / 2);

/** Time index of the s-th step run. */
export const stepTime = (s: number, T: number, reverse: boolean): number => (reverse ? T - 1 - s : s);
