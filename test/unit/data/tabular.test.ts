// CSV parsing (typing, quoting, missing values naming row and column), rows → tensors, scalers
// fitted on train only, label and one-hot encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import '../../helpers.js';
import { TOL, closeEnough, type Tol } from '../../tolerances.js';
import * as ax from '../../../src/index.js';
import { DTypeError, LimitError, LabelEncoder, MinMaxScaler, ShapeError, StandardScaler, ValueError, dropMissing, oneHotEncode, parseCsv, readCsv, selectColumns, toTensor } from '../../../src/index.js';
import { rejectsWith, throwsWith } from './throws.js';

/** Scaler outputs are float32 tensors of values computed in float64: one rounding. */
const close = (a: ArrayLike<number>, b: readonly number[], tol: Tol = TOL.float32): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(closeEnough(a[i]!, b[i]!, tol), `element ${i}: ${a[i]} vs ${b[i]}`);
};

test('parseCsv: columns typed by inference (numbers, booleans, strings), quotes, BOM, blank lines', () => {
  const text = '\uFEFFx,y,flag,name\n1,2.5e1,true,"Smith, J."\n\n-3,.5,FALSE,"line\nbreak"\n';
  const { columns, rows } = parseCsv(text);
  assert.deepEqual(columns, ['x', 'y', 'flag', 'name']);
  assert.deepEqual(rows, [
    { x: 1, y: 25, flag: true, name: 'Smith, J.' },
    { x: -3, y: 0.5, flag: false, name: 'line\nbreak' },
  ]);
  // A column with any non-number stays text; explicit types win; other delimiters.
  assert.deepEqual(parseCsv('id;v\n007;1\nA1;2\n', { delimiter: ';' }).rows, [{ id: '007', v: 1 }, { id: 'A1', v: 2 }]);
  assert.deepEqual(parseCsv('id,v\n007,1\n', { types: { id: 'string' } }).rows, [{ id: '007', v: 1 }]);
  assert.deepEqual(parseCsv('1,2\n3,4\n', { header: ['a', 'b'] }).rows, [{ a: 1, b: 2 }, { a: 3, b: 4 }]);
  assert.deepEqual(parseCsv('1,2\n', { header: false }).rows, [{ column0: 1, column1: 2 }]);
  const d = parseCsv('day,v\n2012-01-31,1\n', { types: { day: 'date' } }).rows[0]!.day as Date;
  assert.equal(d.toISOString(), '2012-01-31T00:00:00.000Z');
  assert.deepEqual(parseCsv('a,b,c\n1,2,3\n', { columns: ['c', 'a'] }), { columns: ['c', 'a'], rows: [{ c: 3, a: 1 }] });
});

test('parseCsv: a missing value is an error naming row, line and column, unless dropped or kept', () => {
  const text = 'a,b\n1,2\n3,\n5,NA\n7,8\n';
  throwsWith(() => parseCsv(text), ValueError, 'parseCsv', 'row 1 (line 3)', 'column "b"', "onMissing: 'drop'");
  assert.deepEqual(parseCsv(text, { onMissing: 'drop' }).rows, [{ a: 1, b: 2 }, { a: 7, b: 8 }]);
  assert.deepEqual(parseCsv(text, { onMissing: 'keep' }).rows.map((r) => r.b), [2, null, null, 8]);
  // Only the selected columns are checked.
  assert.deepEqual(parseCsv(text, { columns: ['a'] }).rows.map((r) => r.a), [1, 3, 5, 7]);
  assert.deepEqual(parseCsv('a\n1\n?\n', { missingValues: ['?'], onMissing: 'keep' }).rows, [{ a: 1 }, { a: null }]);
});

test('parseCsv errors: malformed rows, unknown columns, bad typed cells, duplicate names', () => {
  throwsWith(() => parseCsv('a,b\n1,2,3\n'), ValueError, 'parseCsv', 'malformed CSV', 'line 2');
  throwsWith(() => parseCsv('a,b\n1,"2\n'), ValueError, 'malformed CSV', 'Quote');
  throwsWith(() => parseCsv('a,b\n1,2\n', { columns: ['c'] }), ValueError, 'no column "c"', '["a","b"]');
  throwsWith(() => parseCsv('a,b\n1,x\n', { types: { b: 'number' } }), ValueError, 'row 0 (line 2)', 'column "b"', '"x" is not a number');
  throwsWith(() => parseCsv('a,a\n1,2\n'), ValueError, 'appears twice');
  throwsWith(() => parseCsv(''), ValueError, 'empty');
});

