// `axon doctor --csv data.csv --target label [--task classification|regression] [--time-col date]
// [--test-csv t.csv] [--json]`: run the doctor's data checks and baselines on a CSV file and
// print the findings; with --json the last line is one JSON object. Exit 1 on an error finding.
import { EXIT, UsageError, choiceOption, intOption, parseCommand } from './args.js';
import { readCsv, type Cell, type Table } from '../data/csv.js';
import { randomSplit, stratifiedSplit } from '../data/splits.js';
import { fromArray } from '../tensor/creation.js';
import { diagnoseData, type Split } from '../doctor/diagnose-data.js';
import { formatFinding, fmtNum } from '../train/finding.js';
import type { Task } from '../doctor/matrix.js';
import { startDashboard } from '../dashboard/dashboard.js';
import type { DashboardEvent } from '../dashboard/events.js';

export const DOCTOR_USAGE = `usage: axon doctor --csv data.csv --target label [options]

Check a CSV file before training: duplicates between the splits, leaking columns, class
imbalance, broken or unscaled inputs, and the logistic/linear and gradient-boosted-tree
baselines any network should beat. Exit code 1 when a finding has severity error.

options:
  --csv FILE         the rows to check
  --target COLUMN    the column to predict
  --task T           auto (default), classification or regression
  --test-csv FILE    test rows (checked for duplicates of, and drift from, the training rows)
  --time-col COLUMN  a date/time column: validation is the latest 20%, not a random draw
  --seed S           random seed (default 0)
  --dashboard        also show the findings in a browser page (127.0.0.1; serves until Ctrl-C)
                     and write them to the run log runs/doctor-<file>-<date>.jsonl
  --dashboard-port N port for that page (default 6060, or a free one when it is taken)
  --json             end with one JSON line: { file, task, rows, findings, baselines }
  -h, --help         show this help`;

const cellNumber = (c: Cell): number => (c === null ? NaN : typeof c === 'number' ? c : typeof c === 'boolean' ? Number(c) : c instanceof Date ? c.getTime() : NaN);

/** Infer the task from the target cells: text, or ≤ 20 distinct integers ⇒ classification. */
export function inferTask(values: readonly Cell[]): Task {
  if (values.some((v) => typeof v === 'string' || typeof v === 'boolean')) return 'classification';
  const distinct = new Set(values.filter((v) => v !== null).map(String));
  return values.every((v) => v === null || (typeof v === 'number' && Number.isInteger(v))) && distinct.size <= 20 ? 'classification' : 'regression';
}

