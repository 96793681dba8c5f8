// Every wasm kernel against the ts reference on odd shapes (0, 1, 3, 5, 17, 127 elements, SIMD
// tails, broadcasting, transposed and batched GEMMs), plus the wasm memory model: use-after-free,
// flat memory over scoped steps, memory growth, GC reclaim accounting and thread-count invariance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import { UseAfterFreeError, type Tensor } from '../../src/index.js';
import { closeEnough, TOL, type Tol } from '../tolerances.js';
import { kernelData as data } from '../kernel-data.js'; // deterministic values, specials optional

const wasm = ax.getBackend('wasm');
const ts = ax.getBackend('ts');
ax.setBackend('wasm');


/** The same values as a tensor on each backend. */
function pair(shape: number[], seed: number, dtype: ax.DType = 'float32', specials = false): [Tensor, Tensor] {
  const n = shape.reduce((a, b) => a * b, 1);
  let d: ArrayLike<number> = data(n, seed, specials);
  if (dtype === 'bool') d = Array.from(d, (v) => (v > 0 ? 1 : 0));
  return [ax.fromArray(d, shape, dtype, wasm), ax.fromArray(d, shape, dtype, ts)];
}

const same = (x: number, y: number): boolean => (Number.isNaN(x) ? Number.isNaN(y) : Object.is(x, y) || x === y);

function assertEqualTensors(w: Tensor, r: Tensor, what: string, tol?: Tol): void {
  assert.deepEqual(w.shape, r.shape, `${what}: shape`);
  assert.equal(w.dtype, r.dtype, `${what}: dtype`);
  const a = w.data();
  const b = r.data();
  for (let i = 0; i < a.length; i++) {
    const ok = tol ? closeEnough(a[i]!, b[i]!, tol) : same(a[i]!, b[i]!);
    if (!ok) assert.fail(`${what}: element ${i} is ${a[i]} on wasm but ${b[i]} on ts${tol ? ` (rtol ${tol.rtol}, atol ${tol.atol})` : ' (exact)'}`);
  }
}

const SIZES = [0, 1, 3, 5, 17, 127];
const BROADCASTS: [number[], number[]][] = [
  [[4, 5], [5]], [[4, 5], [4, 1]], [[4, 1], [1, 5]], [[], [17]], [[17], []], [[2, 3, 4], [3, 4]],
  [[2, 3, 4], [2, 1, 4]], [[6, 33], [6, 33]], [[3, 1, 7], [3, 5, 7]], [[0, 3], [3]], [[4, 6, 5, 5], [6, 1, 1]],
  [[2, 3, 4, 5], [3, 1, 5]],
];
const SHAPE_PAIRS: [number[], number[]][] = [...SIZES.map((n): [number[], number[]] => [[n], [n]]), ...BROADCASTS];

for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
  test(`wasm ${op} equals the reference exactly (sizes, tails, broadcasting, NaN/±0/±Inf)`, () => {
    SHAPE_PAIRS.forEach(([sa, sb], k) => {
      const [a, a0] = pair(sa, 3 * k + 1, 'float32', true);
      const [b, b0] = pair(sb, 3 * k + 2, 'float32', true);
      assertEqualTensors(ax[op](a, b), ax[op](a0, b0), `${op} ${JSON.stringify(sa)}·${JSON.stringify(sb)}`);
    });
  });
}

for (const op of ['neg', 'abs', 'relu', 'sqrt', 'rsqrt'] as const) {
  test(`wasm ${op} equals the reference exactly`, () => {
    for (const n of [...SIZES, 1000]) {
      const [x, x0] = pair([n], n + 7, 'float32', true);
      assertEqualTensors(ax[op](x), ax[op](x0), `${op} [${n}]`);
    }
  });
}

for (const op of ['exp', 'expm1', 'log', 'tanh', 'sigmoid', 'erf'] as const) {
  test(`wasm ${op} is within one f32 ulp of the reference (wide range, tails, special values)`, () => {
    const wide = (n: number, seed: number): Float64Array => data(n, seed, true).map((v, i) => (i % 3 === 0 ? v * 120 : i % 3 === 1 ? v * 1e-6 : v * 8));
    for (const n of [...SIZES, 4099]) {
      const d = wide(n, n + 3);
      if (op === 'log') for (let i = 0; i < d.length; i += 2) d[i] = Math.abs(d[i]!) * 1e3; // mostly positive
      const x = ax.fromArray(d, [n], 'float32', wasm);
      const x0 = ax.fromArray(d, [n], 'float32', ts);
      assertEqualTensors(ax[op](x), ax[op](x0), `${op} [${n}]`, TOL.transcendentalF32);
    }
  });
}

