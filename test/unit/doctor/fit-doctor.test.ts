// The doctor inside fit(): each training mistake injected into a real run (MNIST, iris,
// penguins) is named with the right fix, at the right time; clean runs raise no warning; the
// doctor never changes the run; and lrFind proposes a working learning rate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { RunMonitor } from '../../../src/doctor/run-checks.js';
import { alarms, find, mlp, pick, range, tabular } from './helpers.js';

const mnist = ax.loadMnist({ trainSize: 2000, testSize: 500 });
const quiet = { verbose: false } as const;

test('clean runs on MNIST, iris and penguins raise no warning, and the doctor does not change the run', async () => {
  const m = await mnist;
  let net = mlp([784, 128, 10]);
  const h = ax.fit(net, { ...quiet, data: m.train, validation: m.test, epochs: 3, batchSize: 64, optimizer: new ax.Adam(net.parameters(), { lr: 1e-3 }) });
  assert.deepEqual(alarms(h.findings), []);
  assert.ok(h.epochs.at(-1)!.valAccuracy! > 0.85);
  net = mlp([784, 128, 10]);
  const off = ax.fit(net, { ...quiet, data: m.train, validation: m.test, epochs: 3, batchSize: 64, optimizer: new ax.Adam(net.parameters(), { lr: 1e-3 }), doctor: false });
  assert.deepEqual(off.epochs.map((e) => e.valLoss), h.epochs.map((e) => e.valLoss), 'same seed, doctor on or off ⇒ identical run');
  assert.equal(off.findings, undefined);
  for (const [loader, epochs] of [[ax.loadIris, 30], [ax.loadPenguins, 20]] as const) {
    const d = await tabular(loader);
    const net2 = mlp([4, 16, 3]);
    const h2 = ax.fit(net2, { ...quiet, data: d.std.train, validation: d.std.val, epochs, batchSize: 16, optimizer: new ax.Adam(net2.parameters(), { lr: 0.01 }), doctor: { featureNames: d.names } });
    assert.deepEqual(alarms(h2.findings), [], loader.name);
    const b = find(h2.findings, 'baseline')!;
    assert.ok(b.evidence.networkValidation! >= 0.9 && b.evidence.linearValidation! >= 0.9, JSON.stringify(b.evidence));
    // a network within max(1 point, 2 validation rows) of the best baseline is a tie, and said to be one
    const bestBaseline = Math.max(b.evidence.linearValidation!, b.evidence.gbtValidation!);
    const margin = Math.max(0.01, 2 / b.evidence.rows!);
    if (Math.abs(b.evidence.networkValidation! - bestBaseline) <= margin) assert.match(b.title, /baseline does as well as the network/, loader.name);
    else assert.match(b.fix, /the network beats the baselines/, loader.name);
  }
});

test('lr = 10 on MNIST is flagged within the first 50 steps: divide it by 4', async () => {
  const m = await mnist;
  for (const make of [(p: ax.Parameter[]) => new ax.Adam(p, { lr: 10 }), (p: ax.Parameter[]) => new ax.SGD(p, { lr: 10 })]) {
    const net = mlp([784, 128, 10]);
    let flaggedAt = -1;
    const h = ax.fit(net, { ...quiet, data: m.train, epochs: 1, batchSize: 64, optimizer: make(net.parameters()), doctor: { onFinding: (f) => { if (f.id === 'lr-too-high' && flaggedAt < 0) flaggedAt = f.step!; } } });
    const f = find(h.findings, 'lr-too-high')!;
    assert.equal(f.severity, 'error');
    assert.ok(flaggedAt >= 1 && flaggedAt <= 50, `flagged at step ${flaggedAt}`);
    assert.match(f.fix, /divide it by 4 \(lr 10 → 2\.5\)/);
  }
});

