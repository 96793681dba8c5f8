// fit / evaluate / predict: the training loop with validation before the first step, callbacks,
// progress, seeded shuffling, and each step run in a scope so memory stays flat. The loop knows
// nothing of the training doctor: the public fit (doctor/public-fit.ts) attaches it as a callback.
import { AxonError, SyncReadError, ValueError, type AnomalyError } from '../errors.js';
import { readsSync } from '../tensor/host-read.js';
import { noGrad } from '../autograd/grad-mode.js';
import { manualSeed } from '../tensor/random.js';
import { scope } from '../tensor/lifetime.js';
import { cat } from '../ops/movement.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import type { Optimizer } from '../optim/optimizer.js';
import { clipGradNorm } from '../optim/clip.js';
import { fromArray } from '../tensor/creation.js';
import { indexSelect } from '../ops/indexing.js';
import { randomSplit, stratifiedSplit } from '../data/splits.js';
import { checkXY, isXY, orderedBatches, xyBatches, type BatchSource, type FitData, type XY } from './batches.js';
import type { Callback, EpochLogs, History, TrainContext } from './callbacks.js';
import { resolveLoss, type LossFn, type LossName } from './loss-fn.js';
import { ProgressBar } from './progress.js';
import { RunningMetric, type MetricName } from './running-metrics.js';
import type { Finding } from './finding.js';
import { blame, DivergenceWatch, DIVERGENCE_FACTOR, locateNonFinite } from './divergence.js';
import { CheckpointFiles } from './checkpoint-files.js';
import { loadFitState, restoreCallbacks, saveFitState, type FitCheckpointOptions, type FitParts, type LoopState } from './fit-state.js';

/** The loss became NaN or infinite, or over 1e6 × its starting value: training diverged. */
export class TrainingDivergedError extends AxonError {
  /** The training doctor's findings up to the divergence (when the doctor is on). */
  findings?: Finding[];
  /** For a NaN/Inf loss: the op that first produced a non-finite value (rerun under detectAnomaly), if found. */
  origin?: AnomalyError;
  constructor(message: string) { super('fit', message); this.name = 'TrainingDivergedError'; }
}

export interface FitOptions {
  /** Training data: `{ x, y }` tensors (batched and shuffled here) or a DataLoader. */
  data: FitData;
  /**
   * Validation data, or a fraction in (0, 1) of the training data to hold out. The hold-out is
   * drawn after a seeded shuffle (stratified for int32 class labels), never "the last rows".
   */
  validation?: FitData | number;
  epochs?: number;
  batchSize?: number;
  /** Default: Adam with lr 1e-3 over model.parameters(). */
  optimizer?: Optimizer<{ lr: number }>;
  /** Default: 'crossEntropy' when y is int32, else 'mse'. */
  loss?: LossName | LossFn;
  /** Default: ['accuracy'] for class labels, ['mae'] otherwise. */
  metrics?: MetricName[];
  callbacks?: Callback[];
  /** Per-class loss weights, or 'balanced' (n / (classes · count)) against class imbalance. */
  classWeight?: readonly number[] | 'balanced';
  /** Seeds shuffling, the hold-out split and the global generator (dropout). Default 0. */
  seed?: number;
  shuffle?: boolean;
  /** Clip the global gradient norm to this value each step. */
  clipGradNorm?: number;
  /** Show the progress bar (default true). */
  verbose?: boolean;
  /** Transform each training batch's inputs (augmentation); validation data is never touched. */
  augment?: (x: Tensor) => Tensor;
  /**
   * Callbacks made from the resolved run (the data after the validation split, the loss, the
   * callback list), placed before the others and made before the validation pass of step 0: how
   * the public fit attaches the training doctor. A factory may return null (nothing to attach).
   */
  attach?: readonly ((run: FitRun) => Callback | null)[];
  /**
   * Write the full training state (weights, optimizer, generators, the data's shuffling
   * position, callbacks' state, the history so far) every `everySteps` steps and/or every epoch,
   * so that `resume` continues a killed run exactly as if it had never stopped.
   */
  checkpoint?: FitCheckpointOptions;
  /**
   * A checkpoint written by `checkpoint` (or ModelCheckpoint with saveTrainingState) to continue
   * from: the run ends bit-identical to an uninterrupted one given the same model, data, options
   * and callbacks. The initial validation pass is not repeated.
   */
  resume?: string;
}

