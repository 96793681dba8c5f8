// The sequence-level GRU (ops/gru-sequence.ts: primitives gruSequence and gruSequenceGrad,
// reference kernels in backend/ts/gru-sequence.ts, wasm paths in backend/wasm/paths-recurrent.ts)
// against the step-by-step composite it replaces in the GRU layer (recurrent-step.ts's GRU step
// after the input projection): the hidden states, the final h, and the gradients of gi, W_hh, b_hh
// and h0, forward and reversed, on odd shapes (SIMD tails, one row, no steps) in float32 and
// float64; finite differences in float64; second derivatives (createGraph) through the composite
// rule; the wasm kernels against the reference; the layer taking the primitive; and the errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { gruSequence, type GruSequenceResult } from '../../src/ops/gru-sequence.js';
import { recurrentStep } from '../../src/nn/recurrent-step.js';
import { assertFiniteDiff } from '../finite-diff.js';
import { wasmCalls, wasmPaths } from '../wasm-calls.js';
import { assertNear, seqData } from '../sequence-data.js';

type Seq = (gi: Tensor, whh: Tensor, bhh: Tensor, h0: Tensor, reverse: boolean) => GruSequenceResult;

const fused: Seq = (gi, whh, bhh, h0, reverse) => gruSequence(gi, whh, bhh, h0, { reverse });

/** The GRU layer's loop before the primitive: recurrentStep('GRU', …) per step. */
const stepwise: Seq = (gi, whh, bhh, h0, reverse) => {
  const T = gi.shape[0]!;
  let h = h0;
  const hs = new Array<Tensor>(T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    h = recurrentStep('GRU', ax.select(gi, 0, t), { h }, whh, bhh).h;
    hs[t] = h;
  }
  return { out: T > 0 ? ax.stack(hs, 0) : ax.slice(ax.unsqueeze(ax.mul(h0, 0), 0), [[0, 0]]), h }; // T = 0: (0, N, H) on h0's backend
};

interface Inputs { gi: Tensor; whh: Tensor; bhh: Tensor; h0: Tensor; wo: Tensor; wh: Tensor }

function inputs(backend: string, dtype: 'float32' | 'float64', T: number, N: number, H: number, edges: boolean): Inputs {
  const b = ax.getBackend(backend);
  const t = (n: number, shape: number[], seed: number, amp: number, e = false): Tensor => ax.fromArray(seqData(n, seed, amp, e), shape, dtype, b);
  return {
    gi: t(T * N * 3 * H, [T, N, 3 * H], 1, 2, edges).requiresGrad_(),
    whh: t(3 * H * H, [3 * H, H], 2, 0.6).requiresGrad_(),
    bhh: t(3 * H, [3 * H], 8, 0.5, edges).requiresGrad_(),
    h0: t(N * H, [N, H], 3, 1).requiresGrad_(),
    wo: t(T * N * H, [T, N, H], 5, 1), wh: t(N * H, [N, H], 6, 1),
  };
}

/** A loss that reads the outputs: Σ out·wo + Σ h·wh (each term only when `use` has it). */
function loss(r: GruSequenceResult, x: Inputs, use = 'oh'): Tensor {
  const terms = [use.includes('o') ? ax.sum(ax.mul(r.out, x.wo)) : null, use.includes('h') ? ax.sum(ax.mul(r.h, x.wh)) : null];
  return terms.filter((v): v is Tensor => v !== null).reduce((a, v) => ax.add(a, v));
}

/** Outputs, then the gradients of gi, W_hh, b_hh and h0. */
function run(seq: Seq, x: Inputs, reverse: boolean, use = 'oh'): Float64Array[] {
  const r = seq(x.gi, x.whh, x.bhh, x.h0, reverse);
  const wrt = [x.gi, x.whh, x.bhh, x.h0];
  const gs = ax.gradients(loss(r, x, use), wrt, { allowUnused: true });
  // Unused (the composite with T = 0 never reads gi, W_hh or b_hh): a zero gradient.
  return [r.out, r.h, ...gs.map((g, k) => g ?? ax.zerosLike(wrt[k]!))].map((t) => Float64Array.from(t.data()));
}