test('a run whose loss becomes NaN throws TrainingDivergedError carrying the doctor finding', () => {
  const g = new ax.Generator(1);
  const x = ax.tensor(range(40).map((i) => [(i % 3) * 1e6 + g.normal(), g.normal() * 1e6]));
  const y = ax.tensor(range(40).map((i) => i % 3), { dtype: 'int32' });
  const net = mlp([2, 16, 3]);
  assert.throws(() => ax.fit(net, { ...quiet, data: { x, y }, epochs: 20, batchSize: 8, optimizer: new ax.SGD(net.parameters(), { lr: 10 }) }),
    (e: unknown) => e instanceof ax.TrainingDivergedError && e.findings!.some((f) => f.id === 'lr-too-high' && /divide it by 4/.test(f.fix)));
});

test('an overfitting run (few MNIST digits, 30% wrong labels, big MLP) is flagged within 2 epochs of validation turning', async () => {
  const m = await mnist;
  const g = new ax.Generator(1);
  const labels = Array.from(m.train.y.data()).slice(0, 300).map((l) => (g.uniform() < 0.3 ? g.int(0, 10) : l));
  const net = mlp([784, 512, 10]);
  const h = ax.fit(net, { ...quiet, data: { x: pick(m.train.x, range(300)), y: ax.tensor(labels, { dtype: 'int32' }) }, validation: { x: pick(m.test.x, range(300)), y: pick(m.test.y, range(300)) }, epochs: 10, batchSize: 32, optimizer: new ax.Adam(net.parameters(), { lr: 3e-3 }) });
  const f = find(h.findings, 'overfitting')!;
  const val = h.epochs.map((e) => e.valLoss!);
  const best = val.indexOf(Math.min(...val.slice(0, f.epoch))) + 1; // the best epoch before the flag
  const turning = best + 1;
  assert.equal(f.evidence.beganEpoch, turning);
  assert.ok(f.epoch! <= turning + 2, `validation turned at epoch ${turning}, flagged at ${f.epoch}`);
  assert.match(f.fix, /EarlyStopping/);
  for (const w of ['dropout', 'augmentation', 'weight decay', 'smaller model', 'more data']) assert.match(f.fix, new RegExp(w));
  // The same run with EarlyStopping(restoreBestWeights) already in place: handled, so information.
  const net2 = mlp([784, 512, 10]);
  const h2 = ax.fit(net2, { ...quiet, data: { x: pick(m.train.x, range(300)), y: ax.tensor(labels, { dtype: 'int32' }) }, validation: { x: pick(m.test.x, range(300)), y: pick(m.test.y, range(300)) }, epochs: 10, batchSize: 32, optimizer: new ax.Adam(net2.parameters(), { lr: 3e-3 }), callbacks: [new ax.EarlyStopping({ patience: 5, restoreBestWeights: true })] });
  const f2 = find(h2.findings, 'overfitting')!;
  assert.equal(f2.severity, 'info');
  assert.match(f2.title, /your EarlyStopping restores the weights of epoch/);
  assert.match(f2.fix, /nothing urgent/);
});

test('underfitting: a 1-unit bottleneck on MNIST levels off near its starting loss', async () => {
  const m = await mnist;
  const net = mlp([784, 1, 10]);
  const h = ax.fit(net, { ...quiet, data: m.train, validation: m.test, epochs: 8, batchSize: 64, optimizer: new ax.Adam(net.parameters(), { lr: 1e-3 }) });
  const f = find(h.findings, 'underfitting')!;
  assert.equal(f.severity, 'warning');
  assert.match(f.fix, /more capacity/);
  assert.match(f.fix, /CNN for images/);
});

