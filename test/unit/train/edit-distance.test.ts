// editDistance against known pairs and an independent recursive definition on random strings;
// errorRate (PER/CER/WER) as Σ edits / Σ target length, with its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../helpers.js';
import { ValueError, editDistance, errorRate } from '../../../src/index.js';
import { throwsWith } from '../data/throws.js';

test('editDistance: textbook pairs, arrays of phonemes, empty sequences, symmetry', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('flaw', 'lawn'), 2);
  assert.equal(editDistance('intention', 'execution'), 5);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(editDistance('', ''), 0);
  assert.equal(editDistance(['K', 'AE1', 'T'], ['K', 'AH0', 'T', 'S']), 2);
  assert.equal(editDistance([1, 2, 3], [1, 2, 3]), 0);
  assert.equal(editDistance(['AH0'], ['AH1']), 1, 'stress marks count: AH0 ≠ AH1');
});

/** Levenshtein by its recursive definition, memoised. */
function reference(a: string, b: string): number {
  const memo = new Map<string, number>();
  const d = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const key = `${i},${j}`;
    if (!memo.has(key)) memo.set(key, Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    return memo.get(key)!;
  };
  return d(a.length, b.length);
}

test('editDistance equals the recursive definition on 300 random string pairs', () => {
  let s = 12345;
  const rand = (n: number): number => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
  const word = (): string => Array.from({ length: rand(9) }, () => 'abc'[rand(3)]).join('');
  for (let k = 0; k < 300; k++) {
    const a = word();
    const b = word();
    assert.equal(editDistance(a, b), reference(a, b), `${a} / ${b}`);
    assert.equal(editDistance(a, b), editDistance(b, a));
  }
});

test('errorRate: Σ edits / Σ target length over the corpus (not the mean of per-sequence rates)', () => {
  const pred = [['K', 'AE1', 'T'], ['D', 'AO1', 'G', 'Z']];
  const target = [['K', 'AH0', 'T'], ['D', 'AO1', 'G']];
  assert.equal(errorRate(pred, target), 2 / 6);
  assert.equal(errorRate(['sitting'], ['kitten']), 3 / 6);
  assert.equal(errorRate(['abc'], ['abc']), 0);
  throwsWith(() => errorRate([['A']], []), ValueError, 'errorRate', 'pred has 1', 'target has 0');
  throwsWith(() => errorRate([[]], [[]]), ValueError, 'errorRate', 'no tokens');
});