/** What fit() resolved about a run, for the callbacks of FitOptions.attach. */
export interface FitRun {
  model: Module;
  data: FitData;
  /** The validation data (a held-out fraction already split off), if any. */
  validation?: FitData;
  loss?: LossName | LossFn;
  classWeight?: readonly number[] | 'balanced';
  /** fit's callbacks (the attached ones included): each hears onFinding. */
  callbacks: readonly Callback[];
}

function isClassification(y: Tensor | undefined): boolean {
  return y !== undefined && y.dtype === 'int32';
}

function firstTargets(data: FitData): Tensor | undefined {
  return isXY(data) ? data.y : undefined;
}

function balancedWeights(y: Tensor): number[] {
  const counts = new Map<number, number>();
  for (const v of y.data()) counts.set(v, (counts.get(v) ?? 0) + 1);
  const k = Math.max(...counts.keys()) + 1;
  return Array.from({ length: k }, (_, c) => (counts.get(c) ? y.numel / (counts.size * counts.get(c)!) : 0));
}

/**
 * Hold out a seeded (stratified for int32 labels) fraction of `data`; the split is decided from
 * `host` (data itself, or its CPU copy where the backend reads only asynchronously) and applied to both.
 */
function holdOut(data: XY, host: XY, fraction: number, seed: number): [XY, XY, XY, XY] {
  if (!(fraction > 0 && fraction < 1)) throw new ValueError('fit', `validation fraction must be in (0, 1), got ${fraction}`);
  const n = data.x.shape[0]!;
  const opts = { seed: seed + 7919 }; // a stream of its own, apart from the batch shuffles
  const { train, test } = isClassification(host.y) && host.y.ndim === 1
    ? stratifiedSplit(host.y, { ...opts, testFraction: fraction })
    : (([tr, te]) => ({ train: tr!, test: te! }))(randomSplit(n, [1 - fraction, fraction], opts));
  if (test.length === 0 || train.length === 0) throw new ValueError('fit', `validation fraction ${fraction} of ${n} samples leaves an empty split`);
  const pick = (d: XY, idx: number[]): XY => {
    const it = fromArray(idx, [idx.length], 'int32', d.x.storage.backend);
    return { x: indexSelect(d.x, 0, it), y: indexSelect(d.y, 0, it) };
  };
  const same = host === data;
  const [trainD, testD] = [pick(data, train), pick(data, test)];
  return [trainD, testD, same ? trainD : pick(host, train), same ? testD : pick(host, test)];
}

function* steps(source: BatchSource): IterableIterator<readonly Tensor[]> {
  yield* source;
}

/** CPU copies of data tensors, for the decisions taken from their values (see fitAsync); identity for fit. */
export type HostCopy = (t: Tensor) => Tensor;

/** Everything fit() and fitAsync() resolve before the first step. */
export interface RunSetup {
  data: FitData;
  validation: FitData | undefined;
  epochs: number;
  lossFn: LossFn;
  metricNames: MetricName[];
  threshold: number;
  optimizer: Optimizer<{ lr: number }>;
  source: BatchSource;
  callbacks: Callback[];
  history: History;
  ctx: TrainContext;
  ck: FitCheckpointOptions | undefined;
  files: CheckpointFiles | null;
  pendingSaves: string[];
  /** Where the run stands, kept current for checkpoints. */
  loop: Omit<LoopState, 'callbacks'> | null;
  /** Write the pending training-state files. */
  flush(): void;
  resumed: ReturnType<typeof loadFitState> | null;
  evalOpts: EvaluateOptions & { loss: LossFn; metrics: MetricName[]; batchSize: number; threshold: number };
}