test('learning rate: too low stagnates (raise it), too high for SGD oscillates (lower it)', async () => {
  const d = await tabular(ax.loadIris);
  let net = mlp([4, 16, 3]);
  let h = ax.fit(net, { ...quiet, data: d.std.train, validation: d.std.val, epochs: 4, batchSize: 16, optimizer: new ax.Adam(net.parameters(), { lr: 1e-6 }) });
  const s = find(h.findings, 'loss-stagnating')!;
  assert.equal(s.epoch, 2);
  assert.match(s.fix, /raise it ×10/);
  net = mlp([4, 16, 3]);
  h = ax.fit(net, { ...quiet, data: d.std.train, validation: d.std.val, epochs: 8, batchSize: 16, optimizer: new ax.SGD(net.parameters(), { lr: 3 }) });
  const o = find(h.findings, 'lr-oscillating')!;
  assert.match(o.fix, /lower the learning rate/);
  // Converged and bouncing by batch noise only (the iris example: 102 rows, 60 epochs, Adam 0.01):
  // swings of ~10% of a loss already 20× below its start are not an oscillating rate.
  net = mlp([4, 16, 3]);
  h = ax.fit(net, { ...quiet, data: d.std.train, validation: 0.15, epochs: 60, batchSize: 16, seed: 0, optimizer: new ax.Adam(net.parameters(), { lr: 0.01 }) });
  assert.equal(find(h.findings, 'lr-oscillating'), undefined);
  assert.deepEqual(alarms(h.findings), []);
});

test('step 0: unstandardized penguins start far above ln 3; a Softmax before crossEntropy is named', async () => {
  const d = await tabular(ax.loadPenguins);
  let net = mlp([4, 16, 3]);
  let h = ax.fit(net, { ...quiet, data: d.raw.train, validation: d.raw.val, epochs: 1, batchSize: 16 });
  const f = find(h.findings, 'initial-loss')!;
  assert.ok(f.evidence.initialLoss! > 10 && Math.abs(f.evidence.chanceLoss! - Math.log(3)) < 1e-9, JSON.stringify(f.evidence));
  assert.equal(f.step, 0);
  assert.match(f.fix, /standardize the inputs/);
  assert.ok(find(h.findings, 'feature-scales'));
  ax.manualSeed(0);
  net = new ax.Sequential(new ax.Linear(4, 16), new ax.ReLU(), new ax.Linear(16, 3), new ax.Softmax({ dim: 1 }));
  h = ax.fit(net, { ...quiet, data: d.std.train, validation: d.std.val, epochs: 1, batchSize: 16 });
  assert.ok(find(h.findings, 'softmax-before-cross-entropy'));
});

test('gradient health: vanishing (11 sigmoid layers), exploding (large weights), dead ReLUs (bias −10), saturated tanh (raw grams)', async () => {
  const d = await tabular(ax.loadIris);
  let net = mlp([4, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 3], ax.Sigmoid);
  let h = ax.fit(net, { ...quiet, data: d.std.train, epochs: 1, batchSize: 16 });
  assert.match(find(h.findings, 'vanishing-gradients')!.fix, /ReLU/);
  net = mlp([4, 64, 64, 64, 64, 3]);
  net.loadStateDict(Object.fromEntries(Object.entries(net.stateDict()).map(([k, t]) => [k, k.endsWith('weight') ? ax.mul(t, 6) : t])));
  h = ax.fit(net, { ...quiet, data: d.std.train, epochs: 1, batchSize: 16, optimizer: new ax.SGD(net.parameters(), { lr: 1e-6 }) });
  assert.match(find(h.findings, 'exploding-gradients')!.fix, /clipGradNorm/);
  net = mlp([4, 32, 3]);
  net.loadStateDict({ ...net.stateDict(), '0.bias': ax.full([32], -10) });
  h = ax.fit(net, { ...quiet, data: d.std.train, epochs: 1, batchSize: 16 });
  const dead = find(h.findings, 'dead-relu')!;
  assert.equal(dead.evidence.share, 1);
  assert.match(dead.fix, /LeakyReLU/);
  const p = await tabular(ax.loadPenguins);
  net = mlp([4, 16, 3], ax.Tanh);
  h = ax.fit(net, { ...quiet, data: p.raw.train, epochs: 1, batchSize: 16 });
  assert.match(find(h.findings, 'saturated-activations')!.fix, /standardize the inputs/);
});

