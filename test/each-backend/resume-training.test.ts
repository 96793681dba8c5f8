// Kill and resume: a fit() stopped at step k (a callback throws, as a crash would end it) and
// resumed from its last checkpoint ends bit-identical to the uninterrupted run — every
// parameter's bytes, the per-step losses and the epoch history — with dropout, shuffling,
// augmentation noise and a per-batch LR schedule, for kills mid-epoch and at epoch boundaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import '../helpers.js';
import * as ax from '../../src/index.js';
import { EPOCHS, losses, model, options, STEPS_PER_EPOCH, weightBytes } from '../resume-setup.js';

class Killed extends Error {}

/** fit() and its checkpoints read synchronously: on a backend read only asynchronously (WebGPU) the test below checks the errors instead. */
const syncReads = ax.getBackend().syncRead !== false;
const SYNC_ONLY = !syncReads && 'fit() and training checkpoints read synchronously; on this backend they refuse with the SyncReadErrors tested below';

test('on a backend read only asynchronously, fit() points to fitAsync and fitAsync refuses checkpoints with the reason', { skip: syncReads && 'this backend reads synchronously: the checkpoint tests run instead' }, async () => {
  const m = model();
  assert.throws(() => ax.fit(m, options(m, {})), (e: Error) => e instanceof ax.SyncReadError && /fitAsync/.test(e.message));
  await assert.rejects(ax.fitAsync(m, options(m, { checkpoint: { path: path.join(tmpdir(), 'never.safetensors') } })), (e: Error) => e instanceof ax.SyncReadError && /checkpoint/.test(e.message));
});

function uninterrupted(): { weights: number[][]; steps: number[]; history: ReturnType<typeof losses> } {
  const steps: number[] = [];
  const m = model();
  const h = ax.fit(m, options(m, { onStep: (l) => steps.push(l) }));
  return { weights: weightBytes(m), steps, history: losses(h) };
}

/** Run with checkpoints, kill at step k, resume from the last checkpoint; what the two runs together produced. */
function killedAndResumed(k: number, checkpoint: Omit<ax.FitCheckpointOptions, 'path'>, dir: string): { weights: number[][]; steps: number[]; history: ReturnType<typeof losses>; from: number } {
  const file = path.join(dir, `last-${k}.safetensors`);
  const steps: number[] = [];
  const m1 = model();
  assert.throws(() => ax.fit(m1, options(m1, {
    checkpoint: { path: file, ...checkpoint },
    onStep: (l) => { steps.push(l); if (steps.length === k) throw new Killed(`killed at step ${k}`); },
  })), Killed);
  const m2 = model();
  const from = ax.loadTrainingCheckpoint(file, { model: model(), generators: {} }).step;
  assert.ok(from > 0 && from <= k, `checkpoint at step ${from} for a kill at ${k}`);
  steps.length = from;
  const h = ax.fit(m2, options(m2, { resume: file, checkpoint: { path: file, ...checkpoint }, onStep: (l) => steps.push(l) }));
  return { weights: weightBytes(m2), steps, history: losses(h), from };
}