test('wasm where (bool condition, broadcast branches) and f32 copy equal the reference', () => {
  for (const [shape, other] of [[[5], [5]], [[4, 17], [17]], [[3, 5], []], [[127], [127]], [[131], []], [[3, 4, 37], [37]], [[70001], [70001]]] as [number[], number[]][]) {
    const [c, c0] = pair(shape, 11, 'bool');
    const [a, a0] = pair(shape, 12);
    const [b, b0] = pair(other, 13);
    assertEqualTensors(ax.where(c, a, b), ax.where(c0, a0, b0), `where ${JSON.stringify(shape)}`);
    assertEqualTensors(ax.where(c, b, a), ax.where(c0, b0, a0), `where swapped ${JSON.stringify(shape)}`);
    assertEqualTensors(a.clone(), a0.clone(), 'clone');
  }
  // A causal mask broadcast over batch and heads, as attention uses it.
  const [m, m0] = pair([5, 5], 14, 'bool');
  const [s, s0] = pair([2, 3, 5, 5], 15);
  const ninf = ax.fromArray([-Infinity], [], 'float32', wasm);
  const ninf0 = ax.fromArray([-Infinity], [], 'float32', ts);
  assertEqualTensors(ax.where(m, s, ninf), ax.where(m0, s0, ninf0), 'where with a broadcast mask');
  const [c3, c30] = pair([2, 1, 5, 1], 16, 'bool');
  assertEqualTensors(ax.where(c3, s, ninf), ax.where(c30, s0, ninf0), 'where with a 3-level mask (reference path)');
});

test('wasm sum/max/min equal the reference exactly over adjacent and non-adjacent dims', () => ax.scope(() => {
  const cases: [number[], number[]][] = [
    [[0], [0]], [[1], [0]], [[127], [0]], [[3, 5], [0]], [[3, 5], [1]], [[3, 5], [0, 1]], [[2, 3, 4], [1]],
    [[2, 3, 4], [0, 1]], [[2, 3, 4], [1, 2]], [[2, 3, 4], [0, 2]], [[300, 5], [0]], [[5, 300], [1]], [[4, 1, 3], [1]],
    [[2, 600, 3], [1]], [[4, 6, 5, 5], [0, 2, 3]], [[3, 7, 2, 9], [0, 3]],
    // Rows of a last-dim reduction go eight (sums) or four at a time, then one by one: every split
    // of rows and of k (n < 4, n % 4 ≠ 0), n = 0, and a part boundary inside a group (1031 rows).
    [[19, 13], [1]], [[13, 6], [1]], [[12, 3], [1]], [[9, 0], [1]], [[2, 3, 17], [2]], [[37, 64], [1]], [[1031, 41], [1]],
    // Sums down the rows of a wide block, sixteen columns at a time, then the rest: one outer row
    // (its columns split across threads: a bias gradient), several, tails of 1…15 columns, n = 0.
    [[2048, 512], [0]], [[64, 33, 48], [0, 1]], [[700, 37], [0]], [[3, 90, 47], [1]], [[0, 40], [0]], [[1, 1000, 31], [1]],
  ];
  cases.forEach(([shape, dims], k) => {
    const [x, x0] = pair(shape, 40 + k, 'float32', true);
    for (const op of ['sum', 'max', 'min'] as const) {
      if (op !== 'sum' && shape.includes(0)) continue;
      assertEqualTensors(ax[op](x, { dim: dims }), ax[op](x0, { dim: dims }), `${op} ${JSON.stringify(shape)} dims ${JSON.stringify(dims)}`);
    }
    const [y, y0] = pair(shape, 60 + k); // without NaN: sums of finite values
    assertEqualTensors(ax.sum(y, { dim: dims, keepDim: true }), ax.sum(y0, { dim: dims, keepDim: true }), `sum finite ${JSON.stringify(shape)}`);
  });
}));

test('wasm GEMM matches the reference in every transpose variant, batched, odd sizes, M=1, K=0', () => ax.scope(() => {
  const dims: [number, number, number, number][] = [
    [1, 1, 1, 1], [1, 3, 5, 7], [2, 5, 17, 3], [1, 17, 127, 9], [3, 4, 8, 16], [1, 1, 300, 127], [2, 1, 17, 5],
    [1, 33, 0, 6], [1, 130, 260, 1], [1, 7, 3, 1030],
    [1, 37, 150, 530], [1, 64, 131, 260], [2, 9, 70, 700], // thin: more columns than rows, large enough to split across threads
    [1, 13, 300, 77], [2, 16, 520, 41], // few rows: B read in place, K past one 256 block, a partial last panel
  ];
  dims.forEach(([B, M, K, N], k) => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const [a, a0] = pair(transA ? [B, K, M] : [B, M, K], 100 + k);
        const [b, b0] = pair(transB ? [B, N, K] : [B, K, N], 200 + k);
        assertEqualTensors(ax.bmm(a, b, transA, transB), ax.bmm(a0, b0, transA, transB), `bmm B=${B} M=${M} K=${K} N=${N} tA=${transA} tB=${transB}`, TOL.gemmF32);
      }
    }
  });
}));

test('wasm GEMM reading B in place (at most 16 rows) gives the bits of the packed path', () => ax.scope(() => {
  // 17 rows pack B; their first 16 rows are the same products in the same order as 16 rows alone.
  for (const [K, N] of [[25, 784], [300, 77], [150, 100]] as [number, number][]) {
    const [a] = pair([1, 17, K], 1500 + K);
    const [b] = pair([1, K, N], 1600 + K);
    const packed = ax.bmm(a, b).data();
    const direct = ax.bmm(ax.slice(a, [null, [0, 16]]), b).data();
    for (let i = 0; i < direct.length; i++) {
      if (!Object.is(direct[i], packed[i])) assert.fail(`K=${K} N=${N}: element ${i} is ${direct[i]} read in place but ${packed[i]} packed`);
    }
  }
}));

