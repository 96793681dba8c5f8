// `axon fit --csv data.csv --target col …`: train a network on your own table. The doctor's data
// checks first, then an MLP on standardized numbers and one-hot categories (class weights when
// the classes are imbalanced) trained with early stopping, then its test figures beside the
// logistic/linear and gradient-boosted-tree baselines, and which wins. `--save` keeps the model
// and its preprocessing for `axon predict`. `--images DIR` does the same for an image folder.
import { readCsv, type Row, type Table } from '../data/csv.js';
import { randomSplit, stratifiedSplit } from '../data/splits.js';
import { fromArray } from '../tensor/creation.js';
import { diagnoseData } from '../doctor/diagnose-data.js';
import { runBaselines, scoreOutputs } from '../doctor/baselines.js';
import type { Targets, Task } from '../doctor/matrix.js';
import { fit } from '../doctor/public-fit.js';
import { predict } from '../train/fit.js';
import { EarlyStopping } from '../train/callbacks.js';
import { formatFinding, type Finding } from '../train/finding.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/layers.js';
import { ReLU } from '../nn/activations.js';
import { Adam } from '../optim/adam.js';
import { save } from '../io/checkpoint.js';
import { inferTask } from './doctor.js';
import { EXIT, UsageError, choiceOption, intOption, parseCommand, warn } from './args.js';
import { compare, scoreTable, type Contender } from './compare.js';
import { cellNumber, encodeInputs, encodeTarget, fitPrep, inputNames, labelled, type TabularPrep } from './tabular-prep.js';

export const FIT_USAGE = `usage: axon fit --csv data.csv --target column [options]
       axon fit --images folder [options]

Train a network on your data: check the data, train with early stopping, and compare the test
figures with logistic/linear regression and gradient-boosted trees.

options:
  --csv FILE         training rows (the first line names the columns)
  --target COLUMN    the column to predict
  --task T           auto (default), classification or regression
  --test-csv FILE    rows to test on (default: 20% of --csv held out, stratified for classes)
  --time-col COLUMN  a date/time column: validation and test are the latest rows, not a random draw
  --images DIR       an image folder laid out DIR/<class>/<image>.png|jpg (a small CNN instead)
  --epochs N         at most N epochs (default 200 for tables, 30 for images; early stopping ends sooner)
  --seed S           random seed (default 0)
  --save FILE        save the model and its preprocessing (a .safetensors file) for axon predict
  --json             end with one JSON line: { task, rows, findings, test, winner, … }
  -h, --help         show this help`;