/** Resolve a run: seed, validation split, loss, metrics, optimizer, batches, callbacks (attached ones first), checkpoint files, resumed state. */
export function setupRun(model: Module, opts: FitOptions, host: HostCopy = (t) => t): RunSetup {
  const seed = opts.seed ?? 0;
  manualSeed(seed);
  let data = opts.data;
  let validation = opts.validation;
  let hostData = isXY(data) ? { x: host(data.x), y: host(data.y) } : data;
  let hostValidation = validation !== undefined && typeof validation !== 'number' && isXY(validation) ? { x: host(validation.x), y: host(validation.y) } : validation;
  if (isXY(hostData)) checkXY('fit', hostData, 'training data');
  if (typeof validation === 'number') {
    if (!isXY(data) || !isXY(hostData)) throw new ValueError('fit', 'a validation fraction needs { x, y } training data; with a DataLoader pass validation data instead');
    [data, validation, hostData, hostValidation] = holdOut(data, hostData, validation, seed);
  } else if (hostValidation !== undefined && typeof hostValidation !== 'number' && isXY(hostValidation)) checkXY('fit', hostValidation, 'validation data');
  const epochs = opts.epochs ?? 10;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError('fit', `epochs must be a non-negative integer, got ${epochs}`);
  const yTrain = firstTargets(hostData);
  const classes = isClassification(yTrain);
  const classWeight = opts.classWeight === 'balanced' ? (yTrain ? balancedWeights(yTrain) : null) : opts.classWeight ?? null;
  const lossFn = resolveLoss(opts.loss ?? (classes || yTrain === undefined ? 'crossEntropy' : 'mse'), classWeight);
  const metricNames = opts.metrics ?? (classes || yTrain === undefined ? ['accuracy'] : ['mae']);
  const threshold = opts.loss === 'binaryCrossEntropy' ? 0.5 : 0;
  const optimizer = opts.optimizer ?? new Adam(model.parameters(), { lr: 1e-3 });
  const source: BatchSource = isXY(data) ? xyBatches(data, opts.batchSize ?? Math.min(32, data.x.shape[0]!), { shuffle: opts.shuffle ?? true, seed }) : data;
  const callbacks: Callback[] = [...(opts.verbose === false ? [] : [new ProgressBar()]), ...(opts.callbacks ?? [])];
  const run: FitRun = { model, data: hostData, validation: hostValidation as FitData | undefined, loss: opts.loss, classWeight: opts.classWeight, callbacks };
  const attached = (opts.attach ?? []).map((make) => make(run)).filter((cb): cb is Callback => cb !== null);
  callbacks.unshift(...attached);
  const history: History = { epochs: [], stoppedEarly: false };
  const ck = opts.checkpoint;
  if (ck?.everySteps !== undefined && !(Number.isInteger(ck.everySteps) && ck.everySteps >= 1)) throw new ValueError('fit', `checkpoint.everySteps must be an integer ≥ 1, got ${ck.everySteps}`);
  const files = ck ? new CheckpointFiles(ck.path, ck.keepLast, 'fit') : null;
  const parts: FitParts = { model, optimizer, source, callbacks, generators: ck?.generators };
  const pendingSaves: string[] = [];
  const ctx: TrainContext = {
    model, optimizer, epochs, stepsPerEpoch: source.length ?? 0, epoch: 0, history, stopTraining: false,
    saveTrainingState: (file) => { pendingSaves.push(file); },
  };
  const setup: RunSetup = {
    data, validation: validation as FitData | undefined, epochs, lossFn, metricNames, threshold, optimizer, source, callbacks, history, ctx, ck, files, pendingSaves,
    loop: null,
    flush: () => { for (const file of pendingSaves.splice(0)) saveFitState(file, parts, setup.loop!); },
    resumed: opts.resume !== undefined ? loadFitState(opts.resume, parts) : null,
    evalOpts: { loss: lossFn, metrics: metricNames, batchSize: opts.batchSize ?? 32, threshold },
  };
  if (setup.resumed) {
    history.epochs.push(...setup.resumed.loop.history.epochs);
    if (setup.resumed.loop.history.initial) history.initial = setup.resumed.loop.history.initial;
  }
  return setup;
}