const NAMES = ['out', 'h', 'grad gi', 'grad whh', 'grad bhh', 'grad h0'];

// (T, N, H): one of each, SIMD tails (H = 5, 7, 9, 33), no steps, one row.
const SHAPES: [number, number, number][] = [[1, 1, 1], [3, 2, 5], [5, 3, 7], [4, 5, 9], [0, 2, 3], [6, 1, 33], [2, 8, 4]];

test('gruSequence on ts equals the step-by-step composite: states bit for bit, gradients to rounding, both directions', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [T, N, H] of SHAPES) {
      for (const reverse of [false, true]) {
        for (const edges of [false, true]) {
          for (const use of ['oh', 'h', 'o']) {
            const what = `${dtype} T=${T} N=${N} H=${H}${reverse ? ' reversed' : ''}${edges ? ' with large values' : ''}, loss of ${use}`;
            const f = run(fused, inputs('ts', dtype, T, N, H, edges), reverse, use);
            const r = run(stepwise, inputs('ts', dtype, T, N, H, edges), reverse, use);
            // The gradients add the same terms as the composite's tape, some in another order
            // (h's two shares; W_hh's and b_hh's over all steps at once).
            const tol = dtype === 'float32' ? 2e-6 : 1e-12;
            NAMES.forEach((name, k) => assertNear(f[k]!, r[k]!, k < 2 ? 0 : tol, k < 2 ? 0 : tol, `${name}, ${what}`));
          }
        }
      }
    }
  }
});

// Big enough to split the batch rows across two threads (at a row that is not a multiple of the
// GEMM's four), with GEMM edge tiles (3H = 390, 483) and SIMD tails (H % 4 = 2, 1).
const SPLIT: [number, number, number][] = [[4, 10, 130], [2, 13, 161]];

