// The doctor's words: learning rates with 2 significant digits (never 0.000009999999999999999),
// and a balanced dataset does not name one class as both the majority and the minority.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lrStr } from '../../../src/doctor/run-checks.js';
import { imbalanceFinding } from '../../../src/doctor/imbalance.js';

test('learning rates print with 2 significant digits', () => {
  assert.equal(lrStr(1e-6 * 10), '1e-5');
  assert.equal(lrStr(0.000009999999999999999), '1e-5');
  assert.equal(lrStr(0.001 / 4), '2.5e-4');
  assert.equal(lrStr(0.05 * 10), '0.5');
  assert.equal(lrStr(10 / 4), '2.5');
});

test('balanced classes: no minority class named; unequal shares name two different classes', () => {
  const even = imbalanceFinding([5, 5, 5])!;
  assert.equal(even.id, 'class-balance');
  assert.match(even.title, /\(balanced\)/);
  assert.equal(even.evidence.minorityClass, undefined);
  const uneven = imbalanceFinding([30, 10, 30])!;
  assert.notEqual(uneven.evidence.majorityClass, uneven.evidence.minorityClass);
});
