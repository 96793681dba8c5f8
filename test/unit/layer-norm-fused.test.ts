// The fused layer normalization (ops/layer-norm.ts: primitives layerNorm and layerNormGrad, the
// reference kernels in backend/ts/layer-norm.ts and the wasm ones in assembly/layer-norm.ts)
// against the composite it replaces (ops/norm.ts layerNormComposite) on the same backend: values
// and the gradients of x, weight and bias in float32 and float64, on row widths 1–19 (SIMD tails),
// several rows and normalized dims, size-0 inputs, ±∞, NaN, huge values, constant rows and
// eps = 0; wasm equal to the reference bit for bit, also on shapes whose rows and columns split
// across threads; finite differences in float64; second derivatives (createGraph) through the
// composite rule; nn.LayerNorm running the primitives, and the cases that keep the composite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { layerNormComposite } from '../../src/ops/norm.js';
import { closeEnough, TOL, type Tol } from '../tolerances.js';
import { wasmCalls, wasmPaths } from '../wasm-calls.js';
import { assertFiniteDiff } from '../finite-diff.js';

type Norm = (x: Tensor, ns: number[], w: Tensor, b: Tensor, eps: number) => Tensor;
const fused: Norm = (x, ns, w, b, eps) => ax.layerNorm(x, ns, w, b, eps);
const composite: Norm = (x, ns, w, b, eps) => layerNormComposite(x, ns.map((_, i) => x.ndim - ns.length + i), w, b, eps);

const SPECIAL = [Infinity, -Infinity, NaN, 0, -0, 1e30, -1e30, 3e38];

/** Deterministic values in [-amp, amp) (an LCG), every 7th one from SPECIAL when `edges`. */
function data(n: number, seed: number, amp: number, edges = false): number[] {
  let s = (seed * 2654435761) % 4294967296;
  return Array.from({ length: n }, (_, k) => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return edges && k % 7 === 3 ? SPECIAL[(k / 7 | 0) % SPECIAL.length]! : ((s / 4294967296) * 2 - 1) * amp;
  });
}

interface Case { shape: number[]; ns: number[]; eps: number; edges?: boolean; constantRows?: boolean }

/** y and the gradients of Σ y·u for x, weight and bias, as float64 arrays. */
function run(f: Norm, backend: string, dtype: 'float32' | 'float64', c: Case, seed: number): Float64Array[] {
  return ax.scope(() => {
    const b = ax.getBackend(backend);
    const n = c.shape.reduce((a, v) => a * v, 1);
    const D = c.ns.reduce((a, v) => a * v, 1);
    let xs = data(n, seed, 3, c.edges).map(Math.fround); // float32 values, so both dtypes see the same x
    if (c.constantRows) xs = xs.map((v, i) => (Math.floor(i / D) % 2 === 0 ? Math.fround(0.3) : v));
    const x = ax.fromArray(xs, c.shape, dtype, b).requiresGrad_();
    const w = ax.fromArray(data(D, seed + 1, 2).map(Math.fround), c.ns, dtype, b).requiresGrad_();
    const bias = ax.fromArray(data(D, seed + 2, 1).map(Math.fround), c.ns, dtype, b).requiresGrad_();
    const u = ax.fromArray(data(n, seed + 3, 1.5).map(Math.fround), c.shape, dtype, b);
    const y = f(x, c.ns, w, bias, c.eps);
    const grads = ax.gradients(ax.sum(ax.mul(y, u)), [x, w, bias]);
    return [y, ...grads].map((t) => Float64Array.from(t!.data()));
  });
}

const NAMES = ['y', 'dx', 'dweight', 'dbias'];

function assertClose(a: Float64Array[], e: Float64Array[], tol: Tol, what: string): void {
  a.forEach((arr, k) => {
    assert.equal(arr.length, e[k]!.length, `${what} ${NAMES[k]} length`);
    for (let i = 0; i < arr.length; i++) {
      if (!closeEnough(arr[i]!, e[k]![i]!, tol)) assert.fail(`${what}: ${NAMES[k]}[${i}] is ${arr[i]} fused but ${e[k]![i]} composed`);
    }
  });
}

function assertSame(a: Float64Array[], e: Float64Array[], what: string): void {
  a.forEach((arr, k) => {
    assert.equal(arr.length, e[k]!.length, `${what} ${NAMES[k]} length`);
    for (let i = 0; i < arr.length; i++) {
      if (!Object.is(arr[i], e[k]![i])) assert.fail(`${what}: ${NAMES[k]}[${i}] is ${arr[i]} on wasm but ${e[k]![i]} on the reference`);
    }
  });
}

const CASES: Case[] = [
  ...Array.from({ length: 19 }, (_, k): Case => ({ shape: [3, k + 1], ns: [k + 1], eps: 1e-5 })),
  { shape: [2, 5, 16], ns: [16], eps: 1e-5 },
  { shape: [4, 3, 6], ns: [3, 6], eps: 1e-3 },
  { shape: [7], ns: [7], eps: 1e-5 }, // one row, no leading dims
  { shape: [6, 9], ns: [9], eps: 0, constantRows: true }, // eps = 0 on constant rows: 0·∞ = NaN, as composed
  { shape: [5, 13], ns: [13], eps: 1e-5, constantRows: true },
  { shape: [9, 11], ns: [11], eps: 1e-5, edges: true },
  { shape: [0, 4], ns: [4], eps: 1e-5 },
  { shape: [3, 0], ns: [0], eps: 1e-5 },
  { shape: [67, 130], ns: [130], eps: 1e-5 },
];

/**
 * The fused kernels sum in float64 and round once; the float32 composite rounds every op and sums
 * in float32 through the reference's reduction. Its error, relative to the row's scale, is what
 * these bounds allow (values near 0 after centering get the absolute part).
 */
