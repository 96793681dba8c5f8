// `axon fit` and `axon predict` on real and written CSV files: the bundled penguins (converted
// from vega-datasets' JSON) and Seattle weather, a linear-regression table and a step-function
// table where the baselines win; the JSON shape, the baselines, --save then predict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../../helpers.js';
import { Generator } from '../../../src/index.js';
import { PNG } from 'pngjs';
import { mkdirSync } from 'node:fs';

interface Run { status: number | null; stdout: string; stderr: string }
const axon = (...args: string[]): Run => spawnSync(process.execPath, [path.join(ROOT, 'bin/axon.js'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
interface Score { accuracy?: number; balancedAccuracy?: number; mse?: number; mae?: number; r2?: number }
interface FitJson { task: string; rows: { train: number; validation: number; test: number }; test: { network: Score; linear: Score; gbt: Score }; winner: string; tie: boolean; metric: string; findings: unknown[]; epochs: number; stoppedEarly: boolean; classes?: string[]; saved?: string }
const lastJson = <T>(r: Run): T => JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;

const dir = mkdtempSync(path.join(tmpdir(), 'axon-fit-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function penguinsCsv(): string {
  const rows = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, string | number | null>[];
  const cols = Object.keys(rows[0]!);
  const file = path.join(dir, 'penguins.csv');
  writeFileSync(file, [cols.join(','), ...rows.map((r) => cols.map((c) => r[c] ?? '').join(','))].join('\n') + '\n');
  return file;
}

test('axon fit on the penguins: species from measurements, island and sex; test figures and both baselines; --save then predict', () => {
  const csv = penguinsCsv();
  const model = path.join(dir, 'penguins.safetensors');
  const r = axon('fit', '--csv', csv, '--target', 'Species', '--save', model, '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = lastJson<FitJson>(r);
  assert.equal(j.task, 'classification');
  assert.deepEqual(j.classes, ['Adelie', 'Chinstrap', 'Gentoo']);
  assert.ok(j.test.network.accuracy! >= 0.9, JSON.stringify(j.test));
  assert.ok(j.test.linear.accuracy! > 0.8 && j.test.gbt.accuracy! > 0.8, JSON.stringify(j.test));
  assert.ok(['network', 'linear', 'gbt'].includes(j.winner));
  const human = axon('fit', '--csv', csv, '--target', 'Species');
  assert.match(human.stdout, /logistic regression/);
  assert.match(human.stdout, /gradient-boosted trees/);
  assert.match(human.stdout, /wins|win on this data|a tie/);
  const p = axon('predict', model, '--csv', csv, '--json');
  assert.equal(p.status, 0, p.stderr);
  const pj = lastJson<{ rows: number; predictions: string[]; probabilities: number[][] }>(p);
  assert.equal(pj.rows, 344);
  const truth = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
  const right = pj.predictions.filter((v, i) => v === truth[i]).length;
  assert.ok(right / truth.length > 0.9, `${right}/${truth.length}`);
  const out = path.join(dir, 'pred.csv');
  assert.equal(axon('predict', model, '--csv', csv, '--out', out).status, 0);
  assert.match(readFileSync(out, 'utf8').split('\n')[0]!, /,prediction,p\(Adelie\),p\(Chinstrap\),p\(Gentoo\)$/);
});

test('axon fit on Seattle weather (imbalanced classes: class weights, balanced accuracy) and a regression on its temperatures', () => {
  const csv = path.join(ROOT, 'node_modules/vega-datasets/data/seattle-weather.csv');
  const r = axon('fit', '--csv', csv, '--target', 'weather', '--time-col', 'date', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = lastJson<FitJson>(r);
  assert.equal(j.metric, 'balancedAccuracy');
  assert.ok(j.test.network.balancedAccuracy! > 0.3 && j.test.gbt.accuracy! > 0.5, JSON.stringify(j.test));
  const reg = lastJson<FitJson>(axon('fit', '--csv', csv, '--target', 'temp_max', '--json'));
  assert.equal(reg.task, 'regression');
  assert.equal(reg.metric, 'mse');
  assert.ok(reg.test.network.r2! > 0.5 && reg.test.linear.r2! > 0.5 && reg.test.gbt.mae! > 0, JSON.stringify(reg.test));
});

test('axon fit says so when the baselines win: a step in one column (trees) and a small linear table', () => {
  const g = new Generator(5);
  const step = path.join(dir, 'step.csv');
  const rows = Array.from({ length: 400 }, () => {
    const x = Array.from({ length: 8 }, () => g.normal());
    return [...x.map((v) => v.toFixed(4)), x[0]! > 0.3 ? 'yes' : 'no'].join(',');
  });
  writeFileSync(step, ['a,b,c,d,e,f,g,h,label', ...rows].join('\n') + '\n');
  const r = axon('fit', '--csv', step, '--target', 'label', '--json');
  const j = lastJson<FitJson>(r);
  assert.equal(j.winner, 'gbt', JSON.stringify(j.test));
  assert.ok(!j.tie);
  assert.match(axon('fit', '--csv', step, '--target', 'label').stdout, /gradient-boosted trees win on this data/);
  const lin = path.join(dir, 'linear.csv');
  const lrows = Array.from({ length: 120 }, () => {
    const x = Array.from({ length: 5 }, () => g.normal());
    return [...x, 2 * x[0]! - x[1]! + 0.5 * x[2]! + 0.8 * g.normal()].map((v) => v.toFixed(4)).join(',');
  });
  writeFileSync(lin, ['a,b,c,d,e,y', ...lrows].join('\n') + '\n');
  const l = lastJson<FitJson>(axon('fit', '--csv', lin, '--target', 'y', '--json'));
  assert.equal(l.task, 'regression');
  assert.notEqual(l.winner, 'network', JSON.stringify(l.test));
});

test('axon fit and predict: usage mistakes exit 2, a missing file or a model without preprocessing exits 1', () => {
  const noTarget = axon('fit', '--csv', 'x.csv');
  assert.equal(noTarget.status, 2);
  assert.match(noTarget.stderr, /--target/);
  assert.equal(noTarget.stdout, '');
  assert.equal(axon('fit', '--csv', 'x.csv', '--target', 'y', '--task', 'clustering').status, 2);
  const missing = axon('fit', '--csv', path.join(dir, 'nope.csv'), '--target', 'y');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no such file/);
  assert.equal(axon('predict', '--csv', 'x.csv').status, 2);
});

test('axon fit --images: a small CNN on an image folder, beside the baselines on raw pixels', () => {
  const g = new Generator(9);
  const root = path.join(dir, 'bars');
  for (const cls of ['horizontal', 'vertical']) {
    mkdirSync(path.join(root, cls), { recursive: true });
    for (let i = 0; i < 30; i++) {
      const png = new PNG({ width: 20, height: 20 });
      const k = 2 + Math.floor(g.uniform() * 16);
      for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) {
        const on = Math.abs((cls === 'horizontal' ? y : x) - k) <= 1;
        const v = Math.max(0, Math.min(255, (on ? 220 : 30) + Math.round(g.normal() * 20)));
        const o = (y * 20 + x) * 4;
        png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
        png.data[o + 3] = 255;
      }
      writeFileSync(path.join(root, cls, `${i}.png`), PNG.sync.write(png));
    }
  }
  const saved = path.join(dir, 'bars.safetensors');
  const r = axon('fit', '--images', root, '--epochs', '15', '--save', saved, '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = lastJson<FitJson & { rows: { train: number; test: number } }>(r);
  assert.deepEqual(j.classes, ['horizontal', 'vertical']);
  assert.equal(j.rows.train + j.rows.test, 60);
  assert.ok(j.test.network.accuracy! >= 0.7 && j.test.linear.accuracy! >= 0 && j.test.gbt.accuracy! >= 0, JSON.stringify(j.test));
  assert.ok(['network', 'linear', 'gbt'].includes(j.winner));
  assert.equal(axon('fit', '--images', root, '--csv', 'x.csv').status, 2);
  const p = axon('predict', saved, '--images', root, '--json');
  assert.equal(p.status, 0, p.stderr);
  const pj = lastJson<{ files: string[]; predictions: string[] }>(p);
  assert.equal(pj.files.length, 60);
  const right = pj.files.filter((f, i) => f.includes(`${path.sep}${pj.predictions[i]}${path.sep}`)).length;
  assert.ok(right >= 42, `${right}/60 images classified as their folder`);
  assert.equal(axon('predict', saved, '--csv', 'x.csv', '--images', root).status, 2);
});
