// RNN, LSTM and GRU layers over variable-length batches (sequence-lengths.ts): the layer runs each
// direction as one sequence primitive, a reversed direction over each sequence reversed within its
// length, and takes each final state at its sequence's last real step. Checked against the layer's
// masked step-by-step loop (recurrent-step.ts's step and maskState, every step of every row, as the
// layer ran before), written out here: outputs, final states and every gradient, one and two
// layers, both directions, float64 and float32, on ts and wasm. test/each-backend/rnn-vs-torch.test.ts
// checks the same layers against PyTorch's pack_padded_sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { foldsHiddenBias, recurrentStep, type RnnMode, type StepState } from '../../../src/nn/recurrent-step.js';
import { wasmCalls } from '../../wasm-calls.js';

type Layer = ax.RNN | ax.LSTM | ax.GRU;

/** Keep the previous state where `mask` (N, 1) is false (steps past a sequence's length). */
function maskState(mask: Tensor, next: StepState, prev: StepState): StepState {
  return { h: ax.where(mask, next.h, prev.h), c: next.c && prev.c ? ax.where(mask, next.c, prev.c) : next.c };
}

/** The layer's masked step-by-step loop: out (T, N, D·H) zero past each length, then hN (and cN). */
function masked(m: Layer, mode: RnnMode, x: Tensor, lengths: number[]): Tensor[] {
  const [T, N] = x.shape as [number, number, number];
  const H = m.hiddenSize, D = m.numDirections;
  const p = m.stateDict();
  const masks = Array.from({ length: T }, (_, t) => ax.fromArray(lengths.map((l) => (t < l ? 1 : 0)), [N, 1], 'bool', x.storage.backend));
  const hN: Tensor[] = [], cN: Tensor[] = [];
  let inp = x;
  for (let k = 0; k < m.numLayers; k++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `l${k}${d === 1 ? '_reverse' : ''}`;
      const [wih, whh, bih, bhh] = [p[`weight_ih_${sfx}`]!, p[`weight_hh_${sfx}`]!, p[`bias_ih_${sfx}`]!, p[`bias_hh_${sfx}`]!];
      const folded = foldsHiddenBias(mode);
      const gi = ax.linear(inp, wih, folded ? ax.add(bih, bhh) : bih); // (T, N, G·H)
      let state: StepState = { h: ax.zeros([N, H], { dtype: x.dtype }), c: mode === 'LSTM' ? ax.zeros([N, H], { dtype: x.dtype }) : undefined };
      const hs = new Array<Tensor>(T);
      for (let s = 0; s < T; s++) {
        const t = d === 0 ? s : T - 1 - s;
        state = maskState(masks[t]!, recurrentStep(mode, ax.select(gi, 0, t), state, whh, folded ? null : bhh), state);
        hs[t] = state.h;
      }
      outs.push(ax.stack(hs, 0)); // (T, N, H)
      hN.push(state.h);
      if (state.c) cN.push(state.c);
    }
    inp = outs.length === 1 ? outs[0]! : ax.cat(outs, 2); // (T, N, D·H)
  }
  return [ax.where(ax.stack(masks, 0), inp, 0), ax.stack(hN, 0), ...(cN.length ? [ax.stack(cN, 0)] : [])];
}

/** Outputs and the gradients of the input and every parameter, as float64 arrays. */
function results(m: Layer, x: Tensor, outs: Tensor[], seed: number): Float64Array[] {
  ax.manualSeed(seed);
  const loss = outs.map((o) => ax.sum(ax.mul(o, ax.randn(o.shape, { dtype: o.dtype })))).reduce((a, v) => ax.add(a, v));
  const wrt = [x, ...m.parameters()];
  const gs = ax.gradients(loss, wrt);
  return [...outs, ...gs.map((g) => g!)].map((t) => Float64Array.from(t.data()));
}

function assertNear(a: Float64Array, e: Float64Array, tol: number, what: string): void {
  assert.equal(a.length, e.length, what);
  for (let i = 0; i < a.length; i++) {
    if (!(a[i] === e[i] || Math.abs(a[i]! - e[i]!) <= tol * (1 + Math.abs(e[i]!)))) assert.fail(`${what}: element ${i} is ${a[i]}, expected ${e[i]}`);
  }
}

const LENGTHS = [7, 3, 1, 5]; // T = 7: one full, one of a single step, two in between

for (const mode of ['RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU'] as const) {
  test(`${mode} with lengths: the sequence primitives give the masked step-by-step loop's outputs, final states and gradients`, () => {
    for (const backend of ['ts', 'wasm'] as const) {
      for (const dtype of ['float64', 'float32'] as const) {
        for (const [numLayers, bidirectional] of [[1, false], [1, true], [2, true]] as const) {
          const what = `${mode} ${backend} ${dtype} layers=${numLayers}${bidirectional ? ' bidirectional' : ''}`;
          const before = ax.getBackend().name;
          ax.setBackend(backend); // the parameters and zeros are made on it
          try {
            ax.manualSeed(11);
            const opts = { numLayers, bidirectional, dtype };
            const m = mode === 'LSTM' ? new ax.LSTM(3, 5, opts) : mode === 'GRU' ? new ax.GRU(3, 5, opts) : new ax.RNN(3, 5, { ...opts, nonlinearity: mode === 'RNN_RELU' ? 'relu' : 'tanh' });
            const x = ax.fromArray(Array.from({ length: 7 * 4 * 3 }, (_, i) => Math.sin(1.7 * i)), [7, 4, 3], dtype, ax.getBackend(backend)).requiresGrad_();
            const [out, st] = m.forward(x, null, { lengths: LENGTHS });
            const fused = results(m, x, [out, ...(Array.isArray(st) ? st : [st])], 3);
            const ref = results(m, x, masked(m, mode, x, LENGTHS), 3);
            // Outputs and states: the same steps; gradients: the same terms, some summed in another order.
            const tol = dtype === 'float64' ? 1e-12 : backend === 'wasm' ? 2e-5 : 2e-6;
            fused.forEach((a, k) => assertNear(a, ref[k]!, k < (mode === 'LSTM' ? 3 : 2) && backend === 'ts' ? 0 : tol, `${what}: ${k < 3 ? ['out', 'hN', 'cN'][k] : `gradient ${k}`}`));
          } finally {
            ax.setBackend(before);
          }
        }
      }
    }
  });
}

test('with lengths, the RNN, LSTM and GRU layers run the sequence primitives (no per-step gates)', () => {
  ax.setBackend('wasm');
  try {
    ax.manualSeed(2);
    for (const m of [new ax.LSTM(3, 4, { bidirectional: true }), new ax.GRU(3, 4, { bidirectional: true }), new ax.RNN(3, 4, { bidirectional: true })]) {
      const x = ax.randn([5, 3, 3]);
      const calls = wasmCalls(() => { const [out] = m.forward(x, null, { lengths: [5, 2, 4] }); ax.sum(out).backward(); });
      const seq = m instanceof ax.LSTM ? 'lstmSequence' : m instanceof ax.GRU ? 'gruSequence' : 'rnnSequence';
      assert.equal(calls[seq], 2, `${seq} calls`);
      assert.equal(calls[`${seq}Grad`], 2, `${seq}Grad calls`);
      for (const op of ['sigmoid', 'tanh', 'lstmCell']) assert.equal(calls[op], undefined, op);
    }
  } finally {
    ax.setBackend('ts');
  }
});
