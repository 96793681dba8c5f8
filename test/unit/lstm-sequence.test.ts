// The sequence-level LSTM (ops/lstm-sequence.ts: primitives lstmSequence and lstmSequenceGrad,
// reference kernels in backend/ts/lstm-sequence.ts, wasm paths in backend/wasm/paths-recurrent.ts)
// against the step-by-step composite it replaces in the LSTM layer (one lstmCell per step after
// gi_t + h·W_hhᵀ): the hidden states, the final h and c, and the gradients of gi, W_hh, h0 and c0,
// forward and reversed, on odd shapes (SIMD tails, one row, no steps) in float32 and float64;
// finite differences in float64; second derivatives (createGraph) through the composite rule;
// the wasm kernels against the reference; and the errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { lstmCell } from '../../src/ops/lstm-cell.js';
import { lstmSequence, type LstmSequenceResult } from '../../src/ops/lstm-sequence.js';
import { TOL } from '../tolerances.js';
import { assertFiniteDiff } from '../finite-diff.js';
import { wasmCalls } from '../wasm-calls.js';
import { assertNear, seqData } from '../sequence-data.js';

type Seq = (gi: Tensor, whh: Tensor, h0: Tensor, c0: Tensor, reverse: boolean) => LstmSequenceResult;

const fused: Seq = (gi, whh, h0, c0, reverse) => lstmSequence(gi, whh, h0, c0, { reverse });

/** The LSTM layer's loop before the primitive: per step the recurrent product, the add, the fused cell. */
const stepwise: Seq = (gi, whh, h0, c0, reverse) => {
  const T = gi.shape[0]!;
  let h = h0, c = c0;
  const hs = new Array<Tensor>(T), cs = new Array<Tensor>(T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    ({ h, c } = lstmCell(ax.add(ax.select(gi, 0, t), ax.linear(h, whh)), c));
    hs[t] = h;
    cs[t] = c;
  }
  const none = ax.slice(ax.unsqueeze(ax.mul(h0, 0), 0), [[0, 0]]); // T = 0: (0, N, H) on h0's backend
  return { out: T > 0 ? ax.stack(hs, 0) : none, h, c, cells: T > 0 ? ax.stack(cs, 0) : none };
};

interface Inputs { gi: Tensor; whh: Tensor; h0: Tensor; c0: Tensor; wo: Tensor; wh: Tensor; wc: Tensor }

function inputs(backend: string, dtype: 'float32' | 'float64', T: number, N: number, H: number, edges: boolean): Inputs {
  const b = ax.getBackend(backend);
  const t = (n: number, shape: number[], seed: number, amp: number, e = false): Tensor => ax.fromArray(seqData(n, seed, amp, e), shape, dtype, b);
  return {
    gi: t(T * N * 4 * H, [T, N, 4 * H], 1, 2, edges).requiresGrad_(),
    whh: t(4 * H * H, [4 * H, H], 2, 0.6).requiresGrad_(),
    h0: t(N * H, [N, H], 3, 1).requiresGrad_(),
    c0: t(N * H, [N, H], 4, 2, edges).requiresGrad_(),
    wo: t(T * N * H, [T, N, H], 5, 1), wh: t(N * H, [N, H], 6, 1), wc: t(N * H, [N, H], 7, 1),
  };
}

/** A loss that reads every output: Σ out·wo + Σ h·wh + Σ c·wc (each term only when `use` has it). */
function loss(r: LstmSequenceResult, x: Inputs, use = 'ohc'): Tensor {
  const terms = [use.includes('o') ? ax.sum(ax.mul(r.out, x.wo)) : null, use.includes('h') ? ax.sum(ax.mul(r.h, x.wh)) : null, use.includes('c') ? ax.sum(ax.mul(r.c, x.wc)) : null];
  return terms.filter((v): v is Tensor => v !== null).reduce((a, v) => ax.add(a, v));
}

