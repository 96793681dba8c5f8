// The `axon` command: examples run through the CLI and, with --json, end with one JSON line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../helpers.js';

const axon = (...args: string[]): string => execFileSync(process.execPath, [path.join(ROOT, 'bin/axon.js'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const lastJson = (out: string): { example: string; metrics: Record<string, number>; epochs: number; seconds: number; doctorMs?: number } =>
  JSON.parse(out.trim().split('\n').at(-1)!);

test('xor-perceptron stays at or below 75% and says why', () => {
  const human = axon('train', 'xor-perceptron');
  assert.match(human, /not linearly separable/);
  const r = lastJson(axon('train', 'xor-perceptron', '--json'));
  assert.equal(r.example, 'xor-perceptron');
  assert.ok(r.metrics.testAccuracy! <= 0.75);
  assert.equal(r.metrics.converged, 0);
});

test('xor-mlp reaches 100% and prints the JSON contract last', () => {
  const r = lastJson(axon('train', 'xor-mlp', '--json', '--seed', '0'));
  assert.deepEqual(Object.keys(r), ['example', 'metrics', 'epochs', 'seconds', 'doctorMs']);
  assert.ok(r.doctorMs! > 0 && r.doctorMs! < 1000 * r.seconds, `the doctor's share of the run: ${r.doctorMs} ms of ${r.seconds} s`);
  assert.equal(r.metrics.testAccuracy, 1);
  assert.equal(r.epochs, 300);
});

test('iris-mlp classifies the held-out flowers', () => {
  const r = lastJson(axon('train', 'iris-mlp', '--json'));
  assert.ok(r.metrics.testAccuracy! >= 0.9, JSON.stringify(r));
});

test('unknown commands and examples fail with the usage text', () => {
  assert.throws(() => axon('train', 'nope'), (e: { status: number; stderr: string }) => e.status === 2 && /unknown example 'nope'/.test(e.stderr) && /mnist-mlp/.test(e.stderr));
  assert.match(axon('list'), /xor-perceptron/);
  assert.throws(() => axon('train', 'xor-mlp', '--epochs', 'x'), (e: { status: number; stderr: string }) => e.status === 2 && /--epochs must be a non-negative integer/.test(e.stderr));
});