/**
 * An epoch's running metrics and sums at its start: zeros, or in the epoch a checkpoint was taken
 * in, its partial sums and the index of its first remaining step (a stateful loader skips the done
 * batches itself, in the same order; another source is consumed here). Shared by fit and fitAsync.
 */
export function epochStart(run: RunSetup, epoch: number, it: Iterator<unknown>): { running: RunningMetric[]; lossSum: number; seen: number; first: number } {
  const running = run.metricNames.map((m) => new RunningMetric(m, run.threshold));
  const r0 = run.resumed?.loop;
  if (!r0 || epoch !== r0.epoch || r0.stepInEpoch === 0) return { running, lossSum: 0, seen: 0, first: 0 };
  r0.running.forEach((st, i) => running[i]?.setState(st));
  if (!run.resumed!.sourceRestored) for (let k = 0; k < r0.stepInEpoch; k++) scope(() => { it.next(); });
  return { running, lossSum: r0.lossSum, seen: r0.seen, first: r0.stepInEpoch };
}

/** `val`-prefixed names of validation figures (loss → valLoss). */
export function valLogs(v: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [`val${k[0]!.toUpperCase()}${k.slice(1)}`, x]));
}

/** The TrainingDivergedError for a loss `value` at a step (origin: the op found under anomaly detection, if any). */
export function divergedError(value: number, epoch: number, step: number, watch: DivergenceWatch, lastFinite: number, lr: number, origin: AnomalyError | null): TrainingDivergedError {
  const what = Number.isFinite(value)
    ? `the loss reached ${value} at epoch ${epoch + 1}, step ${step + 1}, over ${DIVERGENCE_FACTOR}× its starting value ${watch.start}`
    : `the loss became ${value} at epoch ${epoch + 1}, step ${step + 1} (last finite loss ${lastFinite})`;
  const err = new TrainingDivergedError(`${what}; ${blame(origin, lr)}`);
  if (origin) err.origin = origin;
  return err;
}

/** fit() on a backend whose values come back only asynchronously: the error that points to fitAsync. */
export function assertSyncReads(op: string, model: Module, asyncCall: string): void {
  const p = model.parameters().find((t) => !readsSync(t));
  if (p) {
    throw new SyncReadError(op, `the model lives on the ${p.storage.backend.name} backend, whose memory can only be read asynchronously, and ${op}() reads every step's loss synchronously; use \`await ${asyncCall}(model, options)\` (same options and result, losses read back in batches)`);
  }
}

/**
 * Train `model`. Validation (when given) runs once before the first step, so a broken
 * validation pipeline shows in seconds, and after every epoch. Same seed ⇒ identical run.
 * Synchronous: on a backend read only asynchronously (WebGPU) use `await fitAsync(...)`.
 *
 * @example
 * const history = fit(model, { data: { x, y }, validation: 0.1, epochs: 5, batchSize: 64 }); // synchronous: no await
 */