test('wasm GEMV (M = 1, transB) gives each output the bits of its row alone, whatever block of rows or thread computes it', () => ax.scope(() => {
  // (In a scope: left to the collector, these tensors would be swept during a later test's count.)
  // The transB GEMV takes rows six, four and one at a time: each output must not depend on which.
  for (const [K, N] of [[3, 23], [17, 29], [784, 23], [130, 7]] as const) {
    const [x] = pair([1, 1, K], 500 + K);
    const [w] = pair([1, N, K], 600 + N);
    const all = ax.bmm(x, w, false, true).data();
    for (let j = 0; j < N; j++) {
      const one = ax.bmm(x, ax.slice(w, [null, [j, j + 1]]), false, true).data(); // (1, 1, 1): the one-row loop
      assert.ok(Object.is(all[j], one[0]), `K=${K} N=${N}: output ${j} is ${all[j]} in a block, ${one[0]} alone`);
    }
  }
  // Large enough to split its columns across threads (chunks start at multiples of 8, not of 6).
  const [x] = pair([1, 1, 2048], 700);
  const [w] = pair([1, 1030, 2048], 701);
  const before = ax.getNumThreads();
  try {
    ax.setNumThreads(1);
    const one = ax.bmm(x, w, false, true).data();
    ax.setNumThreads(2);
    (wasm as unknown as { warmUp(): number }).warmUp();
    assert.deepEqual(ax.bmm(x, w, false, true).data(), one, 'the GEMV differs between 1 and 2 threads');
  } finally {
    ax.setNumThreads(before);
  }
}));

test('wasm unfold/fold (im2col/col2im) equal the reference exactly: 1-D, 2-D, padding, stride, dilation', () => {
  const cases: [number[], number[], { stride?: number[]; padding?: number[]; dilation?: number[] }][] = [
    [[2, 3, 7, 9], [3, 3], {}], [[1, 1, 5, 5], [2, 2], { stride: [2, 2] }], [[2, 2, 8, 6], [3, 2], { padding: [1, 2], dilation: [2, 1] }],
    [[3, 2, 17], [5], { padding: [2], stride: [3] }], [[1, 1, 1, 1], [1, 1], {}], [[4, 6, 12, 12], [5, 5], { padding: [2, 2] }],
  ];
  cases.forEach(([shape, k, o], i) => {
    const [x, x0] = pair(shape, 300 + i);
    const u = ax.unfold(x, k, o);
    const u0 = ax.unfold(x0, k, o);
    assertEqualTensors(u, u0, `unfold ${JSON.stringify(shape)} k=${JSON.stringify(k)} ${JSON.stringify(o)}`);
    const [c, c0] = pair([...u.shape], 400 + i);
    const size = shape.slice(2);
    assertEqualTensors(ax.fold(c, size, k, o), ax.fold(c0, size, k, o), `fold ${JSON.stringify(shape)} k=${JSON.stringify(k)}`);
  });
});

test('wasm max pooling (maxPoolIndex) equals the reference exactly: values, indices and gradient; NaN, ±Inf, ±0, ties, padding, dilation, ceil mode', () => ax.scope(() => {
  type Case = [number[], number[], ax.MaxPoolOptions];
  const cases: Case[] = [
    [[2, 3, 7, 9], [2, 2], {}], [[1, 2, 5, 5], [3, 3], { stride: 2, padding: 1 }], [[2, 2, 8, 6], [3, 2], { padding: [1, 1], dilation: [2, 1] }],
    [[1, 1, 7, 7], [3, 3], { stride: 2, ceilMode: true }], [[1, 1, 1, 1], [1, 1], {}], [[64, 6, 28, 28], [2, 2], {}], [[0, 3, 4, 4], [2, 2], {}],
    [[3, 2, 17], [3], { stride: 2, padding: 1 }], [[2, 1, 9], [2], { stride: 1 }], [[1, 4, 10], [4], { stride: 3, ceilMode: true }],
  ];
  cases.forEach(([shape, k, o], i) => {
    const n = shape.reduce((p, q) => p * q, 1);
    // Half the cases quantized to a few levels (many ties), all with NaN, ±0 and ±Inf every 7th.
    const d = data(n, 1300 + i, true).map((v) => (i % 2 === 0 && Number.isFinite(v) && v !== 0 ? Math.round(v * 2) / 2 : v));
    const x = ax.fromArray(d, shape, 'float32', wasm).requiresGrad_();
    const x0 = ax.fromArray(d, shape, 'float32', ts).requiresGrad_();
    const pool = shape.length === 4 ? ax.maxPool2dWithIndices : ax.maxPool1dWithIndices;
    const [y, idx] = pool(x, k.length === 1 ? k[0]! : k, o);
    const [y0, idx0] = pool(x0, k.length === 1 ? k[0]! : k, o);
    const what = `${JSON.stringify(shape)} k=${JSON.stringify(k)} ${JSON.stringify(o)}`;
    assertEqualTensors(idx, idx0, `maxPool indices ${what}`);
    assertEqualTensors(y, y0, `maxPool values ${what}`);
    const [g, g0] = pair([...y.shape], 1400 + i);
    const [gx] = ax.gradients(ax.sum(ax.mul(y, g)), [x]);
    const [gx0] = ax.gradients(ax.sum(ax.mul(y0, g0)), [x0]);
    assertEqualTensors(gx!, gx0!, `maxPool gradient ${what}`);
  });
}));

