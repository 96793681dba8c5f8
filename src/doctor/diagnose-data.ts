// diagnoseData: every check that needs only the data (and optionally the model and loss), run
// before training — duplicates across splits, single-feature leaks, time order, class balance,
// label/loss fit, input health, validation set sanity, and the linear/GBT baselines.
import { noGrad } from '../autograd/grad-mode.js';
import { fromArray } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { indexSelect } from '../ops/indexing.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BaselineScores } from './baselines.js';
import { columnStats } from './column-stats.js';
import { duplicateFinding, findDuplicates } from './duplicates.js';
import type { Finding } from '../train/finding.js';
import { imbalanceFinding } from './imbalance.js';
import { inputHealthFindings, targetScaleFinding } from './input-health.js';
import { BINARY_LOSSES, labelLossFindings } from './label-loss.js';
import { leakFinding, singleFeatureScores } from './leakage.js';
import { runBaselines } from './baselines.js';
import { asMatrix, classCounts, pickRows, readTargets, type Matrix, type Targets, type Task } from './matrix.js';
import { timeOrderFindings, type TimeIndex } from './time-order.js';
import { validationSetFindings } from './validation.js';

/** Features and targets of one split. Shape: x (N, *), y (N) or (N, k). */
export interface Split { x: Tensor; y: Tensor }

export interface DiagnoseDataOptions {
  train: Split;
  validation?: Split;
  test?: Split;
  /** Default: classification for int32 (or one-hot) targets, or one 0/1 column under a binary loss; else regression. */
  task?: Task;
  /** Time stamps of each split's rows: checks that validation/test come after training. */
  timeIndex?: TimeIndex;
  /** Names of the feature columns, for the messages. */
  featureNames?: readonly string[];
  /** The loss fit() will use (name), for the label/loss checks. */
  loss?: string | null;
  /** The model, for the label/loss checks (output size, last layer) and examples per parameter. */
  model?: Module;
  /** Fit the linear and GBT baselines: true, false, or 'auto' (default: tabular data, 2-D x with ≤ 100 features). */
  baselines?: boolean | 'auto';
  /** Class weights or a balancing sampler are already in use (imbalance becomes information). */
  classWeighted?: boolean;
  /** The single-feature leak check: true (default), false, or 'auto' (only tabular data, ≤ 100 features: one pixel of an image does not leak a label, and the check is the costliest). */
  leakCheck?: boolean | 'auto';
  /** Near-duplicate threshold (RMS of the standardized difference per feature). Default 0.02. */
  nearTolerance?: number;
  /** Seed of the doctor's own random numbers (never the global generator). Default 0. */
  seed?: number;
}

/** What diagnoseData found, plus the baseline scores (null when not run). */
export interface DataDiagnosis {
  findings: Finding[];
  task: Task;
  classes: number;
  baselines: BaselineScores | null;
}

/** The model's output shape for the first two rows of x (eval mode, no gradients), or null if it fails. */
export function probeOutputShape(model: Module, x: Tensor): number[] | null {
  const was = model.training;
  try {
    model.eval();
    return noGrad(() => scope(() => {
      const k = Math.min(2, x.shape[0]!);
      const idx = fromArray(Array.from({ length: k }, (_, i) => i), [k], 'int32', x.storage.backend);
      let rows = indexSelect(x, 0, idx);
      const home = model.parameters()[0]?.storage.backend;
      // x may be a CPU copy of data on another backend (fitAsync's data checks on WebGPU): the rows go to the model's.
      if (home && home !== rows.storage.backend) rows = fromArray(rows.data(), rows.shape, rows.dtype, home);
      const out = model.forward(rows) as Tensor;
      return [...out.shape];
    }));
  } catch {
    return null;
  } finally {
    model.train(was);
  }
}

/**
 * Rows the column means and standard deviations are estimated from (they set scales and the
 * duplicate tolerance; ±3% is plenty). Min, max, NaN/Inf counts and constant columns use every row.
 */
const STATS_SAMPLE_ROWS = 1024;

/** Every other fifth row held out of training, for the checks that need unseen rows. */
function internalSplit(m: Matrix, t: Targets): { fit: Matrix; fitT: Targets; held: Matrix; heldT: Targets } {
  const fitRows: number[] = [];
  const heldRows: number[] = [];
  for (let i = 0; i < m.n; i++) (i % 5 === 4 ? heldRows : fitRows).push(i);
  const [fit, fitT] = pickRows(m, t, fitRows);
  const [held, heldT] = pickRows(m, t, heldRows);
  return { fit, fitT, held, heldT };
}

/**
 * Check the data before training. Findings come sorted by severity (errors first).
 *
 * @example
 * const { findings } = diagnoseData({ train: { x, y }, test: { x: xTest, y: yTest } });
 * for (const f of findings) console.log(formatFinding(f));
 */
