// The thread pool's back-off: repeated long waits for late workers switch to the calling thread
// alone for a while; normal jobs never do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StragglerGuard } from '../../src/backend/wasm/straggler.js';

test('three straggling jobs in a row back off to the caller, then workers are tried again', () => {
  const g = new StragglerGuard();
  g.record(1, 5); g.record(1, 5);
  assert.equal(g.allowed(), true);
  g.record(0.5, 0.1); // a normal job resets the count
  g.record(1, 5); g.record(1, 5); g.record(1, 5);
  assert.equal(g.backoffs, 1);
  let solo = 0;
  while (!g.allowed()) solo++;
  assert.equal(solo, 500);
  assert.equal(g.allowed(), true);
});

test('short waits and waits shorter than the work never back off', () => {
  const g = new StragglerGuard();
  for (let i = 0; i < 100; i++) { g.record(2, 1); g.record(0.01, 0.05); }
  assert.equal(g.backoffs, 0);
});
