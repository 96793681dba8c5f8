// The fused softmax and log-softmax over the last dim (ops/softmax.ts: primitives softmax and
// softmaxGrad, the reference kernels in backend/ts/softmax.ts and the wasm ones in
// assembly/softmax.ts) against the composites they replace (ops/softmax.ts softmaxComposite,
// logSoftmaxComposite) on the same backend: values and gradients in float32 and float64, on row
// widths 1–19 (SIMD tails) and wide ones, with ±∞, NaN, −∞-masked entries, rows of only −∞, huge
// logits and size-0 inputs; wasm against the reference; finite differences in float64; second
// derivatives (createGraph) through the composite rule; which calls take the primitive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { logSoftmaxComposite, softmaxComposite, softmaxFused } from '../../src/ops/softmax.js';
import { closeEnough, TOL, type Tol } from '../tolerances.js';
import { wasmCalls, wasmPaths } from '../wasm-calls.js';
import { assertFiniteDiff } from '../finite-diff.js';

type Sm = (x: Tensor, log: boolean) => Tensor;
// The primitive itself (ax.logSoftmax composes a large input a gradient will flow through: tested below).
const fused: Sm = (x, log) => softmaxFused(x, log);
const composite: Sm = (x, log) => (log ? logSoftmaxComposite(x, x.ndim - 1) : softmaxComposite(x, x.ndim - 1));

/** Deterministic values in [-amp, amp) (an LCG). */
function data(n: number, seed: number, amp: number): number[] {
  let s = (seed * 2654435761) % 4294967296;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return ((s / 4294967296) * 2 - 1) * amp;
  });
}

/** Rows of width D: random logits, then rows with −∞ (masked), NaN, +∞, only −∞, huge values. */
function logits(R: number, D: number, seed: number, edges: boolean): number[] {
  const xs = data(R * D, seed, 6).map(Math.fround);
  if (!edges) return xs;
  for (let r = 0; r < R; r++) {
    const o = r * D;
    switch (r % 6) {
      case 1: for (let j = 1; j < D; j += 2) xs[o + j] = -Infinity; break; // a causal or padding mask
      case 2: xs[o + (r % D)] = NaN; break;
      case 3: xs[o + (r % D)] = Infinity; break;
      case 4: for (let j = 0; j < D; j++) xs[o + j] = -Infinity; break;
      case 5: xs[o] = 3e38; xs[o + D - 1] = -3e38; break;
    }
  }
  return xs;
}

/** y and the gradient of Σ y·u, as float64 arrays. */
function run(f: Sm, backend: string, dtype: 'float32' | 'float64', shape: number[], log: boolean, seed: number, edges: boolean): Float64Array[] {
  return ax.scope(() => {
    const b = ax.getBackend(backend);
    const D = shape[shape.length - 1]!;
    const n = shape.reduce((a, v) => a * v, 1);
    const x = ax.fromArray(logits(D === 0 ? 0 : n / D, D, seed, edges), shape, dtype, b).requiresGrad_();
    const u = ax.fromArray(data(n, seed + 1, 2).map(Math.fround), shape, dtype, b);
    const y = f(x, log);
    const [g] = ax.gradients(ax.sum(ax.mul(y, u)), [x]);
    return [Float64Array.from(y.data()), Float64Array.from(g!.data())];
  });
}

function assertClose(a: Float64Array[], e: Float64Array[], tol: Tol, what: string): void {
  a.forEach((arr, k) => {
    assert.equal(arr.length, e[k]!.length, `${what} length`);
    for (let i = 0; i < arr.length; i++) {
      if (!closeEnough(arr[i]!, e[k]![i]!, tol)) assert.fail(`${what}: ${k === 0 ? 'y' : 'dx'}[${i}] is ${arr[i]} but ${e[k]![i]} expected`);
    }
  });
}

const SHAPES: number[][] = [...Array.from({ length: 19 }, (_, k) => [7, k + 1]), [2, 3, 64], [5, 130], [12], [0, 5], [3, 0]];

/**
 * The fused kernels sum in float64 and round once; the float32 composite rounds each exp, the sum
 * and the quotient (or log), and its log-softmax subtracts two rounded terms: a few float32 ulps of
 * the larger term. float64: the same formula with the sums in another order.
 */
const F32: Tol = { rtol: 5e-7, atol: 5e-7 };
const F64: Tol = { rtol: 1e-12, atol: 1e-13 };