export function diagnoseData(opts: DiagnoseDataOptions): DataDiagnosis {
  const { train, validation, test, featureNames: names, model, seed = 0 } = opts;
  const findings: Finding[] = [];
  const mTrain = asMatrix(train.x);
  // A binary loss on one target column makes float 0/1 targets two classes, not a regression.
  const columns = train.y.shape[0] ? train.y.numel / train.y.shape[0] : 1;
  const loss0 = opts.loss ?? null;
  const tTrain = readTargets(train.y, opts.task ?? (loss0 !== null && BINARY_LOSSES.includes(loss0) && columns === 1 ? 'classification' : undefined));
  const stats = columnStats(train.x, { sampleRows: STATS_SAMPLE_ROWS });
  const loss = opts.loss ?? null;
  const outputShape = model ? probeOutputShape(model, train.x) : null;
  findings.push(...inputHealthFindings(mTrain, stats, { names, parameters: model?.numParameters({ trainableOnly: true }), indices: train.x.dtype === 'int32' }));
  if (tTrain.task === 'regression' && loss !== null && ['mse', 'l1', 'huber', 'smoothL1'].includes(loss)) {
    const f = targetScaleFinding(tTrain.values!);
    if (f) findings.push(f);
  }
  findings.push(...labelLossFindings({ y: train.y, targets: tTrain, loss, model, outputShape }));
  if (tTrain.task === 'classification') {
    const f = imbalanceFinding(classCounts(tTrain.labels!, tTrain.classes), opts.classWeighted ?? false);
    if (f) findings.push(f);
  }
  const splits = [['validation', validation], ['test', test]] as const;
  const other: { name: string; m: Matrix; t: Targets; x: Tensor }[] = [];
  for (const [name, s] of splits) {
    if (!s) continue;
    const t = readTargets(s.y, tTrain.task);
    const shapeFs = validationSetFindings(train.x, train.y, tTrain, s.x, s.y, t);
    findings.push(...shapeFs.map((f) => (name === 'test' ? { ...f, id: f.id.replace('validation', 'test'), title: f.title.replace(/validation/g, 'test') } : f)));
    if (shapeFs.some((f) => f.severity === 'error')) continue;
    const m = asMatrix(s.x);
    other.push({ name, m, t, x: s.x });
    const dup = findDuplicates(mTrain, m, stats, train.x, s.x, { nearTolerance: opts.nearTolerance, seed });
    const f = duplicateFinding(dup, name, m.n);
    if (f) findings.push(f);
    // Test rows that repeat validation rows leak too (the validation set steers model selection).
    const val = other[0];
    if (name === 'test' && val && val.name === 'validation') {
      const dv = findDuplicates(val.m, m, columnStats(val.x, { sampleRows: STATS_SAMPLE_ROWS }), val.x, s.x, { nearTolerance: opts.nearTolerance, seed });
      const fv = duplicateFinding({ ...dv, withinTrainRate: Math.max(dv.withinTrainRate, dup.withinTrainRate), chanceRepeats: Math.max(dv.chanceRepeats, dup.chanceRepeats) }, 'test', m.n);
      if (fv) findings.push({ ...fv, id: 'duplicates-validation-test', title: fv.title.replace('also occur in training', 'also occur in the validation set') });
    }
  }
  if (opts.timeIndex) findings.push(...timeOrderFindings(opts.timeIndex));
  // The leak check and the baselines, on the same split (the validation set, else every fifth
  // training row).
  const tabularish = train.x.ndim === 2;
  const finite = !stats.nonFinite.some((c) => c > 0);
  const wantLeak = tabularish && finite && (opts.leakCheck === 'auto' ? mTrain.d <= 100 : opts.leakCheck ?? true);
  const wantBaselines = finite && mTrain.n >= 10 && (opts.baselines === undefined || opts.baselines === 'auto' ? tabularish && mTrain.d <= 100 : opts.baselines);
  let baselines: BaselineScores | null = null;
  if (wantLeak || wantBaselines) {
    const heldSet = other[0] ?? null;
    const sp = heldSet ? { fit: mTrain, fitT: tTrain, held: heldSet.m, heldT: heldSet.t } : internalSplit(mTrain, tTrain);
    if (wantLeak && sp.held.n >= 10) {
      const f = leakFinding(singleFeatureScores(sp.fit, sp.fitT, sp.held, sp.heldT), tTrain.task, names, opts.timeIndex !== undefined);
      if (f) findings.push(f);
    }
    if (wantBaselines) baselines = runBaselines(sp.fit, sp.fitT, sp.held, sp.heldT);
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
  return { findings, task: tTrain.task, classes: tTrain.classes, baselines };
}
