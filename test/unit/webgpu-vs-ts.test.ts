// Every webgpu kernel against the ts reference on odd shapes (0, 1, 3, 5, 17, 127 elements,
// broadcasting, every dtype WGSL has, special values), reads through the async calls; plus the
// backend's contract: sync reads throw SyncReadError, float64 is refused with the fix, index
// errors surface at the next read, the buffer pool keeps memory flat, and the set-up errors say
// how to get an adapter. Skipped with one line where there is no adapter (see docs/webgpu.md),
// failed instead when AXON_REQUIRE_WEBGPU=1.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { Backend } from '../../src/backend/backend.js';
import { closeEnough, TOL, type Tol } from '../tolerances.js';
import { kernelData as data } from '../kernel-data.js'; // deterministic values, specials optional
import { webgpuEnv } from '../webgpu-suite.js';

const ts = ax.getBackend('ts');
// Dawn finds SwiftShader (Debian's chromium) when no other Vulkan driver is named, as the
// each-backend WebGPU stage does (webgpu-suite.ts); set before the `webgpu` package loads.
Object.assign(process.env, webgpuEnv());
let gpu: Backend | null = null;
let why = '';
try {
  gpu = await ax.startBackend('webgpu');
} catch (e) {
  why = (e as Error).message;
}
if (gpu === null && process.env.AXON_REQUIRE_WEBGPU === '1') throw new Error(`AXON_REQUIRE_WEBGPU=1 but ${why}`);
const reason = why.replace(/^.*?webgpu is not available: /, '').split(/[.;]/)[0];
const skip = gpu === null
  ? `no WebGPU here (${reason}); to run: apt-get install chromium libvulkan1 and VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp (see docs/webgpu.md)`
  : false;
after(() => ax.closeBackend('webgpu'));

/** A test that needs the GPU (skipped with the one-line reason when there is none). */
function gtest(name: string, f: (g: Backend) => Promise<void>): void {
  test(`webgpu: ${name}`, { skip }, async () => {
    pending = [];
    await f(gpu!);
    await Promise.all(pending); // the reads run together: each read waits for the GPU
  });
}

/** Comparisons started by expect(), awaited at the end of the test. */
let pending: Promise<void>[] = [];
function expect(w: Tensor, r: Tensor, what: string, tol?: Tol): void {
  pending.push(check(w, r, what, tol));
}


function values(n: number, seed: number, dtype: ax.DType, specials: boolean): ArrayLike<number> {
  const d = data(n, seed, specials);
  if (dtype === 'bool') return Array.from(d, (v) => (v > 0 ? 1 : 0));
  if (dtype === 'int32') return Array.from(d, (v) => (Number.isFinite(v) ? Math.round(v * 50) : 7));
  return d;
}

/** The same values on the GPU and on the reference. */
function pair(g: Backend, shape: number[], seed: number, dtype: ax.DType = 'float32', specials = false): [Tensor, Tensor] {
  const v = values(shape.reduce((a, b) => a * b, 1), seed, dtype, specials);
  return [ax.fromArray(v, shape, dtype, g), ax.fromArray(v, shape, dtype, ts)];
}

const same = (x: number, y: number): boolean => (Number.isNaN(x) ? Number.isNaN(y) : x === y);

async function check(w: Tensor, r: Tensor, what: string, tol?: Tol): Promise<void> {
  assert.deepEqual(w.shape, r.shape, `${what}: shape`);
  assert.equal(w.dtype, r.dtype, `${what}: dtype`);
  const a = await w.dataAsync();
  const b = r.data();
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    const ok = tol ? closeEnough(a[i]!, b[i]!, tol) || same(a[i]!, b[i]!) : same(a[i]!, b[i]!);
    if (!ok) assert.fail(`${what}: element ${i} is ${a[i]} on webgpu but ${b[i]} on ts${tol ? ` (rtol ${tol.rtol}, atol ${tol.atol})` : ' (exact)'}`);
  }
}

const SIZES = [0, 1, 3, 5, 17, 127];
const SHAPE_PAIRS: [number[], number[]][] = [
  ...SIZES.map((n): [number[], number[]] => [[n], [n]]),
  [[4, 5], [5]], [[4, 5], [4, 1]], [[4, 1], [1, 5]], [[], [17]], [[17], []], [[2, 3, 4], [3, 4]],
  [[2, 3, 4], [2, 1, 4]], [[3, 1, 7], [3, 5, 7]], [[0, 3], [3]], [[4, 6, 5, 5], [6, 1, 1]], [[2, 3, 4, 5], [3, 1, 5]],
];

