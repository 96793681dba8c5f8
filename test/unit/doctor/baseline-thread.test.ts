// The baselines on the doctor's worker thread (their JavaScript): the same scores as fitted in
// place (with the wasm backend's compiled kernels: equal to rounding), each answer matched to its
// job; fit() runs them compiled in place where the backend has the kernels, else on the worker and
// waits for them (so its findings do not depend on timing), while the leak check stays before the
// first step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ax from '../../../src/index.js';
import { asMatrix, readTargets } from '../../../src/doctor/matrix.js';
import { runBaselines, type BaselineScores } from '../../../src/doctor/baselines.js';
import { startBaselines, type BaselineJob } from '../../../src/doctor/baseline-thread.js';
import { find, mlp, tabular } from './helpers.js';

const quiet = { verbose: false } as const;

/** A column that encodes the label (3·class + noise), appended to x. Shape: (N, d) → (N, d + 1). */
const leaky = (s: { x: ax.Tensor; y: ax.Tensor }): ax.Tensor =>
  ax.cat([s.x, ax.add(ax.mul(s.y.float(), 3).reshape(-1, 1), ax.mul(ax.randn([s.x.shape[0]!, 1], { generator: new ax.Generator(1) }), 0.1))], 1);

/** The same scores up to float64 rounding (compiled and JavaScript exp/log may differ in the last bit). */
function sameScores(a: BaselineScores, b: BaselineScores, what: string): void {
  for (const part of ['linear', 'linearTrain', 'gbt'] as const) {
    assert.deepEqual(Object.keys(a[part]).sort(), Object.keys(b[part]).sort(), `${what}: ${part}`);
    for (const [k, v] of Object.entries(a[part])) {
      const w = (b[part] as Record<string, number>)[k]!;
      assert.ok(Math.abs(v - w) <= 1e-9 * (1 + Math.abs(v)), `${what}: ${part}.${k} ${v} vs ${w}`);
    }
  }
}

async function penguinJob(): Promise<BaselineJob> {
  const d = await tabular(ax.loadPenguins);
  return { fit: asMatrix(d.std.train.x), fitT: readTargets(d.std.train.y), held: asMatrix(d.std.val.x), heldT: readTargets(d.std.val.y) };
}

test('on the worker thread the baselines score as fitted in place, and each answer goes to its own job', async () => {
  const job = await penguinJob();
  const here = runBaselines(job.fit, job.fitT, job.held, job.heldT);
  assert.ok(here.gbt.accuracy! > 0.9 && here.linear.accuracy! > 0.9, 'the job does real work');
  const a = startBaselines(job, 'thread');
  assert.equal(a.where, 'thread');
  // a second job (regression on the same rows: other numbers), waited for first
  const values = (labels: Int32Array): ax.Tensor => ax.tensor([...labels].map((l) => l * 1.5 + 0.25));
  const reg: BaselineJob = { ...job, fitT: readTargets(values(job.fitT.labels!)), heldT: readTargets(values(job.heldT.labels!)) };
  const b = startBaselines(reg, 'thread');
  const rb = b.wait();
  assert.deepEqual(rb.scores, runBaselines(reg.fit, reg.fitT, reg.held, reg.heldT));
  assert.ok(rb.ms > 0);
  assert.deepEqual(a.wait().scores, here);
  assert.equal(a.poll(), a.wait(), 'once there, the result stays');
  const inPlace = startBaselines(job, 'inline'); // with the wasm backend's compiled kernels
  assert.equal(inPlace.where, 'inline');
  sameScores(inPlace.poll()!.scores, here, 'compiled in place vs JavaScript');
});

test('a job whose answer is no longer kept (more than 8 newer jobs under way) is fitted in place, with the same scores', async () => {
  const job = await penguinJob();
  const here = runBaselines(job.fit, job.fitT, job.held, job.heldT);
  const jobs = Array.from({ length: 10 }, () => startBaselines(job, 'thread'));
  sameScores(jobs[0]!.wait().scores, here, 'evicted: fitted in place');
  for (const p of jobs.slice(1)) sameScores(p.wait().scores, here, 'on the worker or, evicted, in place');
});

/** A penguin fit whose last column leaks the label: its history, and the step at which the leak was reported (−1: before the first). */
async function leakyPenguinFit(): Promise<{ h: ax.History; leakAt: number | undefined; train: ax.XY; validation: ax.XY; featureNames: string[] }> {
  const d = await tabular(ax.loadPenguins);
  const train = { x: leaky(d.std.train), y: d.std.train.y };
  const validation = { x: leaky(d.std.val), y: d.std.val.y };
  const featureNames = [...d.names, 'speciesCode'];
  let step = -1;
  let leakAt: number | undefined;
  // one epoch: training ends before a cold worker thread can answer, so fit must wait
  const h = ax.fit(mlp([5, 16, 3]), {
    ...quiet, data: train, validation, epochs: 1, batchSize: 16,
    callbacks: [{ onBatchEnd: (s: number) => { step = s; } }],
    doctor: { featureNames, onFinding: (f) => { if (f.id === 'feature-leak') leakAt = step; } },
  });
  return { h, leakAt, train, validation, featureNames };
}

test('fit() on the reference backend fits the baselines on the worker thread and waits for them at its end; the leak check still reports before the first step', async () => {
  const before = ax.getBackend();
  ax.setBackend('ts'); // no compiled baselines: their JavaScript runs beside training
  try {
    const { h, leakAt, train, validation, featureNames } = await leakyPenguinFit();
    assert.ok(h.doctorThreadMs! > 0, 'the baselines were fitted on the worker thread');
    assert.match(find(h.findings, 'feature-leak')!.title, /speciesCode/);
    assert.equal(leakAt, -1, 'the leak is reported before the first step');
    assert.ok(find(h.findings, 'baseline-scores'));
    const end = find(h.findings, 'baseline') ?? find(h.findings, 'baseline-wins');
    assert.equal(end!.epoch, 1, 'the network is compared with the baselines at the end');
    // the same findings with the baselines fitted in place
    const d2 = ax.diagnoseData({ train, validation, featureNames, loss: 'crossEntropy' });
    assert.equal(d2.pendingBaselines, null);
    assert.deepEqual(d2.baselines!.gbt, { ...d2.baselines!.gbt, accuracy: end!.evidence.gbtValidation });
  } finally {
    ax.setBackend(before.name);
  }
});

test('the worker thread loads only host code: no tensor, backend or op module among the imports of baseline-worker', () => {
  const seen = new Set<string>();
  const visit = (url: URL): void => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const src = readFileSync(url, 'utf8');
    for (const m of src.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      // the typed errors are the one module outside doctor/ allowed (it imports nothing)
      assert.ok(spec.startsWith('./') || spec.startsWith('node:') || spec === '../errors.js', `${url.pathname.split('/').pop()} imports ${spec}: the worker would load the library`);
      if (!spec.startsWith('node:')) visit(new URL(spec, url));
    }
  };
  visit(new URL('../../../src/doctor/baseline-worker.js', import.meta.url));
  assert.ok(seen.size >= 5, `${seen.size} modules`);
});
