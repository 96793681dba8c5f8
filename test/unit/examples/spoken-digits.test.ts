// spoken-digits: the committed clips (8 kHz WAVs, test voices disjoint from training voices), the
// windowing, the features' shape, and a short run that learns (loss falls, beats chance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { WINDOW, features, loadSpokenDigits, run, windowed } from '../../../examples/spoken-digits.js';

test('the data: 480 clips at 8 kHz, every digit for each speaker, test variants never used in training', () => {
  const { train, test: held, speakers } = loadSpokenDigits();
  assert.equal(train.length + held.length, 480);
  assert.equal(held.length, 80);
  const trainVariants = new Set(speakers.filter((s) => s.split === 'train').map((s) => s.variant));
  for (const s of speakers.filter((k) => k.split === 'test')) assert.ok(!trainVariants.has(s.variant), s.name);
  for (const c of [...train, ...held]) assert.ok(c.samples.length > 800 && c.samples.length <= WINDOW, `${c.speaker}/${c.digit}: ${c.samples.length} samples`);
  const counts = Array(10).fill(0);
  for (const c of train) counts[c.digit]++;
  assert.deepEqual(counts, Array(10).fill(40));
});

test('windowed centres or places the clip; augmentation adds noise; features are (B, 1, 40, 63)', () => {
  const clip = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i));
  const c = windowed(clip, null);
  assert.equal(c.length, WINDOW);
  assert.equal(c[3950], clip[0]);
  assert.equal(windowed(clip, 0)[5], clip[5]);
  const noisy = windowed(clip, 0, new ax.Generator(1));
  assert.notEqual(noisy[7000], 0);
  const f = features([c, noisy]);
  assert.deepEqual(f.shape, [2, 1, 40, 63]);
});

test('spoken-digits (short): the loss falls and unseen voices are recognised above chance', async () => {
  const r = await run({ epochs: 4, verbose: false });
  const m = r.metrics;
  assert.equal(r.example, 'spoken-digits');
  assert.ok(m.trainLoss! < m.firstLoss!, JSON.stringify(m));
  assert.ok(m.testAccuracy! > 0.2, JSON.stringify(m)); // chance is 0.1
  assert.match(r.note!, /confusion matrix/);
});
