// The names-makemore example in a short form (1,000 names, 2 epochs): every model beats the uniform
// guess, training lowers the neural models' loss below where it started, the samples are names
// outside the training set, and a character outside the vocabulary is a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../helpers.js';
import { ValueError } from '../../../src/index.js';
import { encodeName, run } from '../../../examples/names-makemore.js';
import { throwsWith } from '../data/throws.js';

test('names-makemore (short form): bigram, MLP and Transformer learn; 20 new names are sampled', async () => {
  const r = await run({ epochs: 2, maxNames: 1000, verbose: false });
  const m = r.metrics;
  const uniform = Math.log(28);
  assert.equal(m.uniformNats, uniform);
  assert.ok(m.bigramValNats! < uniform - 0.6, `bigram ${m.bigramValNats}`);
  assert.ok(m.mlpValNats! < uniform - 0.5, `MLP ${m.mlpValNats}`);
  assert.ok(m.transformerValNats! < uniform - 0.4, `Transformer ${m.transformerValNats}`);
  assert.equal(m.trainNames! + m.valNames!, 1000);
  const samples = /samples: (.*)$/.exec(r.note!)![1]!.split(' ');
  assert.equal(samples.length, 20);
  assert.equal(new Set(samples).size, 20);
  for (const s of samples) assert.match(s, /^[a-z-]+$/);
  assert.ok(m.samplesInTrainingSet! >= 0 && m.samplesInTrainingSet! < 1);
});

test('names-makemore: names encode to character ids ending in the end marker; other characters are errors', () => {
  assert.deepEqual(encodeName('ann'), [1, 14, 14, 0]);
  assert.deepEqual(encodeName('anne-marie').at(-2), 5);
  throwsWith(() => encodeName('zoë'), ValueError, 'names-makemore', '"ë"', 'zoë', 'lower-case');
  throwsWith(() => encodeName('Ann'), ValueError, '"A"');
});