test('readCsv reads a file; errors name the path', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-csv-'));
  try {
    const file = path.join(dir, 'd.csv');
    writeFileSync(file, 'x,label\n0.5,cat\n1.5,dog\n');
    assert.deepEqual((await readCsv(file)).rows, [{ x: 0.5, label: 'cat' }, { x: 1.5, label: 'dog' }]);
    writeFileSync(file, 'x\n\n1\nNaN\n');
    await rejectsWith(() => readCsv(file), ValueError, 'readCsv', file, 'row 1 (line 4)', 'column "x"');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('selectColumns, dropMissing and toTensor', () => {
  const t = parseCsv('a,b,c\n1,2,x\n3,,y\n5,6,z\n', { onMissing: 'keep' });
  assert.deepEqual(selectColumns(t.rows, ['c', 'a']), [{ c: 'x', a: 1 }, { c: 'y', a: 3 }, { c: 'z', a: 5 }]);
  assert.deepEqual(selectColumns(t, ['a']).columns, ['a']);
  const clean = dropMissing(t, ['b']);
  assert.deepEqual(clean.rows.map((r) => r.a), [1, 5]);
  const x = toTensor(clean, ['a', 'b']);
  assert.deepEqual(x.shape, [2, 2]);
  assert.equal(x.dtype, 'float32');
  assert.deepEqual(x.toArray(), [[1, 2], [5, 6]]);
  const y = toTensor(clean.rows, 'a', { dtype: 'int32' });
  assert.deepEqual([y.dtype, y.toArray()], ['int32', [1, 5]]);
  assert.deepEqual(toTensor([{ f: true }, { f: false }], 'f').toArray(), [1, 0]);
  throwsWith(() => toTensor(t, ['a', 'b']), ValueError, 'toTensor', 'row 1', 'column "b"', 'dropMissing');
  throwsWith(() => toTensor(t, ['c']), DTypeError, 'toTensor', 'row 0', 'column "c"', '"x"', 'LabelEncoder');
  throwsWith(() => toTensor(t, ['nope' as 'a']), ValueError, 'no column "nope"');
  throwsWith(() => toTensor([], ['a']), ValueError, 'no rows');
  throwsWith(() => toTensor([{ a: 1.5 }], 'a', { dtype: 'int32' }), DTypeError, 'not an integer');
});

test('StandardScaler: per-column mean / population std from train only; constant column guarded', () => {
  const train = ax.tensor([[1, 10], [2, 10], [3, 10], [4, 10]]);
  const s = new StandardScaler().fit(train);
  assert.deepEqual(s.mean, [2.5, 10]);
  close(s.scale!, [Math.sqrt(1.25), 1], TOL.fixtureF64);
  const z = s.transform(train);
  const k = 1 / Math.sqrt(1.25);
  close(z.data(), [-1.5 * k, 0, -0.5 * k, 0, 0.5 * k, 0, 1.5 * k, 0]);
  // The test part is transformed with the train statistics (no refit).
  close(s.transform(ax.tensor([[5, 12]])).data(), [2.5 * k, 2]);
  close(s.inverseTransform(z).data(), [1, 10, 2, 10, 3, 10, 4, 10]);
  close(new StandardScaler().fitTransform(ax.tensor([2, 4, 6])).data(), [-Math.sqrt(1.5), 0, Math.sqrt(1.5)]);
  const restored = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s)));
  close(restored.transform(ax.tensor([[5, 12]])).data(), [2.5 * k, 2]);
  assert.equal(s.transform(ax.tensor([[1, 2]], { dtype: 'float64' })).dtype, 'float64');
  throwsWith(() => new StandardScaler().transform(train), ValueError, 'StandardScaler.transform', 'fit(xTrain)');
  throwsWith(() => s.transform(ax.zeros([2, 3])), ShapeError, 'fitted on 2 columns but got 3');
  throwsWith(() => new StandardScaler().fit(ax.tensor([[1, NaN]])), ValueError, 'NaN at row 0, column 1');
});

