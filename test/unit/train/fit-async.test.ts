// The async-read paths on the ts-async backend (test/ts-async-backend.ts: the ts kernels with
// reads only through dataAsync, as on WebGPU), whatever AXON_TEST_BACKEND is: fitAsync trains with
// the doctor on and reads back in batches, fit()/evaluate() say to use the async forms, and each op
// whose CPU-side check cannot run there computes on the device as documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ax from '../../../src/index.js';
import { TsAsyncBackend } from '../../ts-async-backend.js';
import '../../helpers.js';

/** Run `f` with `name` as the active backend. */
async function on<T>(name: string, f: () => T | Promise<T>): Promise<T> {
  const prev = ax.getBackend().name;
  await ax.setBackend(name);
  try { return await f(); } finally { await ax.setBackend(prev); }
}

function blobs(n: number): { x: ax.Tensor; y: ax.Tensor } {
  const g = new ax.Generator(4);
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) { const c = i % 3; xs.push([c + g.normal() * 0.3, -c + g.normal() * 0.3, g.normal()]); ys.push(c); }
  return { x: ax.tensor(xs), y: ax.tensor(ys, { dtype: 'int32' }) };
}

test('fit() and evaluate() on a backend read only asynchronously say to await fitAsync()/evaluateAsync()', async () => {
  await on('ts-async', () => {
    const m = new ax.Linear(3, 3);
    const d = blobs(12);
    assert.throws(() => ax.fit(m, { data: d, epochs: 1, verbose: false }), (e: Error) => e instanceof ax.SyncReadError && /ts-async/.test(e.message) && /await fitAsync\(model, options\)/.test(e.message));
    assert.throws(() => ax.evaluate(m, d), (e: Error) => e instanceof ax.SyncReadError && /await evaluateAsync/.test(e.message));
  });
});

test('fitAsync on ts-async trains with the doctor and validation, no synchronous read, losses read back in batches', async () => {
  await on('ts-async', async () => {
    const b = ax.getBackend() as TsAsyncBackend;
    ax.manualSeed(0);
    const model = new ax.Sequential(new ax.Linear(3, 16), new ax.ReLU(), new ax.Linear(16, 3));
    const d = blobs(100); // 80 training rows: 10 steps of 8 an epoch
    const before = b.asyncReads;
    const seenSteps: number[] = [];
    const h = await ax.fitAsync(model, {
      data: d, validation: 0.2, epochs: 6, batchSize: 8, verbose: false, clipGradNorm: 5,
      optimizer: new ax.Adam(model.parameters(), { lr: 0.03 }),
      callbacks: [new ax.LambdaCallback({ onBatchEnd: (s) => seenSteps.push(s) })],
    });
    const reads = b.asyncReads - before;
    assert.equal(h.epochs.length, 6);
    assert.equal(seenSteps.length, 60, 'onBatchEnd heard every step');
    assert.deepEqual(seenSteps.slice(0, 10), [...Array(10).keys()], 'in order');
    assert.ok(h.epochs[5]!.loss < h.epochs[0]!.loss && h.epochs[5]!['valAccuracy']! > 0.8, JSON.stringify(h.epochs.map((e) => [e.loss, e['valAccuracy']])));
    // 60 steps; per epoch: one read of the losses, one validation count of NaN/Inf and one of its batches.
    assert.ok(reads <= 6 * 3 + 8 && reads < 60, `${reads} reads for 60 steps`);
    assert.ok(Array.isArray(h.findings), 'the doctor ran (data checks on a CPU copy, run checks on the batched losses)');
    assert.ok(h.findings!.every((f) => !/gradient|activation|dead|saturat/i.test(f.id)), 'no gradient/activation checks on an async backend');
  });
});

test('fitAsync on ts-async: checkpoint/resume are refused with the reason; a diverging run is stopped when its losses come back', async () => {
  await on('ts-async', async () => {
    const m = new ax.Linear(3, 3);
    const d = blobs(24);
    await assert.rejects(ax.fitAsync(m, { data: d, epochs: 1, verbose: false, checkpoint: { path: '/tmp/never.safetensors' } }), (e: Error) => e instanceof ax.SyncReadError && /saveAsync/.test(e.message));
    const nan = { x: d.x, y: ax.mul(d.x, 1e30) };
    const reg = new ax.Linear(3, 3);
    await assert.rejects(ax.fitAsync(reg, { data: nan, epochs: 2, batchSize: 4, verbose: false, doctor: false, optimizer: new ax.SGD(reg.parameters(), { lr: 10 }) }), (e: Error) => e instanceof ax.TrainingDivergedError);
  });
});