/** Run `axon doctor`; returns the exit code (0, 1 when a finding has severity error). */
export async function runDoctor(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    csv: { type: 'string' }, target: { type: 'string' }, task: { type: 'string' }, 'time-col': { type: 'string' },
    'test-csv': { type: 'string' }, seed: { type: 'string' }, dashboard: { type: 'boolean' }, 'dashboard-port': { type: 'string' },
  }, DOCTOR_USAGE);
  if (values.help) { console.log(DOCTOR_USAGE); return EXIT.ok; }
  if (!values.csv || !values.target) throw new UsageError(values.csv ? 'name the column to predict with --target' : 'give the rows to check with --csv', DOCTOR_USAGE);
  const taskOpt = choiceOption(values.task, 'task', ['auto', 'classification', 'regression'] as const, DOCTOR_USAGE);
  const target = values.target;
  const timeCol = values['time-col'];
  const seed = intOption(values.seed, 'seed', DOCTOR_USAGE) ?? 0;
  const dashboardPort = intOption(values['dashboard-port'], 'dashboard-port', DOCTOR_USAGE);
  if (dashboardPort !== undefined && !values.dashboard) throw new UsageError('--dashboard-port needs --dashboard', DOCTOR_USAGE);
  const types = timeCol ? { [timeCol]: 'date' as const } : undefined;
  const table = await readCsv(values.csv, { types, onMissing: 'keep' });
  const testTable: Table | null = values['test-csv'] ? await readCsv(values['test-csv'], { types, onMissing: 'keep' }) : null;
  for (const [t, file] of [[table, values.csv], [testTable, values['test-csv']]] as const) {
    if (t && !t.columns.includes(target)) throw new UsageError(`${file} has no column '${target}' (its columns: ${t.columns.join(', ')})`, DOCTOR_USAGE);
    if (t && timeCol && !t.columns.includes(timeCol)) throw new UsageError(`${file} has no column '${timeCol}' for --time-col`, DOCTOR_USAGE);
  }
  const task: Task = taskOpt === undefined || taskOpt === 'auto' ? inferTask(table.rows.map((r) => r[target]!)) : taskOpt;
  const features = table.columns.filter((c) => c !== target && c !== timeCol);
  // Text columns become category codes shared by both files (enough for duplicates and leaks).
  const codes = new Map<string, Map<string, number>>();
  const allRows = [...table.rows, ...(testTable?.rows ?? [])];
  for (const c of [...features, target]) {
    if (c === target && task === 'regression') continue;
    if (!allRows.some((r) => typeof r[c] === 'string') && c !== target) continue;
    const distinct = [...new Set(allRows.map((r) => String(r[c])))].sort();
    codes.set(c, new Map(distinct.map((v, i) => [v, i])));
  }
  const encode = (rows: readonly Record<string, Cell>[]): Split => {
    const x = new Float64Array(rows.length * features.length);
    rows.forEach((r, i) => features.forEach((c, j) => { x[i * features.length + j] = codes.has(c) ? codes.get(c)!.get(String(r[c]))! : cellNumber(r[c]!); }));
    const y = rows.map((r) => (task === 'classification' ? codes.get(target)!.get(String(r[target]))! : cellNumber(r[target]!)));
    return { x: fromArray(x, [rows.length, features.length], 'float32'), y: fromArray(y, [rows.length], task === 'classification' ? 'int32' : 'float32') };
  };
  // Validation: the last 20% in time with --time-col, else a seeded (stratified) 20% hold-out.
  const n = table.rows.length;
  let trainIdx: number[];
  let valIdx: number[];
  if (timeCol) {
    const order = [...Array(n).keys()].sort((a, b) => cellNumber(table.rows[a]![timeCol]!) - cellNumber(table.rows[b]![timeCol]!));
    const cut = Math.floor(n * 0.8);
    trainIdx = order.slice(0, cut);
    valIdx = order.slice(cut);
  } else if (task === 'classification') {
    ({ train: trainIdx, test: valIdx } = stratifiedSplit(table.rows.map((r) => String(r[target])), { testFraction: 0.2, seed }));
  } else {
    [trainIdx, valIdx] = randomSplit(n, [n - Math.round(0.2 * n), Math.round(0.2 * n)], { seed }) as [number[], number[]];
  }
  const trainRows = trainIdx.map((i) => table.rows[i]!);
  const valRows = valIdx.map((i) => table.rows[i]!);
  const time = (rows: readonly Record<string, Cell>[]): number[] => rows.map((r) => cellNumber(r[timeCol!]!));
  const report = diagnoseData({
    train: encode(trainRows), validation: encode(valRows), test: testTable ? encode(testTable.rows) : undefined,
    task, featureNames: features, baselines: true, seed,
    timeIndex: timeCol ? { train: time(trainRows), validation: time(valRows), test: testTable ? time(testTable.rows) : undefined } : undefined,
  });
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of report.findings) counts[f.severity]++;
  console.log(`axon doctor: ${values.csv}${testTable ? ` + ${values['test-csv']}` : ''} — ${task}, ${trainRows.length} train / ${valRows.length} validation${testTable ? ` / ${testTable.rows.length} test` : ''} rows, ${features.length} features`);
  for (const f of report.findings) console.log(formatFinding(f));
  if (report.baselines) {
    const b = report.baselines;
    const show = (s: Record<string, number | undefined>): string => Object.entries(s).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${fmtNum(v!)}`).join(', ');
    console.log(`baselines on the validation rows: logistic/linear regression ${show({ ...b.linear })}; gradient-boosted trees ${show({ ...b.gbt })}`);
  }
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  console.log(`${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.info, 'note')}`);
  if (values.dashboard) {
    const name = `doctor-${values.csv.split(/[\\/]/).pop()!.replace(/\.csv$/i, '')}`;
    const { server, url } = startDashboard('doctor', { name, port: dashboardPort });
    const events: DashboardEvent[] = [
      { event: 'start', epochs: 0, stepsPerEpoch: 0, initial: null, name, startedAt: new Date().toISOString(), task },
      ...report.findings.map((f): DashboardEvent => ({ event: 'finding', ...f })),
      { event: 'end', epochs: 0, stoppedEarly: false },
    ];
    server.publish(events.map((e) => JSON.stringify(e)));
    console.error(`dashboard: the findings are at ${url} — press Ctrl-C to stop`);
  }
  if (values.json) console.log(JSON.stringify({ file: values.csv, task, rows: { train: trainRows.length, validation: valRows.length, test: testTable?.rows.length ?? 0 }, findings: report.findings, baselines: report.baselines }));
  return counts.error > 0 ? EXIT.failed : EXIT.ok;
}
