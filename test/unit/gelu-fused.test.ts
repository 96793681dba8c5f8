// The fused GELU (ops/gelu.ts: primitive gelu, with the slope gelu′(x) when a gradient will be needed; the reference kernels in
// backend/ts/gelu.ts and the wasm ones in assembly/gelu.ts) against the composite it replaced
// (geluComposite: cast, clamp, erf or tanh, adds and muls) on the same backend: values and
// gradients for both approximations, in float32 and float64, on sizes 1–33 (SIMD tails) and a
// large odd one, with ±∞, NaN, ±0, huge |x| and the clamp bound; size-0 and integer inputs;
// second derivatives (createGraph) through the composite rule; nn.GELU running the primitive, its
// backward pass one product by the saved slope; the wasm slope against the reference's.
// float32: the fused kernel computes in float64 and rounds once, so it is held to the float64
// composite rounded to float32 (TOL.fusedGeluF32; on wasm TOL.fusedGeluWasmF32, for its erf), and
// to the float32 composite within what that composite's per-op roundings cost
// (TOL.geluCompositeF32: its 1 + erf(x/√2) and 1 − tanh² cancel for negative x).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { WasmBackend } from '../../src/backend/wasm/wasm-backend.js';
import { geluComposite } from '../../src/ops/gelu.js';
import { closeEnough, TOL, type Tol } from '../tolerances.js';

const BACKENDS = ['ts', 'wasm'] as const;
const APPROX = ['none', 'tanh'] as const;
type Approx = (typeof APPROX)[number];
type Gelu = (x: Tensor, o: { approximate: Approx }) => Tensor;
const fused: Gelu = (x, o) => ax.gelu(x, o);

const SPECIAL = [Infinity, -Infinity, NaN, 0, -0, 1e30, -1e30, 3e38, -3e38, 40, -40, 41, -41, 39.5, -39.5, 1e-30, -0.75];

/** Deterministic values in [-amp, amp) (an LCG), every 5th one from SPECIAL when `edges`. */
function data(n: number, seed: number, amp: number, edges = false): number[] {
  let s = (seed * 2654435761) % 4294967296;
  return Array.from({ length: n }, (_, k) => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return edges && k % 5 === 2 ? SPECIAL[(k / 5 | 0) % SPECIAL.length]! : ((s / 4294967296) * 2 - 1) * amp;
  });
}

/** gelu(x) and the gradient of Σ gelu(x)·w, as float64 arrays. */
function run(f: Gelu, backend: string, dtype: 'float32' | 'float64', xs: number[], ws: number[], approximate: Approx): [Float64Array, Float64Array] {
  const b = ax.getBackend(backend);
  const x = ax.fromArray(xs, [xs.length], dtype, b).requiresGrad_();
  const w = ax.fromArray(ws, [ws.length], dtype, b);
  const y = f(x, { approximate });
  const [g] = ax.gradients(ax.sum(ax.mul(y, w)), [x]);
  return [Float64Array.from(y.data()), Float64Array.from(g!.data())];
}

function assertClose(a: Float64Array, e: Float64Array, tol: Tol, what: string, xs: number[]): void {
  assert.equal(a.length, e.length, what);
  for (let i = 0; i < a.length; i++) {
    if (!closeEnough(a[i]!, e[i]!, tol)) assert.fail(`${what}: at x = ${xs[i]} (element ${i}) the fused kernel gives ${a[i]} but the composite ${e[i]}`);
  }
}

const SIZES = [...Array.from({ length: 33 }, (_, k) => k + 1), 20_011];

