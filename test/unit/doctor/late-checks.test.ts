// The leak check and baselines on the doctor's worker thread: the same numbers as in place, each
// answer matched to its job, and fit() waiting for them (so its findings do not depend on timing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ax from '../../../src/index.js';
import { asMatrix, readTargets } from '../../../src/doctor/matrix.js';
import { runLateChecks, type LateChecksJob, type LateChecksResult } from '../../../src/doctor/late-checks.js';
import { startLateChecks } from '../../../src/doctor/late-checks-thread.js';
import { find, mlp, tabular } from './helpers.js';

const quiet = { verbose: false } as const;
const numbers = (r: LateChecksResult): Omit<LateChecksResult, 'ms'> => ({ leakScores: r.leakScores, baselines: r.baselines });

/** A column that encodes the label (3·class + noise), appended to x. Shape: (N, d) → (N, d + 1). */
const leaky = (s: { x: ax.Tensor; y: ax.Tensor }): ax.Tensor =>
  ax.cat([s.x, ax.add(ax.mul(s.y.float(), 3).reshape(-1, 1), ax.mul(ax.randn([s.x.shape[0]!, 1], { generator: new ax.Generator(1) }), 0.1))], 1);

async function penguinJob(): Promise<LateChecksJob> {
  const d = await tabular(ax.loadPenguins);
  return {
    fit: asMatrix(d.std.train.x), fitT: readTargets(d.std.train.y),
    held: asMatrix(d.std.val.x), heldT: readTargets(d.std.val.y),
    leak: true, baselines: true,
  };
}

test('on the worker thread the leak scores and baselines are those computed in place, and each answer goes to its own job', async () => {
  const job = await penguinJob();
  const here = runLateChecks(job);
  assert.ok(here.baselines!.gbt.accuracy! > 0.9 && here.leakScores!.length === 4, 'the job does real work');
  const a = startLateChecks(job, 'thread');
  assert.equal(a.where, 'thread');
  // a second job (regression on the same rows: other numbers), waited for first
  const reg: LateChecksJob = { ...job, fitT: readTargets(ax.tensor([...job.fitT.labels!].map((l) => l * 1.5 + 0.25))), heldT: readTargets(ax.tensor([...job.heldT.labels!].map((l) => l * 1.5 + 0.25))) };
  const b = startLateChecks(reg, 'thread');
  assert.deepEqual(numbers(b.wait()), numbers(runLateChecks(reg)));
  assert.deepEqual(numbers(a.wait()), numbers(here));
  assert.equal(a.poll(), a.wait(), 'once there, the result stays');
  const inPlace = startLateChecks(job, 'inline');
  assert.equal(inPlace.where, 'inline');
  assert.deepEqual(numbers(inPlace.poll()!), numbers(here));
});

test('fit() runs the late checks on the worker thread and waits for them: the leak and the baselines are reported, and stopOnError keeps them before the first step', async () => {
  const d = await tabular(ax.loadPenguins);
  const train = { x: leaky(d.std.train), y: d.std.train.y };
  const validation = { x: leaky(d.std.val), y: d.std.val.y };
  const featureNames = [...d.names, 'speciesCode'];
  let net = mlp([5, 16, 3]);
  // one epoch: training ends long before a cold worker thread can answer, so fit must wait
  const h = ax.fit(net, { ...quiet, data: train, validation, epochs: 1, batchSize: 16, doctor: { featureNames } });
  assert.ok(h.doctorThreadMs! > 0, 'ran on the worker thread');
  assert.match(find(h.findings, 'feature-leak')!.title, /speciesCode/);
  assert.ok(find(h.findings, 'baseline') ?? find(h.findings, 'baseline-wins'), 'the network is compared with the baselines at the end');
  assert.ok(find(h.findings, 'baseline-scores'));
  // the same findings in place (stopOnError): the leak is reported before the first step
  net = mlp([5, 16, 3]);
  let step = -1;
  let leakAt: number | undefined;
  const h2 = ax.fit(net, {
    ...quiet, data: train, validation, epochs: 1, batchSize: 16,
    callbacks: [{ onBatchEnd: (s: number) => { step = s; } }],
    doctor: { featureNames, stopOnError: true, onFinding: (f) => { if (f.id === 'feature-leak') leakAt = step; } },
  });
  assert.equal(h2.doctorThreadMs, undefined, 'ran in place');
  assert.equal(leakAt, -1, 'reported before the first step');
  assert.deepEqual(h2.findings!.map((f) => f.id).sort(), h.findings!.map((f) => f.id).sort());
});

test('the worker thread loads only host code: no tensor, backend or op module in the late checks\' imports', () => {
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
  visit(new URL('../../../src/doctor/late-checks-worker.js', import.meta.url));
  assert.ok(seen.size >= 6, `${seen.size} modules`);
});
