// fitAsync / evaluateAsync against fit / evaluate on this backend: the same History (every epoch's
// figures), the same per-step losses and the same weights, bit for bit, for a run with dropout,
// shuffling, augmentation noise, a per-batch LR schedule, a held-out validation fraction, gradient
// clipping (where reads are synchronous) and the training doctor, with the losses read back 3
// steps at a time, so the batches straddle epoch ends. On a backend read only asynchronously
// (ts-async, WebGPU) fit() cannot run: the reference is then fit() on the ts backend, whose
// kernels ts-async shares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../src/index.js';
import { TEST_BACKEND } from '../helpers.js';
import { TOL } from '../tolerances.js';
import { data, losses, model, options } from '../resume-setup.js';

const syncReads = ax.getBackend().syncRead !== false;
/** Where fit() runs for the reference: this backend, or ts when this one reads only asynchronously. */
const REFERENCE = syncReads ? TEST_BACKEND : 'ts';
/** Whether the reference runs the same kernels (this backend, or ts for ts-async): then bit for bit, else (WebGPU) within the loss-curve tolerance. */
const EXACT = REFERENCE === TEST_BACKEND || TEST_BACKEND === 'ts-async';

/** Every number of `got` within TOL.lossCurve of `want` (same structure). */
function assertNear(got: unknown, want: unknown, what: string): void {
  if (typeof want === 'number') {
    assert.ok(typeof got === 'number' && (Object.is(got, want) || Math.abs(got - want) <= TOL.lossCurve.rtol * Math.abs(want) + 1e-6), `${what}: ${String(got)} vs ${want}`);
  } else if (want !== null && typeof want === 'object') {
    assert.deepEqual(Object.keys(got as object), Object.keys(want), what);
    for (const k of Object.keys(want)) assertNear((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], `${what}.${k}`);
  } else assert.equal(got, want, what);
}

async function weights(m: ax.Module): Promise<number[][]> {
  return Promise.all([...m.parameters()].map(async (p) => Array.from(new Uint8Array(Float32Array.from(await p.dataAsync()).buffer))));
}

/** Run `f` with `name` as the active backend (the data, model and augmentation noise are made there). */
async function on<T>(name: string, f: () => T | Promise<T>): Promise<T> {
  const prev = ax.getBackend().name;
  await ax.setBackend(name);
  try { return await f(); } finally { await ax.setBackend(prev); }
}

type Run = { steps: number[]; history: ReturnType<typeof losses>; findings: string[]; weights: number[][] };

async function train(kind: 'fit' | 'fitAsync', backend: string, doctor: boolean): Promise<Run> {
  return on(backend, async () => {
    const steps: number[] = [];
    const m = model();
    // clipGradNorm: on a backend read only asynchronously fitAsync clips on the device in float32
    // (clipGradNormOnDevice) where fit sums the norms in float64: equal to an ulp, not bit for bit.
    const o = { ...options(m, { onStep: (l) => steps.push(l) }), ...(syncReads ? { clipGradNorm: 1 } : {}), doctor };
    const h = kind === 'fit' ? ax.fit(m, o) : await ax.fitAsync(m, { ...o, readEvery: 3 });
    return { steps, history: losses(h), findings: (h.findings ?? []).map((f) => `${f.id} ${f.step ?? ''} ${f.epoch ?? ''} ${f.title}`), weights: await weights(m) };
  });
}

test(`fitAsync on ${TEST_BACKEND} gives fit's History, per-step losses and weights (fit on ${REFERENCE}; bit for bit where the kernels are the same)`, async () => {
  const ref = await train('fit', REFERENCE, false);
  const got = await train('fitAsync', TEST_BACKEND, false);
  assert.equal(got.steps.length, ref.steps.length);
  if (!EXACT) { // other kernels (WebGPU): the same run within the loss-curve tolerance
    assertNear(got.steps, ref.steps, 'per-step losses');
    assertNear(got.history, ref.history, 'epoch history');
    return;
  }
  assert.deepEqual(got.steps, ref.steps, 'per-step losses (onBatchEnd)');
  assert.deepEqual(got.history, ref.history, 'epoch history');
  assert.deepEqual(got.weights, ref.weights, 'weights');
});

test('fitAsync with the training doctor: the same findings as fit', { skip: !syncReads && 'on a backend read only asynchronously the doctor\'s gradient and activation checks are off (test/unit/train/fit-async.test.ts checks what it reports there)' }, async () => {
  const ref = await train('fit', REFERENCE, true);
  const got = await train('fitAsync', TEST_BACKEND, true);
  assert.ok(ref.findings.length > 0, 'the doctor reported something');
  assert.deepEqual(got.findings, ref.findings);
  assert.deepEqual(got.history, ref.history);
});

test(`evaluateAsync on ${TEST_BACKEND} equals evaluate (on ${REFERENCE})`, async () => {
  const run = (kind: 'evaluate' | 'evaluateAsync', backend: string): Promise<Record<string, number>> => on(backend, async () => {
    const m = model();
    const d = data();
    return kind === 'evaluate' ? ax.evaluate(m, d, { batchSize: 7 }) : ax.evaluateAsync(m, d, { batchSize: 7, readEvery: 2 });
  });
  const want = await run('evaluate', REFERENCE);
  const got = await run('evaluateAsync', TEST_BACKEND);
  if (EXACT) assert.deepEqual(got, want);
  else assertNear(got, want, 'evaluate');
  assert.ok(want.loss! > 0 && want.accuracy! >= 0);
});