for (const backend of BACKENDS) {
  for (const approximate of APPROX) {
    test(`gelu on ${backend}, approximate '${approximate}': values and gradients equal the composite's on sizes 1–33 and 20,011, edges included`, () => {
      for (const n of SIZES) {
        const xs = data(n, n, 9, true).map(Math.fround); // float32 inputs, so both dtypes see the same x
        const ws = data(n, n + 1, 2).map(Math.fround);
        // float64: the same formula; the forward is the composite's bit for bit.
        const [y64, g64] = run(fused, backend, 'float64', xs, ws, approximate);
        const [cy64, cg64] = run(geluComposite, backend, 'float64', xs, ws, approximate);
        assertClose(y64, cy64, TOL.fusedGeluF64, `n=${n} float64 value`, xs);
        assertClose(g64, cg64, TOL.fusedGeluF64, `n=${n} float64 gradient`, xs);
        // float32 against the float64 composite rounded once, and against the float32 composite.
        const [y32, g32] = run(fused, backend, 'float32', xs, ws, approximate);
        const tol = backend === 'wasm' ? TOL.fusedGeluWasmF32 : TOL.fusedGeluF32;
        assertClose(y32, cy64.map(Math.fround), tol, `n=${n} float32 value vs float64 composite`, xs);
        assertClose(g32, cg64.map(Math.fround), tol, `n=${n} float32 gradient vs float64 composite`, xs);
        const [cy32, cg32] = run(geluComposite, backend, 'float32', xs, ws, approximate);
        assertClose(y32, cy32, TOL.geluCompositeF32, `n=${n} float32 value`, xs);
        assertClose(g32, cg32, TOL.geluCompositeF32, `n=${n} float32 gradient`, xs);
      }
    });
  }
}

test('gelu at the edges: +∞ → +∞ with gradient 1, −∞ and huge negative x → the composite\'s value with gradient 0, NaN propagates, −0 stays −0', () => {
  const xs = [Infinity, -Infinity, NaN, -0, 1e30, -1e30, 41, -41];
  for (const backend of BACKENDS) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const approximate of APPROX) {
        const ones = xs.map(() => 1);
        const [y, g] = run(fused, backend, dtype, xs, ones, approximate);
        const [cy, cg] = run(geluComposite, backend, dtype, xs, ones, approximate);
        const at = `${backend} ${dtype} '${approximate}'`;
        xs.forEach((x, i) => {
          assert.ok(Object.is(y[i], cy[i]), `${at}: gelu(${x}) is ${y[i]}, the composite gives ${cy[i]}`);
          assert.ok(Number.isNaN(cg[i]!) ? Number.isNaN(g[i]!) : g[i] === cg[i], `${at}: gelu'(${x}) is ${g[i]}, the composite gives ${cg[i]}`);
        });
        assert.equal(y[0], Infinity, `${at}: gelu(+∞)`);
        assert.deepEqual([g[0], g[1], g[4], g[5]], [1, 0, 1, 0], `${at}: gradients at ±∞ and ±1e30`);
        assert.ok(Number.isNaN(y[2]!) && Number.isNaN(g[2]!), `${at}: NaN propagates`);
        assert.ok(Object.is(y[3], -0), `${at}: gelu(−0) = −0`);
        assert.equal(y[4], dtype === 'float32' ? Math.fround(1e30) : 1e30, `${at}: gelu(1e30) = 1e30`);
      }
    }
  }
});

test('gelu on size-0 tensors, and on integer inputs (cast to float32 first, as the composite casts)', () => {
  for (const backend of BACKENDS) {
    const b = ax.getBackend(backend);
    for (const shape of [[0], [2, 0, 3]]) {
      const x = ax.fromArray([], shape, 'float32', b).requiresGrad_();
      const y = ax.gelu(x);
      assert.deepEqual(y.shape, shape);
      const [g] = ax.gradients(ax.sum(y), [x]);
      assert.deepEqual(g!.shape, shape);
    }
    const i = ax.fromArray([-3, -1, 0, 2, 50], [5], 'int32', b);
    for (const approximate of APPROX) {
      const y = ax.gelu(i, { approximate });
      assert.equal(y.dtype, 'float32');
      assertClose(Float64Array.from(y.data()), Float64Array.from(geluComposite(i, { approximate }).data()), TOL.geluCompositeF32, `${backend} int32 '${approximate}'`, [-3, -1, 0, 2, 50]);
    }
  }
});

