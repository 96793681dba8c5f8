// Standalone loader fuzzer (`npm run fuzz`): `node dist/test/fuzz/run.js --cases 20000 [--seed N]
// [--only name,name]` runs that many mutated inputs per loader (plus the hostile ones) and prints
// a table: loader, cases, untyped errors, hangs over 5 s, cases over the memory bound, peak RSS.
// Exits 1 if any loader had an untyped error, a hang or an allocation past its bound.
import { parseArgs } from 'node:util';
import { setBackend } from '../../src/index.js';
import { fuzz, type Report } from './harness.js';
import { allTargets } from './targets.js';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '20000' }, seed: { type: 'string', default: '1' }, only: { type: 'string' } } });
const cases = Number(values.cases);
const seed = Number(values.seed);
setBackend('ts');
const only = values.only ? new Set(values.only.split(',')) : null;
const reports: Report[] = [];
const t0 = performance.now();
for (const t of allTargets()) {
  if (only && !only.has(t.name)) continue;
  const start = performance.now();
  const r = fuzz(t, cases, seed);
  reports.push(r);
  console.error(`${r.loader}: ${r.cases} cases in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}
const head = ['loader', 'cases', 'ok', 'typed errors', 'untyped errors', 'hangs > 5 s', 'over memory bound', 'slowest ms', 'peak RSS MB'];
const rows = reports.map((r) => [r.loader, r.cases, r.ok, r.typed, r.untyped, r.hangs, r.overMemory, r.slowestMs.toFixed(0), r.peakRssMB.toFixed(0)].map(String));
const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
console.log(line(head));
console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log(`\nseed ${seed}, ${cases} mutated cases per loader plus the hostile inputs, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
for (const r of reports) for (const s of r.samples) console.log(`  ${r.loader}: ${s}`);
process.exitCode = reports.some((r) => r.untyped + r.hangs + r.overMemory > 0) ? 1 : 0;
