// save/load: identical predictions after a round trip, optimizer state resumes exactly,
// corrupted files are refused whole, ModelCheckpoint writes the best epoch.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ax from '../../../src/index.js';
import { AxonError } from '../../../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'axon-ckpt-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const net = (): ax.Sequential => new ax.Sequential(new ax.Linear(3, 8), new ax.GELU({ approximate: 'tanh' }), new ax.Dropout(0.1), new ax.Linear(8, 2));

test('save then load rebuilds the model with identical predictions', () => {
  ax.manualSeed(4);
  const m = net();
  const file = path.join(dir, 'm.safetensors');
  ax.save(m, file);
  const again = ax.load(file);
  assert.equal(again.toString(), m.toString());
  const x = ax.randn([5, 3]);
  m.eval();
  assert.deepEqual(again.forward(x).toArray(), m.forward(x).toArray());
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temp files left behind');
});

test('a truncated or corrupted checkpoint is refused, never half-loaded', () => {
  const m = net();
  const file = path.join(dir, 'c.safetensors');
  ax.save(m, file);
  const bytes = readFileSync(file);
  const cut = path.join(dir, 'cut.safetensors');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
  assert.throws(() => ax.load(cut), AxonError);
  const bad = Buffer.from(bytes);
  bad.writeUInt32LE(bytes.length * 2, 0); // header length beyond the file
  writeFileSync(cut, bad);
  assert.throws(() => ax.load(cut), AxonError);
  const target = net();
  const before = target.stateDict()['0.weight']!.toArray();
  assert.throws(() => ax.loadWeights(target, cut));
  assert.deepEqual(target.stateDict()['0.weight']!.toArray(), before, 'the model is untouched');
});

test('optimizer state saved with the model resumes the same trajectory', () => {
  ax.manualSeed(5);
  const x = ax.randn([16, 3]);
  const y = ax.randint(0, 2, [16]);
  const stepOnce = (m: ax.Module, o: ax.Adam): void => ax.scope(() => {
    o.zeroGrad(); ax.crossEntropy(m.forward(x), y).backward(); o.step();
  });
  const a = net().eval();
  const oa = new ax.Adam(a.parameters(), { lr: 0.01 });
  for (let i = 0; i < 3; i++) stepOnce(a, oa);
  const file = path.join(dir, 'resume.safetensors');
  ax.save(a, file, { optimizer: oa, extra: { epoch: 3 } });
  const { model: b, extra } = ax.loadCheckpoint(file);
  assert.deepEqual(extra, { epoch: 3 });
  const ob = new ax.Adam(b.parameters(), { lr: 0.01 });
  ax.loadOptimizerState(ob, file);
  stepOnce(a, oa);
  stepOnce(b, ob);
  assert.deepEqual(b.forward(x).toArray(), a.forward(x).toArray());
});

test('ModelCheckpoint saves only improving epochs', () => {
  ax.manualSeed(6);
  const m = new ax.Sequential(new ax.Linear(2, 4), new ax.ReLU(), new ax.Linear(4, 2));
  const x = ax.randn([40, 2]);
  const y = ax.cast(ax.gt(ax.sum(x, { dim: 1 }), 0), 'int32');
  const cb = new ax.ModelCheckpoint({ path: path.join(dir, 'best-{epoch}.safetensors') });
  const h = ax.fit(m, { data: { x, y }, validation: { x, y }, epochs: 6, batchSize: 8, verbose: false, callbacks: [cb] });
  assert.ok(cb.saved.length >= 1);
  const bestEpoch = h.epochs.reduce((b, e) => (e.valLoss! < b.valLoss! ? e : b));
  assert.equal(cb.saved.at(-1), path.join(dir, `best-${bestEpoch.epoch}.safetensors`));
  assert.ok(Math.abs(ax.evaluate(ax.load(cb.saved.at(-1)!), { x, y }).loss - bestEpoch.valLoss!) < 1e-6);
});