export function fit(model: Module, opts: FitOptions): History {
  assertSyncReads('fit', model, 'fitAsync');
  const run = setupRun(model, opts);
  const { epochs, lossFn, metricNames, threshold, optimizer, source, callbacks, history, ctx, ck, files, pendingSaves, resumed } = run;
  const batchWatchers = callbacks.filter((cb) => cb.onValidationBatch);
  const validate = (trained: number): Record<string, number> => {
    for (const cb of callbacks) cb.onValidationBegin?.(trained, ctx);
    try {
      const onBatch = batchWatchers.length === 0 ? undefined : (x: Tensor, pred: Tensor, y: Tensor): void => {
        for (const cb of batchWatchers) cb.onValidationBatch!(x, pred, y, trained, ctx);
      };
      return evaluate(model, run.validation as FitData, { ...run.evalOpts, onBatch });
    } finally {
      for (const cb of callbacks) cb.onValidationEnd?.(trained, ctx);
    }
  };

  if (run.validation !== undefined && !resumed) history.initial = valLogs(validate(0));
  for (const cb of callbacks) cb.onTrainBegin?.(ctx);
  let lastFinite = NaN;
  let globalStep = 0;
  const watch = new DivergenceWatch();
  const r0 = resumed?.loop;
  if (r0) {
    restoreCallbacks(callbacks, r0.callbacks);
    [lastFinite, globalStep, watch.start, ctx.stopTraining] = [r0.lastFinite, r0.step, r0.watchStart, r0.stopTraining];
  }
  for (let epoch = r0?.epoch ?? 0; epoch < epochs && !ctx.stopTraining; epoch++) {
    ctx.epoch = epoch;
    for (const cb of callbacks) cb.onEpochBegin?.(epoch, ctx);
    model.train();
    const t0 = performance.now();
    const it = steps(source);
    let { running, lossSum, seen, first } = epochStart(run, epoch, it);
    for (let step = first; ; step++) {
      const r = scope(() => {
        const next = it.next();
        if (next.done) return null;
        const [x0, yb] = next.value as [Tensor, Tensor];
        const xb = opts.augment ? opts.augment(x0) : x0;
        optimizer.zeroGrad();
        const pred = model.forward(xb);
        const loss = lossFn(pred, yb);
        const value = loss.item();
        if (!Number.isFinite(value)) {
          // Name the op: the same batch once more under anomaly detection (nothing was updated yet).
          const origin = locateNonFinite(() => lossFn(model.forward(xb), yb).backward());
          optimizer.zeroGrad();
          return { value, n: xb.shape[0]!, origin };
        }
        loss.backward();
        if (opts.clipGradNorm !== undefined) clipGradNorm(model.parameters(), opts.clipGradNorm);
        optimizer.step();
        noGrad(() => { for (const m of running) m.update(pred, yb); });
        return { value, n: xb.shape[0]! };
      });
      if (r === null) break;
      const lr = optimizer.paramGroups[0]!.lr;
      if (watch.diverged(r.value)) {
        const err = divergedError(r.value, epoch, step, watch, lastFinite, lr, ('origin' in r ? r.origin : null) ?? null);
        for (const cb of callbacks) cb.onDiverged?.(err, r.value, ctx);
        throw err;
      }
      lastFinite = r.value;
      lossSum += r.value * r.n;
      seen += r.n;
      globalStep++;
      run.loop = { epoch, stepInEpoch: step + 1, step: globalStep, lossSum, seen, running: running.map((m) => m.getState()), watchStart: watch.start, lastFinite, stopTraining: ctx.stopTraining, history };
      for (const cb of callbacks) cb.onStepEnd?.(step, ctx);
      for (const cb of callbacks) cb.onBatchEnd?.(step, { loss: r.value, batchSize: r.n, lr }, ctx);
      run.loop.stopTraining = ctx.stopTraining;
      if (files && ck!.everySteps !== undefined && globalStep % ck!.everySteps === 0) pendingSaves.push(files.path(epoch, globalStep));
      if (pendingSaves.length > 0) { files?.prepare(); run.flush(); files?.prune(); }
    }
    if (seen === 0) throw new ValueError('fit', 'the training data produced no batches (empty DataLoader, or dropLast with a batch size above the data size)');
    const logs: EpochLogs = { epoch: epoch + 1, loss: lossSum / seen };
    metricNames.forEach((m, i) => { logs[m] = running[i]!.value(); });
    if (run.validation !== undefined) Object.assign(logs, valLogs(validate(epoch + 1)));
    endEpoch(run, epoch, logs, t0, globalStep, watch, lastFinite);
  }
  return endRun(run, model);
}