test('on ts-async: out-of-range class targets give a NaN loss, out-of-range ids NaN rows, oneHot needs numClasses', async () => {
  await on('ts-async', async () => {
    const logits = ax.randn([3, 4]);
    const l = ax.crossEntropy(logits, ax.tensor([0, 7, 1], { dtype: 'int32' }));
    assert.ok(Number.isNaN(await l.itemAsync()));
    const ok = ax.crossEntropy(logits, ax.tensor([0, -100, 1], { dtype: 'int32' })); // ignoreIndex is not out of range
    assert.ok(Number.isFinite(await ok.itemAsync()));
    assert.ok(Number.isNaN(await ax.binaryCrossEntropy(ax.tensor([0.5, 1.5]), ax.tensor([1, 0])).itemAsync()));
    assert.deepEqual(await ax.oneHot(ax.tensor([2, 0, 5], { dtype: 'int32' }), 3).toArrayAsync(), [[0, 0, 1], [1, 0, 0], [0, 0, 0]]);
    assert.throws(() => ax.oneHot(ax.tensor([1], { dtype: 'int32' })), (e: Error) => e instanceof ax.SyncReadError && /pass numClasses/.test(e.message));
  });
});

test('on ts-async: Embedding (paddingIdx, maxNorm), BatchNorm1d (momentum null) and clipGradNormOnDevice equal the ts backend', async () => {
  const run = (name: string): Promise<number[][]> => on(name, async () => {
    ax.manualSeed(5);
    const emb = new ax.Embedding(6, 3, { paddingIdx: 1, maxNorm: 1 });
    const out = emb.forward(ax.tensor([[1, 2, 2], [5, 0, 1]], { dtype: 'int32' }));
    const [gw] = ax.gradients(ax.sum(ax.mul(out, out)), [emb.weight]);
    const bn = new ax.BatchNorm1d(2, { momentum: null });
    bn.forward(ax.tensor([[0, 1], [2, 5]]));
    bn.forward(ax.tensor([[4, 1], [6, 3]]));
    const w = ax.keep(ax.randn([4, 3], { requiresGrad: true }));
    ax.sum(ax.mul(w, w)).mul(10).backward();
    const total = ax.clipGradNormOnDevice([w], 1.5)!;
    return Promise.all([out, emb.weight, gw!, bn.runningMean!, bn.runningVar!, w.grad!, total].map(async (t) => Array.from(await t.dataAsync())));
  });
  const want = await run('ts');
  const got = await run('ts-async');
  // The device renorm computes the row norms in float32, the CPU one in float64: equal to ~1 ulp.
  got.forEach((g, k) => g.forEach((v, i) => assert.ok(Math.abs(v - want[k]![i]!) <= 1e-6 * Math.max(1, Math.abs(v)), `tensor ${k} element ${i}: ${v} vs ${want[k]![i]}`)));
  // clipGradNormOnDevice scales as clipGradNorm does (and returns the same norm)
  const clipped = (name: string): Promise<[number, number[]]> => on(name, async () => {
    ax.manualSeed(9);
    const w = ax.keep(ax.randn([4, 3], { requiresGrad: true }));
    ax.sum(ax.mul(w, w)).mul(10).backward();
    const n = name === 'ts' ? ax.clipGradNorm([w], 1.5) : await ax.clipGradNormOnDevice([w], 1.5)!.itemAsync();
    return [n, Array.from(await w.grad!.dataAsync())];
  });
  const [n0, g0] = await clipped('ts');
  const [n1, g1] = await clipped('ts-async');
  assert.ok(n0 > 1.5 && Math.abs(n0 - n1) <= 1e-6 * n0, `norm ${n1} vs ${n0}`);
  g1.forEach((v, i) => assert.ok(Math.abs(v - g0[i]!) <= 1e-6 * Math.max(1, Math.abs(v)), `grad ${i}: ${v} vs ${g0[i]}`));
  await on('ts-async', () => {
    const p = ax.keep(ax.randn([2], { requiresGrad: true }));
    ax.sum(p).backward();
    assert.throws(() => ax.clipGradNorm([p], 1), (e: Error) => e instanceof ax.SyncReadError && /clipGradNormOnDevice/.test(e.message));
  });
});

test('saveAsync writes a model from ts-async that load() reads back with the same weights', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-save-async-'));
  try {
    const f = path.join(dir, 'm.safetensors');
    const m = await on('ts-async', () => { ax.manualSeed(2); return new ax.Sequential(new ax.Linear(3, 4), new ax.Tanh(), new ax.Linear(4, 2)); });
    assert.throws(() => ax.save(m, f), ax.SyncReadError);
    await ax.saveAsync(m, f);
    const back = await on('ts', () => ax.load(f));
    const a = await Promise.all(m.parameters().map((p) => p.dataAsync()));
    assert.deepEqual(back.parameters().map((p) => Array.from(p.data())), a.map((d) => Array.from(d)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