test('the baseline beats a broken network and says so; findings reach the progress output', async () => {
  const d = await tabular(ax.loadPenguins);
  const net = mlp([4, 16, 3]);
  const lines: string[] = [];
  const h = ax.fit(net, { verbose: false, callbacks: [new ax.ProgressBar({ write: (s) => lines.push(s), live: false })], data: d.std.train, validation: d.std.val, epochs: 2, batchSize: 16, optimizer: new ax.Adam(net.parameters(), { lr: 1e-5 }) });
  const f = find(h.findings, 'baseline-wins')!;
  assert.ok(f.evidence.linearValidation! > f.evidence.networkValidation!);
  assert.match(f.fix, /use the/);
  assert.match(lines.join(''), /doctor \[warning\] baseline-wins/);
});

test('lrFind proposes a rate that trains MNIST, and puts the weights back', async () => {
  const m = await mnist;
  const net = mlp([784, 64, 10]);
  const before = ax.evaluate(net, m.test).loss;
  const r = ax.lrFind(net, m.train, { batchSize: 64 });
  assert.equal(ax.evaluate(net, m.test).loss, before);
  assert.ok(r.suggestion >= 1e-4 && r.suggestion <= 3e-2, `suggestion ${r.suggestion}`);
  assert.ok(r.losses.length > 30 && r.losses.length === r.lrs.length);
  const h = ax.fit(net, { ...quiet, data: m.train, validation: m.test, epochs: 1, batchSize: 64, optimizer: new ax.Adam(net.parameters(), { lr: r.suggestion }) });
  assert.ok(h.epochs[0]!.valAccuracy! > 0.8, JSON.stringify(h.epochs[0]));
});

test('activation probes stay within 1% of the training steps: every epoch on MNIST-sized epochs, a few on iris, the final state always; history.doctorMs reports the cost', async () => {
  /** Eval-mode forwards over the probe batch (min(128, N) rows): fit has no validation here, so only the doctor's probes. */
  const countProbes = (net: ax.Sequential, rows: number): { n: number } => {
    const c = { n: 0 };
    const fwd = net.forward.bind(net);
    net.forward = (x: ax.Tensor): ax.Tensor => { if (!net.training && x.shape[0] === rows) c.n++; return fwd(x) as ax.Tensor; };
    return c;
  };
  const d = await tabular(ax.loadIris); // 120 training rows, batch 16: 8 steps an epoch
  let net = mlp([4, 16, 3]);
  let c = countProbes(net, 120);
  const t0 = performance.now();
  let h = ax.fit(net, { ...quiet, data: d.std.train, epochs: 50, batchSize: 16 });
  const ms = performance.now() - t0;
  // a probe of 120 rows counts as 2.5 steps of 16 rows: the start, epoch 32 (1% of its 256 steps first covers one probe) and the end
  assert.equal(c.n, 3);
  assert.ok(h.doctorMs! > 0 && h.doctorMs! < ms, `${h.doctorMs} of ${ms} ms`);
  const g = new ax.Generator(2);
  const x = ax.randn([8000, 4], { generator: g });
  const y = ax.gt(ax.sum(x, { dim: 1 }), 0).int();
  net = mlp([4, 8, 2]);
  c = countProbes(net, 128);
  h = ax.fit(net, { ...quiet, data: { x, y }, epochs: 3, batchSize: 64, doctor: { baselines: false } });
  assert.equal(c.n, 4, '125 steps an epoch: the start and every epoch');
  for (const [, mod] of net.namedModules()) if (mod instanceof ax.ReLU) assert.ok(!Object.hasOwn(mod, 'forward'), 'the probe leaves the layers as they were');
  assert.equal(ax.fit(mlp([4, 8, 2]), { ...quiet, data: { x, y }, epochs: 1, doctor: false }).doctorMs, undefined);
});