/** Outputs, then the gradients of gi, W_hh, h0 and c0. */
function run(seq: Seq, x: Inputs, reverse: boolean, use = 'ohc'): Float64Array[] {
  const r = seq(x.gi, x.whh, x.h0, x.c0, reverse);
  const wrt = [x.gi, x.whh, x.h0, x.c0];
  const gs = ax.gradients(loss(r, x, use), wrt, { allowUnused: true });
  // Unused (the composite with T = 0 never reads gi or W_hh): a zero gradient.
  return [r.out, r.h, r.c, ...gs.map((g, k) => g ?? ax.zerosLike(wrt[k]!))].map((t) => Float64Array.from(t.data()));
}

const NAMES = ['out', 'h', 'c', 'grad gi', 'grad whh', 'grad h0', 'grad c0'];

// (T, N, H): one of each, SIMD tails (H = 5, 7, 9, 33), no steps, one row.
const SHAPES: [number, number, number][] = [[1, 1, 1], [3, 2, 5], [5, 3, 7], [4, 5, 9], [0, 2, 3], [6, 1, 33], [2, 8, 4]];

test('lstmSequence on ts equals the step-by-step composite: states bit for bit, gradients (W_hh to rounding), both directions', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [T, N, H] of SHAPES) {
      for (const reverse of [false, true]) {
        for (const edges of [false, true]) {
          for (const use of ['ohc', 'h', 'c', 'o']) {
            const what = `${dtype} T=${T} N=${N} H=${H}${reverse ? ' reversed' : ''}${edges ? ' with large values' : ''}, loss of ${use}`;
            const f = run(fused, inputs('ts', dtype, T, N, H, edges), reverse, use);
            const r = run(stepwise, inputs('ts', dtype, T, N, H, edges), reverse, use);
            // W_hh's gradient sums the same products in another order (one product over all steps).
            const wtol = dtype === 'float32' ? 2e-6 : 1e-12;
            NAMES.forEach((name, k) => assertNear(f[k]!, r[k]!, name === 'grad whh' ? wtol : 0, name === 'grad whh' ? wtol : 0, `${name}, ${what}`));
          }
        }
      }
    }
  }
});

// Big enough to split the batch rows across two threads (at a row that is not a multiple of the
// GEMM's four), with GEMM edge tiles (4H = 520, 644) and SIMD tails (H % 4 = 2, 1).
const SPLIT: [number, number, number][] = [[4, 10, 130], [2, 13, 161]];

test('lstmSequence on wasm float32 agrees with the reference kernels and with the step-by-step composite on wasm', () => {
  for (const [T, N, H] of [...SHAPES, ...SPLIT]) {
    for (const reverse of [false, true]) {
      const what = `T=${T} N=${N} H=${H}${reverse ? ' reversed' : ''}`;
      const w = ax.scope(() => run(fused, inputs('wasm', 'float32', T, N, H, true), reverse));
      const ref = run(fused, inputs('ts', 'float32', T, N, H, true), reverse);
      const comp = ax.scope(() => run(stepwise, inputs('wasm', 'float32', T, N, H, true), reverse));
      // The products sum in another order than the reference's float64 (the SIMD GEMM in float32).
      NAMES.forEach((name, k) => {
        assertNear(w[k]!, ref[k]!, 2e-5, 2e-5, `${name} vs reference, ${what}`);
        assertNear(w[k]!, comp[k]!, 2e-5, 2e-5, `${name} vs composite, ${what}`);
      });
    }
  }
});

test('lstmSequence on wasm: each thread takes its rows in blocks that fit its scratch (H = 1024: 64 rows a block)', () => {
  const [T, N, H] = [1, 140, 1024]; // two threads of 72 and 68 rows, each in two blocks
  const w = ax.scope(() => run(fused, inputs('wasm', 'float32', T, N, H, false), false, 'hc'));
  const ref = run(fused, inputs('ts', 'float32', T, N, H, false), false, 'hc');
  NAMES.forEach((name, k) => assertNear(w[k]!, ref[k]!, 1e-4, 1e-5, `${name} T=${T} N=${N} H=${H}`));
});

