// Where gruSequence (prims.ts) keeps each plane of its (T + 1 or 5T + 1, N, H) output, shared by
// every backend's kernels and by ops/gru-sequence.ts. As for the LSTM (lstm-sequence-layout.ts),
// the T + 1 hidden states lie in time order with the initial one at the end the direction starts
// from, so the states by time and the states each step read are both T contiguous planes (the
// weight gradient is one product over T·N rows); the saved activations follow them.

export interface GruLayout {
  /** Plane of the initial hidden state (0 forward, T reversed). */
  readonly init: number;
  /** First of the T planes holding h_t by time t. */
  readonly states: number;
  /** First of the T planes holding, by time t, the hidden state step t read. */
  readonly previous: number;
  /** First plane of step t's saved r, z, n and gh_n (four planes). */
  saved(t: number): number;
}

/** The layout for T steps, run from t = 0 up or (`reverse`) from T − 1 down. */
export function gruLayout(T: number, reverse: boolean): GruLayout {
  return { init: reverse ? T : 0, states: reverse ? 0 : 1, previous: reverse ? 1 : 0, saved: (t) => T + 1 + 4 * t };
}

/** Steps T of an output with `planes` planes: T + 1 without saved activations, 5T + 1 with. */
export const gruStepsOf = (planes: number, saved: boolean): number => (saved ? (planes - 1) / 5 : planes - 1);