test('with ≥ 128 validation rows the activations are observed in fit\'s own validation passes: dead ReLUs and saturated tanh are named, no forward pass of the doctor\'s own, the layers left as they were', async () => {
  const m = await mnist; // 500 validation rows
  /** Forward passes in eval mode, by rows: fit's validation batches only, when the doctor adds none. */
  const evalRows = (net: ax.Sequential): number[] => {
    const rows: number[] = [];
    const fwd = net.forward.bind(net);
    net.forward = (x: ax.Tensor): ax.Tensor => { if (!net.training) rows.push(x.shape[0]!); return fwd(x) as ax.Tensor; };
    return rows;
  };
  let net = mlp([784, 32, 10]);
  net.loadStateDict({ ...net.stateDict(), '0.bias': ax.full([32], -10) });
  let rows = evalRows(net);
  const seen: string[] = [];
  const spy: ax.Callback = { onValidationBegin: (t) => { seen.push(`begin ${t}`); }, onValidationEnd: (t) => { seen.push(`end ${t}`); } };
  let h = ax.fit(net, { ...quiet, data: m.train, validation: m.test, epochs: 2, batchSize: 100, callbacks: [spy] });
  const dead = find(h.findings, 'dead-relu')!;
  assert.equal(dead.evidence.share, 1);
  assert.equal(dead.epoch, undefined, 'found in the pass before training');
  // (the data checks' output-shape check runs the model on 2 rows)
  assert.deepEqual(rows.filter((r) => r > 2), Array(3 * 5).fill(100), 'three validation passes of 5 batches, no probe batch');
  assert.deepEqual(seen, ['begin 0', 'end 0', 'begin 1', 'end 1', 'begin 2', 'end 2'], 'every callback hears the validation passes');
  for (const [, mod] of net.namedModules()) if (mod instanceof ax.ReLU) assert.ok(!Object.hasOwn(mod, 'forward'), 'the observer leaves the layers as they were');
  // raw, unscaled inputs saturate a tanh layer
  const g = new ax.Generator(3);
  const x = ax.mul(ax.randn([1200, 4], { generator: g }), 40); // (1200, 4)
  const y = ax.gt(ax.sum(x, { dim: 1 }), 0).int();
  net = mlp([4, 16, 2], ax.Tanh);
  rows = evalRows(net);
  h = ax.fit(net, { ...quiet, data: { x: ax.slice(x, [[0, 1000]]), y: ax.slice(y, [[0, 1000]]) }, validation: { x: ax.slice(x, [[1000, 1200]]), y: ax.slice(y, [[1000, 1200]]) }, epochs: 1, batchSize: 50, doctor: { baselines: false } });
  assert.match(find(h.findings, 'saturated-activations')!.fix, /standardize the inputs/);
  assert.deepEqual(rows.filter((r) => r > 2), Array(2 * 4).fill(50), 'two validation passes of 4 batches');
  // fewer validation rows than a probe: the doctor's own probe batch of training rows, as before
  net = mlp([784, 32, 10]);
  net.loadStateDict({ ...net.stateDict(), '0.bias': ax.full([32], -10) });
  rows = evalRows(net);
  h = ax.fit(net, { ...quiet, data: m.train, validation: { x: ax.slice(m.test.x, [[0, 100]]), y: ax.slice(m.test.y, [[0, 100]]) }, epochs: 1, batchSize: 100 });
  assert.equal(find(h.findings, 'dead-relu')!.evidence.share, 1);
  assert.ok(rows.filter((r) => r === 128).length >= 2, `the probe batch ran (eval forwards ${rows.join(',')})`);
});

test('a custom loop that never runs fit\'s validation passes still gets the activation check: the doctor probes the training rows at the end', async () => {
  const m = await mnist; // 500 validation rows: fit would observe its validation passes
  const net = mlp([784, 32, 10]);
  net.loadStateDict({ ...net.stateDict(), '0.bias': ax.full([32], -10) });
  const optimizer = new ax.Adam(net.parameters(), { lr: 1e-3 });
  const doctor = new ax.DoctorCallback({ baselines: false }, { model: net, data: m.train, validation: m.test, callbacks: [] });
  const history: ax.History = { epochs: [], stoppedEarly: false };
  const ctx: ax.TrainContext = { model: net, optimizer, epochs: 1, stepsPerEpoch: 1, epoch: 0, history, stopTraining: false };
  doctor.onTrainBegin(ctx);
  optimizer.zeroGrad();
  const loss = ax.crossEntropy(net.forward(ax.slice(m.train.x, [[0, 64]])), ax.slice(m.train.y, [[0, 64]]));
  loss.backward();
  optimizer.step();
  doctor.onBatchEnd(0, { loss: loss.item(), batchSize: 64 }, ctx);
  history.epochs.push({ epoch: 1, loss: loss.item() });
  doctor.onEpochEnd(0, history.epochs[0]!, ctx);
  doctor.onTrainEnd(ctx);
  assert.equal(find(doctor.findings, 'dead-relu')!.evidence.share, 1);
  for (const [, mod] of net.namedModules()) if (mod instanceof ax.ReLU) assert.ok(!Object.hasOwn(mod, 'forward'), 'the layers are left as they were');
});