test('wasm cat copies exactly along every dim, every dtype, with empty and one-wide parts', () => ax.scope(() => {
  for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
    const shapes: number[][] = [[3, 5, 7], [1, 1, 1], [2, 0, 3]];
    shapes.forEach((shape, i) => {
      for (let dim = 0; dim < shape.length; dim++) {
        const sizes = [shape[dim]!, 1, 0, 4];
        const parts = sizes.map((n, k) => pair(shape.map((s, d) => (d === dim ? n : s)), 800 + 10 * i + k, dtype));
        assertEqualTensors(ax.cat(parts.map((p) => p[0]), dim), ax.cat(parts.map((p) => p[1]), dim), `cat ${dtype} ${JSON.stringify(shape)} dim ${dim}`);
      }
    });
  }
}));

test('wasm movement kernels (permute, expand, slice, flip, sliceUpdate) copy exactly, every dtype', () => {
  for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
    const cases: number[][] = [[0], [1], [5], [3, 5], [2, 3, 4], [2, 1, 17, 3], [4, 33]];
    cases.forEach((shape, i) => {
      const [x, x0] = pair(shape, 500 + i, dtype);
      const what = `${dtype} ${JSON.stringify(shape)}`;
      const rev = shape.map((_, d) => shape.length - 1 - d);
      assertEqualTensors(ax.permute(x, rev), ax.permute(x0, rev), `permute ${what}`);
      assertEqualTensors(ax.flip(x, [0]), ax.flip(x0, [0]), `flip ${what}`);
      assertEqualTensors(ax.expand(x.unsqueeze(0), [3, ...shape]), ax.expand(x0.unsqueeze(0), [3, ...shape]), `expand ${what}`);
      const specs = shape.map((n) => (n > 2 ? [1, null, 2] as const : null));
      assertEqualTensors(ax.slice(x, specs), ax.slice(x0, specs), `slice ${what}`);
      const [v, v0] = pair([...ax.slice(x, specs).shape], 600 + i, dtype);
      assertEqualTensors(ax.sliceUpdate(x, specs, v), ax.sliceUpdate(x0, specs, v0), `sliceUpdate ${what}`);
      if (dtype === 'float32') {
        // sliceAdd (the adjoint of slice) through the gradient of slice.
        const xs = x.clone().requiresGrad_(); const xs0 = x0.clone().requiresGrad_();
        const [gw] = ax.gradients(ax.sum(ax.mul(ax.slice(xs, specs), v)), [xs]);
        const [gr] = ax.gradients(ax.sum(ax.mul(ax.slice(xs0, specs), v0)), [xs0]);
        assertEqualTensors(gw!, gr!, `slice gradient (sliceAdd) ${what}`);
      }
    });
    const [m, m0] = pair([4, 1, 6], 700, dtype);
    assertEqualTensors(ax.expand(m, [2, 4, 5, 6]), ax.expand(m0, [2, 4, 5, 6]), `expand middle ${dtype}`);
    assertEqualTensors(ax.permute(ax.expand(m, [4, 5, 6]), [1, 0, 2]), ax.permute(ax.expand(m0, [4, 5, 6]), [1, 0, 2]), `permute (attention-like) ${dtype}`);
  }
});