const F32: Tol = { rtol: 2e-5, atol: 2e-5 };
const F64: Tol = { rtol: 1e-11, atol: 1e-12 };

for (const backend of ['ts', 'wasm'] as const) {
  test(`layerNorm on ${backend}: values and gradients equal the composite's, float32 and float64, odd widths and edges`, () => {
    CASES.forEach((c, k) => {
      for (const dtype of ['float32', 'float64'] as const) {
        const what = `${backend} ${dtype} x ${JSON.stringify(c.shape)} over ${JSON.stringify(c.ns)}, eps ${c.eps}${c.edges ? ', edges' : ''}${c.constantRows ? ', constant rows' : ''}`;
        assertClose(run(fused, backend, dtype, c, k + 1), run(composite, backend, dtype, c, k + 1), dtype === 'float32' ? F32 : F64, what);
      }
    });
  });
}

test('layerNorm on wasm equals the reference bit for bit, also where rows and columns split across threads', () => {
  const cases: Case[] = [...CASES, { shape: [1024, 128], ns: [128], eps: 1e-5 }, { shape: [300, 257], ns: [257], eps: 1e-5, edges: true }, { shape: [2, 4099], ns: [4099], eps: 1e-5 }];
  cases.forEach((c, k) => {
    assertSame(run(fused, 'wasm', 'float32', c, k + 40), run(fused, 'ts', 'float32', c, k + 40), `float32 x ${JSON.stringify(c.shape)}`);
  });
  assert.deepEqual(wasmPaths('layerNorm', () => { run(fused, 'wasm', 'float32', { shape: [64, 32], ns: [32], eps: 1e-5 }, 3); }), ['layerNorm:wasm', 'layerNormGrad:wasm']);
});

test('layerNorm gradients match finite differences (float64)', () => {
  const shape = [3, 5];
  const params = [data(15, 1, 2), data(5, 2, 1.5), data(5, 3, 1)];
  const u = ax.fromArray(data(15, 4, 1), shape, 'float64');
  const loss = (vals: readonly ArrayLike<number>[], grad: boolean): [Tensor, Tensor[]] => {
    const t = vals.map((v, k) => ax.fromArray(v, k === 0 ? shape : [5], 'float64'));
    if (grad) t.forEach((p) => p.requiresGrad_());
    return [ax.sum(ax.mul(ax.layerNorm(t[0]!, 5, t[1]!, t[2]!), u)), t];
  };
  const [l, ts] = loss(params, true);
  const grads = ax.gradients(l, ts).map((g) => Float64Array.from(g!.data()));
  assertFiniteDiff(params, grads, (vals) => ax.noGrad(() => loss(vals, false)[0].item()), (k, i) => `${['x', 'weight', 'bias'][k]}[${i}]`);
});

test('second derivatives through layerNorm (createGraph) equal the composite\'s', () => {
  for (const backend of ['ts', 'wasm'] as const) {
    const second = (f: Norm): Float64Array[] => ax.scope(() => {
      const b = ax.getBackend(backend);
      const x = ax.fromArray(data(24, 5, 2), [4, 6], 'float64', b).requiresGrad_();
      const w = ax.fromArray(data(6, 6, 1.5), [6], 'float64', b).requiresGrad_();
      const bias = ax.fromArray(data(6, 7, 1), [6], 'float64', b).requiresGrad_();
      const u = ax.fromArray(data(24, 8, 1), [4, 6], 'float64', b);
      const first = ax.gradients(ax.sum(ax.mul(f(x, [6], w, bias, 1e-5), u)), [x, w, bias], { createGraph: true });
      const z = first.map((g) => ax.sum(ax.mul(g!, g!))).reduce((a, v) => ax.add(a, v));
      const sec = ax.gradients(z, [x, w], { allowUnused: true });
      return [...first, ...sec].map((g) => Float64Array.from(g!.data()));
    });
    const f = second(fused), c = second(composite);
    f.forEach((a, k) => {
      for (let i = 0; i < a.length; i++) {
        assert.ok(closeEnough(a[i]!, c[k]![i]!, F64), `${backend} ${k < 3 ? 'first' : 'second'} derivative ${['x', 'weight', 'bias'][k % 3]}[${i}]: ${a[i]} fused vs ${c[k]![i]} composed`);
      }
    });
  }
});

test('nn.LayerNorm runs the fused primitives; other weights and a missing bias keep the composite', () => {
  ax.setBackend('wasm');
  try {
    ax.manualSeed(2);
    const ln = new ax.LayerNorm(8);
    const x = ax.randn([3, 4, 8]).requiresGrad_();
    const c = wasmCalls(() => ax.sum(ln.forward(x)).backward());
    assert.equal(c.layerNorm, 1);
    assert.equal(c.layerNormGrad, 1);
    assert.equal(c.rsqrt, undefined);
    const noBias = wasmCalls(() => { ax.layerNorm(x, 8, ax.ones([8]), null); });
    assert.equal(noBias.layerNorm, undefined);
    assert.equal(noBias.rsqrt, 1);
    const f64Weight = wasmCalls(() => { ax.layerNorm(x, 8, ax.ones([8], { dtype: 'float64' }), ax.zeros([8])); });
    assert.equal(f64Weight.layerNorm, undefined);
    const int = wasmCalls(() => { ax.layerNorm(ax.ones([2, 3], { dtype: 'int32' }), 3, ax.ones([3]), ax.zeros([3])); });
    assert.equal(int.layerNorm, 1); // integer input is cast to float first, as composed
  } finally {
    ax.setBackend('ts');
  }
});
