// One time step of the Elman RNN, LSTM and GRU, for the cells (RNNCell, LSTMCell, GRUCell). The
// sequence layers (RNN, LSTM, GRU) run each direction as one primitive instead (ops/rnn-sequence.ts,
// lstm-sequence.ts, gru-sequence.ts), which compute these same steps; the input projection
// x·W_ihᵀ + b arrives precomputed (`gi`), and each step costs one GEMM (h·W_hhᵀ) plus the gate
// math: one fused pass for the LSTM (ops/lstm-cell.ts, forward and backward), a few elementwise
// ops for the RNN and GRU. Gate order is PyTorch's: i, f, g, o for the LSTM and r, z, n for the GRU.
import { linear } from '../ops/linalg.js';
import { add, mul, relu, sigmoid, sub, tanh } from '../ops/elementwise.js';
import { split } from '../ops/movement.js';
import { lstmCell } from '../ops/lstm-cell.js';
import type { Tensor } from '../tensor/tensor.js';

export type RnnNonlinearity = 'tanh' | 'relu';
export type RnnMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** Number of gate blocks stacked in W_ih / W_hh: 1 (RNN), 4 (LSTM: i,f,g,o), 3 (GRU: r,z,n). */
export function gateCount(mode: RnnMode): number {
  return mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
}

/**
 * Whether b_hh can be folded into the precomputed input projection (x·W_ihᵀ + b_ih + b_hh).
 * True for RNN and LSTM; the GRU's candidate gate needs r ⊙ (h·W_hnᵀ + b_hn), so b_hh stays inside.
 */
export const foldsHiddenBias = (mode: RnnMode): boolean => mode !== 'GRU';

/** The recurrent state: h, plus c for the LSTM. */
export interface StepState { h: Tensor; c?: Tensor }

/**
 * One step: `gi` (N, G·H) is x_t·W_ihᵀ + b_ih (+ b_hh when folded), `state.h` (N, H) the previous
 * hidden state, `whh` (G·H, H), `bhh` (G·H) only for the GRU. Returns the new state.
 *
 *   RNN:  h' = act(gi + h·W_hhᵀ)
 *   LSTM: [i f g o] = gi + h·W_hhᵀ;  c' = σ(f)⊙c + σ(i)⊙tanh(g);  h' = σ(o)⊙tanh(c')
 *   GRU:  gh = h·W_hhᵀ + b_hh;  r,z = σ(gi_rz + gh_rz);  n = tanh(gi_n + r⊙gh_n);  h' = n + z⊙(h − n)
 */
export function recurrentStep(mode: RnnMode, gi: Tensor, state: StepState, whh: Tensor, bhh: Tensor | null): StepState {
  const { h } = state;
  const H = h.shape[h.ndim - 1]!;
  if (mode === 'GRU') {
    const gh = linear(h, whh, bhh); // (N, H) -> (N, 3H)
    const [giRz, giN] = split(gi, [2 * H, H], -1); // (N, 3H) -> (N, 2H), (N, H)
    const [ghRz, ghN] = split(gh, [2 * H, H], -1); // (N, 3H) -> (N, 2H), (N, H)
    const [r, z] = split(sigmoid(add(giRz, ghRz)), H, -1); // (N, 2H) -> (N, H), (N, H)
    const n = tanh(add(giN!, mul(r!, ghN!)));
    return { h: add(n, mul(z!, sub(h, n))) };
  }
  const pre = add(gi, linear(h, whh)); // (N, G·H)
  if (mode === 'RNN_TANH') return { h: tanh(pre) };
  if (mode === 'RNN_RELU') return { h: relu(pre) };
  return lstmCell(pre, state.c!); // one fused pass: (N, 4H), (N, H) -> h (N, H), c (N, H)
}