test('wasm strided copies: a value broadcast along the last dim, short and long contiguous runs, runs split between threads', () => ax.scope(() => {
  for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
    // expand of a keepdim statistic: one value per run of 10 (two vectors and a tail), and 333 per
    // run in a copy large enough to be split across threads mid-run.
    for (const [from, to] of [[[4, 3, 1], [4, 3, 10]], [[300, 1], [300, 333]], [[2, 1], [2, 3]]] as [number[], number[]][]) {
      const [x, x0] = pair(from, 800 + to[to.length - 1]!, dtype);
      assertEqualTensors(ax.expand(x, to), ax.expand(x0, to), `expand ${dtype} ${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
    }
    // permute keeping the last dim: runs of 17 elements (a byte tail for bool), 128 float32s (512
    // bytes, the largest run copied by vectors), 200 (memory.copy), and heads of 32 split and merged.
    for (const shape of [[3, 5, 17], [2, 3, 128], [2, 3, 200], [16, 4, 64, 32]]) {
      const dims = shape.length === 3 ? [1, 0, 2] : [0, 2, 1, 3];
      const [x, x0] = pair(shape, 900 + shape[shape.length - 1]!, dtype);
      assertEqualTensors(ax.permute(x, dims), ax.permute(x0, dims), `permute ${dtype} ${JSON.stringify(shape)}`);
    }
  }
}));

test('wasm argmax/argmin, gather and scatterAdd along a dim equal the reference exactly (max pooling)', () => {
  const cases: [number[], number][] = [[[5], 0], [[3, 7], 1], [[3, 7], 0], [[2, 9, 13], 1], [[4, 25, 6], 1], [[1, 1, 1], 2]];
  cases.forEach(([shape, dim], k) => {
    const [x, x0] = pair(shape, 800 + k, 'float32', true);
    for (const op of ['argmax', 'argmin'] as const) {
      assertEqualTensors(ax[op](x, { dim, keepDim: true }), ax[op](x0, { dim, keepDim: true }), `${op} ${JSON.stringify(shape)} dim ${dim}`);
    }
    const idx = ax.argmax(x, { dim, keepDim: true });
    const idx0 = ax.argmax(x0, { dim, keepDim: true });
    assertEqualTensors(ax.gather(x, dim, idx), ax.gather(x0, dim, idx0), `gather ${JSON.stringify(shape)}`);
    const [g, g0] = pair([...idx.shape], 900 + k);
    const [base, base0] = pair(shape, 950 + k);
    assertEqualTensors(ax.scatterAdd(base, dim, idx, g), ax.scatterAdd(base0, dim, idx0, g0), `scatterAdd ${JSON.stringify(shape)}`);
    // Repeated indices accumulate in order.
    const rep = ax.fromArray(new Array(3 * shape.slice(0, dim).concat(shape.slice(dim + 1)).reduce((a, b) => a * b, 1)).fill(-1), [...shape.slice(0, dim), 3, ...shape.slice(dim + 1)], 'int32', wasm);
    const rep0 = ax.fromArray(rep.data(), [...rep.shape], 'int32', ts);
    const [s3, s30] = pair([...rep.shape], 990 + k);
    assertEqualTensors(ax.scatterAdd(base, dim, rep, s3), ax.scatterAdd(base0, dim, rep0, s30), `scatterAdd repeated ${JSON.stringify(shape)}`);
  });
  const bad = ax.fromArray([7], [1], 'int32', wasm);
  assert.throws(() => ax.gather(ax.ones([3]), 0, bad), ax.ValueError);
  assert.throws(() => ax.scatterAdd(ax.ones([3]), 0, bad, ax.ones([1])), ax.ValueError);
});

test('wasm indexSelect and indexAdd along a dim equal the reference exactly (embeddings): negative and repeated indices, int32 rows, bad indices named', () => {
  const cases: [number[], number][] = [[[7, 5], 0], [[96, 128], 0], [[3, 7], 1], [[2, 9, 13], 1], [[4, 6, 3], 2], [[5], 0]];
  cases.forEach(([shape, dim], k) => {
    const n = shape[dim]!;
    const picks = [0, n - 1, -1, Math.floor(n / 2), 0, -n, n - 1, 1 % n].map((v) => Math.max(-n, Math.min(n - 1, v)));
    const idx = ax.fromArray(picks, [picks.length], 'int32', wasm);
    const idx0 = ax.fromArray(picks, [picks.length], 'int32', ts);
    const [x, x0] = pair(shape, 700 + k);
    assertEqualTensors(ax.indexSelect(x, dim, idx), ax.indexSelect(x0, dim, idx0), `indexSelect ${JSON.stringify(shape)} dim ${dim}`);
    const xi = ax.cast(ax.mul(x, 1000), 'int32'), xi0 = ax.cast(ax.mul(x0, 1000), 'int32');
    assertEqualTensors(ax.indexSelect(xi, dim, idx), ax.indexSelect(xi0, dim, idx0), `indexSelect int32 ${JSON.stringify(shape)}`);
    const srcShape = shape.map((s, i) => (i === dim ? picks.length : s));
    const [src, src0] = pair(srcShape, 750 + k);
    assertEqualTensors(ax.indexAdd(x, dim, idx, src), ax.indexAdd(x0, dim, idx0, src0), `indexAdd ${JSON.stringify(shape)} dim ${dim} (repeated indices sum in order)`);
  });
  const bad = ax.fromArray([0, 3], [2], 'int32', wasm);
  assert.throws(() => ax.indexSelect(ax.ones([3, 2]), 0, bad), (e: Error) => e instanceof ax.ValueError && /indexSelect: index 3 is out of range/.test(e.message));
  assert.throws(() => ax.indexAdd(ax.ones([3, 2]), 0, bad, ax.ones([2, 2])), (e: Error) => e instanceof ax.ValueError && /indexAdd: index 3 is out of range/.test(e.message));
});

test('wasm GEMM with the shared operand packed once by both threads matches the reference (odd sizes, K past one 256 block, every transpose)', () => {
  // [M, K, N]: rows split with op(B) packed once (M ≥ N), columns split with op(A) packed once
  // (38 rows A·Bᵀ: dot products instead).
  const dims: [number, number, number][] = [[301, 263, 67], [38, 300, 270], [130, 517, 9 * 8 + 3]];
  const before = ax.getNumThreads();
  try {
    ax.setNumThreads(2);
    assert.equal((wasm as unknown as { warmUp(): number }).warmUp(), 2, 'the worker thread did not start');
    dims.forEach(([M, K, N], k) => ax.scope(() => { // freed here, not left to the collector (a later test counts storages)
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const [a, a0] = pair(transA ? [1, K, M] : [1, M, K], 300 + k);
          const [b, b0] = pair(transB ? [1, N, K] : [1, K, N], 400 + k);
          // Count the requests for a shared buffer: the path that packs once asks for one.
          const engine = wasm as unknown as { shared(bytes: number): number };
          const shared = engine.shared;
          let asked = 0;
          engine.shared = (bytes: number): number => { asked = Math.max(asked, bytes); return shared.call(wasm, bytes); };
          let got: Tensor;
          try { got = ax.bmm(a, b, transA, transB); } finally { engine.shared = shared; }
          const packedRows = M >= N ? Math.ceil(N / 8) * 8 : Math.ceil(M / 4) * 4;
          // A·Bᵀ with at most 64 rows and a B of at most 1 MB runs as dot products: nothing packed.
          const dots = !transA && transB && (M <= 16 || (M <= 64 && N * K <= 1 << 18));
          assert.equal(asked, dots ? 0 : packedRows * K * 4, `M=${M} K=${K} N=${N} tA=${transA} tB=${transB}: ${dots ? 'packed, not run as dot products' : 'the operand was not packed once'}`);
          assertEqualTensors(got, ax.bmm(a0, b0, transA, transB), `bmm packed once M=${M} K=${K} N=${N} tA=${transA} tB=${transB}`, TOL.gemmF32);
        }
      }
    }));
  } finally {
    ax.setNumThreads(before);
  }
});

test('wasm kernels give bit-identical results on 1 and 2 threads (large and thin GEMMs, elementwise, reductions)', () => {
  const [a] = pair([300, 200], 1);
  const [b] = pair([200, 260], 2);
  const [v] = pair([100000], 3);
  const [r] = pair([400, 300], 4);
  const [thin] = pair([37, 200], 5); // 37 rows, 260 columns: the columns are split
  const [few] = pair([8, 16, 201], 6); // 16 rows: B read in place (NN), dot products (NT)
  const [wide] = pair([8, 201, 260], 7);
  const [wideT] = pair([8, 260, 201], 8);
  const runAll = (): Float32Array[] => [ax.matmul(a, b), ax.bmm(a.reshape(1, 300, 200), b.reshape(1, 260, 200), false, true), ax.matmul(thin, b),
    ax.bmm(thin.reshape(1, 37, 200), b.reshape(1, 260, 200), false, true), ax.mul(v, v), ax.relu(v), ax.sum(r, { dim: 1 }), ax.permute(r, [1, 0]), ax.exp(v),
    ax.bmm(few, wide), ax.bmm(few, wideT, false, true)]
    .map((t) => t.data() as Float32Array);
  const before = ax.getNumThreads();
  try {
    ax.setNumThreads(1);
    const one = runAll();
    ax.setNumThreads(2);
    (wasm as unknown as { warmUp(): number }).warmUp();
    const two = runAll();
    one.forEach((x, i) => assert.deepEqual(two[i], x, `result ${i} differs between 1 and 2 threads`));
  } finally {
    ax.setNumThreads(before);
  }
});

test('wasm fused Adam step matches Adam composed in float64', () => {
  const n = 1031;
  const [p] = pair([n], 5); const [g] = pair([n], 6); const [m] = pair([n], 7); const [v0] = pair([n], 8);
  const v = ax.abs(v0);
  const P = p.data(); const G = g.data(); const Mm = m.data(); const V = v.data();
  const args = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: true, step: 3 };
  assert.equal(wasm.fused!.adam!({ param: p, grad: g, m, v }, args), true);
  const want = Array.from(P, (pi, i) => {
    const gi = G[i]!;
    const mi = 0.9 * Mm[i]! + 0.1 * gi;
    const vi = 0.999 * V[i]! + 0.001 * gi * gi;
    const denom = Math.sqrt(vi) / Math.sqrt(1 - 0.999 ** 3) + 1e-8;
    return pi * (1 - 1e-2 * 0.1) - (1e-2 / (1 - 0.9 ** 3)) * (mi / denom);
  });
  const got = p.data();
  for (let i = 0; i < n; i++) assert.ok(closeEnough(got[i]!, want[i]!, TOL.fusedAdamF32), `param ${i}: ${got[i]} vs ${want[i]}`);
});

test('wasm fused Adam flushes subnormal moments only where ε hides them, and keeps them with ε = 0', () => ax.scope(() => {
  // Five kinds of element (n odd, so the tail runs too): all normal; g = 0 with subnormal m and v
  // (a stopped gradient); tiny normal g and m with a subnormal v; a subnormal g; a subnormal m.
  const n = 1033;
  const kinds = (i: number): [number, number, number] => {
    const s = ((i * 7919) % 13) / 13 + 0.5; // 0.5..1.5, varies per element
    switch (i % 5) {
      case 0: return [(s - 1) * 1e-3, (s - 1) * 1e-4, s * 1e-8];
      case 1: return [0, (s - 1) * 8e-39, s * 4e-39];
      case 2: return [s * 1e-21, s * 1e-21, s * 5e-40];
      case 3: return [s * 3e-39, s * 1e-5, s * 1e-10];
      default: return [s * 1e-3, -s * 3e-39, s * 1e-8];
    }
  };
  const SUB = 1.1754943508222875e-38;
  for (const eps of [1e-8, 0]) {
    const P = Float32Array.from({ length: n }, (_, i) => 0.01 * (((i * 31) % 17) - 8));
    const G = Float32Array.from({ length: n }, (_, i) => kinds(i)[0]);
    const M = Float32Array.from({ length: n }, (_, i) => kinds(i)[1]);
    const V = Float32Array.from({ length: n }, (_, i) => kinds(i)[2]);
    assert.ok(M.some((x) => x !== 0 && Math.abs(x) < SUB) && V.some((x) => x !== 0 && x < SUB), 'the data holds subnormal moments');
    const [p, g, m, v] = [P, G, M, V].map((d) => ax.fromArray(d, [n], 'float32', wasm)) as [Tensor, Tensor, Tensor, Tensor];
    const args = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps, weightDecay: 0, decoupled: false, step: 50 };
    assert.equal(wasm.fused!.adam!({ param: p, grad: g, m, v }, args), true);
    const bc1 = 1 - 0.9 ** 50; const bc2 = 1 - 0.999 ** 50;
    const gotP = p.data(); const gotM = m.data(); const gotV = v.data();
    for (let i = 0; i < n; i++) {
      const mi = 0.9 * M[i]! + 0.1 * G[i]!;
      const vi = 0.999 * V[i]! + 0.001 * G[i]! * G[i]!;
      const pi = P[i]! - (1e-3 / bc1) * (mi / (Math.sqrt(vi) / Math.sqrt(bc2) + eps));
      assert.ok(Number.isFinite(gotP[i]!) && closeEnough(gotP[i]!, pi, TOL.fusedAdamF32), `eps ${eps}, param ${i} (kind ${i % 5}): ${gotP[i]} vs ${pi}`);
      if (eps > 0) {
        // Flushed: no subnormal is stored, and what was dropped is below the smallest normal.
        for (const [got, want, what] of [[gotM[i]!, mi, 'm'], [gotV[i]!, vi, 'v']] as const) {
          assert.ok(got === 0 || Math.abs(got) >= SUB, `eps ${eps}: ${what}[${i}] = ${got} is subnormal`);
          assert.ok(Math.abs(got - want) <= Math.max(SUB, 1e-6 * Math.abs(want)), `eps ${eps}: ${what}[${i}] = ${got} vs ${want}`);
        }
      } else {
        // ε = 0: nothing is flushed; subnormal moments stay (to their f32 precision).
        assert.ok(Math.abs(gotM[i]! - mi) <= Math.max(2e-45, 1e-6 * Math.abs(mi)), `eps 0: m[${i}] = ${gotM[i]} vs ${mi}`);
        assert.ok(Math.abs(gotV[i]! - vi) <= Math.max(2e-45, 1e-6 * Math.abs(vi)), `eps 0: v[${i}] = ${gotV[i]} vs ${vi}`);
      }
    }
    if (eps === 0) assert.ok(gotV.some((x) => x !== 0 && x < SUB), 'eps 0 keeps subnormal v');
  }
}));

test('a freed wasm tensor throws UseAfterFreeError, also when its memory was reused', () => {
  const x = ax.fromArray([1, 2, 3], [3], 'float32', wasm);
  x.dispose();
  assert.throws(() => x.data(), UseAfterFreeError);
  const y = ax.fromArray([4, 5, 6], [3], 'float32', wasm); // likely the same block
  assert.throws(() => ax.add(x, y), UseAfterFreeError);
  assert.deepEqual([...y.data()], [4, 5, 6]);
});

test('recycled wasm memory is zero-filled (alloc contract) and survives memory growth', () => {
  ax.scope(() => { ax.fromArray(new Array(64).fill(7), [64], 'float32', wasm); });
  assert.deepEqual([...ax.zeros([64], { dtype: 'float32' }).data()], new Array(64).fill(0));
  const keepMe = ax.fromArray([1, 2, 3], [3], 'float32', wasm);
  const big = ax.zeros([8 << 20], { dtype: 'float32' }); // 32 MiB: forces the memory to grow
  assert.deepEqual([...keepMe.data()], [1, 2, 3]);
  assert.equal(ax.add(keepMe, 1).data()[2], 4);
  big.dispose();
});

test('wasm memory stays flat across many scoped training-like steps', () => {
  const w = ax.keep(ax.randn([64, 64], { requiresGrad: true }));
  const step = (): void => ax.scope(() => {
    const x = ax.randn([16, 64]);
    ax.matmul(x, w).relu().mean().backward();
  });
  for (let i = 0; i < 5; i++) step();
  const before = ax.memory() as ReturnType<typeof ax.memory> & { heapBytes: number };
  for (let i = 0; i < 200; i++) step();
  const after = ax.memory() as typeof before;
  assert.equal(after.backend, 'wasm');
  assert.ok(after.storages <= before.storages, `storages grew from ${before.storages} to ${after.storages}`);
  assert.ok(after.bytes <= before.bytes, `bytes grew from ${before.bytes} to ${after.bytes}`);
  assert.equal(after.heapBytes, before.heapBytes, 'the allocator touched new memory: blocks are not being reused');
});

test('wasm storages the garbage collector reclaims without free() return their memory', async () => {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // Give back what earlier tests left to the collector first, so that no sweep (tensor/collected.ts)
  // runs while the 100 below are made and returns older storages in the middle of the count.
  const { sweepCollected } = await import('../../src/tensor/collected.js');
  gc();
  await new Promise((r) => setTimeout(r, 10));
  sweepCollected();
  const before = wasm.memory();
  (() => { for (let i = 0; i < 100; i++) ax.fromArray([i, i, i], [3], 'float32', wasm); })(); // never freed
  assert.equal(wasm.memory().storages, before.storages + 100);
  for (let i = 0; i < 10 && wasm.memory().storages > before.storages; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10)); // finalizers run between tasks
  }
  assert.ok(wasm.memory().storages <= before.storages + 5, `only ${before.storages + 100 - wasm.memory().storages} of 100 collected storages were returned`);
});

test('the wasm backend reports which path ran each op when profiling', () => {
  const b = wasm as unknown as { startProfile(): void; stopProfile(): { op: string; path: string; calls: number }[] };
  b.startProfile();
  ax.scope(() => { ax.add(ax.ones([4]), 1); ax.log1p(ax.ones([4])); });
  const rows = b.stopProfile();
  assert.ok(rows.some((r) => r.op === 'add' && r.path === 'wasm'), JSON.stringify(rows));
  assert.ok(rows.some((r) => r.op === 'log1p' && r.path === 'reference'), JSON.stringify(rows));
});

test('the unshared single-thread build (browsers without cross-origin isolation) works, across memory growth', async () => {
  const { WasmBackend } = await import('../../src/backend/wasm/wasm-backend.js');
  const { loadVariantSync } = await import('../../src/backend/wasm/loader.js');
  const single = new WasmBackend(loadVariantSync('simd-single'));
  const a = ax.fromArray(data(300 * 200, 1), [300, 200], 'float32', single);
  const b = ax.fromArray(data(200 * 100, 2), [200, 100], 'float32', single);
  const [a0, b0] = [ax.fromArray(a.data(), [300, 200], 'float32', ts), ax.fromArray(b.data(), [200, 100], 'float32', ts)];
  const grow = single.alloc('float32', 8 << 20); // 32 MiB: the unshared buffer is detached and replaced
  assertEqualTensors(ax.matmul(a, b), ax.matmul(a0, b0), 'matmul on the unshared build', TOL.gemmF32);
  assertEqualTensors(ax.exp(ax.relu(a)), ax.exp(ax.relu(a0)), 'exp(relu) on the unshared build', TOL.transcendentalF32);
  single.free(grow);
  assert.equal(single.variant, 'simd-single');
});

test('the asynchronous start-up path (read, async compile and instantiate) gives a working backend', async () => {
  // The browser runs this path over fetch (test/browser/ checks it in Chromium); Node reads the file.
  const { WasmBackend } = await import('../../src/backend/wasm/wasm-backend.js');
  const { loadModuleAsync } = await import('../../src/backend/wasm/loader.js');
  const loaded = await loadModuleAsync();
  assert.ok(loaded.instance, 'instantiated asynchronously');
  const b = new WasmBackend(loaded);
  const x = ax.fromArray([1, -2, 3], [3], 'float32', b);
  assert.deepEqual([...ax.relu(ax.mul(x, 2)).data()], [2, 0, 6]);
  b.close();
});

test('setNumThreads validates its argument', () => {
  assert.throws(() => ax.setNumThreads(0), ax.ValueError);
  assert.throws(() => ax.setNumThreads(1.5), ax.ValueError);
});

test('the relaxed-SIMD build gives the same results where the engine supports it', async () => {
  const { execFileSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const index = fileURLToPath(new URL('../../src/index.js', import.meta.url));
  const script = `
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    const ax = await import(${JSON.stringify(index)});
    const w = ax.getBackend('wasm');
    const a = ax.randn([37, 300]); const b = ax.randn([300, 29]);
    const got = ax.matmul(a, b).data();
    ax.setBackend('ts');
    const want = ax.matmul(ax.fromArray(a.data(), [37, 300], 'float32'), ax.fromArray(b.data(), [300, 29], 'float32')).data();
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
    console.log(JSON.stringify({ variant: w.variant, worst }));
    process.exit(0);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const { variant, worst } = JSON.parse(out.trim().split('\n').pop()!) as { variant: string; worst: number };
  assert.ok(variant === 'relaxed' || variant === 'simd', variant);
  assert.ok(worst < 1e-4, `${variant} GEMM differs from the reference by ${worst}`);
});