test('MinMaxScaler: maps train min/max to the feature range; constant column guarded', () => {
  const train = ax.tensor([[0, 5], [5, 5], [10, 5]]);
  const m = new MinMaxScaler().fit(train);
  close(m.transform(train).data(), [0, 0, 0.5, 0, 1, 0]);
  close(m.transform(ax.tensor([[20, 6]])).data(), [2, 1]);
  const r = new MinMaxScaler({ featureRange: [-1, 1] });
  close(r.fitTransform(train).data(), [-1, -1, 0, -1, 1, -1]);
  close(r.inverseTransform(r.transform(train)).data(), [0, 5, 5, 5, 10, 5]);
  throwsWith(() => new MinMaxScaler({ featureRange: [1, 0] }), ValueError, 'featureRange');
});

test('LabelEncoder and oneHotEncode: sorted classes, codes, inverse, unseen values refused', () => {
  const enc = new LabelEncoder();
  const codes = enc.fitTransform(['dog', 'cat', 'dog', 'bird']);
  assert.deepEqual(enc.classes, ['bird', 'cat', 'dog']);
  assert.deepEqual([codes.dtype, codes.toArray()], ['int32', [2, 1, 2, 0]]);
  assert.deepEqual(enc.inverseTransform(ax.tensor([0, 2], { dtype: 'int32' })), ['bird', 'dog']);
  assert.equal(enc.numClasses, 3);
  assert.deepEqual(new LabelEncoder().fitTransform([10, 2, 10]).toArray(), [1, 0, 1]);
  throwsWith(() => enc.transform(['cow']), ValueError, 'LabelEncoder.transform', '"cow"', 'not seen in fit');
  throwsWith(() => enc.inverseTransform([3]), ValueError, 'outside 0..2');
  throwsWith(() => new LabelEncoder().fit([1, 'a']), ValueError, 'mix numbers and strings');
  throwsWith(() => new LabelEncoder().fit(['a', null]), ValueError, 'value 1 is null');

  const { encoded, classes } = oneHotEncode(['b', 'a', 'c', 'a']);
  assert.deepEqual(classes, ['a', 'b', 'c']);
  assert.deepEqual(encoded.toArray(), [[0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0]]);
  assert.deepEqual(oneHotEncode(['a'], { classes: ['c', 'a'] }).encoded.toArray(), [[0, 1]]);
  throwsWith(() => oneHotEncode(['z'], { classes: ['a'] }), ValueError, 'oneHotEncode', '"z"');
});

test('parseCsv: linear number detection, a maxColumns limit, strict UTF-8 with the byte offset, a __proto__ column kept', () => {
  let t = Date.now();
  assert.equal(parseCsv(`a\n${'1'.repeat(60000)}x\n`).rows[0]!.a, `${'1'.repeat(60000)}x`);
  assert.equal(parseCsv(`a\n${'1'.repeat(60000)}\n`).rows[0]!.a, Number('1'.repeat(60000)));
  assert.ok(Date.now() - t < 1000, `${Date.now() - t} ms`);
  for (const [s, n] of [['1.', true], ['.5', true], ['.', false], ['-1e5', true], ['1e', false], ['+.5E-3', true], ['1.2.3', false], ['', false]] as const) {
    assert.equal(typeof parseCsv(`a,b\n${s},x\n`, { onMissing: 'keep' }).rows[0]!.a === 'number', n, s);
  }
  const wide = Array.from({ length: 20000 }, (_, i) => `c${i}`).join(',');
  throwsWith(() => parseCsv(`${wide}\n${wide}\n`), LimitError, 'maxColumns: 20000');
  t = Date.now();
  assert.equal(parseCsv(`${wide}\n${wide}\n`, { maxColumns: 20000 }).columns.length, 20000);
  assert.ok(Date.now() - t < 5000);
  throwsWith(() => parseCsv(Uint8Array.from([0x61, 0x0a, 0x62, 0xc3, 0x28, 0x0a])), ValueError, 'invalid UTF-8 at byte offset 3');
  const row = parseCsv('__proto__,constructor\n1,x\n').rows[0]!;
  assert.deepEqual(Object.keys(row), ['__proto__', 'constructor']);
  assert.equal(Object.getOwnPropertyDescriptor(row, '__proto__')!.value, 1);
  assert.equal(row.constructor, 'x');
});
