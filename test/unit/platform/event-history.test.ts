// The dashboard server's memory of a run: bounded however long the run, every non-step event kept,
// the steps thinned evenly (the first step stays, the kept ones are every 2^k-th), order preserved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventHistory } from '../../../src/platform/event-history.js';

const step = (n: number): string => JSON.stringify({ event: 'step', step: n, loss: 1 / (n + 1) });
const epoch = (n: number): string => JSON.stringify({ event: 'epoch', epoch: n });
const stepOf = (json: string): number => (JSON.parse(json) as { step: number }).step;

test('below the cap every event is kept in order', () => {
  const h = new EventHistory(100);
  const sent = [JSON.stringify({ event: 'start' }), step(0), step(1), epoch(1), step(2)];
  sent.forEach((e) => h.add(e));
  assert.deepEqual(h.snapshot(), sent);
});

test('a long run stays under the cap: steps thinned to every 2^k-th, other events all kept, order preserved', () => {
  const cap = 1000;
  const h = new EventHistory(cap);
  h.add(JSON.stringify({ event: 'start' }));
  const steps = 1_000_000;
  for (let n = 0; n < steps; n++) {
    h.add(step(n));
    if (n % 10_000 === 9_999) h.add(epoch((n + 1) / 10_000 - 1)); // after step 9,999: epoch 0
  }
  const kept = h.snapshot();
  const keptSteps = kept.filter((e) => e.startsWith('{"event":"step"')).map(stepOf);
  const epochs = kept.filter((e) => e.startsWith('{"event":"epoch"'));
  assert.ok(keptSteps.length <= cap && keptSteps.length > cap / 2, `${keptSteps.length} steps kept`);
  assert.equal(epochs.length, 100, 'every epoch event is kept');
  assert.equal(kept[0], JSON.stringify({ event: 'start' }));
  assert.equal(keptSteps[0], 0, 'the first step stays');
  const stride = keptSteps[1]! - keptSteps[0]!;
  assert.ok(Number.isInteger(Math.log2(stride)) && stride >= 1024, `stride ${stride}`);
  keptSteps.forEach((s, i) => assert.equal(s, i * stride, 'evenly spaced'));
  assert.ok(steps - 1 - keptSteps.at(-1)! < stride, 'the curve reaches the latest steps');
  // order: each epoch event sits after the steps that came before it
  let last = -1;
  for (const e of kept) {
    if (e.startsWith('{"event":"step"')) { const s = stepOf(e); assert.ok(s > last); last = s; }
    else if (e.startsWith('{"event":"epoch"')) { const n = (JSON.parse(e) as { epoch: number }).epoch; assert.ok(last <= n * 10_000 + 9_999 && last > n * 10_000 + 9_999 - stride); }
  }
});

test('a cap below 2 is refused', () => {
  assert.throws(() => new EventHistory(1), RangeError);
});