test('an overfitting alarm that later epochs disprove is withdrawn at the end (info, revised); a lasting one stays', () => {
  const run = (val: number[]): ax.Finding[] => {
    const doctor = new ax.Doctor();
    const mon = new RunMonitor();
    mon.batch(1, 1, 1.0, 1e-3);
    val.forEach((v, i) => doctor.reportAll(mon.epochEnd(i + 1, 0.9 - 0.01 * i, v, 1e-3))); // training loss keeps falling
    doctor.reportAll(mon.end(1e-3));
    return doctor.findings;
  };
  // a long bump of a noisy validation set: flagged at epoch 8, new best at epoch 12
  const bump = run([1.0, 0.8, 0.7, 0.6, 0.55, 0.5, 0.53, 0.56, 0.55, 0.52, 0.49, 0.45]);
  const f = find(bump, 'overfitting')!;
  assert.equal(f.severity, 'info');
  assert.equal(f.revised, true);
  assert.equal(f.evidence.flaggedEpoch, 8);
  assert.equal(f.evidence.bestEpoch, 12);
  assert.match(f.title, /no lasting overfitting/);
  // the validation loss keeps rising: the warning stands
  const lasting = run([1.0, 0.8, 0.7, 0.6, 0.55, 0.5, 0.53, 0.56, 0.6, 0.63, 0.66, 0.7]);
  assert.equal(find(lasting, 'overfitting')!.severity, 'warning');
});

test('small clean tabular runs stay clean: over-confidence is information, a gap of a validation row or two is a tie, 0/1 float targets under a binary loss are two classes', async () => {
  for (const seed of [0, 2]) {
    const d = await tabular(ax.loadPenguins, seed);
    const net = mlp([4, 16, 3], ax.ReLU, seed);
    const h = ax.fit(net, { ...quiet, data: d.std.train, validation: d.std.val, epochs: 50, batchSize: 16, optimizer: new ax.Adam(net.parameters(), { lr: 0.01 }) });
    assert.deepEqual(alarms(h.findings), [], `penguins seed ${seed}`);
  }
  const d = await tabular(ax.loadPenguins);
  const adelie = (t: ax.Tensor): ax.Tensor => ax.eq(t, 0).float().reshape(-1, 1); // (n, 1) 0/1 floats
  const net = mlp([4, 8, 1]);
  const h = ax.fit(net, { ...quiet, data: { x: d.std.train.x, y: adelie(d.std.train.y) }, validation: { x: d.std.val.x, y: adelie(d.std.val.y) }, epochs: 40, batchSize: 16, loss: 'binaryCrossEntropyWithLogits', optimizer: new ax.Adam(net.parameters(), { lr: 0.01 }) });
  assert.deepEqual(alarms(h.findings), []);
  const b = find(h.findings, 'baseline')!;
  assert.match(b.title, /validation accuracy/);
  assert.ok(b.evidence.networkValidation! > 0.9, JSON.stringify(b.evidence));
});

