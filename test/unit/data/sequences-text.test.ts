// Sliding windows, time-ordered windowed splits (scaler fitted on train only), the text vocabulary
// and encoding, and the SpamAssassin loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';

test('slidingWindows: inputs, horizon targets and stride on a (T, F) series', () => {
  const series = ax.tensor([[0, 10], [1, 11], [2, 12], [3, 13], [4, 14], [5, 15], [6, 16]]); // (7, 2)
  const { x, y } = ax.slidingWindows(series, { window: 3, horizon: 2, stride: 2, targetColumn: 1 });
  assert.deepEqual(x.toArray(), [[[0, 10], [1, 11], [2, 12]], [[2, 12], [3, 13], [4, 14]]]);
  assert.deepEqual(y.toArray(), [[13, 14], [15, 16]]);
  const ds = new ax.SlidingWindowDataset([1, 2, 3, 4, 5], { window: 2 });
  assert.equal(ds.length, 3);
  assert.deepEqual(ds.get(2).map((t) => t.toArray()), [[[3], [4]], [5]]);
  assert.throws(() => ax.slidingWindows([1, 2, 3], { window: 3 }), /shorter than window \+ horizon = 4/);
});

test('windowedTimeSplit: parts in time order, targets inside their own part, scaler from train only', () => {
  const series = Array.from({ length: 20 }, (_, i) => i); // 0..19
  const s = ax.windowedTimeSplit(series, { window: 3, testFraction: 0.2, valFraction: 0.2 }); // train 0..11, val 12..15, test 16..19
  assert.deepEqual(s.train.targetIndex, [3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual(s.val.targetIndex, [12, 13, 14, 15]);
  assert.deepEqual(s.test.targetIndex, [16, 17, 18, 19]);
  const mean = 5.5; // of 0..11 only
  const std = Math.sqrt(143 / 12);
  assert.ok(Math.abs(s.mean[0]! - mean) < 1e-12 && Math.abs(s.std[0]! - std) < 1e-12);
  const first = s.test.x.toArray() as number[][][]; // inputs 13, 14, 15 of the first test window, scaled
  assert.ok(first[0]!.every((r, k) => Math.abs(r[0]! - (13 + k - mean) / std) < 1e-6));
  assert.deepEqual(Array.from(s.unscale(s.test.y).data(), Math.round), [16, 17, 18, 19]);
});

test('Vocabulary: specials first, frequency order, unknowns, padding/truncation and lengths', () => {
  const v = ax.Vocabulary.build(['the cat sat', 'The dog, the END'], { level: 'word', minFreq: 1 });
  assert.deepEqual(v.tokens.slice(0, 3), ['<pad>', '<unk>', 'the']);
  assert.equal(v.size, 8); // <pad> <unk> the cat sat dog , end
  const { ids, lengths } = v.encode(['the cat', 'zebra the cat sat the dog', ''], { maxLength: 4 });
  assert.deepEqual(ids.toArray(), [[2, 3, 0, 0], [1, 2, 3, 4], [0, 0, 0, 0]]);
  assert.deepEqual(lengths.toArray(), [2, 4, 1]);
  assert.deepEqual(v.encode(['a the dog'], { maxLength: 2, truncation: 'start' }).ids.toArray(), [[2, 5]]);
  assert.equal(v.decode([2, 3, 0]), 'the cat');
  const chars = ax.Vocabulary.build(['abba'], { level: 'char' });
  assert.deepEqual(chars.tokens, ['<pad>', '<unk>', 'a', 'b']);
  assert.equal(ax.Vocabulary.build(['a b b c c c'], { maxSize: 3 }).tokens.join(' '), '<pad> <unk> c');
});

test('loadSpamAssassin: 6046 messages, 1896 spam, subjects parsed, other headers dropped', () => {
  const { messages, labels } = ax.loadSpamAssassin();
  assert.equal(messages.length, 6046);
  assert.equal(labels.sum().item(), 1896);
  assert.equal(messages[0]!.subject, 'Re: New Sequences Window');
  assert.ok(!/^Received:/m.test(messages[0]!.body.slice(0, 200)));
});
