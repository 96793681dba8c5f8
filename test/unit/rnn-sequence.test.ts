// The sequence-level Elman RNN (ops/rnn-sequence.ts: primitives rnnSequence and rnnSequenceGrad,
// reference kernels in backend/ts/rnn-sequence.ts, wasm paths in backend/wasm/paths-recurrent.ts)
// against the step-by-step composite it replaces in the RNN layer (recurrent-step.ts's step after
// the input projection), tanh and relu: the hidden states, the final h, and the gradients of gi,
// W_hh and h0, forward and reversed, on odd shapes (SIMD tails, one row, no steps) in float32 and
// float64; finite differences in float64; second derivatives (createGraph) through the composite
// rule; the wasm kernels against the reference; the layer taking the primitive; and the errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { rnnSequence, type RnnSequenceResult } from '../../src/ops/rnn-sequence.js';
import { recurrentStep } from '../../src/nn/recurrent-step.js';
import { assertFiniteDiff } from '../finite-diff.js';
import { wasmCalls, wasmPaths } from '../wasm-calls.js';
import { assertNear, seqData } from '../sequence-data.js';

type Seq = (gi: Tensor, whh: Tensor, h0: Tensor, reverse: boolean, relu: boolean) => RnnSequenceResult;

const fused: Seq = (gi, whh, h0, reverse, relu) => rnnSequence(gi, whh, h0, { reverse, relu });

/** The RNN layer's loop before the primitive: recurrentStep('RNN_TANH' or 'RNN_RELU', …) per step. */
const stepwise: Seq = (gi, whh, h0, reverse, relu) => {
  const T = gi.shape[0]!;
  let h = h0;
  const hs = new Array<Tensor>(T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    h = recurrentStep(relu ? 'RNN_RELU' : 'RNN_TANH', ax.select(gi, 0, t), { h }, whh, null).h;
    hs[t] = h;
  }
  return { out: T > 0 ? ax.stack(hs, 0) : ax.slice(ax.unsqueeze(ax.mul(h0, 0), 0), [[0, 0]]), h }; // T = 0: (0, N, H) on h0's backend
};

interface Inputs { gi: Tensor; whh: Tensor; h0: Tensor; wo: Tensor; wh: Tensor }

function inputs(backend: string, dtype: 'float32' | 'float64', T: number, N: number, H: number, edges: boolean): Inputs {
  const b = ax.getBackend(backend);
  const t = (n: number, shape: number[], seed: number, amp: number, e = false): Tensor => ax.fromArray(seqData(n, seed, amp, e), shape, dtype, b);
  return {
    gi: t(T * N * H, [T, N, H], 1, 2, edges).requiresGrad_(),
    whh: t(H * H, [H, H], 2, Math.min(0.6, 1 / Math.sqrt(H))).requiresGrad_(), // scaled as nn.RNN initializes it, so relu states stay bounded
    h0: t(N * H, [N, H], 3, 1).requiresGrad_(),
    wo: t(T * N * H, [T, N, H], 5, 1), wh: t(N * H, [N, H], 6, 1),
  };
}

/** Outputs, then the gradients of gi, W_hh and h0, for the loss Σ out·wo + Σ h·wh. */
function run(seq: Seq, x: Inputs, reverse: boolean, relu: boolean): Float64Array[] {
  const r = seq(x.gi, x.whh, x.h0, reverse, relu);
  const wrt = [x.gi, x.whh, x.h0];
  const gs = ax.gradients(ax.add(ax.sum(ax.mul(r.out, x.wo)), ax.sum(ax.mul(r.h, x.wh))), wrt, { allowUnused: true });
  return [r.out, r.h, ...gs.map((g, k) => g ?? ax.zerosLike(wrt[k]!))].map((t) => Float64Array.from(t.data()));
}

const NAMES = ['out', 'h', 'grad gi', 'grad whh', 'grad h0'];

