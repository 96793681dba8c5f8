// The doctor's cheap paths give the same answers as the plain ones: column statistics via backend
// min/max + a blocked host pass equal the full scan (NaN/Inf counts, constant columns, rare
// values included); the two-stage exact-duplicate search still finds copies that differ from
// other rows only outside its key columns; the typed-array hash table maps keys like a Map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ax from '../../../src/index.js';
import { tensorColumnStats } from '../../../src/doctor/column-stats.js';
import { findDuplicates } from '../../../src/doctor/duplicates.js';
import { IntTable } from '../../../src/doctor/int-table.js';
import { asMatrix, columnStats } from '../../../src/doctor/matrix.js';

test('tensorColumnStats equals columnStats: NaN/Inf counts, constant columns, a value in one row only', () => {
  const g = new ax.Generator(3);
  const n = 3001, d = 40;
  const v = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) v[i * d + j] = j === 1 ? 7.5 : j === 2 ? (i === 1777 ? 1 : 0) : g.normal() * (j + 1) + j;
  v[5 * d + 3] = NaN;
  v[9 * d + 3] = NaN;
  v[100 * d + 4] = Infinity;
  v[2000 * d + 5] = -Infinity;
  const x = ax.tensor(Array.from(v)).reshape(n, d);
  const m = asMatrix(x);
  const fast = tensorColumnStats(x, m);
  const full = columnStats(m);
  assert.deepEqual(Array.from(fast.nonFinite), Array.from(full.nonFinite));
  assert.deepEqual(Array.from(fast.nonFinite.slice(0, 7)), [0, 0, 0, 2, 1, 1, 0]);
  assert.deepEqual(Array.from(fast.min), Array.from(full.min));
  assert.deepEqual(Array.from(fast.max), Array.from(full.max));
  assert.equal(fast.std[1], 0); // constant 7.5
  assert.equal(fast.mean[1], 7.5);
  assert.ok(Math.abs(fast.std[2]! - Math.sqrt(1 / n - 1 / n ** 2)) < 1e-12, `${fast.std[2]}`); // nonzero in one row of 3001
  for (let j = 0; j < d; j++) {
    assert.ok(Math.abs(fast.mean[j]! - full.mean[j]!) <= 1e-9 * (1 + Math.abs(full.mean[j]!)), `mean ${j}`);
    assert.ok(Math.abs(fast.std[j]! - full.std[j]!) <= 1e-9 * (1 + full.std[j]!), `std ${j}`);
  }
});

test('exact duplicates are found when rows agree on the key columns and differ elsewhere', () => {
  const g = new ax.Generator(4);
  const n = 1200, m = 300, d = 100;
  // Columns 0–31 (the widest spread, so the stage-1 key) hold one of two patterns, ×10; the
  // other 68 columns are noise: every row shares its stage-1 key with half of all rows.
  const patterns = [0, 1].map(() => Array.from({ length: 32 }, () => 10 * g.normal()));
  const fill = (rows: number): Float32Array => {
    const a = new Float32Array(rows * d);
    for (let i = 0; i < rows; i++) {
      const p = patterns[i % 2]!;
      for (let j = 0; j < d; j++) a[i * d + j] = j < 32 ? p[j]! : g.normal();
    }
    return a;
  };
  const tr = fill(n);
  const ot = fill(m);
  ot.set(tr.subarray(11 * d, 12 * d), 20 * d); // exact copies of train rows 11 and 400
  ot.set(tr.subarray(400 * d, 401 * d), 250 * d);
  tr.set(tr.subarray(30 * d, 31 * d), 32 * d); // one twin inside train
  const xt = ax.tensor(Array.from(tr)).reshape(n, d);
  const xo = ax.tensor(Array.from(ot)).reshape(m, d);
  const mt = asMatrix(xt);
  const r = findDuplicates(mt, asMatrix(xo), tensorColumnStats(xt, mt), xt, xo);
  assert.equal(r.exact, 2);
  assert.equal(r.near, 0);
  assert.deepEqual(r.examples, [20, 250]);
  assert.ok(Math.abs(r.withinTrainRate - 2 / n) < 1e-15, `${r.withinTrainRate}`);
});

test('IntTable: set/get over colliding keys, missing keys give the default', () => {
  const t = new IntTable(1000);
  const ref = new Map<number, number>();
  const g = new ax.Generator(9);
  for (let i = 0; i < 1000; i++) {
    const k = g.int(0, 5000) * 16; // many keys land in nearby slots
    t.set(k, i);
    ref.set(k, i);
  }
  for (let k = 0; k < 80000; k += 16) assert.equal(t.get(k), ref.get(k) ?? -1, `key ${k}`);
  assert.equal(t.get(3, 0), 0);
});