test('a rising validation loss with the accuracy held is noted as over-confidence, and becomes a warning when the accuracy drops', () => {
  const doctor = new ax.Doctor();
  const mon = new RunMonitor();
  mon.batch(1, 1, 1.0, 1e-3);
  const val = [1.0, 0.8, 0.7, 0.6, 0.55, 0.5, 0.53, 0.56, 0.6, 0.63];
  const acc = [0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.92, 0.92, 0.92, 0.88];
  const seen: ax.Finding[] = [];
  doctor.onFinding((f) => seen.push(f));
  val.forEach((v, i) => doctor.reportAll(mon.epochEnd(i + 1, 0.9 - 0.01 * i, v, 1e-3, acc[i])));
  assert.equal(seen[0]!.id, 'overfitting');
  assert.equal(seen[0]!.severity, 'info');
  assert.equal(seen[0]!.epoch, 8);
  assert.match(seen[0]!.title, /over-confident/);
  const f = find(doctor.findings, 'overfitting')!;
  assert.equal(f.severity, 'warning');
  assert.equal(f.epoch, 10, 'the accuracy dropped at epoch 10');
});

test('on imbalanced classes the baselines are compared on balanced accuracy (the imbalance finding says accuracy misleads): a class-weighted network that wins on it is not called beaten', async () => {
  const w = await ax.loadSeattleWeather(); // 5 weather classes, 24:1
  const s = ax.stratifiedSplit(w.y, { testFraction: 0.2, seed: 0 });
  const sc = new ax.StandardScaler().fit(pick(w.x, s.train));
  const data = { x: sc.transform(pick(w.x, s.train)), y: pick(w.y, s.train) };
  const validation = { x: sc.transform(pick(w.x, s.test)), y: pick(w.y, s.test) };
  const net = mlp([4, 32, 5]);
  const h = ax.fit(net, { ...quiet, data, validation, epochs: 40, batchSize: 32, classWeight: 'balanced', optimizer: new ax.Adam(net.parameters(), { lr: 3e-3 }) });
  const b = find(h.findings, 'baseline')!;
  assert.match(b.title, /validation balanced accuracy/);
  assert.ok(b.evidence.networkValidation! > b.evidence.gbtValidation! && b.evidence.networkValidation! > b.evidence.linearValidation!, JSON.stringify(b.evidence));
  assert.equal(find(h.findings, 'baseline-wins'), undefined);
  assert.equal(find(h.findings, 'class-imbalance')!.severity, 'info', 'class weights are on');
});

test('fit() fits the baselines in place before the first step (with the leak check) and compares them with the network at its end: the scores diagnoseData gives', async () => {
  const d = await tabular(ax.loadPenguins);
  const leaky = (s: { x: ax.Tensor; y: ax.Tensor }): ax.Tensor => // a column that encodes the label: 3·class + noise
    ax.cat([s.x, ax.add(ax.mul(s.y.float(), 3).reshape(-1, 1), ax.mul(ax.randn([s.x.shape[0]!, 1], { generator: new ax.Generator(1) }), 0.1))], 1);
  const train = { x: leaky(d.std.train), y: d.std.train.y };
  const validation = { x: leaky(d.std.val), y: d.std.val.y };
  const featureNames = [...d.names, 'speciesCode'];
  let step = -1;
  const at: Record<string, number> = {};
  const h = ax.fit(mlp([5, 16, 3]), {
    ...quiet, data: train, validation, epochs: 1, batchSize: 16,
    callbacks: [{ onBatchEnd: (s: number) => { step = s; } }],
    doctor: { featureNames, onFinding: (f) => { at[f.id] ??= step; } },
  });
  assert.match(find(h.findings, 'feature-leak')!.title, /speciesCode/);
  assert.equal(at['feature-leak'], -1, 'the leak is reported before the first step');
  assert.equal(at['baseline-scores'], -1, 'the baselines are reported before the first step');
  const end = find(h.findings, 'baseline') ?? find(h.findings, 'baseline-wins');
  assert.equal(end!.epoch, 1, 'the network is compared with the baselines at the end');
  const ref = ax.diagnoseData({ train, validation, featureNames, loss: 'crossEntropy' }).baselines!;
  assert.equal(end!.evidence.gbtValidation, ref.gbt.accuracy);
  assert.equal(end!.evidence.linearValidation, ref.linear.accuracy);
});