const EXACT_BINARY = ['add', 'sub', 'mul', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor'] as const;

gtest('binary ops equal the reference (sizes, broadcasting, NaN/±0/±Inf); div within float32 rounding', async (g) => {
  for (const op of [...EXACT_BINARY, 'div'] as const) {
    for (const [k, [sa, sb]] of SHAPE_PAIRS.entries()) {
      const [a, a0] = pair(g, sa, 3 * k + 1, 'float32', true);
      const [b, b0] = pair(g, sb, 3 * k + 2, 'float32', true);
      expect(ax[op](a, b), ax[op](a0, b0), `${op} ${JSON.stringify(sa)}·${JSON.stringify(sb)}`, op === 'div' ? TOL.float32 : undefined);
    }
  }
});

gtest('int32 and bool arithmetic, comparisons and logic equal the reference', async (g) => {
  for (const [k, [sa, sb]] of SHAPE_PAIRS.entries()) {
    const [a, a0] = pair(g, sa, 5 * k + 1, 'int32');
    const [b, b0] = pair(g, sb, 5 * k + 2, 'int32');
    for (const op of [...EXACT_BINARY, 'div'] as const) expect(ax[op](a, b), ax[op](a0, b0), `int32 ${op} ${JSON.stringify(sa)}`, op === 'div' ? TOL.float32 : undefined);
    const [p, p0] = pair(g, sa, 5 * k + 3, 'bool');
    const [q, q0] = pair(g, sb, 5 * k + 4, 'bool');
    for (const op of ['logicalAnd', 'logicalOr', 'logicalXor', 'eq', 'add'] as const) expect(ax[op](p, q), ax[op](p0, q0), `bool ${op} ${JSON.stringify(sa)}`);
    expect(ax.lt(a, ax.cast(q, 'float32')), ax.lt(a0, ax.cast(q0, 'float32')), 'int32 < float32');
  }
  const base = ax.fromArray([2, -3, 0, 1, -1, 5, 7], [7], 'int32', g);
  const base0 = ax.fromArray([2, -3, 0, 1, -1, 5, 7], [7], 'int32', ts);
  for (const e of [0, 1, 2, 3, -1, -2]) expect(ax.pow(base, e), ax.pow(base0, e), `int32 pow ${e}`);
  const big = ax.fromArray([2147483647, -2147483648], [2], 'int32', g);
  const big0 = ax.fromArray([2147483647, -2147483648], [2], 'int32', ts);
  expect(ax.add(big, 1), ax.add(big0, 1), 'int32 add wraps');
  expect(ax.neg(big), ax.neg(big0), 'int32 neg wraps');
});

gtest('pow follows C pow (1^y, (−1)^±∞, negative bases, zeros, infinities)', async (g) => {
  const xs = [2, -2, 0.5, -0.5, 0, -0, 1, -1, Infinity, -Infinity, NaN, 3.7, 10, 1e-3];
  const ys = [2, 3, -1, -2, 0.5, -0.5, 0, Infinity, -Infinity, NaN, 1, 2.5, 30, -3, 100.5];
  const X = xs.flatMap((x) => ys.map(() => x));
  const Y = xs.flatMap(() => ys);
  const w = ax.pow(ax.fromArray(X, [X.length], 'float32', g), ax.fromArray(Y, [Y.length], 'float32', g));
  const r = ax.pow(ax.fromArray(X, [X.length], 'float32', ts), ax.fromArray(Y, [Y.length], 'float32', ts));
  expect(w, r, 'pow grid', { rtol: 2e-6, atol: 1e-37 });
});

const EXACT_UNARY = ['neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'round', 'isNaN', 'isFinite', 'logicalNot'] as const;
const FLOAT_UNARY = ['exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'tanh', 'sigmoid', 'erf'] as const;

gtest('unary ops: exact ones exactly, transcendentals within the webgpu tolerance, over a wide range', async (g) => {
  for (const n of [...SIZES, 4099]) {
    const d = data(n, n + 3, true).map((v, i) => (i % 3 === 0 ? v * 120 : i % 3 === 1 ? v * 1e-4 : v * 8));
    for (let i = 5; i < d.length; i += 11) d[i] = Math.fround(Math.round(d[i]! * 2) / 2); // ties for round
    const x = ax.fromArray(d, [n], 'float32', g);
    const x0 = ax.fromArray(d, [n], 'float32', ts);
    for (const op of EXACT_UNARY) expect(ax[op](x), ax[op](x0), `${op} [${n}]`);
    for (const op of FLOAT_UNARY) expect(ax[op](x), ax[op](x0), `${op} [${n}]`, TOL.webgpuTranscendentalF32);
    for (const op of ['sin', 'cos'] as const) expect(ax[op](x), ax[op](x0), `${op} [${n}]`, TOL.webgpuSinCosF32); // |x| up to 120, ±0, ±Inf, NaN
    const big = data(n, n + 5).map((v) => v * 8000); // the reduction's range: |x| ≤ 8192
    for (const op of ['sin', 'cos'] as const) expect(ax[op](ax.fromArray(big, [n], 'float32', g)), ax[op](ax.fromArray(big, [n], 'float32', ts)), `${op} ×8000 [${n}]`, { rtol: 2e-6, atol: 2e-6 });
  }
  const [i, i0] = pair(g, [5, 7], 9, 'int32');
  for (const op of ['neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'round', 'isNaN', 'isFinite', 'logicalNot'] as const) expect(ax[op](i), ax[op](i0), `int32 ${op}`);
  expect(ax.exp(i), ax.exp(i0), 'exp of int32 (cast to float32 first)', TOL.webgpuTranscendentalF32);
});

gtest('where (broadcast condition and branches) and casts between float32, int32 and bool', async (g) => {
  for (const [shape, other] of [[[5], [5]], [[4, 17], [17]], [[3, 5], []], [[127], [127]], [[2, 1, 5, 1], [2, 3, 5, 5]]] as [number[], number[]][]) {
    const [c, c0] = pair(g, shape, 11, 'bool');
    const [a, a0] = pair(g, other, 12, 'float32', true);
    const [b, b0] = pair(g, shape, 13, 'float32');
    expect(ax.where(c, a, b), ax.where(c0, a0, b0), `where ${JSON.stringify(shape)}`);
    const [ia, ia0] = pair(g, other, 14, 'int32');
    expect(ax.where(c, ia, 3), ax.where(c0, ia0, 3), `where int32 ${JSON.stringify(shape)}`);
  }
  const special = [1.5, -1.5, 2.7, -2.7, 0, -0, NaN, Infinity, -Infinity, 3e9, -3e9, 2147483647, 1e20, 0.25];
  const f = ax.fromArray(special, [special.length], 'float32', g);
  const f0 = ax.fromArray(special, [special.length], 'float32', ts);
  for (const to of ['int32', 'bool', 'float32'] as const) expect(ax.cast(f, to), ax.cast(f0, to), `float32 → ${to}`);
  const [i, i0] = pair(g, [17], 15, 'int32');
  for (const to of ['float32', 'bool', 'int32'] as const) expect(ax.cast(i, to), ax.cast(i0, to), `int32 → ${to}`);
  const [b, b0] = pair(g, [17], 16, 'bool');
  for (const to of ['float32', 'int32'] as const) expect(ax.cast(b, to), ax.cast(b0, to), `bool → ${to}`);
});

gtest('float64 lives on the host: casting it to float32 works, computing with it throws a DTypeError with the fix', async (g) => {
  const d = ax.fromArray([1.5, -2.25, 3], [3], 'float64', g);
  assert.deepEqual([...await ax.cast(d, 'float32').dataAsync()], [1.5, -2.25, 3]);
  assert.deepEqual([...await ax.cast(d, 'int32').dataAsync()], [1, -2, 3]);
  assert.deepEqual([...await d.dataAsync()], [1.5, -2.25, 3]);
  assert.throws(() => ax.add(d, d), (e: Error) => e instanceof ax.DTypeError && /add/.test(e.message) && /float64/.test(e.message) && /\.float\(\)/.test(e.message));
});

gtest('reductions sum/prod/max/min over adjacent and non-adjacent dims, thread, workgroup and two-pass paths', async (g) => {
  const cases: [number[], number[]][] = [
    [[0], [0]], [[1], [0]], [[127], [0]], [[3, 5], [0]], [[3, 5], [1]], [[3, 5], [0, 1]], [[2, 3, 4], [1]],
    [[2, 3, 4], [0, 2]], [[300, 5], [0]], [[5, 300], [1]], [[4, 1, 3], [1]], [[2, 600, 3], [1]],
    [[4, 6, 5, 5], [0, 2, 3]], [[3, 7, 2, 9], [0, 3]], [[70000], [0]], [[3, 1000], [0, 1]], [[2, 300000], [1]], [[200000, 3], [0]],
  ];
  for (const [k, [shape, dims]] of cases.entries()) {
    const [x, x0] = pair(g, shape, 40 + k, 'float32', true);
    for (const op of ['max', 'min'] as const) {
      if (shape.includes(0)) continue;
      expect(ax[op](x, { dim: dims }), ax[op](x0, { dim: dims }), `${op} ${JSON.stringify(shape)} dims ${JSON.stringify(dims)}`);
    }
    const [y, y0] = pair(g, shape, 60 + k);
    const R = dims.reduce((p, d) => p * shape[d]!, 1);
    // float32 accumulation (the reference sums in float64): chains of up to R/256 adds per thread, then a tree.
    expect(ax.sum(y, { dim: dims, keepDim: true }), ax.sum(y0, { dim: dims, keepDim: true }), `sum ${JSON.stringify(shape)} dims ${JSON.stringify(dims)}`, { rtol: 1e-5, atol: 4e-6 * Math.sqrt(R) + 1e-6 });
    const [p, p0] = pair(g, shape, 80 + k);
    const pp = ax.add(ax.mul(p, 0.05), 1); const pp0 = ax.add(ax.mul(p0, 0.05), 1);
    expect(ax.prod(pp, { dim: dims }), ax.prod(pp0, { dim: dims }), `prod ${JSON.stringify(shape)}`, { rtol: 1e-6 * Math.sqrt(R) + 1e-6, atol: 1e-30 });
    const [z, z0] = pair(g, shape, 90 + k, 'int32');
    expect(ax.sum(z, { dim: dims }), ax.sum(z0, { dim: dims }), `int32 sum ${JSON.stringify(shape)}`);
    if (!shape.includes(0)) expect(ax.max(z, { dim: dims }), ax.max(z0, { dim: dims }), `int32 max ${JSON.stringify(shape)}`);
  }
});

gtest('argmax/argmin: first index of the extreme, the first NaN wins, thread and workgroup paths', async (g) => {
  const cases: [number[], number][] = [[[5], 0], [[3, 7], 1], [[3, 7], 0], [[2, 9, 13], 1], [[4, 25, 6], 1], [[1, 1, 1], 2], [[3, 500], 1], [[700, 2], 0]];
  for (const [k, [shape, dim]] of cases.entries()) {
    const [x, x0] = pair(g, shape, 800 + k, 'float32', true);
    const [y, y0] = pair(g, shape, 850 + k);
    const ties = ax.round(ax.mul(y, 2)); const ties0 = ax.round(ax.mul(y0, 2));
    for (const op of ['argmax', 'argmin'] as const) {
      expect(ax[op](x, { dim, keepDim: true }), ax[op](x0, { dim, keepDim: true }), `${op} ${JSON.stringify(shape)} dim ${dim}`);
      expect(ax[op](ties, { dim }), ax[op](ties0, { dim }), `${op} with ties ${JSON.stringify(shape)}`);
    }
    const [z, z0] = pair(g, shape, 870 + k, 'int32');
    expect(ax.argmax(z, { dim }), ax.argmax(z0, { dim }), `int32 argmax ${JSON.stringify(shape)}`);
  }
});

gtest('GEMM matches the reference in every transpose variant, batched, odd sizes, M=1, K=0, large tiles, vec4 loads, int32', async (g) => {
  const dims: [number, number, number, number][] = [
    [1, 1, 1, 1], [1, 3, 5, 7], [2, 5, 17, 3], [1, 17, 127, 9], [3, 4, 8, 16], [1, 1, 300, 127], [2, 1, 17, 5],
    [1, 33, 0, 6], [1, 130, 200, 65], [1, 7, 3, 300], [3, 64, 64, 64], [1, 520, 33, 530], [2, 516, 36, 520], [1, 9, 12, 20],
  ];
  for (const [k, [B, M, K, N]] of dims.entries()) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const [a, a0] = pair(g, transA ? [B, K, M] : [B, M, K], 100 + k);
        const [b, b0] = pair(g, transB ? [B, N, K] : [B, K, N], 200 + k);
        expect(ax.bmm(a, b, transA, transB), ax.bmm(a0, b0, transA, transB), `bmm B=${B} M=${M} K=${K} N=${N} tA=${transA} tB=${transB}`, TOL.gemmF32);
      }
    }
  }
  const [a, a0] = pair(g, [2, 9, 13], 300, 'int32');
  const [b, b0] = pair(g, [2, 13, 5], 301, 'int32');
  expect(ax.bmm(a, b), ax.bmm(a0, b0), 'int32 bmm');
  const nanA = ax.fromArray([0, 1, 2, 3], [1, 2, 2], 'float32', g);
  const nanB = ax.fromArray([NaN, 1, 1, 1], [1, 2, 2], 'float32', g);
  const nanA0 = ax.fromArray([0, 1, 2, 3], [1, 2, 2], 'float32', ts);
  const nanB0 = ax.fromArray([NaN, 1, 1, 1], [1, 2, 2], 'float32', ts);
  expect(ax.bmm(nanA, nanB), ax.bmm(nanA0, nanB0), '0·NaN stays NaN');
});

gtest('movement kernels (permute, expand, slice, flip, sliceUpdate, sliceAdd, pad, cat) copy exactly, every dtype', async (g) => {
  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    const cases: number[][] = [[0], [1], [5], [3, 5], [2, 3, 4], [2, 1, 17, 3], [4, 33]];
    for (const [i, shape] of cases.entries()) {
      const [x, x0] = pair(g, shape, 500 + i, dtype);
      const what = `${dtype} ${JSON.stringify(shape)}`;
      const rev = shape.map((_, d) => shape.length - 1 - d);
      expect(ax.permute(x, rev), ax.permute(x0, rev), `permute ${what}`);
      expect(ax.flip(x, [0]), ax.flip(x0, [0]), `flip ${what}`);
      expect(ax.flip(x, rev), ax.flip(x0, rev), `flip all ${what}`);
      expect(ax.expand(x.unsqueeze(0), [3, ...shape]), ax.expand(x0.unsqueeze(0), [3, ...shape]), `expand ${what}`);
      const specs = shape.map((n) => (n > 2 ? [1, null, 2] as const : null));
      expect(ax.slice(x, specs), ax.slice(x0, specs), `slice ${what}`);
      const [v, v0] = pair(g, [...ax.slice(x0, specs).shape], 600 + i, dtype);
      expect(ax.sliceUpdate(x, specs, v), ax.sliceUpdate(x0, specs, v0), `sliceUpdate ${what}`);
      const padding = shape.length >= 2 ? [1, 2, 0, 3] : [2, 1];
      expect(ax.pad(x, padding, dtype === 'bool' ? 1 : -2.5), ax.pad(x0, padding, dtype === 'bool' ? 1 : -2.5), `pad ${what}`);
      const [y, y0] = pair(g, shape, 650 + i, dtype);
      for (let d = 0; d < shape.length; d++) expect(ax.cat([x, y, x], d), ax.cat([x0, y0, x0], d), `cat dim ${d} ${what}`);
      if (dtype === 'float32') {
        const xs = x.clone().requiresGrad_();
        const xs0 = x0.clone().requiresGrad_();
        const [gw] = ax.gradients(ax.sum(ax.mul(ax.slice(xs, specs), v)), [xs]);
        const [gr] = ax.gradients(ax.sum(ax.mul(ax.slice(xs0, specs), v0)), [xs0]);
        expect(gw!, gr!, `slice gradient (sliceAdd) ${what}`);
      }
    }
    const [m, m0] = pair(g, [4, 1, 6], 700, dtype);
    expect(ax.expand(m, [2, 4, 5, 6]), ax.expand(m0, [2, 4, 5, 6]), `expand middle ${dtype}`);
    expect(ax.permute(ax.expand(m, [4, 5, 6]), [1, 0, 2]), ax.permute(ax.expand(m0, [4, 5, 6]), [1, 0, 2]), `permute of expand ${dtype}`);
  }
});

gtest('gather, scatterAdd, indexSelect, indexAdd equal the reference (repeats, both accumulation paths)', async (g) => {
  const cases: [number[], number][] = [[[5], 0], [[3, 7], 1], [[3, 7], 0], [[2, 9, 13], 1], [[4, 25, 6], 1], [[1, 1, 1], 2]];
  for (const [k, [shape, dim]] of cases.entries()) {
    const [x, x0] = pair(g, shape, 800 + k, 'float32', true);
    const idx = ax.argmax(x, { dim, keepDim: true });
    const idx0 = ax.argmax(x0, { dim, keepDim: true });
    expect(ax.gather(x, dim, idx), ax.gather(x0, dim, idx0), `gather ${JSON.stringify(shape)}`);
    const [src, src0] = pair(g, [...idx.shape], 900 + k);
    const [base, base0] = pair(g, shape, 950 + k);
    expect(ax.scatterAdd(base, dim, idx, src), ax.scatterAdd(base0, dim, idx0, src0), `scatterAdd ${JSON.stringify(shape)}`);
    // Repeated (and negative) indices accumulate in order.
    const repShape = [...shape.slice(0, dim), 3, ...shape.slice(dim + 1)];
    const repVals = Array.from({ length: repShape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 2 === 0 ? -1 : 0));
    const rep = ax.fromArray(repVals, repShape, 'int32', g);
    const rep0 = ax.fromArray(repVals, repShape, 'int32', ts);
    const [s3, s30] = pair(g, repShape, 990 + k);
    expect(ax.scatterAdd(base, dim, rep, s3), ax.scatterAdd(base0, dim, rep0, s30), `scatterAdd repeated ${JSON.stringify(shape)}`);
  }
  // More sources per element than the deterministic path takes: atomics (sums in any order).
  const n = 600;
  const iv = Array.from({ length: n }, (_, i) => (i * 7) % 5);
  const [xb, xb0] = pair(g, [5, 3], 1);
  const [sb, sb0] = pair(g, [n, 3], 2);
  const ii = ax.fromArray(iv.flatMap((v) => [v, v, v]), [n, 3], 'int32', g);
  const ii0 = ax.fromArray(iv.flatMap((v) => [v, v, v]), [n, 3], 'int32', ts);
  expect(ax.scatterAdd(xb, 0, ii, sb), ax.scatterAdd(xb0, 0, ii0, sb0), 'scatterAdd (atomic path)', { rtol: 1e-5, atol: 1e-5 });
  const i1 = ax.fromArray(iv, [n], 'int32', g);
  const i10 = ax.fromArray(iv, [n], 'int32', ts);
  expect(ax.indexAdd(xb, 0, i1, sb), ax.indexAdd(xb0, 0, i10, sb0), 'indexAdd (atomic path)', { rtol: 1e-5, atol: 1e-5 });
  const [zi, zi0] = pair(g, [5, 3], 3, 'int32');
  const [zs, zs0] = pair(g, [n, 3], 4, 'int32');
  expect(ax.indexAdd(zi, 0, i1, zs), ax.indexAdd(zi0, 0, i10, zs0), 'int32 indexAdd (atomic path)');
  for (const [shape, dim] of [[[7, 4], 0], [[3, 7, 2], 1], [[2, 9], 1]] as [number[], number][]) {
    const [x, x0] = pair(g, shape, 10, 'float32', true);
    const sel = [0, shape[dim]! - 1, -1, 2, 0];
    const s = ax.fromArray(sel, [5], 'int32', g);
    const s0 = ax.fromArray(sel, [5], 'int32', ts);
    expect(ax.indexSelect(x, dim, s), ax.indexSelect(x0, dim, s0), `indexSelect ${JSON.stringify(shape)}`);
    const srcShape = shape.map((v, d) => (d === dim ? 5 : v));
    const [src, src0] = pair(g, srcShape, 11);
    expect(ax.indexAdd(x, dim, s, src), ax.indexAdd(x0, dim, s0, src0), `indexAdd ${JSON.stringify(shape)}`);
  }
});

gtest('an out-of-range index is reported as a ValueError at the next read', async (g) => {
  const bad = ax.fromArray([7], [1], 'int32', g);
  const y = ax.gather(ax.fromArray([1, 2, 3], [3], 'float32', g), 0, bad);
  await assert.rejects(y.dataAsync(), (e: Error) => e instanceof ax.ValueError && /gather: index 7 is out of range for dim 0 of size 3/.test(e.message));
  assert.deepEqual([...await ax.fromArray([4], [1], 'float32', g).dataAsync()], [4], 'the error is cleared once reported');
  ax.indexSelect(ax.fromArray([1, 2], [2], 'float32', g), 0, ax.fromArray([-3], [1], 'int32', g));
  await assert.rejects(ax.fromArray([1], [1], 'float32', g).dataAsync(), /indexSelect: index -3 is out of range/);
});

gtest('unfold/fold (im2col/col2im): 1-D, 2-D, padding, stride, dilation', async (g) => {
  const cases: [number[], number[], { stride?: number[]; padding?: number[]; dilation?: number[] }][] = [
    [[2, 3, 7, 9], [3, 3], {}], [[1, 1, 5, 5], [2, 2], { stride: [2, 2] }], [[2, 2, 8, 6], [3, 2], { padding: [1, 2], dilation: [2, 1] }],
    [[3, 2, 17], [5], { padding: [2], stride: [3] }], [[1, 1, 1, 1], [1, 1], {}], [[4, 6, 12, 12], [5, 5], { padding: [2, 2] }],
  ];
  for (const [i, [shape, k, o]] of cases.entries()) {
    const [x, x0] = pair(g, shape, 300 + i);
    const u = ax.unfold(x, k, o);
    expect(u, ax.unfold(x0, k, o), `unfold ${JSON.stringify(shape)} k=${JSON.stringify(k)} ${JSON.stringify(o)}`);
    const [c, c0] = pair(g, [...u.shape], 400 + i);
    const size = shape.slice(2);
    expect(ax.fold(c, size, k, o), ax.fold(c0, size, k, o), `fold ${JSON.stringify(shape)} k=${JSON.stringify(k)}`, { rtol: 1e-6, atol: 1e-6 });
  }
});

gtest('max pooling (maxPoolIndex): values, indices and gradient; NaN, ±Inf, ±0, ties, padding, dilation, ceil mode', async (g) => {
  const cases: [number[], number[], ax.MaxPoolOptions][] = [
    [[2, 3, 7, 9], [2, 2], {}], [[1, 2, 5, 5], [3, 3], { stride: 2, padding: 1 }], [[2, 2, 8, 6], [3, 2], { padding: [1, 1], dilation: [2, 1] }],
    [[1, 1, 7, 7], [3, 3], { stride: 2, ceilMode: true }], [[1, 1, 1, 1], [1, 1], {}], [[3, 2, 17], [3], { stride: 2, padding: 1 }],
    [[1, 4, 10], [4], { stride: 3, ceilMode: true }],
  ];
  for (const [i, [shape, k, o]] of cases.entries()) {
    const n = shape.reduce((p, q) => p * q, 1);
    // Quantized to a few levels (many ties), with NaN, ±0 and ±Inf every 7th.
    const d = data(n, 1300 + i, true).map((v) => (Number.isFinite(v) && v !== 0 ? Math.round(v * 2) / 2 : v));
    const x = ax.fromArray(d, shape, 'float32', g).requiresGrad_();
    const x0 = ax.fromArray(d, shape, 'float32', ts).requiresGrad_();
    const pool = shape.length === 4 ? ax.maxPool2dWithIndices : ax.maxPool1dWithIndices;
    const size = k.length === 1 ? k[0]! : k;
    const [y, idx] = pool(x, size, o);
    const [y0, idx0] = pool(x0, size, o);
    const what = `${JSON.stringify(shape)} k=${JSON.stringify(k)} ${JSON.stringify(o)}`;
    expect(idx, idx0, `maxPool indices ${what}`);
    expect(y, y0, `maxPool values ${what}`);
    const [c, c0] = pair(g, [...y.shape], 1400 + i);
    const [gx] = ax.gradients(ax.sum(ax.mul(y, c)), [x]);
    const [gx0] = ax.gradients(ax.sum(ax.mul(y0, c0)), [x0]);
    expect(gx!, gx0!, `maxPool gradient ${what}`, { rtol: 1e-6, atol: 1e-6 });
  }
});

gtest('fused LSTM cell (lstmCell, lstmCellGrad) matches the reference on odd widths and row counts, with large and non-finite pre-activations', async (g) => {
  for (const [R, H] of [[1, 1], [3, 5], [2, 7], [5, 13], [4, 33], [0, 4]] as const) {
    const pre = data(R * 4 * H, R * 7 + H, true).map((v, i) => (i % 5 === 0 ? v * 40 : v * 3));
    const c = data(R * H, R + 11 * H, true).map((v) => v * 2);
    const gr = data(2 * R * H, R + 13 * H);
    const [p, p0] = [ax.fromArray(pre, [R, 4 * H], 'float32', g), ax.fromArray(pre, [R, 4 * H], 'float32', ts)];
    const [cc, c0] = [ax.fromArray(c, [R, H], 'float32', g), ax.fromArray(c, [R, H], 'float32', ts)];
    const [gg, g0] = [ax.fromArray(gr, [2, R, H], 'float32', g), ax.fromArray(gr, [2, R, H], 'float32', ts)];
    const tol = { rtol: 1e-5, atol: 1e-6 }; // a chain of 3 sigmoid/tanh (each webgpuTranscendentalF32) and products
    const run = (b: Backend, op: 'lstmCell' | 'lstmCellGrad', ins: Tensor[], size: number, shape: number[]): Tensor => {
      const out = ax.fromArray(new Float32Array(size), [size], 'float32', b);
      b.run(op, ins.map((t) => ({ storage: t.storage, shape: t.shape, dtype: t.dtype })), { storage: out.storage, shape: [size], dtype: 'float32' }, {} as never);
      return ax.reshape(out, shape);
    };
    expect(run(g, 'lstmCell', [p, cc], 2 * R * H, [2, R, H]), run(ts, 'lstmCell', [p0, c0], 2 * R * H, [2, R, H]), `lstmCell [${R}, ${H}]`, tol);
    // Recorded for a gradient: 7 rows, the last five the saved activations.
    const saved0 = run(ts, 'lstmCell', [p0, c0], 7 * R * H, [7, R, H]);
    expect(run(g, 'lstmCell', [p, cc], 7 * R * H, [7, R, H]), saved0, `lstmCell saving activations [${R}, ${H}]`, tol);
    // The gradient from the same saved activations on both, given g's two rows or all seven.
    const saved = ax.fromArray(saved0.data(), [7, R, H], 'float32', g);
    const want = run(ts, 'lstmCellGrad', [saved0, c0, g0], 5 * R * H, [5 * R * H]);
    expect(run(g, 'lstmCellGrad', [saved, cc, gg], 5 * R * H, [5 * R * H]), want, `lstmCellGrad [${R}, ${H}]`, tol);
    const g7 = ax.cat([gg, ax.fromArray(data(5 * R * H, R + 17 * H), [5, R, H], 'float32', g)], 0); // rows 2–6 are not read
    expect(run(g, 'lstmCellGrad', [saved, cc, g7], 5 * R * H, [5 * R * H]), want, `lstmCellGrad given all seven rows [${R}, ${H}]`, tol);
  }
});

gtest('sequence-level LSTM (lstmSequence, lstmSequenceGrad) matches the reference on odd shapes, both directions, with large pre-activations', async (g) => {
  for (const [T, N, H] of [[1, 1, 1], [3, 2, 5], [5, 3, 7], [0, 2, 3], [4, 1, 33]] as const) {
    for (const reverse of [false, true]) {
      const what = `[T=${T}, N=${N}, H=${H}]${reverse ? ' reversed' : ''}`;
      const both = (vals: ArrayLike<number>, shape: number[]): [Tensor, Tensor] => [ax.fromArray(vals, shape, 'float32', g), ax.fromArray(vals, shape, 'float32', ts)];
      const [gi, gi0] = both(data(T * N * 4 * H, T + 7 * N + 11 * H).map((v, i) => (i % 9 === 4 ? v * 30 : v * 2)), [T, N, 4 * H]);
      const [w, w0] = both(data(4 * H * H, 3 * H + 1).map((v) => v * 0.6), [4 * H, H]);
      const [h, h0] = both(data(N * H, N + 5 * H), [N, H]);
      const [c, c0] = both(data(N * H, N + 9 * H).map((v) => v * 2), [N, H]);
      const tol = { rtol: 1e-4, atol: 1e-5 }; // T steps of the cell (webgpuTranscendentalF32) and of the GEMM in float32
      const run = (b: Backend, op: 'lstmSequence' | 'lstmSequenceGrad', ins: Tensor[], shape: number[]): Tensor => {
        const size = shape.reduce((a, v) => a * v, 1);
        const out = ax.fromArray(new Float32Array(size), [size], 'float32', b);
        b.run(op, ins.map((t) => ({ storage: t.storage, shape: t.shape, dtype: t.dtype })), { storage: out.storage, shape, dtype: 'float32' }, { reverse });
        return ax.reshape(out, shape);
      };
      expect(run(g, 'lstmSequence', [gi, w, h, c], [2 * T + 2, N, H]), run(ts, 'lstmSequence', [gi0, w0, h0, c0], [2 * T + 2, N, H]), `lstmSequence ${what}`, tol);
      const saved0 = run(ts, 'lstmSequence', [gi0, w0, h0, c0], [7 * T + 2, N, H]);
      expect(run(g, 'lstmSequence', [gi, w, h, c], [7 * T + 2, N, H]), saved0, `lstmSequence saving activations ${what}`, tol);
      // The gradient from the same saved output on both, given the states' planes or all of them.
      const saved = ax.fromArray(saved0.data(), [7 * T + 2, N, H], 'float32', g);
      const size = T * N * 4 * H + 4 * H * H + 2 * N * H;
      const [gr, gr0] = both(data((2 * T + 2) * N * H, T + 13 * H), [2 * T + 2, N, H]);
      const want = run(ts, 'lstmSequenceGrad', [saved0, w0, gr0], [size]);
      expect(run(g, 'lstmSequenceGrad', [saved, w, gr], [size]), want, `lstmSequenceGrad ${what}`, tol);
      const gAll = ax.cat([gr, ax.fromArray(data(5 * T * N * H, T + 17 * H), [5 * T, N, H], 'float32', g)], 0); // the saved planes are not read
      expect(run(g, 'lstmSequenceGrad', [saved, w, gAll], [size]), want, `lstmSequenceGrad given every plane ${what}`, tol);
    }
  }
});

gtest('sequence-level GRU (gruSequence, gruSequenceGrad) matches the reference on odd shapes, both directions, with large pre-activations', async (g) => {
  for (const [T, N, H] of [[1, 1, 1], [3, 2, 5], [5, 3, 7], [0, 2, 3], [4, 1, 33]] as const) {
    for (const reverse of [false, true]) {
      const what = `[T=${T}, N=${N}, H=${H}]${reverse ? ' reversed' : ''}`;
      const both = (vals: ArrayLike<number>, shape: number[]): [Tensor, Tensor] => [ax.fromArray(vals, shape, 'float32', g), ax.fromArray(vals, shape, 'float32', ts)];
      const [gi, gi0] = both(data(T * N * 3 * H, T + 7 * N + 11 * H).map((v, i) => (i % 9 === 4 ? v * 30 : v * 2)), [T, N, 3 * H]);
      const [w, w0] = both(data(3 * H * H, 3 * H + 1).map((v) => v * 0.6), [3 * H, H]);
      const [b, b0] = both(data(3 * H, 5 * H + 2).map((v) => v * 0.5), [3 * H]);
      const [h, h0] = both(data(N * H, N + 5 * H), [N, H]);
      const tol = { rtol: 1e-4, atol: 1e-5 }; // T steps of the gates (webgpuTranscendentalF32) and of the GEMM in float32
      const run = (be: Backend, op: 'gruSequence' | 'gruSequenceGrad', ins: Tensor[], shape: number[]): Tensor => {
        const size = shape.reduce((a, v) => a * v, 1);
        const out = ax.fromArray(new Float32Array(size), [size], 'float32', be);
        be.run(op, ins.map((t) => ({ storage: t.storage, shape: t.shape, dtype: t.dtype })), { storage: out.storage, shape, dtype: 'float32' }, { reverse });
        return ax.reshape(out, shape);
      };
      expect(run(g, 'gruSequence', [gi, w, b, h], [T + 1, N, H]), run(ts, 'gruSequence', [gi0, w0, b0, h0], [T + 1, N, H]), `gruSequence ${what}`, tol);
      const saved0 = run(ts, 'gruSequence', [gi0, w0, b0, h0], [5 * T + 1, N, H]);
      expect(run(g, 'gruSequence', [gi, w, b, h], [5 * T + 1, N, H]), saved0, `gruSequence saving activations ${what}`, tol);
      // The gradient from the same saved output on both, given the states' planes or all of them.
      const saved = ax.fromArray(saved0.data(), [5 * T + 1, N, H], 'float32', g);
      const size = 2 * T * N * 3 * H + N * H;
      const [gr, gr0] = both(data((T + 1) * N * H, T + 13 * H), [T + 1, N, H]);
      const want = run(ts, 'gruSequenceGrad', [saved0, w0, gr0], [size]);
      expect(run(g, 'gruSequenceGrad', [saved, w, gr], [size]), want, `gruSequenceGrad ${what}`, tol);
      const gAll = ax.cat([gr, ax.fromArray(data(4 * T * N * H, T + 17 * H), [4 * T, N, H], 'float32', g)], 0); // the saved planes are not read
      expect(run(g, 'gruSequenceGrad', [saved, w, gAll], [size]), want, `gruSequenceGrad given every plane ${what}`, tol);
    }
  }
});

gtest('sequence-level Elman RNN (rnnSequence, rnnSequenceGrad) matches the reference on odd shapes, tanh and relu, both directions', async (g) => {
  for (const [T, N, H] of [[1, 1, 1], [3, 2, 5], [5, 3, 7], [0, 2, 3], [4, 1, 33]] as const) {
    for (const reverse of [false, true]) {
      for (const relu of [false, true]) {
        const what = `[T=${T}, N=${N}, H=${H}]${reverse ? ' reversed' : ''} ${relu ? 'relu' : 'tanh'}`;
        const both = (vals: ArrayLike<number>, shape: number[]): [Tensor, Tensor] => [ax.fromArray(vals, shape, 'float32', g), ax.fromArray(vals, shape, 'float32', ts)];
        const [gi, gi0] = both(data(T * N * H, T + 7 * N + 11 * H).map((v, i) => (i % 9 === 4 ? v * 30 : v * 2)), [T, N, H]);
        const [w, w0] = both(data(H * H, 3 * H + 1).map((v) => v * 0.5), [H, H]);
        const [h, h0] = both(data(N * H, N + 5 * H), [N, H]);
        const tol = { rtol: 1e-4, atol: 1e-5 }; // T steps of tanh (webgpuTranscendentalF32) and of the GEMM in float32
        const run = (be: Backend, op: 'rnnSequence' | 'rnnSequenceGrad', ins: Tensor[], shape: number[]): Tensor => {
          const size = shape.reduce((a, v) => a * v, 1);
          const out = ax.fromArray(new Float32Array(size), [size], 'float32', be);
          be.run(op, ins.map((t) => ({ storage: t.storage, shape: t.shape, dtype: t.dtype })), { storage: out.storage, shape, dtype: 'float32' }, { reverse, relu });
          return ax.reshape(out, shape);
        };
        const out0 = run(ts, 'rnnSequence', [gi0, w0, h0], [T + 1, N, H]);
        expect(run(g, 'rnnSequence', [gi, w, h], [T + 1, N, H]), out0, `rnnSequence ${what}`, tol);
        // The gradient from the same output on both.
        const saved = ax.fromArray(out0.data(), [T + 1, N, H], 'float32', g);
        const [gr, gr0] = both(data((T + 1) * N * H, T + 13 * H), [T + 1, N, H]);
        const size = T * N * H + N * H;
        expect(run(g, 'rnnSequenceGrad', [saved, w, gr], [size]), run(ts, 'rnnSequenceGrad', [out0, w0, gr0], [size]), `rnnSequenceGrad ${what}`, tol);
      }
    }
  }
});

gtest('fused GELU (gelu, with and without its slope) matches the reference on odd sizes, both approximations, with huge and non-finite x', async (g) => {
  for (const n of [0, 1, 3, 5, 17, 127, 1031]) {
    const xs = data(n, n + 21, true).map((v, i) => (i % 11 === 5 ? v * 1e30 : i % 13 === 6 ? Math.sign(v) * 41 : v * 6));
    const [x, x0] = [ax.fromArray(xs, [n], 'float32', g), ax.fromArray(xs, [n], 'float32', ts)];
    // float32 throughout on the GPU, as the composite: 1 + erf and 1 − tanh² cancel for negative x.
    const tol = TOL.geluCompositeF32;
    for (const approximate of ['none', 'tanh'] as const) {
      const run = (b: Backend, ins: Tensor[], shape: number[]): Tensor => {
        const size = shape.reduce((a, v) => a * v, 1);
        const out = ax.fromArray(new Float32Array(size), shape, 'float32', b);
        b.run('gelu', ins.map((t) => ({ storage: t.storage, shape: t.shape, dtype: t.dtype })), { storage: out.storage, shape, dtype: 'float32' }, { approximate });
        return out;
      };
      expect(run(g, [x], [n]), run(ts, [x0], [n]), `gelu ${approximate} [${n}]`, tol);
      expect(run(g, [x], [2, n]), run(ts, [x0], [2, n]), `gelu with its slope ${approximate} [${n}]`, tol);
      expect(ax.gelu(x, { approximate }), ax.gelu(x0, { approximate }), `ax.gelu ${approximate} [${n}]`, tol);
    }
  }
});

gtest('fused layer norm (layerNorm, layerNormGrad) matches the reference on odd shapes, size-0 ones and rows whose variance overflows', async (g) => {
  for (const [R, D] of [[1, 1], [3, 5], [7, 33], [0, 4], [2, 0], [65, 130], [300, 17]] as const) {
    const xs = data(R * D, R + 3 * D).map((v, i) => (i % 23 === 7 ? v * 1e30 : v * 4));
    const both = (vals: ArrayLike<number>, shape: number[]): [Tensor, Tensor] => [ax.fromArray(vals, shape, 'float32', g), ax.fromArray(vals, shape, 'float32', ts)];
    const [x, x0] = both(xs, [R, D]);
    const [w, w0] = both(data(D, D + 5).map((v) => v * 2), [D]);
    const [b, b0] = both(data(D, D + 9), [D]);
    const [gr, g0] = both(data(R * D, R + 5 * D), [R, D]);
    // float32 sums on the GPU (in index order) against float64 ones: errors grow with the row's width.
    const tol = { rtol: 1e-4, atol: 2e-5 };
    const run = (bk: Backend, op: 'layerNorm' | 'layerNormGrad', ins: Tensor[], size: number): Tensor => {
      const out = ax.fromArray(new Float32Array(size), [size], 'float32', bk);
      bk.run(op, ins.map((t) => ({ storage: t.storage, shape: t.shape, dtype: t.dtype })), { storage: out.storage, shape: [size], dtype: 'float32' }, { eps: 1e-5 });
      return out;
    };
    expect(run(g, 'layerNorm', [x, w, b], R * D), run(ts, 'layerNorm', [x0, w0, b0], R * D), `layerNorm [${R}, ${D}]`, tol);
    expect(run(g, 'layerNormGrad', [x, w, gr], R * D + 2 * D), run(ts, 'layerNormGrad', [x0, w0, g0], R * D + 2 * D), `layerNormGrad [${R}, ${D}]`, tol);
    expect(ax.layerNorm(x, D, w, b), ax.layerNorm(x0, D, w0, b0), `ax.layerNorm [${R}, ${D}]`, tol);
  }
});

gtest('fused softmax and log-softmax (softmax, softmaxGrad) match the reference on odd widths, masked, NaN, +∞ and all −∞ rows', async (g) => {
  for (const [R, D] of [[1, 1], [3, 5], [7, 33], [0, 4], [2, 0], [65, 130], [300, 17]] as const) {
    const xs = data(R * D, R + 7 * D).map((v) => v * 8);
    for (let r = 0; r < R; r++) {
      if (r % 5 === 1) for (let j = 1; j < D; j += 2) xs[r * D + j] = -Infinity;
      if (r % 5 === 2) xs[r * D] = NaN;
      if (r % 5 === 3) xs[r * D + D - 1] = Infinity;
      if (r % 5 === 4 && r % 2 === 0) for (let j = 0; j < D; j++) xs[r * D + j] = -Infinity;
    }
    const both = (vals: ArrayLike<number>): [Tensor, Tensor] => [ax.fromArray(vals, [R, D], 'float32', g), ax.fromArray(vals, [R, D], 'float32', ts)];
    const [x, x0] = both(xs);
    const [gr, g0] = both(data(R * D, R + 3 * D));
    const tol = { rtol: 2e-5, atol: 1e-6 }; // float32 sums and webgpuTranscendentalF32 exp/log against float64
    for (const log of [false, true]) {
      const run = (bk: Backend, op: 'softmax' | 'softmaxGrad', ins: Tensor[]): Tensor => {
        const out = ax.fromArray(new Float32Array(R * D), [R, D], 'float32', bk);
        bk.run(op, ins.map((t) => ({ storage: t.storage, shape: t.shape, dtype: t.dtype })), { storage: out.storage, shape: [R, D], dtype: 'float32' }, { log });
        return out;
      };
      const y0 = run(ts, 'softmax', [x0]);
      expect(run(g, 'softmax', [x]), y0, `softmax log=${log} [${R}, ${D}]`, tol);
      const y = ax.fromArray(y0.data(), [R, D], 'float32', g);
      expect(run(g, 'softmaxGrad', [y, gr]), run(ts, 'softmaxGrad', [y0, g0]), `softmaxGrad log=${log} [${R}, ${D}]`, tol);
    }
    expect(ax.logSoftmax(x), ax.logSoftmax(x0), `ax.logSoftmax [${R}, ${D}]`, tol);
  }
});

gtest('fused Adam step matches Adam composed in float64', async (g) => {
  const n = 1031;
  const [p] = pair(g, [n], 5); const [gr] = pair(g, [n], 6); const [m] = pair(g, [n], 7); const [v0] = pair(g, [n], 8);
  const v = ax.abs(v0);
  const [P, G, Mm, V] = await Promise.all([p, gr, m, v].map((t) => t.dataAsync()));
  for (const decoupled of [true, false]) {
    const args = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled, step: 3 };
    const pc = p.clone(); const mc = m.clone(); const vc = v.clone();
    assert.equal(g.fused!.adam!({ param: pc, grad: gr, m: mc, v: vc }, args), true);
    const got = await pc.dataAsync();
    for (let i = 0; i < n; i++) {
      const gi = G![i]! + (decoupled ? 0 : 0.1 * P![i]!);
      const mi = 0.9 * Mm![i]! + 0.1 * gi;
      const vi = 0.999 * V![i]! + 0.001 * gi * gi;
      const denom = Math.sqrt(vi) / Math.sqrt(1 - 0.999 ** 3) + 1e-8;
      const want = P![i]! * (decoupled ? 1 - 1e-2 * 0.1 : 1) - (1e-2 / (1 - 0.9 ** 3)) * (mi / denom);
      assert.ok(closeEnough(got[i]!, want, TOL.fusedAdamF32), `param ${i} (decoupled ${decoupled}): ${got[i]} vs ${want}`);
    }
  }
  // Through the optimizer: AdamW on the GPU follows the same path as on the reference.
  const w = ax.fromArray([0.5, -0.25, 1], [3], 'float32', g).requiresGrad_();
  const w0 = ax.fromArray([0.5, -0.25, 1], [3], 'float32', ts).requiresGrad_();
  const opt = new ax.AdamW([w], { lr: 0.1 });
  const opt0 = new ax.AdamW([w0], { lr: 0.1 });
  for (let s = 0; s < 3; s++) {
    for (const [t, o] of [[w, opt], [w0, opt0]] as const) {
      o.zeroGrad();
      ax.sum(ax.mul(t, t)).backward();
      o.step();
    }
  }
  // Three steps pull the weights toward 0, so the composite's per-op float32 roundings show in absolute terms.
  expect(w, w0, 'AdamW steps', { rtol: 1e-5, atol: 1e-5 });
});

