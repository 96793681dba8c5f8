// `axon explain`: a PNG heat map for a digit, Shapley values for a tabular row (efficiency checked
// through the JSON), attention rollout for text, and usage mistakes with exit code 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pngjs from 'pngjs';
import { ROOT } from '../../helpers.js';

const run = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/axon.js'), ...args], { encoding: 'utf8' });
const axon = (...args: string[]) => run('explain', ...args);
const lastJson = (out: string): Record<string, unknown> => JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;

test('axon explain mnist --method gradcam writes a PNG heat map over the digit and reports the prediction', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-explain-'));
  try {
    const out = path.join(dir, 'cam.png');
    const r = axon('mnist', '--method', 'gradcam', '--index', '3', '--out', out, '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = lastJson(r.stdout);
    assert.deepEqual([j.example, j.method, j.index, j.label, j.prediction, j.out], ['mnist', 'gradcam', 3, '0', '0', out]);
    const png = pngjs.PNG.sync.read(readFileSync(out));
    assert.deepEqual([png.width, png.height], [224, 224]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('axon explain iris: exact Shapley values that add up to the probability minus the base value', () => {
  const r = axon('iris', '--index', '60', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = lastJson(r.stdout) as { attributions: Record<string, number>; probability: number; baseValue: number; method: string };
  assert.equal(j.method, 'shap');
  assert.deepEqual(Object.keys(j.attributions), ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth']);
  const sum = Object.values(j.attributions).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - (j.probability - j.baseValue)) < 1e-5, `Σφ ${sum} vs p − E p ${j.probability - j.baseValue}`);
});

test('axon explain on a model saved by axon fit --save: Shapley values of a CSV row over the encoded inputs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-explain-'));
  try {
    const rows = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, string | number | null>[];
    const cols = Object.keys(rows[0]!);
    const csv = path.join(dir, 'penguins.csv');
    writeFileSync(csv, [cols.join(','), ...rows.map((r) => cols.map((c) => r[c] ?? '').join(','))].join('\n') + '\n');
    const model = path.join(dir, 'penguins.safetensors');
    const fit = run('fit', '--csv', csv, '--target', 'Species', '--save', model);
    assert.equal(fit.status, 0, fit.stderr);
    const svg = path.join(dir, 'row5.svg');
    const r = axon(model, '--csv', csv, '--index', '5', '--out', svg, '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = lastJson(r.stdout) as { label: string; prediction: string; attributions: Record<string, number>; probability: number; baseValue: number };
    assert.equal(j.label, 'Adelie');
    assert.ok(Object.keys(j.attributions).includes('Beak Length (mm)') && Object.keys(j.attributions).some((k) => k.startsWith('Island=')));
    const sum = Object.values(j.attributions).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - (j.probability - j.baseValue)) < 1e-5, `Σφ ${sum} vs p − E p ${j.probability - j.baseValue}`);
    assert.match(readFileSync(svg, 'utf8'), /^<svg[\s\S]*Beak Length \(mm\)/);
    const noCsv = axon(model);
    assert.equal(noCsv.status, 2);
    assert.match(noCsv.stderr, /give the rows to explain with --csv/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('axon explain sotu-gpt: attention rollout rows over the characters sum to 1', () => {
  const r = axon('sotu-gpt', '--text', 'Hello, world', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = lastJson(r.stdout) as { lastRow: number[]; layers: { name: string; shape: number[] }[] };
  assert.equal(j.lastRow.length, 12);
  assert.ok(Math.abs(j.lastRow.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.deepEqual(j.layers.map((l) => l.name), ['h.0.attn', 'h.1.attn']);
});

test('axon explain: usage mistakes exit 2 with the message on stderr', () => {
  const bad: [string[], RegExp][] = [
    [['cifar'], /unknown example 'cifar'/],
    [['mnist', '--method', 'shap'], /--method must be saliency, smoothgrad, ig or gradcam/],
    [['iris', '--index', '9999'], /--index 9999 is past the 150 rows of iris/],
    [[], /name the example to explain/],
  ];
  for (const [args, message] of bad) {
    const r = axon(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});