test('gruSequence on wasm float32 agrees with the reference kernels and with the step-by-step composite on wasm', () => {
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

test('gruSequence on wasm: each thread takes its rows in blocks that fit its scratch (H = 1024: 85 rows a block forward)', () => {
  const [T, N, H] = [1, 190, 1024]; // two threads of 96 and 94 rows, each in two blocks forward
  const w = ax.scope(() => run(fused, inputs('wasm', 'float32', T, N, H, false), false, 'h'));
  const ref = run(fused, inputs('ts', 'float32', T, N, H, false), false, 'h');
  NAMES.forEach((name, k) => assertNear(w[k]!, ref[k]!, 1e-4, 1e-5, `${name} T=${T} N=${N} H=${H}`));
});

test('gruSequence on wasm float32 runs its kernels; float64 runs the reference kernels bit for bit', () => {
  const paths = wasmPaths('gruSequence', () => run(fused, inputs('wasm', 'float32', 3, 2, 5, false), false));
  assert.deepEqual(paths, ['gruSequence:wasm', 'gruSequenceGrad:wasm']);
  for (const [T, N, H] of [[3, 2, 5], [0, 1, 2]] as const) {
    const w = ax.scope(() => run(fused, inputs('wasm', 'float64', T, N, H, false), true));
    const r = run(fused, inputs('ts', 'float64', T, N, H, false), true);
    NAMES.forEach((name, k) => assertNear(w[k]!, r[k]!, 0, 0, `${name} T=${T}`));
  }
});

test('gruSequence gradients match finite differences (float64, both directions)', () => {
  const [T, N, H] = [3, 2, 3];
  for (const reverse of [false, true]) {
    const x = inputs('ts', 'float64', T, N, H, false);
    const params = [x.gi, x.whh, x.bhh, x.h0];
    const r = fused(x.gi, x.whh, x.bhh, x.h0, reverse);
    const grads = ax.gradients(loss(r, x), params).map((g) => Float64Array.from(g!.data()));
    const f = (vals: Float64Array[]): number => {
      const t = vals.map((v, k) => ax.fromArray(v, params[k]!.shape, 'float64', ax.getBackend('ts')));
      return ax.noGrad(() => loss(fused(t[0]!, t[1]!, t[2]!, t[3]!, reverse), x).item());
    };
    assertFiniteDiff(params.map((p) => p.data()), grads, f, (k, i) => `${NAMES[2 + k]}[${i}]${reverse ? ' reversed' : ''}`, 10);
  }
});

test('second derivatives through gruSequence (createGraph) equal the step-by-step composite\'s', () => {
  for (const backend of ['ts', 'wasm'] as const) {
    for (const reverse of [false, true]) {
      const second = (seq: Seq): Float64Array[] => ax.scope(() => {
        const x = inputs(backend, 'float64', 3, 2, 3, false);
        const wrt = [x.gi, x.whh, x.bhh, x.h0];
        const r = seq(x.gi, x.whh, x.bhh, x.h0, reverse);
        const first = ax.gradients(loss(r, x), wrt, { createGraph: true });
        const z = first.map((g) => ax.sum(ax.mul(g!, g!))).reduce((a, v) => ax.add(a, v));
        const sec = ax.gradients(z, wrt);
        return [...first, ...sec].map((g) => Float64Array.from(g!.data()));
      });
      const f = second(fused), r = second(stepwise);
      f.forEach((a, k) => assertNear(a, r[k]!, 1e-11, 1e-12, `${backend}${reverse ? ' reversed' : ''} ${k < 4 ? 'first' : 'second'} derivative ${['gi', 'whh', 'bhh', 'h0'][k % 4]}`));
    }
  }
});

test('a GRU layer runs as one gruSequence per direction and layer, with or without lengths', () => {
  ax.setBackend('wasm');
  try {
    ax.manualSeed(4);
    const gru = new ax.GRU(3, 5, { numLayers: 2, bidirectional: true });
    const x = ax.randn([6, 2, 3]);
    const calls = wasmCalls(() => { const [out] = gru.forward(x); ax.sum(out).backward(); });
    assert.equal(calls.gruSequence, 4);
    assert.equal(calls.gruSequenceGrad, 4);
    assert.equal(calls.sigmoid, undefined);
    const masked = wasmCalls(() => { const [out] = gru.forward(x, null, { lengths: [6, 4] }); ax.sum(out).backward(); });
    assert.equal(masked.gruSequence, 4);
    assert.equal(masked.gruSequenceGrad, 4);
    assert.equal(masked.sigmoid, undefined);
  } finally {
    ax.setBackend('ts');
  }
});

test('a GRU layer without biases gives what its step-by-step cell gives', () => {
  ax.manualSeed(7);
  const gru = new ax.GRU(4, 6, { bias: false, batchFirst: true });
  const cell = new ax.GRUCell(4, 6, { bias: false });
  const sd = gru.stateDict();
  cell.loadStateDict({ weight_ih: sd.weight_ih_l0!, weight_hh: sd.weight_hh_l0! });
  const x = ax.randn([2, 5, 4]);
  const [out] = gru.forward(x);
  let h = ax.zeros([2, 6]);
  for (let t = 0; t < 5; t++) {
    h = cell.forward(ax.select(x, 1, t), h);
    assertNear(Float64Array.from(ax.select(out, 1, t).data()), Float64Array.from(h.data()), 1e-6, 1e-7, `step ${t}`);
  }
});

test('gruSequence names the shapes and dtypes at fault', () => {
  const z = (...s: number[]): Tensor => ax.zeros(s);
  assert.throws(() => gruSequence(z(2, 3, 9), z(9, 3), z(9), z(2, 3)), (e: Error) => e.name === 'ShapeError' && /gruSequence: .*h0 \[2,3\]/.test(e.message));
  assert.throws(() => gruSequence(z(2, 3, 10), z(9, 3), z(9), z(3, 3)), /gruSequence: .*gi \[2,3,10\].*3 × whh's second/);
  assert.throws(() => gruSequence(z(2, 3, 9), z(9, 3), z(8), z(3, 3)), /gruSequence: .*bhh \[8\]/);
  assert.throws(() => gruSequence(z(3, 9), z(9, 3), z(9), z(3, 3)), (e: Error) => e.name === 'ShapeError');
  assert.throws(() => gruSequence(z(2, 3, 9), ax.zeros([9, 3], { dtype: 'float64' }), z(9), z(3, 3)), (e: Error) => e.name === 'DTypeError' && /float64/.test(e.message));
});