test('a run killed at step k and resumed ends bit-identical to the uninterrupted one', { skip: SYNC_ONLY }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-resume-'));
  try {
    const ref = uninterrupted();
    assert.equal(ref.steps.length, EPOCHS * STEPS_PER_EPOCH);
    assert.deepEqual(uninterrupted(), ref, 'the uninterrupted run itself is reproducible');
    // Checkpoints every 2 steps and at every epoch end: kills mid-epoch (3, 8, 14), right after an
    // epoch's last step (5: resumes mid-epoch at step 4), just after a boundary (6, 11: resumes at the epoch-end state).
    for (const k of [3, 5, 6, 8, 11, 14]) {
      const got = killedAndResumed(k, { everySteps: 2, everyEpoch: true }, dir);
      assert.deepEqual(got.steps, ref.steps, `per-step losses after a kill at step ${k} (resumed from step ${got.from})`);
      assert.deepEqual(got.history, ref.history, `epoch history after a kill at step ${k}`);
      assert.deepEqual(got.weights, ref.weights, `weights after a kill at step ${k}`);
    }
    // Checkpoints every 5 steps only: the saved state has all of an epoch's batches done but not its end.
    for (const k of [7, 13]) {
      const got = killedAndResumed(k, { everySteps: STEPS_PER_EPOCH, everyEpoch: false }, dir);
      assert.equal(got.from % STEPS_PER_EPOCH, 0);
      assert.deepEqual(got.steps, ref.steps, `per-step losses after a kill at step ${k}`);
      assert.deepEqual(got.history, ref.history, `epoch history after a kill at step ${k}`);
      assert.deepEqual(got.weights, ref.weights, `weights after a kill at step ${k}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a DataLoader resumes mid-epoch in the same order, skipping the batches done', async () => {
  const x = ax.arange(0, 20).reshape([20, 1]);
  const make = (): ax.DataLoader<ax.Tensor[]> => new ax.DataLoader(new ax.TensorDataset(x), { batchSize: 3, shuffle: true, seed: 9 }) as unknown as ax.DataLoader<ax.Tensor[]>;
  const rows = (bs: unknown[]): Promise<number[][]> => Promise.all(bs.map(async (b) => Array.from(await (b as ax.Tensor[])[0]!.dataAsync())));
  const ref = make();
  const all = await rows([...ref, ...ref]); // two epochs
  const a = make();
  const it = a[Symbol.iterator]();
  const seen = await rows([it.next(), it.next(), it.next()].map((r) => r.value));
  const state = JSON.parse(JSON.stringify(a.stateDict())) as ax.DataLoaderState;
  const b = make();
  b.loadStateDict(state);
  assert.deepEqual([...seen, ...(await rows([...b])), ...(await rows([...b]))], all);
});

test('ModelCheckpoint({ saveTrainingState }) writes checkpoints that fit({ resume }) continues bit-identically', { skip: SYNC_ONLY }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-mcs-'));
  try {
    const ref = uninterrupted();
    const template = path.join(dir, 'state-{epoch}.safetensors');
    const steps: number[] = [];
    const m1 = model();
    const base1 = options(m1, { onStep: (l) => { steps.push(l); if (steps.length === 8) throw new Killed('killed'); } });
    assert.throws(() => ax.fit(m1, { ...base1, callbacks: [...base1.callbacks!, new ax.ModelCheckpoint({ path: template, saveBestOnly: false, saveTrainingState: true })] }), Killed);
    steps.length = STEPS_PER_EPOCH;
    const m2 = model();
    const base2 = options(m2, { onStep: (l) => steps.push(l) });
    const h = ax.fit(m2, { ...base2, resume: path.join(dir, 'state-1.safetensors'), callbacks: [...base2.callbacks!, new ax.ModelCheckpoint({ path: template, saveBestOnly: false, saveTrainingState: true })] });
    assert.deepEqual(steps, ref.steps);
    assert.deepEqual(losses(h), ref.history);
    assert.deepEqual(weightBytes(m2), ref.weights);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ModelCheckpoint creates its folder, removes its own stale temp files and keeps the last K', { skip: SYNC_ONLY }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-mc-'));
  try {
    const folder = path.join(dir, 'runs', 'a');
    mkdirSync(folder, { recursive: true });
    const dead = 4194399; // above Linux's largest pid_max: no such process
    const stale = `.epoch-2.safetensors.${dead}.0123456789ab.tmp`;
    const other = `.other.safetensors.${dead}.0123456789ab.tmp`;
    const live = `.epoch-1.safetensors.${process.pid}.0123456789ab.tmp`;
    for (const f of [stale, other, live]) writeFileSync(path.join(folder, f), 'partial');
    const cb = new ax.ModelCheckpoint({ path: path.join(folder, 'epoch-{epoch}.safetensors'), saveBestOnly: false, keepLast: 2 });
    const m = model();
    ax.fit(m, options(m, { epochs: 4, callbacks: [cb] }));
    assert.deepEqual(readdirSync(folder).sort(), [live, other, 'epoch-3.safetensors', 'epoch-4.safetensors'].sort());
    assert.equal(cb.saved.length, 4);
    const nested = path.join(dir, 'new', 'deeper', 'best.safetensors');
    const m2 = model();
    ax.fit(m2, options(m2, { epochs: 1, callbacks: [new ax.ModelCheckpoint({ path: nested })] }));
    assert.ok(existsSync(nested));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