gtest('fused attention equals the composite on the reference (masks, causal, a fully masked row gives NaN)', async (g) => {
  for (const [B, L, S, E, Ev] of [[1, 1, 1, 1, 1], [2, 5, 7, 8, 3], [3, 17, 17, 16, 16], [1, 4, 130, 32, 8]] as const) {
    const [q, q0] = pair(g, [B, L, E], 1);
    const [k, k0] = pair(g, [B, S, E], 2);
    const [v, v0] = pair(g, [B, S, Ev], 3);
    const [mb, mb0] = pair(g, [L, S], 4, 'bool');
    const [mf, mf0] = pair(g, [B, L, S], 5);
    const runs: [string, ax.SdpaOptions][] = [['plain', {}], ['bool mask', {}], ['float mask', {}], ['causal', { isCausal: true }]];
    for (const [what, opts] of runs) {
      const o = what === 'bool mask' ? { attnMask: mb } : what === 'float mask' ? { attnMask: mf } : opts;
      const o0 = what === 'bool mask' ? { attnMask: mb0 } : what === 'float mask' ? { attnMask: mf0 } : opts;
      expect(ax.scaledDotProductAttention(q, k, v, o), ax.scaledDotProductAttention(q0, k0, v0, o0), `attention ${what} B=${B} L=${L} S=${S} E=${E}`, TOL.fusedAttentionF32);
    }
  }
  const none = ax.fromArray([0, 0, 1, 1], [2, 2], 'bool', g);
  const ones = (): Tensor => ax.fromArray([1, 1, 1, 1], [1, 2, 2], 'float32', g);
  const out = ax.scaledDotProductAttention(ones(), ones(), ones(), { attnMask: none });
  const got = await out.dataAsync();
  assert.ok(Number.isNaN(got[0]!) && got[2] === 1, `fully masked row: ${[...got]}`);
});