test('lstmSequence on wasm float64 runs the reference kernels: bit for bit the ts result', () => {
  for (const [T, N, H] of [[3, 2, 5], [0, 1, 2]] as const) {
    const w = ax.scope(() => run(fused, inputs('wasm', 'float64', T, N, H, false), true));
    const r = run(fused, inputs('ts', 'float64', T, N, H, false), true);
    NAMES.forEach((name, k) => assertNear(w[k]!, r[k]!, 0, 0, `${name} T=${T}`));
  }
});

test('lstmSequence gradients match finite differences (float64, both directions)', () => {
  const [T, N, H] = [3, 2, 3];
  for (const reverse of [false, true]) {
    const x = inputs('ts', 'float64', T, N, H, false);
    const params = [x.gi, x.whh, x.h0, x.c0];
    const r = fused(x.gi, x.whh, x.h0, x.c0, reverse);
    const grads = ax.gradients(loss(r, x), params).map((g) => Float64Array.from(g!.data()));
    const f = (vals: Float64Array[]): number => {
      const t = vals.map((v, k) => ax.fromArray(v, params[k]!.shape, 'float64', ax.getBackend('ts')));
      return ax.noGrad(() => loss(fused(t[0]!, t[1]!, t[2]!, t[3]!, reverse), x).item());
    };
    assertFiniteDiff(params.map((p) => p.data()), grads, f, (k, i) => `${NAMES[3 + k]}[${i}]${reverse ? ' reversed' : ''}`, 10);
  }
});

test('second derivatives through lstmSequence (createGraph) equal the step-by-step composite\'s', () => {
  for (const backend of ['ts', 'wasm'] as const) {
    for (const reverse of [false, true]) {
      const second = (seq: Seq): Float64Array[] => ax.scope(() => {
        const x = inputs(backend, 'float64', 3, 2, 3, false);
        const r = seq(x.gi, x.whh, x.h0, x.c0, reverse);
        const first = ax.gradients(loss(r, x), [x.gi, x.whh, x.h0, x.c0], { createGraph: true });
        const z = first.map((g) => ax.sum(ax.mul(g!, g!))).reduce((a, v) => ax.add(a, v));
        const sec = ax.gradients(z, [x.gi, x.whh, x.h0, x.c0]);
        return [...first, ...sec].map((g) => Float64Array.from(g!.data()));
      });
      const f = second(fused), r = second(stepwise);
      f.forEach((a, k) => assertNear(a, r[k]!, 1e-11, 1e-12, `${backend}${reverse ? ' reversed' : ''} ${k < 4 ? 'first' : 'second'} derivative ${['gi', 'whh', 'h0', 'c0'][k % 4]}`));
    }
  }
});

test('an LSTM layer without lengths runs as one lstmSequence per direction and layer', () => {
  ax.setBackend('wasm');
  try {
    ax.manualSeed(4);
    const lstm = new ax.LSTM(3, 5, { numLayers: 2, bidirectional: true });
    const x = ax.randn([6, 2, 3]);
    const calls = wasmCalls(() => { const [out] = lstm.forward(x); ax.sum(out).backward(); });
    assert.equal(calls.lstmSequence, 4);
    assert.equal(calls.lstmSequenceGrad, 4);
    assert.equal(calls.lstmCell, undefined);
  } finally {
    ax.setBackend('ts');
  }
});

test('lstmSequence names the shapes and dtypes at fault', () => {
  const z = (...s: number[]): Tensor => ax.zeros(s);
  assert.throws(() => lstmSequence(z(2, 3, 12), z(12, 3), z(3, 3), z(2, 3)), (e: Error) => e.name === 'ShapeError' && /lstmSequence: .*h0 \[3,3\]/.test(e.message));
  assert.throws(() => lstmSequence(z(2, 3, 10), z(12, 3), z(3, 3), z(3, 3)), /lstmSequence: .*gi \[2,3,10\].*4 × whh's second/);
  assert.throws(() => lstmSequence(z(3, 12), z(12, 3), z(3, 3), z(3, 3)), (e: Error) => e.name === 'ShapeError');
  assert.throws(() => lstmSequence(z(2, 3, 12), ax.zeros([12, 3], { dtype: 'float64' }), z(3, 3), z(3, 3)), (e: Error) => e.name === 'DTypeError' && /float64/.test(e.message));
});
