// The cmudict-g2p example in a short form (a width-32 one-layer model, 1,500 training words, 5
// epochs): the loss falls and both decodings beat the empty guess's 100% PER on held-out words;
// the scoring against several pronunciations; the unknown-character policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../helpers.js';
import { ValueError } from '../../../src/index.js';
import { LETTERS, encodeSpelling, run, scoreG2p } from '../../../examples/cmudict-g2p.js';
import { throwsWith } from '../data/throws.js';

test('cmudict-g2p (short form): the loss falls and greedy and beam decoding beat 100% PER on held-out words', async () => {
  const r = await run({ epochs: 5, maxTrainWords: 1500, testWords: 100, dModel: 32, layers: 1, beamSize: 3, lr: 1e-2, verbose: false });
  const m = r.metrics;
  assert.equal(m.testWords, 100);
  assert.equal(m.trainWords, 1500);
  assert.ok(m.trainLoss! < m.firstLoss! - 1, `loss ${m.firstLoss} → ${m.trainLoss}`);
  assert.ok(m.greedyPer! < 0.85, `greedy PER ${m.greedyPer}`);
  assert.ok(m.beamPer! < 0.85, `beam PER ${m.beamPer}`);
  assert.ok(m.beamWer! <= 1 && m.greedyWer! <= 1);
});

test('scoreG2p: PER against the nearest pronunciation, WER = share of words matching none', () => {
  const refs = [[['R', 'IY1', 'D'], ['R', 'EH1', 'D']], [['K', 'AE1', 'T']]];
  assert.deepEqual(scoreG2p([['R', 'EH1', 'D'], ['K', 'AE1', 'T']], refs), { per: 0, wer: 0 });
  assert.deepEqual(scoreG2p([['R', 'EH1', 'D', 'Z'], ['K', 'AH0', 'T']], refs), { per: 2 / 6, wer: 1 });
  assert.deepEqual(scoreG2p([[], ['K', 'AE1', 'T']], refs), { per: 3 / 6, wer: 0.5 });
});

test('cmudict-g2p: spellings encode case-insensitively; a character outside A–Z and the apostrophe is a clear error', () => {
  assert.deepEqual(encodeSpelling("Don't"), encodeSpelling("DON'T"));
  assert.deepEqual(encodeSpelling('AZ'), [1, 26]);
  assert.equal(encodeSpelling("'")[0], LETTERS.length);
  throwsWith(() => encodeSpelling('café'), ValueError, 'cmudict-g2p', '"É"', 'café', LETTERS);
  throwsWith(() => encodeSpelling('R2D2'), ValueError, '"2"', 'letters and apostrophes');
});
