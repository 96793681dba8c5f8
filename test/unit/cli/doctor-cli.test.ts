// `axon doctor` on CSV files written here: a duplicated test row, a leaking column and a 95/5
// imbalance are all reported; a clean file reports none of them; --json ends with one object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../../helpers.js';
import { Generator } from '../../../src/index.js';

const axon = (...args: string[]): string => execFileSync(process.execPath, [path.join(ROOT, 'bin/axon.js'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function rows(g: Generator, n: number, leak: boolean, positive: number): string[] {
  return Array.from({ length: n }, () => {
    const y = g.uniform() < positive ? 1 : 0;
    const f = [0, 1, 2, 3].map(() => (g.normal() + y * 0.8).toFixed(4));
    return [...f, ...(leak ? [(y * 2 + g.normal() * 0.05).toFixed(4)] : []), y ? 'spam' : 'ham'].join(',');
  });
}

test('axon doctor reports a duplicated test row, a leaking column and a 95/5 imbalance; a clean CSV none', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-doctor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const g = new Generator(3);
  const head = (leak: boolean): string => ['a', 'b', 'c', 'd', ...(leak ? ['leak'] : []), 'label'].join(',');
  const train = rows(g, 800, true, 0.05);
  const testRows = rows(g, 200, true, 0.05);
  testRows[17] = train[5]!;
  writeFileSync(path.join(dir, 'bad.csv'), [head(true), ...train].join('\n') + '\n');
  writeFileSync(path.join(dir, 'bad-test.csv'), [head(true), ...testRows].join('\n') + '\n');
  writeFileSync(path.join(dir, 'good.csv'), [head(false), ...rows(g, 800, false, 0.5)].join('\n') + '\n');
  writeFileSync(path.join(dir, 'good-test.csv'), [head(false), ...rows(g, 200, false, 0.5)].join('\n') + '\n');
  const out = axon('doctor', '--csv', path.join(dir, 'bad.csv'), '--test-csv', path.join(dir, 'bad-test.csv'), '--target', 'label', '--json');
  const human = out.trim().split('\n').slice(0, -1).join('\n');
  assert.match(human, /\[warning\] class-imbalance/);
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { findings: { id: string; severity: string; evidence: Record<string, number>; fix: string }[] };
  const ids = r.findings.filter((f) => f.severity === 'warning').map((f) => f.id);
  assert.ok(ids.some((i) => i.startsWith('duplicates-') && i.endsWith('test')), ids.join());
  assert.ok(ids.includes('feature-leak') && ids.includes('class-imbalance'), ids.join());
  const leak = r.findings.find((f) => f.id === 'feature-leak')!;
  assert.equal(leak.evidence.feature, 4);
  const clean = JSON.parse(axon('doctor', '--csv', path.join(dir, 'good.csv'), '--test-csv', path.join(dir, 'good-test.csv'), '--target', 'label', '--json').trim().split('\n').at(-1)!) as { findings: { severity: string }[] };
  assert.deepEqual(clean.findings.filter((f) => f.severity !== 'info'), []);
  assert.throws(() => axon('doctor', '--csv', path.join(dir, 'good.csv')), (e: { status: number; stderr: string }) => e.status === 2 && /usage: axon doctor/.test(e.stderr));
});

test('axon doctor exits 1 when a finding has severity error (missing values in a feature), 0 otherwise', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'axon-doctor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rows = Array.from({ length: 40 }, (_, i) => [i % 5 === 0 ? '' : i % 7, (i * 3) % 11, i % 2 ? 'x' : 'y'].join(','));
  writeFileSync(path.join(dir, 'gaps.csv'), ['a,b,label', ...rows].join('\n') + '\n');
  assert.throws(() => axon('doctor', '--csv', path.join(dir, 'gaps.csv'), '--target', 'label'),
    (e: { status: number; stdout: string }) => e.status === 1 && /\[error\] non-finite-inputs/.test(e.stdout) && /1 error, /.test(e.stdout));
  const clean = rows.map((r) => r.replace(/^,/, '3,'));
  writeFileSync(path.join(dir, 'clean.csv'), ['a,b,label', ...clean].join('\n') + '\n');
  assert.doesNotThrow(() => axon('doctor', '--csv', path.join(dir, 'clean.csv'), '--target', 'label'));
});