for (const backend of ['ts', 'wasm'] as const) {
  test(`softmax and logSoftmax on ${backend}: values and gradients equal the composite's, float32 and float64, odd widths and edges`, () => {
    SHAPES.forEach((shape, k) => {
      for (const log of [false, true]) {
        for (const dtype of ['float32', 'float64'] as const) {
          for (const edges of [false, true]) {
            const what = `${backend} ${log ? 'logSoftmax' : 'softmax'} ${dtype} ${JSON.stringify(shape)}${edges ? ' with edges' : ''}`;
            if (shape[shape.length - 1] === 0) {
              // The composite's max refuses an empty dim; PyTorch (and the primitive) give an empty result.
              assert.deepEqual(run(fused, backend, dtype, shape, log, k + 1, edges).map((a) => a.length), [0, 0], what);
              continue;
            }
            assertClose(run(fused, backend, dtype, shape, log, k + 1, edges), run(composite, backend, dtype, shape, log, k + 1, edges), dtype === 'float32' ? F32 : F64, what);
          }
        }
      }
    });
  });
}

test('softmax on wasm agrees with the reference within an f32 ulp, also where rows split across threads', () => {
  const shapes = [...SHAPES, [1024, 64], [300, 257], [3, 5000]];
  shapes.forEach((shape, k) => {
    for (const log of [false, true]) {
      assertClose(run(fused, 'wasm', 'float32', shape, log, k + 50, true), run(fused, 'ts', 'float32', shape, log, k + 50, true), TOL.transcendentalF32, `wasm vs ts ${log ? 'logSoftmax' : 'softmax'} ${JSON.stringify(shape)}`);
    }
  });
  const paths = wasmPaths('softmax', () => {
    run(fused, 'wasm', 'float32', [64, 32], false, 3, false);
    run(fused, 'wasm', 'float32', [64, 32], true, 3, false);
  });
  assert.deepEqual(paths, ['softmax:wasm', 'softmaxGrad:wasm']);
});

test('softmax and logSoftmax gradients match finite differences (float64)', () => {
  const shape = [3, 5];
  const xs = data(15, 7, 3);
  const u = ax.fromArray(data(15, 8, 1), shape, 'float64');
  for (const log of [false, true]) {
    const loss = ([v]: Float64Array[]): number => ax.noGrad(() => ax.sum(ax.mul(fused(ax.fromArray(v!, shape, 'float64'), log), u)).item());
    const x = ax.fromArray(xs, shape, 'float64').requiresGrad_();
    const [g] = ax.gradients(ax.sum(ax.mul(fused(x, log), u)), [x]);
    assertFiniteDiff([xs], [g!.data()], loss, (_, i) => `${log ? 'logSoftmax' : 'softmax'} x[${i}]`);
  }
});

test('second derivatives through softmax and logSoftmax (createGraph) equal the composite\'s', () => {
  for (const backend of ['ts', 'wasm'] as const) {
    for (const log of [false, true]) {
      const second = (f: Sm): Float64Array[] => ax.scope(() => {
        const b = ax.getBackend(backend);
        const x = ax.fromArray(data(24, 5, 2), [4, 6], 'float64', b).requiresGrad_();
        const u = ax.fromArray(data(24, 6, 1), [4, 6], 'float64', b);
        const [first] = ax.gradients(ax.sum(ax.mul(f(x, log), u)), [x], { createGraph: true });
        const [sec] = ax.gradients(ax.sum(ax.mul(first!, first!)), [x]);
        return [Float64Array.from(first!.data()), Float64Array.from(sec!.data())];
      });
      assertClose(second(fused), second(composite), F64, `${backend} ${log ? 'logSoftmax' : 'softmax'} first and second derivatives`);
    }
  }
});

test('attention weights and cross-entropy take the fused primitive; softmax over another dim, and a large log-softmax under a gradient, compose', () => {
  ax.setBackend('wasm');
  try {
    ax.manualSeed(3);
    const q = ax.randn([2, 5, 8]).requiresGrad_();
    const att = wasmCalls(() => ax.sum(ax.scaledDotProductAttention(q, q, q, { isCausal: true })).backward());
    assert.equal(att.softmax, 1);
    assert.equal(att.softmaxGrad, 1);
    assert.equal(att.exp, undefined);
    const logits = ax.randn([6, 10]).requiresGrad_();
    const ce = wasmCalls(() => ax.crossEntropy(logits, ax.fromArray([1, 0, 9, 3, 3, 2], [6], 'int32')).backward());
    assert.equal(ce.softmax, 1);
    assert.equal(ce.softmaxGrad, 1);
    // A large log-softmax with a gradient to come composes (its backward reuses the forward's exps);
    // without one it stays fused.
    const big = ax.randn([200, 100]).requiresGrad_();
    const wide = wasmCalls(() => ax.sum(ax.logSoftmax(big)).backward());
    assert.equal(wide.softmax, undefined);
    assert.equal(wide.exp, 1);
    const wideNoGrad = wasmCalls(() => { ax.noGrad(() => ax.logSoftmax(big)); });
    assert.equal(wideNoGrad.softmax, 1);
    const other = wasmCalls(() => { ax.softmax(ax.randn([4, 3, 2]), { dim: 1 }); });
    assert.equal(other.softmax, undefined);
    assert.equal(other.exp, 1);
  } finally {
    ax.setBackend('ts');
  }
});