gtest('synchronous reads throw SyncReadError naming the async call; zero-size tensors work', async (g) => {
  const x = ax.fromArray([1, 2], [2], 'float32', g);
  assert.throws(() => x.data(), (e: Error) => e instanceof ax.SyncReadError && /dataAsync/.test(e.message));
  assert.deepEqual(await x.toArrayAsync(), [1, 2]);
  assert.equal(await ax.sum(x).itemAsync(), 3);
  const z = ax.fromArray([], [0, 3], 'float32', g);
  assert.deepEqual([...await ax.add(z, 1).dataAsync()], []);
  assert.deepEqual([...await ax.sum(z, { dim: 0 }).dataAsync()], [0, 0, 0]);
  assert.deepEqual([...await ax.fromArray([], [0], 'int32', g).dataAsync()], []);
});

gtest('a freed tensor throws UseAfterFreeError; recycled buffers read as zeros (alloc contract)', async (g) => {
  const x = ax.fromArray([1, 2, 3], [3], 'float32', g);
  x.dispose();
  await assert.rejects(async () => x.dataAsync(), ax.UseAfterFreeError);
  assert.throws(() => ax.add(x, 1), ax.UseAfterFreeError);
  ax.scope(() => { ax.fromArray(new Array(64).fill(7), [64], 'float32', g); });
  const s = g.alloc('float32', 64);
  assert.deepEqual([...await g.readAsync!(s)], new Array(64).fill(0));
  g.free(s);
});