// (T, N, H): one of each, SIMD tails, no steps, one row.
const SHAPES: [number, number, number][] = [[1, 1, 1], [3, 2, 5], [5, 3, 7], [0, 2, 3], [6, 1, 33], [2, 8, 4]];
const SPLIT: [number, number, number][] = [[4, 10, 130], [2, 13, 161]]; // two threads, GEMM edge tiles

test('rnnSequence on ts equals the step-by-step composite: states bit for bit, gradients to rounding; tanh and relu, both directions', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [T, N, H] of SHAPES) {
      for (const reverse of [false, true]) {
        for (const relu of [false, true]) {
          const what = `${dtype} T=${T} N=${N} H=${H}${reverse ? ' reversed' : ''} ${relu ? 'relu' : 'tanh'}`;
          const f = run(fused, inputs('ts', dtype, T, N, H, true), reverse, relu);
          const r = run(stepwise, inputs('ts', dtype, T, N, H, true), reverse, relu);
          const tol = dtype === 'float32' ? 2e-6 : 1e-12; // W_hh's gradient: one product over all steps
          NAMES.forEach((name, k) => assertNear(f[k]!, r[k]!, k < 2 ? 0 : tol, k < 2 ? 0 : tol, `${name}, ${what}`));
        }
      }
    }
  }
});

test('rnnSequence on wasm float32 agrees with the reference kernels and the step-by-step composite on wasm, and runs its kernels', () => {
  for (const [T, N, H] of [...SHAPES, ...SPLIT]) {
    for (const reverse of [false, true]) {
      for (const relu of [false, true]) {
        const what = `T=${T} N=${N} H=${H}${reverse ? ' reversed' : ''} ${relu ? 'relu' : 'tanh'}`;
        // Large inputs only with tanh: relu passes them on unbounded, and float32 sums of such states
        // differ by order far beyond these bounds (the ts test above has them, bit for bit).
        const w = ax.scope(() => run(fused, inputs('wasm', 'float32', T, N, H, !relu), reverse, relu));
        const ref = run(fused, inputs('ts', 'float32', T, N, H, !relu), reverse, relu);
        const comp = ax.scope(() => run(stepwise, inputs('wasm', 'float32', T, N, H, !relu), reverse, relu));
        // The products sum in other orders in float32 (the composite's W_hh gradient step by step,
        // the primitive's as one product over T·N rows); an entry of W_hh's gradient can cancel
        // terms a thousand times its size, so the absolute bound is set by those terms (~4·1e-5).
        NAMES.forEach((name, k) => {
          assertNear(w[k]!, ref[k]!, 2e-5, 5e-5, `${name} vs reference, ${what}`);
          assertNear(w[k]!, comp[k]!, 2e-5, 5e-5, `${name} vs composite, ${what}`);
        });
      }
    }
  }
  assert.deepEqual(wasmPaths('rnnSequence', () => run(fused, inputs('wasm', 'float32', 3, 2, 5, false), false, false)), ['rnnSequence:wasm', 'rnnSequenceGrad:wasm']);
});

test('rnnSequence on wasm: a thread takes its rows in blocks that fit its scratch (H = 1024: 256 rows a block)', () => {
  const [T, N, H] = [2, 520, 1024]; // two threads of 260 rows, each in two blocks; against the composite on wasm (the reference would take seconds)
  const w = ax.scope(() => run(fused, inputs('wasm', 'float32', T, N, H, false), false, false));
  const comp = ax.scope(() => run(stepwise, inputs('wasm', 'float32', T, N, H, false), false, false));
  NAMES.forEach((name, k) => assertNear(w[k]!, comp[k]!, 1e-4, 1e-5, `${name} T=${T} N=${N} H=${H}`));
});