/** An epoch's end: lr and time into its logs, the history, onEpochEnd, checkpoints. */
export function endEpoch(run: RunSetup, epoch: number, logs: EpochLogs, t0: number, globalStep: number, watch: DivergenceWatch, lastFinite: number): void {
  const { optimizer, history, callbacks, ctx, files, ck, pendingSaves } = run;
  logs.lr = optimizer.paramGroups[0]!.lr;
  logs.seconds = (performance.now() - t0) / 1000;
  history.epochs.push(logs);
  run.loop = { epoch: epoch + 1, stepInEpoch: 0, step: globalStep, lossSum: 0, seen: 0, running: [], watchStart: watch.start, lastFinite, stopTraining: ctx.stopTraining, history };
  for (const cb of callbacks) cb.onEpochEnd?.(epoch, logs, ctx);
  run.loop.stopTraining = ctx.stopTraining;
  if (files && (ck!.everyEpoch ?? ck!.everySteps === undefined)) pendingSaves.push(files.path(epoch + 1, globalStep));
  if (pendingSaves.length > 0) { files?.prepare(); run.flush(); files?.prune(); }
}

/** The run's end: stoppedEarly, onTrainEnd, eval mode. */
export function endRun(run: RunSetup, model: Module): History {
  run.history.stoppedEarly = run.ctx.stopTraining;
  for (const cb of run.callbacks) cb.onTrainEnd?.(run.ctx);
  model.eval();
  return run.history;
}

export interface EvaluateOptions {
  loss?: LossName | LossFn;
  metrics?: MetricName[];
  batchSize?: number;
  /** Decision threshold for single-output classifiers (0 for logits, 0.5 for probabilities). */
  threshold?: number;
  /** Called with each batch's inputs, outputs and targets (released after the call). */
  onBatch?: (x: Tensor, pred: Tensor, y: Tensor) => void;
}

/** Mean loss and metrics of `model` on `data`, in eval mode without gradients. */
export function evaluate(model: Module, data: FitData, opts: EvaluateOptions = {}): Record<string, number> {
  assertSyncReads('evaluate', model, 'evaluateAsync');
  if (isXY(data)) checkXY('evaluate', data);
  const y = firstTargets(data);
  const classes = isClassification(y);
  const lossFn = resolveLoss(opts.loss ?? (classes || y === undefined ? 'crossEntropy' : 'mse'));
  const metricNames = opts.metrics ?? (classes || y === undefined ? ['accuracy'] : ['mae']);
  const running = metricNames.map((m) => new RunningMetric(m, opts.threshold ?? 0));
  const source = isXY(data) ? orderedBatches(data, opts.batchSize ?? 256) : data;
  const was = model.training;
  model.eval();
  let lossSum = 0;
  let seen = 0;
  try {
    const it = steps(source);
    for (;;) {
      const done = noGrad(() => scope(() => {
        const next = it.next();
        if (next.done) return true;
        const [xb, yb] = next.value as [Tensor, Tensor];
        const pred = model.forward(xb);
        lossSum += lossFn(pred, yb).item() * xb.shape[0]!;
        seen += xb.shape[0]!;
        for (const m of running) m.update(pred, yb);
        opts.onBatch?.(xb, pred, yb);
        return false;
      }));
      if (done) break;
    }
  } finally {
    model.train(was);
  }
  if (seen === 0) throw new ValueError('evaluate', 'the data is empty');
  const out: Record<string, number> = { loss: lossSum / seen };
  metricNames.forEach((m, i) => { out[m] = running[i]!.value(); });
  return out;
}

/** The model's outputs for `x`, computed in batches in eval mode without gradients. */
export function predict(model: Module, x: Tensor, { batchSize = 256 }: { batchSize?: number } = {}): Tensor {
  if (x.ndim === 0 || x.shape[0] === 0) throw new ValueError('predict', `x must have at least one sample, got shape [${x.shape.join(',')}]`);
  const was = model.training;
  model.eval();
  try {
    return noGrad(() => scope(() => {
      const outs: Tensor[] = [];
      const n = x.shape[0]!;
      for (let i = 0; i < n; i += batchSize) {
        const idx = fromArray(Array.from({ length: Math.min(batchSize, n - i) }, (_, k) => i + k), [Math.min(batchSize, n - i)], 'int32', x.storage.backend);
        outs.push(model.forward(indexSelect(x, 0, idx)));
      }
      return cat(outs, 0);
    }));
  } finally {
    model.train(was);
  }
}