gtest('10k alloc/run/free cycles and scoped training steps keep live and pooled GPU memory flat', async (g) => {
  // Storages of earlier tests the garbage collector returns meanwhile move from live to pooled: the
  // GPU total (live + pooled buffers) must not grow, and the live count must not either.
  const mem = (): { bytes: number; storages: number; pooledBytes: number; gpuBytes: number } => g.memory() as never;
  const a = ax.fromArray(data(1000, 1), [1000], 'float32', g);
  const cycle = (): void => {
    const s = g.alloc('float32', 1000);
    g.run('mul', [a, a], { storage: s, shape: [1000], dtype: 'float32' }, {});
    g.free(s);
  };
  for (let i = 0; i < 10; i++) cycle();
  const before = mem();
  for (let i = 0; i < 10000; i++) cycle();
  await a.dataAsync();
  const after1 = mem();
  assert.ok(after1.storages <= before.storages, `live storages grew from ${before.storages} to ${after1.storages}`);
  assert.ok(after1.bytes <= before.bytes, `live bytes grew from ${before.bytes} to ${after1.bytes}`);
  assert.ok(after1.gpuBytes <= before.gpuBytes, `GPU buffers grew from ${before.gpuBytes} to ${after1.gpuBytes} bytes: buffers are not being reused`);
  const w = ax.keep(ax.fromArray(data(64 * 32, 2), [64, 32], 'float32', g).requiresGrad_());
  const step = (): void => ax.scope(() => {
    const x = ax.fromArray(data(16 * 64, 3), [16, 64], 'float32', g);
    ax.matmul(x, w).relu().mean().backward();
  });
  const settle = async (): Promise<void> => { await w.dataAsync(); await new Promise((r) => setTimeout(r, 20)); };
  for (let i = 0; i < 50; i++) step(); // warm: the pool holds each size the step uses
  await settle();
  const mid = mem();
  for (let i = 0; i < 200; i++) step();
  await settle();
  const end = mem();
  assert.ok(end.storages <= mid.storages, `storages grew from ${mid.storages} to ${end.storages}`);
  assert.ok(end.bytes <= mid.bytes, `bytes grew from ${mid.bytes} to ${end.bytes}`);
  assert.ok(end.gpuBytes <= mid.gpuBytes, `GPU buffers grew from ${mid.gpuBytes} to ${end.gpuBytes} bytes`);
});

test('setting up webgpu without the package or without an adapter fails with how to get one', async () => {
  const { createWebGPUBackend } = await import('../../src/backend/webgpu/webgpu-backend.js');
  await assert.rejects(createWebGPUBackend(async () => ({ missing: "the optional package 'webgpu' is not installed; install it with: npm install webgpu" }), true),
    (e: Error) => /webgpu is not available/.test(e.message) && /npm install webgpu/.test(e.message));
  const noAdapter = { requestAdapter: async () => null };
  await assert.rejects(createWebGPUBackend(async () => ({ gpu: noAdapter }), true),
    (e: Error) => /no GPU adapter/.test(e.message) && /VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd\.json/.test(e.message) && /libvulkan1/.test(e.message));
  await assert.rejects(createWebGPUBackend(async () => ({ gpu: noAdapter }), false), /enable-unsafe-webgpu/);
  assert.throws(() => ax.getBackend('webgpu-nope'), /unknown backend/);
  assert.ok(ax.listBackends().includes('webgpu'));
});
