// The baselines on the doctor's worker thread: the same scores as fitted in place, each answer
// matched to its job, and fit() waiting for them (so its findings do not depend on timing), while
// the leak check stays before the first step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ax from '../../../src/index.js';
import { asMatrix, readTargets } from '../../../src/doctor/matrix.js';
import { runBaselines } from '../../../src/doctor/baselines.js';
import { startBaselines, type BaselineJob } from '../../../src/doctor/baseline-thread.js';
import { find, mlp, tabular } from './helpers.js';

const quiet = { verbose: false } as const;

/** A column that encodes the label (3·class + noise), appended to x. Shape: (N, d) → (N, d + 1). */
const leaky = (s: { x: ax.Tensor; y: ax.Tensor }): ax.Tensor =>
  ax.cat([s.x, ax.add(ax.mul(s.y.float(), 3).reshape(-1, 1), ax.mul(ax.randn([s.x.shape[0]!, 1], { generator: new ax.Generator(1) }), 0.1))], 1);

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
  const inPlace = startBaselines(job, 'inline');
  assert.equal(inPlace.where, 'inline');
  assert.deepEqual(inPlace.poll()!.scores, here);
});

test('a job whose answer is no longer kept (more than 8 newer jobs under way) is fitted in place, with the same scores', async () => {
  const job = await penguinJob();
  const here = runBaselines(job.fit, job.fitT, job.held, job.heldT);
  const jobs = Array.from({ length: 10 }, () => startBaselines(job, 'thread'));
  assert.deepEqual(jobs[0]!.wait().scores, here, 'evicted: fitted in place');
  for (const p of jobs.slice(1)) assert.deepEqual(p.wait().scores, here);
});

test('fit() fits the baselines on the worker thread and waits for them at its end; the leak check still reports before the first step', async () => {
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
});

test('the worker thread loads only host code: no tensor, backend or op module among the imports of baseline-worker', () => {
  const seen = new Set<string>();
  const visit = (url: URL): void => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const src = readFileSync(url, 'utf8');
    for (const m of src.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      assert.ok(spec.startsWith('./') || spec.startsWith('node:'), `${url.pathname.split('/').pop()} imports ${spec}: the worker would load the library`);
      if (spec.startsWith('./')) visit(new URL(spec, url));
    }
  };
  visit(new URL('../../../src/doctor/baseline-worker.js', import.meta.url));
  assert.ok(seen.size >= 5, `${seen.size} modules`);
});
