// fit({ dashboard }) end to end without a browser: the run log (the same events the page gets)
// holds the start, the model summary, one step event per optimizer step, the epochs, a validation
// pass before training and after each epoch (a confusion matrix summing to the validation rows,
// misclassified images for an image model, targets vs predictions for regression), the doctor's
// findings, and the end; the stream serves the same events; `keepServing: false` closes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Adam, Conv2d, Flatten, Linear, ReLU, Sequential, fit, fromArray, manualSeed, randn, type History } from '../../../src/index.js';
import type { DashboardEvent, StepEvent, ValidationEvent } from '../../../src/dashboard/events.js';

const dir = mkdtempSync(path.join(tmpdir(), 'axon-dash-'));

/** The run log once its end event is written (the server's thread writes it as events arrive). */
async function logOf(file: string): Promise<DashboardEvent[]> {
  for (let i = 0; i < 200; i++) {
    if (existsSync(file)) {
      // Only whole lines: the writer may be half way through one (it then ends without a newline).
      const text = readFileSync(file, 'utf8');
      const events = text.slice(0, text.lastIndexOf('\n') + 1).trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as DashboardEvent);
      if (events.at(-1)?.event === 'end') return events;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${file} has no end event after 5 s`);
}

/** Three separable classes in 4 features: 90 rows. */
function blobs(n = 90): { x: ReturnType<typeof randn>; y: ReturnType<typeof fromArray> } {
  manualSeed(3);
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const noise = randn([n, 4]).data();
  const x = fromArray(Array.from({ length: n * 4 }, (_, k) => noise[k]! * 0.3 + (k % 4 === labels[Math.floor(k / 4)]! ? 2 : 0)), [n, 4]); // (90, 4)
  return { x, y: fromArray(labels, [n], 'int32') };
}

test('classification: steps, epochs, validation confusion matrices, findings and the model, in the run log and the stream', async () => {
  const log = path.join(dir, 'cls.jsonl');
  const data = blobs();
  manualSeed(0);
  const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
  let url = '';
  let close = (): void => {};
  const history = fit(model, {
    data, validation: 0.2, epochs: 3, batchSize: 16, verbose: false, optimizer: new Adam(model.parameters(), { lr: 0.05 }),
    dashboard: { port: 0, log, verbose: false, name: 'blobs', onReady: (d) => { ({ url, close } = d); } },
  });
  try {
    await checkClassificationRun(url, log, history);
  } finally {
    close(); // else the server keeps serving (and the process alive) until Ctrl-C, even after a failed assertion
  }
});

async function checkClassificationRun(url: string, log: string, history: History): Promise<void> {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const events = await logOf(log);
  assert.deepEqual(events.slice(0, 2).map((e) => e.event), ['start', 'model']);
  const start = events[0] as Extract<DashboardEvent, { event: 'start' }>;
  assert.equal(start.name, 'blobs');
  assert.equal(start.task, 'classification');
  assert.equal(start.validationSize, 18);
  const steps = events.filter((e): e is StepEvent => e.event === 'step');
  assert.equal(steps.length, 3 * start.stepsPerEpoch);
  assert.deepEqual(steps.map((s) => s.step), steps.map((_, i) => i + 1));
  assert.ok(steps.every((s) => Number.isFinite(s.loss) && s.lr === 0.05 && s.samples > 0));
  assert.ok(steps.some((s) => s.gradNorm !== undefined && s.gradNorm > 0), 'the gradient norm is sampled');
  const epochs = events.filter((e) => e.event === 'epoch');
  assert.deepEqual(epochs.map((e) => [e.epoch, e.step]), [[1, start.stepsPerEpoch], [2, 2 * start.stepsPerEpoch], [3, 3 * start.stepsPerEpoch]]);
  assert.deepEqual(epochs.map((e) => e.loss), history.epochs.map((e) => e.loss));
  const passes = events.filter((e): e is ValidationEvent => e.event === 'validation');
  assert.deepEqual(passes.map((v) => v.trained), [0, 1, 2, 3]);
  for (const v of passes) {
    assert.equal(v.confusion!.length, 3);
    assert.equal(v.confusion!.flat().reduce((a, b) => a + b, 0), 18, `pass ${v.trained}`);
  }
  const last = passes.at(-1)!.confusion!;
  const acc = last.reduce((s, row, i) => s + row[i]!, 0) / 18;
  assert.ok(Math.abs(acc - history.epochs.at(-1)!.valAccuracy!) < 1e-9, `confusion diagonal ${acc} vs valAccuracy ${history.epochs.at(-1)!.valAccuracy}`);
  const model0 = events[1] as Extract<DashboardEvent, { event: 'model' }>;
  assert.equal(model0.parameters, 4 * 8 + 8 + 8 * 3 + 3);
  assert.match(model0.summary, /Linear\s+\[1,8\]\s+40/);
  const found = events.filter((e) => e.event === 'finding').map((e) => (e as { id: string }).id).sort();
  assert.deepEqual(found, (history.findings ?? []).map((f) => f.id).sort());
  assert.equal(events.at(-1)!.event, 'end');
  // The stream still serves (keepServing defaults to true): the same events, the run so far first.
  const streamed = await new Promise<string>((ok, fail) => {
    const u = new URL(url);
    const req = http.get({ host: u.hostname, port: u.port, path: '/events', headers: { Host: u.host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += String(c); if (body.includes('"event":"end"')) { req.destroy(); ok(body); } });
    });
    req.on('error', fail);
  });
  // The run so far comes first; what the server thread had not yet received follows in later messages.
  const dump = streamed.split('\n').filter((l) => l.startsWith('data: ')).flatMap((l) => JSON.parse(l.slice(6)) as DashboardEvent[]);
  assert.deepEqual(dump, events);
}

test('an image classifier sends misclassified images; a regression sends targets and predictions; keepServing: false closes', async () => {
  manualSeed(1);
  const x = randn([40, 1, 6, 6]); // (40, 1, 6, 6)
  const y = fromArray(Array.from({ length: 40 }, (_, i) => i % 2), [40], 'int32');
  const cnn = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new Flatten(), new Linear(2 * 4 * 4, 2)); // (N, 1, 6, 6) -> (N, 2)
  const log = path.join(dir, 'img.jsonl');
  fit(cnn, { data: { x, y }, validation: 0.5, epochs: 1, batchSize: 10, verbose: false, doctor: false, dashboard: { port: 0, log, verbose: false, keepServing: false } });
  const passes = (await logOf(log)).filter((e): e is ValidationEvent => e.event === 'validation');
  for (const v of passes) {
    const wrong = v.confusion!.reduce((s, row, i) => s + row.reduce((a, b, j) => a + (i === j ? 0 : b), 0), 0);
    assert.equal(v.misclassified?.length ?? 0, Math.min(16, wrong));
    for (const t of v.misclassified ?? []) {
      assert.deepEqual([t.width, t.height, t.channels], [6, 6, 1]);
      assert.equal(Buffer.from(t.pixels, 'base64').length, 36);
      assert.notEqual(t.truth, t.pred);
    }
  }

  manualSeed(2);
  const xr = randn([30, 3]); // (30, 3)
  const yr = fromArray(Array.from(xr.data(), (_, k) => k).filter((k) => k % 3 === 0).map((k) => xr.data()[k]! * 2), [30, 1]); // (30, 1)
  const reg = new Sequential(new Linear(3, 1));
  const rlog = path.join(dir, 'reg.jsonl');
  fit(reg, { data: { x: xr, y: yr }, validation: 0.2, epochs: 2, batchSize: 8, verbose: false, doctor: false, dashboard: { port: 0, log: rlog, verbose: false, keepServing: false } });
  const events = await logOf(rlog);
  assert.equal((events[0] as { task?: string }).task, 'regression');
  for (const v of events.filter((e): e is ValidationEvent => e.event === 'validation')) {
    assert.equal(v.confusion, undefined);
    assert.equal(v.truth!.length, 6);
    assert.equal(v.pred!.length, 6);
    assert.ok(v.truth!.every(Number.isFinite) && v.pred!.every(Number.isFinite));
  }
});