test('second derivatives through gelu (createGraph) equal the composite\'s and central finite differences of the first', () => {
  const xs = [-45, -6, -2.5, -0.75, -0.1, 0, 0.3, 1.7, 4, 39, 45];
  for (const backend of BACKENDS) {
    const b = ax.getBackend(backend);
    for (const approximate of APPROX) {
      const second = (f: Gelu, at: number[]): [Float64Array, Float64Array] => {
        const x = ax.fromArray(at, [at.length], 'float64', b).requiresGrad_();
        const [g] = ax.gradients(ax.sum(f(x, { approximate })), [x], { createGraph: true });
        const [h] = ax.gradients(ax.sum(g!), [x]);
        return [Float64Array.from(g!.data()), Float64Array.from(h!.data())];
      };
      const [g, h] = second(fused, xs);
      const [cg, ch] = second(geluComposite, xs);
      assertClose(g, cg, TOL.fusedGeluF64, `${backend} '${approximate}' first derivative`, xs);
      assertClose(h, ch, TOL.fusedGeluF64, `${backend} '${approximate}' second derivative`, xs);
      const step = TOL.finiteDiffStep;
      const [gp] = second(fused, xs.map((v) => v + step));
      const [gm] = second(fused, xs.map((v) => v - step));
      const fd = gp.map((v, k) => (v - gm[k]!) / (2 * step));
      assertClose(h, fd, TOL.finiteDiff, `${backend} '${approximate}' second derivative vs finite differences`, xs);
    }
  }
});

test('nn.GELU and Tensor.gelu run the fused primitive on wasm, and their backward pass is one product by the saved slope', () => {
  const wasm = ax.getBackend('wasm');
  assert.ok(wasm instanceof WasmBackend);
  const x = ax.fromArray(data(3 * 17, 9, 4), [3, 17], 'float32', wasm).requiresGrad_();
  wasm.startProfile();
  ax.sum(new ax.GELU({ approximate: 'tanh' }).forward(x)).backward();
  ax.sum(x.gelu()).backward();
  const ran = wasm.stopProfile().filter((r) => r.path === 'wasm').map((r) => r.op);
  assert.ok(ran.includes('gelu'), `gelu ran on the wasm path (ran: ${[...new Set(ran)].join(', ')})`);
  assert.ok(!ran.includes('erf') && !ran.includes('tanh') && !ran.includes('exp'), 'no composite erf/tanh/exp ran');
  // Without a gradient, y alone (x's shape); with one, y and the slope.
  const shapes: number[][] = [];
  const spy = wasm.run.bind(wasm);
  wasm.run = (op, ins, out, attrs) => { if (op === 'gelu') shapes.push([...out.shape]); spy(op, ins, out, attrs); };
  try {
    ax.noGrad(() => x.gelu());
    x.gelu();
  } finally {
    wasm.run = spy;
  }
  assert.deepEqual(shapes, [[3, 17], [2, 3, 17]]);
});

test('the wasm slope (gelu with a gradient) equals the reference\'s (TOL.fusedGeluWasmF32), at sizes 1–33 and 20,011, edges included', () => {
  for (const approximate of APPROX) {
    for (const n of SIZES) {
      const xs = data(n, n + 5, 9, true).map(Math.fround);
      const both = (backend: string): Float64Array => {
        const b = ax.getBackend(backend);
        const out = ax.fromArray(new Float32Array(2 * n), [2, n], 'float32', b);
        b.run('gelu', [{ storage: ax.fromArray(xs, [n], 'float32', b).storage, shape: [n], dtype: 'float32' }], { storage: out.storage, shape: [2, n], dtype: 'float32' }, { approximate });
        return Float64Array.from(out.data());
      };
      assertClose(both('wasm'), both('ts'), TOL.fusedGeluWasmF32, `'${approximate}' n=${n}, y then slope`, [...xs, ...xs]);
    }
  }
});

test('gelu rejects an unknown approximation by name', () => {
  assert.throws(() => ax.gelu(ax.zeros([2]), { approximate: 'fast' as 'none' }), (e: Error) => e.name === 'ValueError' && /gelu: approximate must be 'none' or 'tanh', got "fast"/.test(e.message));
});
