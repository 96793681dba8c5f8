// mnist-siamese: the triplet mining and the verification pairs, and a short run that learns
// (the loss falls; digits of classes never trained on are verified better than chance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { allTriplets, batchHard, l2Normalize, run, verificationPairs } from '../../../examples/mnist-siamese.js';

test('batchHard picks the farthest same-label row and the nearest other-label row', () => {
  const emb = ax.tensor([[0, 0], [1, 0], [5, 0], [2, 0], [9, 0]]);
  const { pos, neg } = batchHard(emb, [0, 0, 0, 1, 1]);
  assert.deepEqual(Array.from(pos), [2, 2, 0, 4, 3]);
  assert.deepEqual(Array.from(neg), [3, 3, 3, 1, 2]);
});

test('allTriplets lists every anchor/positive/negative of a batch', () => {
  const t = allTriplets([0, 0, 1]);
  assert.deepEqual([Array.from(t.a), Array.from(t.p), Array.from(t.n)], [[0, 1], [1, 0], [2, 2]]);
  assert.equal(allTriplets([0, 0, 1, 1, 2]).a.length, 4 * 3); // 4 ordered same-label pairs, each with 3 rows of other labels
});

test('l2Normalize gives unit rows; verificationPairs are balanced, seeded and labelled right', () => {
  const n = l2Normalize(ax.tensor([[3, 4], [0, 2]]));
  Array.from(n.data()).forEach((v, i) => assert.ok(Math.abs(v - [0.6, 0.8, 0, 1][i]!) < 1e-6, `${i}: ${v}`)); // float32
  const y = Int32Array.from([7, 7, 8, 8, 9, 9, 9]);
  const p = { x: new Float32Array(7 * 784), y, n: 7 };
  const a = verificationPairs(p, 50, new ax.Generator(1));
  const b = verificationPairs(p, 50, new ax.Generator(1));
  assert.deepEqual(Array.from(a.a), Array.from(b.a));
  for (let k = 0; k < 100; k++) {
    assert.equal(a.same[k], k < 50 ? 1 : 0);
    assert.equal(y[a.a[k]!] === y[a.b[k]!], k < 50, `pair ${k}`);
    if (k < 50) assert.notEqual(a.a[k], a.b[k]);
  }
});

test('mnist-siamese (short): the triplet loss falls and unseen digit classes verify above chance', async () => {
  const r = await run({ epochs: 1, steps: 40, pairs: 300, verbose: false });
  const m = r.metrics;
  assert.equal(r.example, 'mnist-siamese');
  assert.ok(m.lastLoss! < m.firstLoss!, JSON.stringify(m));
  assert.ok(m.seenAuc! > 0.8, JSON.stringify(m));
  assert.ok(m.unseenAuc! > 0.55 && m.unseenEer! < 0.45, JSON.stringify(m));
});