test('rnnSequence gradients match finite differences (float64, tanh and relu, both directions)', () => {
  const [T, N, H] = [3, 2, 3];
  for (const reverse of [false, true]) {
    for (const relu of [false, true]) {
      const x = inputs('ts', 'float64', T, N, H, false);
      const params = [x.gi, x.whh, x.h0];
      const loss = (r: RnnSequenceResult): Tensor => ax.add(ax.sum(ax.mul(r.out, x.wo)), ax.sum(ax.mul(r.h, x.wh)));
      const grads = ax.gradients(loss(fused(x.gi, x.whh, x.h0, reverse, relu)), params).map((g) => Float64Array.from(g!.data()));
      const f = (vals: Float64Array[]): number => {
        const t = vals.map((v, k) => ax.fromArray(v, params[k]!.shape, 'float64', ax.getBackend('ts')));
        return ax.noGrad(() => loss(fused(t[0]!, t[1]!, t[2]!, reverse, relu)).item());
      };
      assertFiniteDiff(params.map((p) => p.data()), grads, f, (k, i) => `${NAMES[2 + k]}[${i}]${reverse ? ' reversed' : ''} ${relu ? 'relu' : 'tanh'}`, 10);
    }
  }
});

test('second derivatives through rnnSequence (createGraph) equal the step-by-step composite\'s', () => {
  for (const backend of ['ts', 'wasm'] as const) {
    for (const reverse of [false, true]) {
      const second = (seq: Seq): Float64Array[] => ax.scope(() => {
        const x = inputs(backend, 'float64', 3, 2, 3, false);
        const wrt = [x.gi, x.whh, x.h0];
        const r = seq(x.gi, x.whh, x.h0, reverse, false);
        const first = ax.gradients(ax.add(ax.sum(ax.mul(r.out, x.wo)), ax.sum(ax.mul(r.h, x.wh))), wrt, { createGraph: true });
        const z = first.map((g) => ax.sum(ax.mul(g!, g!))).reduce((a, v) => ax.add(a, v));
        return [...first, ...ax.gradients(z, wrt)].map((g) => Float64Array.from(g!.data()));
      });
      const f = second(fused), r = second(stepwise);
      f.forEach((a, k) => assertNear(a, r[k]!, 1e-11, 1e-12, `${backend}${reverse ? ' reversed' : ''} ${k < 3 ? 'first' : 'second'} derivative ${['gi', 'whh', 'h0'][k % 3]}`));
    }
  }
});

test('an RNN layer runs as one rnnSequence per direction and layer', () => {
  ax.setBackend('wasm');
  try {
    ax.manualSeed(4);
    const rnn = new ax.RNN(3, 5, { numLayers: 2, bidirectional: true, nonlinearity: 'relu' });
    const x = ax.randn([6, 2, 3]);
    const calls = wasmCalls(() => { const [out] = rnn.forward(x); ax.sum(out).backward(); });
    assert.equal(calls.rnnSequence, 4);
    assert.equal(calls.rnnSequenceGrad, 4);
    assert.equal(calls.relu, undefined);
  } finally {
    ax.setBackend('ts');
  }
});

test('rnnSequence names the shapes and dtypes at fault', () => {
  const z = (...s: number[]): Tensor => ax.zeros(s);
  assert.throws(() => rnnSequence(z(2, 3, 4), z(4, 4), z(2, 4)), (e: Error) => e.name === 'ShapeError' && /rnnSequence: .*h0 \[2,4\]/.test(e.message));
  assert.throws(() => rnnSequence(z(2, 3, 5), z(4, 4), z(3, 4)), /rnnSequence: .*gi \[2,3,5\]/);
  assert.throws(() => rnnSequence(z(3, 4), z(4, 4), z(3, 4)), (e: Error) => e.name === 'ShapeError');
  assert.throws(() => rnnSequence(z(2, 3, 4), ax.zeros([4, 4], { dtype: 'float64' }), z(3, 4)), (e: Error) => e.name === 'DTypeError' && /float64/.test(e.message));
});