const OPTIONS = {
  csv: { type: 'string' }, target: { type: 'string' }, task: { type: 'string' }, 'test-csv': { type: 'string' },
  'time-col': { type: 'string' }, images: { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' },
  save: { type: 'string' },
} as const;

/** Split row indices into [kept, held]: latest in time, stratified by class, or random. */
function holdOut(rows: readonly Row[], fraction: number, task: Task, target: string, timeCol: string | undefined, seed: number): [number[], number[]] {
  const n = rows.length;
  if (timeCol) {
    const order = [...Array(n).keys()].sort((a, b) => cellNumber(rows[a]![timeCol]) - cellNumber(rows[b]![timeCol]));
    const cut = n - Math.max(1, Math.round(n * fraction));
    return [order.slice(0, cut), order.slice(cut)];
  }
  if (task === 'classification') {
    const { train, test } = stratifiedSplit(rows.map((r) => String(r[target])), { testFraction: fraction, seed });
    return [train, test];
  }
  const held = Math.max(1, Math.round(fraction * n));
  return randomSplit(n, [n - held, held], { seed }) as [number[], number[]];
}

const targetsOf = (prep: TabularPrep, y: Int32Array | Float64Array): Targets => (prep.task === 'classification'
  ? { task: 'classification', labels: y as Int32Array, classes: prep.classes!.length, values: null, oneHot: false }
  : { task: 'regression', labels: null, classes: 0, values: y as Float64Array, oneHot: false });

/** `axon fit`; returns the exit code. */
export async function runFit(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS, FIT_USAGE);
  if (values.help) { console.log(FIT_USAGE); return EXIT.ok; }
  const seed = intOption(values.seed, 'seed', FIT_USAGE) ?? 0;
  const epochsOpt = intOption(values.epochs, 'epochs', FIT_USAGE);
  const json = Boolean(values.json);
  if (values.images !== undefined) {
    if (values.csv !== undefined) throw new UsageError('give --csv or --images, not both', FIT_USAGE);
    return (await import('./fit-images.js')).fitImages({ dir: values.images, epochs: epochsOpt ?? 30, seed, json, save: values.save });
  }
  if (!values.csv || !values.target) throw new UsageError(values.csv ? 'name the column to predict with --target' : 'give the training rows with --csv (or an image folder with --images)', FIT_USAGE);
  const taskOpt = choiceOption(values.task, 'task', ['auto', 'classification', 'regression'] as const, FIT_USAGE);
  const target = values.target;
  const timeCol = values['time-col'];
  const types = timeCol ? { [timeCol]: 'date' as const } : undefined;
  const table = await readCsv(values.csv, { types, onMissing: 'keep' });
  const testTable: Table | null = values['test-csv'] ? await readCsv(values['test-csv'], { types, onMissing: 'keep' }) : null;
  for (const [t, file] of [[table, values.csv], [testTable, values['test-csv']]] as const) {
    if (t && !t.columns.includes(target)) throw new UsageError(`${file} has no column '${target}' (its columns: ${t.columns.join(', ')})`, FIT_USAGE);
    if (t && timeCol && !t.columns.includes(timeCol)) throw new UsageError(`${file} has no column '${timeCol}' for --time-col`, FIT_USAGE);
  }
  const all = labelled(table.rows, target);
  if (all.length < 20) { warn(`axon fit: ${values.csv} has ${all.length} rows with a '${target}' value; at least 20 are needed to train and test`); return EXIT.failed; }
  const task: Task = taskOpt === undefined || taskOpt === 'auto' ? inferTask(all.map((r) => r[target]!)) : taskOpt;

  // Test rows: the test file, else 20% held out; validation (early stopping): 15% of the rest.
  let trainPool: Row[], testRows: Row[];
  if (testTable) { trainPool = all; testRows = labelled(testTable.rows, target); } else {
    const [keep, held] = holdOut(all, 0.2, task, target, timeCol, seed);
    trainPool = keep.map((i) => all[i]!); testRows = held.map((i) => all[i]!);
  }
  const [tr, va] = holdOut(trainPool, 0.15, task, target, timeCol, seed + 1);
  const trainRows = tr.map((i) => trainPool[i]!), valRows = va.map((i) => trainPool[i]!);
  const inputs = table.columns.filter((c) => c !== target && c !== timeCol);
  const { prep, dropped } = fitPrep(trainRows, inputs, target, task, [...all, ...testRows]);
  const names = inputNames(prep);
  if (names.length === 0) { warn(`axon fit: no usable input columns in ${values.csv} (${dropped.map((d) => `${d.column}: ${d.why}`).join('; ')})`); return EXIT.failed; }
  const enc = (rows: readonly Row[]): { x: ReturnType<typeof encodeInputs>; y: Int32Array | Float64Array } => ({ x: encodeInputs(prep, rows), y: encodeTarget(prep, rows) });
  const train = enc(trainRows), val = enc(valRows), test = enc(testRows);
  const cls = task === 'classification';
  const K = cls ? prep.classes!.length : 1;
  const yTensor = (y: Int32Array | Float64Array) => (cls ? fromArray(y, [y.length], 'int32')
    : fromArray(Float32Array.from(y, (v) => (v - prep.targetMean!) / prep.targetStd!), [y.length, 1], 'float32'));
  const split = (s: typeof train) => ({ x: fromArray(s.x.values, [s.x.n, s.x.d], 'float32'), y: yTensor(s.y) });
  const trainT = split(train), valT = split(val), testT = split(test);

  const say = (line: string): void => { if (!json) console.log(line); };
  say(`axon fit: ${values.csv}${testTable ? ` + ${values['test-csv']}` : ''} — ${task}${cls ? ` of ${K} classes (${prep.classes!.join(', ')})` : ` of '${target}'`}, ${trainRows.length} train / ${valRows.length} validation / ${testRows.length} test rows, ${prep.columns.length} columns → ${names.length} inputs`);
  for (const d of dropped) say(`  left out '${d.column}': ${d.why}`);

  // Class weights when the largest class outnumbers the smallest 2:1 or more.
  const counts = cls ? prep.classes!.map((_, k) => (train.y as Int32Array).filter((v) => v === k).length) : [];
  const present = counts.filter((c) => c > 0);
  const imbalanced = cls && Math.max(...present) >= 2 * Math.min(...present);

  // The doctor's data checks (duplicates, leaks, imbalance, input health) on the encoded rows.
  const time = (rows: readonly Row[]): number[] => rows.map((r) => cellNumber(r[timeCol!]));
  const timeIndex = timeCol ? { train: time(trainRows), validation: time(valRows), test: time(testRows) } : undefined;
  const diagnosis = diagnoseData({ train: trainT, validation: valT, test: testT, task, featureNames: names, baselines: false, classWeighted: imbalanced, seed, timeIndex });
  const findings: Finding[] = [...diagnosis.findings];
  for (const f of diagnosis.findings) if (f.severity !== 'info' || !json) say(formatFinding(f));

  // The network: inputs → 64 → 32 → outputs, Adam, early stopping on the validation loss.
  const hidden = Math.min(128, Math.max(32, 2 * names.length));
  const model = new Sequential(new Linear(names.length, hidden), new ReLU(), new Linear(hidden, 32), new ReLU(), new Linear(32, K));
  const stopper = new EarlyStopping({ patience: 15, restoreBestWeights: true });
  const epochs = epochsOpt ?? 200;
  const verbose = !json || Boolean((globalThis as { process?: { stderr?: { isTTY?: boolean } } }).process?.stderr?.isTTY);
  const t0 = performance.now();
  const history = fit(model, {
    data: trainT, validation: valT, epochs, batchSize: trainRows.length > 5000 ? 128 : 32, seed, verbose,
    optimizer: new Adam(model.parameters(), { lr: 1e-3 }), callbacks: [stopper],
    ...(imbalanced ? { classWeight: 'balanced' as const } : {}),
    doctor: { data: false, baselines: false },
  });
  const seconds = (performance.now() - t0) / 1000;
  findings.push(...(history.findings ?? []));

  // Test figures: the network (outputs back in the target's units) and both baselines.
  const out = predict(model, testT.x).data();
  const netOut = cls ? out : Float64Array.from(out, (v) => v * prep.targetStd! + prep.targetMean!);
  const yTrain = targetsOf(prep, train.y), yTest = targetsOf(prep, test.y);
  const base = runBaselines({ values: train.x.values, n: train.x.n, d: train.x.d }, yTrain, { values: test.x.values, n: test.x.n, d: test.x.d }, yTest);
  const scores: Record<Contender, ReturnType<typeof scoreOutputs>> = { network: scoreOutputs(netOut, yTest, test.x.n), linear: base.linear, gbt: base.gbt };
  const verdict = compare(task, scores, imbalanced, testRows.length);
  const stoppedAt = history.epochs.length;
  say(`trained ${stoppedAt} epochs in ${seconds.toFixed(1)} s${history.stoppedEarly ? ` (early stopping: the validation loss was best at epoch ${stopper.bestEpoch + 1}, whose weights are kept)` : ''}${imbalanced ? '; class weights balanced the imbalanced classes' : ''}`);
  say(`test figures (${testRows.length} rows):\n${scoreTable(task, scores)}`);
  say(verdict.sentence);
  if (values.save) {
    save(model, values.save, { extra: { prep } });
    say(`saved the model and its preprocessing to ${values.save}; predict with: axon predict ${values.save} --csv new.csv`);
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (errors > 0) say(`${errors} finding${errors > 1 ? 's' : ''} of severity error: fix the data before trusting these figures`);
  if (json) {
    console.log(JSON.stringify({
      file: values.csv, target, task, classes: prep.classes, rows: { train: trainRows.length, validation: valRows.length, test: testRows.length },
      inputs: names.length, dropped, epochs: stoppedAt, stoppedEarly: history.stoppedEarly, bestEpoch: stopper.bestEpoch + 1, seconds: Number(seconds.toFixed(2)),
      classWeights: imbalanced, findings, test: scores, metric: verdict.metric, winner: verdict.winner, tie: verdict.tie, verdict: verdict.sentence, ...(values.save ? { saved: values.save } : {}),
    }));
  }
  return errors > 0 ? EXIT.failed : EXIT.ok;
}
