// The lower-overhead batch-1 path (issue 23): the wasm backend's fused linear forward (GEMM, bias,
// relu in one op without a gradient) must give the same bits as the composite it replaces, and
// the reference's values on odd shapes; Sequential's Linear+ReLU pairs must give what the layers
// give one by one; and op results that a scope owns — registered with the garbage collector only
// when they leave their scopes — must still be reclaimed when dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { fusedLinear } from '../../src/ops/linear-fused.js';
import { closeEnough, TOL } from '../tolerances.js';

const wasm = ax.getBackend('wasm');
const ts = ax.getBackend('ts');
ax.setBackend('wasm');

type Profiler = { startProfile(): void; stopProfile(): { op: string; path: string; calls: number }[] };

/** Deterministic values in [-1, 1] (float32-representable). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) % 4294967296;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) % 4294967296;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

const on = (b: ax.Backend, d: Float32Array, shape: number[]): Tensor => ax.fromArray(d, shape, 'float32', b);

function assertSameBits(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const x = a.data();
  const y = b.data();
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i])) assert.fail(`${what}: element ${i} is ${x[i]} fused but ${y[i]} composed`);
  }
}

function assertClose(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const x = a.data();
  const y = b.data();
  for (let i = 0; i < x.length; i++) {
    if (!closeEnough(x[i]!, y[i]!, TOL.gemmF32)) assert.fail(`${what}: element ${i} is ${x[i]} on wasm but ${y[i]} on ts`);
  }
}

/** linear (+ relu) composed of primitives on `x`'s backend: with a weight that needs a gradient, each op is recorded. */
function composed(x: Tensor, w: Tensor, b: Tensor | null, relu: boolean): Tensor {
  const wg = w.clone().requiresGrad_();
  const l = ax.linear(x, wg, b);
  const y = relu ? ax.relu(l) : l;
  assert.ok(x.storage.backend === ts || y.node !== null, 'the composite path ran (it records history)');
  return y.detach();
}

// Input shapes (lead dims + in), output sizes: rows 0/1/odd, K with SIMD tails, N below/above a tile.
const CASES: [number[], number][] = [
  [[1, 1], 1], [[1, 3], 5], [[1, 17], 9], [[1, 784], 256], [[1, 127], 33], [[3, 5], 7], [[5, 17], 3],
  [[17, 33], 18], [[2, 3, 9], 4], [[0, 6], 5], [[1, 300], 127], [[4, 0], 3],
];

test('the fused linear forward on wasm equals the composite bit for bit, and the reference, on odd shapes', () => {
  CASES.forEach(([xs, n], k) => {
    const inp = xs[xs.length - 1]!;
    const xd = values(xs.reduce((a, b) => a * b, 1), 10 + k);
    const wd = values(n * inp, 20 + k);
    const bd = values(n, 30 + k);
    for (const bias of [true, false]) {
      for (const relu of [false, true]) {
        const what = `x ${JSON.stringify(xs)} → ${n}, bias ${bias}, relu ${relu}`;
        const [x, w, b] = [on(wasm, xd, xs), on(wasm, wd, [n, inp]), bias ? on(wasm, bd, [n]) : null];
        const fused = ax.noGrad(() => fusedLinear(x, w, b, relu));
        assert.ok(fused !== null, `${what}: the fused kernel applies`);
        assertSameBits(fused, composed(x, w, b, relu), what);
        assertClose(fused, composed(on(ts, xd, xs), on(ts, wd, [n, inp]), bias ? on(ts, bd, [n]) : null, relu), what);
        if (!relu) assertSameBits(ax.noGrad(() => ax.linear(x, w, b)), fused, `${what}: linear()`);
      }
    }
  });
});

test('the fused linear runs as one wasm op without a gradient, and not when one is needed', () => {
  const b = wasm as unknown as Profiler;
  const x = on(wasm, values(2 * 5, 1), [2, 5]);
  const fc = new ax.Linear(5, 3);
  b.startProfile();
  ax.noGrad(() => ax.scope(() => { fc.forward(x); }));
  let rows = b.stopProfile();
  assert.deepEqual(rows.map((r) => `${r.op}:${r.path}:${r.calls}`), ['linear:wasm:1']);
  b.startProfile();
  ax.scope(() => { fc.forward(x).sum().backward(); });
  rows = b.stopProfile();
  assert.ok(!rows.some((r) => r.op === 'linear') && rows.some((r) => r.op === 'matmul'), JSON.stringify(rows));
});

test('the fused path falls back to the composite for mixed dtypes and keeps its dtype rules', () => {
  const x = ax.fromArray(values(6, 2), [2, 3], 'float64', wasm);
  const w = on(wasm, values(12, 3), [4, 3]);
  const y = ax.noGrad(() => ax.linear(x, w, on(wasm, values(4, 4), [4])));
  assert.equal(y.dtype, 'float64');
  assert.deepEqual(y.shape, [2, 4]);
});

test('Sequential fuses Linear+ReLU under noGrad and gives what the layers give one by one', () => {
  ax.manualSeed(3);
  const model = new ax.Sequential(new ax.Linear(13, 9), new ax.ReLU(), new ax.Linear(9, 7), new ax.ReLU(), new ax.Linear(7, 2), new ax.ReLU());
  const x = on(wasm, values(3 * 13, 5), [3, 13]);
  const b = wasm as unknown as Profiler;
  b.startProfile();
  const fused = ax.noGrad(() => model.forward(x));
  const rows = b.stopProfile();
  assert.deepEqual(rows.map((r) => `${r.op}:${r.calls}`), ['linear:3'], 'three fused ops, no separate relu');
  let y = x;
  for (const l of model.layers) y = ax.noGrad(() => l.forward(y)); // each layer alone (no pair to fuse)
  assertSameBits(fused, y, 'Sequential');
  // A hook on the ReLU must still see its call: no fusion across it.
  const seen: number[] = [];
  const h = model.at(1).registerForwardHook((_m, _a, out) => { seen.push((out as Tensor).numel); });
  assertSameBits(ax.noGrad(() => model.forward(x)), fused, 'Sequential with a hook');
  h.remove();
  assert.deepEqual(seen, [27]);
  // summary() wraps every forward and puts the same function back: the pairs fuse again after it.
  model.summary([3, 13]);
  b.startProfile();
  assertSameBits(ax.noGrad(() => model.forward(x)), fused, 'Sequential after summary()');
  assert.deepEqual(b.stopProfile().map((r) => `${r.op}:${r.calls}`), ['linear:3']);
});

test('op results a scope owns are still reclaimed by the collector once they leave the scopes and are dropped', async () => {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const a = ax.keep(on(wasm, values(4, 6), [4]));
  const before = wasm.memory().storages;
  (() => {
    for (let i = 0; i < 40; i++) {
      ax.scope(() => ax.add(a, i)); // escapes the outermost scope
      ax.scope(() => { ax.keep(ax.mul(a, i)); }); // kept inside a scope, then dropped
      ax.noGrad(() => ax.sub(a, i)); // returned from a noGrad block
    }
  })();
  assert.equal(wasm.memory().storages, before + 120);
  for (let i = 0; i < 10 && wasm.memory().storages > before + 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10)); // finalizers run between tasks
  }
  assert.ok(wasm.memory().storages <= before + 5, `only ${before + 120 - wasm.memory().storages} of 120 dropped storages were returned`);
});
