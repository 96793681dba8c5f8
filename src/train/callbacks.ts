// Callbacks for fit(): the hooks, EarlyStopping, LR scheduling, JSON-lines logging, and a
// lambda callback. (ModelCheckpoint lives with the checkpoint code in io/.)
import { ValueError } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { clone } from '../ops/elementwise.js';
import { keep, unkeep } from '../tensor/lifetime.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Finding } from './finding.js';

/** Per-epoch figures: loss, metrics, and their validation twins prefixed with `val`. */
export interface EpochLogs {
  epoch: number;
  loss: number;
  [metric: string]: number | undefined;
}

export interface History {
  /** Validation figures measured once before the first step (a broken pipeline shows at once). */
  initial?: Record<string, number>;
  epochs: EpochLogs[];
  /** Whether a callback (e.g. EarlyStopping) ended training early. */
  stoppedEarly: boolean;
  /** What the training doctor found (absent with `doctor: false`). */
  findings?: Finding[];
  /** Milliseconds the training doctor took: its data checks before the first step plus its callbacks (absent with `doctor: false`). */
  doctorMs?: number;
}

export interface TrainContext {
  readonly model: Module;
  readonly optimizer: Optimizer<{ lr: number }>;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  epoch: number;
  readonly history: History;
  /** Set to true to end training after this epoch. */
  stopTraining: boolean;
  /**
   * Write the full training state (to resume with `fit({ resume: file })`) to `file` once every
   * callback of the current hook has run (so a scheduler stepped by a later callback is saved
   * stepped). Given by fit(); absent in other loops.
   */
  saveTrainingState?(file: string): void;
}

/** What onBatchEnd hears about a step. */
export interface BatchLogs {
  loss: number;
  batchSize: number;
  /** The learning rate the step was taken with (read before onStepEnd hooks stepped any schedule). */
  lr?: number;
}

export interface Callback {
  onTrainBegin?(ctx: TrainContext): void;
  onEpochBegin?(epoch: number, ctx: TrainContext): void;
  /**
   * Right after each optimizer step, before its loss is read: for what must happen at every step
   * and needs no value (stepping a per-batch LR schedule). fitAsync reads the losses back in
   * batches and calls onBatchEnd for those steps afterwards, so per-step actions belong here.
   */
  onStepEnd?(step: number, ctx: TrainContext): void;
  /** A step's loss (in fitAsync: once its batch of losses has been read back, in step order). */
  onBatchEnd?(step: number, logs: BatchLogs, ctx: TrainContext): void;
  onEpochEnd?(epoch: number, logs: EpochLogs, ctx: TrainContext): void;
  onTrainEnd?(ctx: TrainContext): void;
  /** fit() is about to run its validation pass; `trained` = epochs trained so far (0: the pass before training). */
  onValidationBegin?(trained: number, ctx: TrainContext): void;
  /**
   * One batch of the validation pass (eval mode, no gradients): its inputs, the model's outputs
   * and the targets. The tensors are released after the pass; read what you need (e.g. a
   * confusion matrix) here. fit() skips this when no callback defines it.
   */
  onValidationBatch?(x: Tensor, pred: Tensor, y: Tensor, trained: number, ctx: TrainContext): void;
  /** The validation pass is over (also when it threw); its figures reach onEpochEnd's logs. */
  onValidationEnd?(trained: number, ctx: TrainContext): void;
  /** A callback (the training doctor) raised a finding (data checks call it before onTrainBegin). */
  onFinding?(finding: Finding): void;
  /** The loss became NaN/Inf: fit() throws `err` after this call (a callback may put its findings on it). */
  onDiverged?(err: Error & { findings?: Finding[] }, loss: number, ctx: TrainContext): void;
  /** JSON-able state kept in fit's training checkpoints (e.g. a scheduler's step count). */
  stateDict?(): unknown;
  /** Restore `stateDict()` when fit resumes (called after onTrainBegin). */
  loadStateDict?(state: never): void;
}

type Mode = 'min' | 'max' | 'auto';
function resolveMode(mode: Mode, monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /acc|f1|auc|precision|recall|r2/i.test(monitor) ? 'max' : 'min';
}

export function monitored(logs: EpochLogs, monitor: string, who: string): number {
  const v = logs[monitor];
  if (v === undefined) {
    throw new ValueError(who, `monitor '${monitor}' is not in the epoch logs (${Object.keys(logs).join(', ')}); give fit() validation data to monitor val* figures`);
  }
  return v;
}

export interface EarlyStoppingOptions {
  /** Which figure to watch. Default 'valLoss'. */
  monitor?: string;
  /** Epochs without improvement before stopping. Default 5. */
  patience?: number;
  /** Smallest change that counts as improvement. */
  minDelta?: number;
  mode?: Mode;
  /** Put back the weights of the best epoch when stopping (and at the end). Default false. */
  restoreBestWeights?: boolean;
}

/** Stop when the monitored figure has not improved for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  private readonly patience: number;
  private readonly minDelta: number;
  private readonly mode: 'min' | 'max';
  /** Whether the weights of the best epoch are put back at the end. */
  readonly restoreBestWeights: boolean;
  private best = NaN;
  private wait = 0;
  private bestWeights: Record<string, Tensor> | null = null;
  /** Epoch (0-based) of the best figure. */
  bestEpoch = -1;
  stoppedEpoch = -1;

  constructor({ monitor = 'valLoss', patience = 5, minDelta = 0, mode = 'auto', restoreBestWeights = false }: EarlyStoppingOptions = {}) {
    this.monitor = monitor;
    this.patience = patience;
    this.minDelta = Math.abs(minDelta);
    this.mode = resolveMode(mode, monitor);
    this.restoreBestWeights = restoreBestWeights;
  }

  onTrainBegin(): void { this.best = NaN; this.wait = 0; this.bestEpoch = -1; this.stoppedEpoch = -1; }

  /** Its counters, for a training checkpoint (not the best weights of `restoreBestWeights`). */
  stateDict(): Record<string, number> { return { best: this.best, wait: this.wait, bestEpoch: this.bestEpoch, stoppedEpoch: this.stoppedEpoch }; }
  loadStateDict(sd: Record<string, number>): void {
    for (const k of ['best', 'wait', 'bestEpoch', 'stoppedEpoch']) if (typeof sd[k] !== 'number') throw new ValueError('EarlyStopping', `its saved state lacks ${k}`);
    ({ best: this.best, wait: this.wait, bestEpoch: this.bestEpoch, stoppedEpoch: this.stoppedEpoch } = sd as { best: number; wait: number; bestEpoch: number; stoppedEpoch: number });
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    const v = monitored(logs, this.monitor, 'EarlyStopping');
    const improved = Number.isNaN(this.best) || (this.mode === 'min' ? v < this.best - this.minDelta : v > this.best + this.minDelta);
    if (improved) {
      this.best = v;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.snapshot(ctx.model);
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      ctx.stopTraining = true;
    }
  }

  onTrainEnd(ctx: TrainContext): void {
    if (this.restoreBestWeights && this.bestWeights) ctx.model.loadStateDict(this.bestWeights);
    if (this.bestWeights) for (const t of Object.values(this.bestWeights)) unkeep(t);
    this.bestWeights = null;
  }

  private snapshot(model: Module): void {
    if (this.bestWeights) for (const t of Object.values(this.bestWeights)) unkeep(t);
    this.bestWeights = noGrad(() => Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, keep(clone(t))])));
  }
}

/** Anything with a `step()` (per-epoch schedules) or `step(metric)` (ReduceLROnPlateau). */
export interface Steppable { step(metric?: number): void }

/** Step a learning-rate schedule after every epoch (or every batch with `perBatch`). */
export class LRSchedulerCallback implements Callback {
  constructor(readonly scheduler: Steppable, readonly opts: { perBatch?: boolean; monitor?: string } = {}) {}
  /** The scheduler's state, for a training checkpoint (null when it has no stateDict). */
  stateDict(): unknown {
    const s = this.scheduler as Partial<{ stateDict(): unknown }>;
    return typeof s.stateDict === 'function' ? s.stateDict() : null;
  }
  loadStateDict(sd: unknown): void {
    const s = this.scheduler as Partial<{ loadStateDict(sd: unknown): void }>;
    if (sd !== null && typeof s.loadStateDict === 'function') s.loadStateDict(sd);
  }
  onStepEnd(): void { if (this.opts.perBatch) this.scheduler.step(); }
  onEpochEnd(_e: number, logs: EpochLogs): void {
    if (this.opts.perBatch) return;
    if (this.opts.monitor) this.scheduler.step(monitored(logs, this.opts.monitor, 'LRSchedulerCallback'));
    else this.scheduler.step();
  }
}

/** The run-log records of JsonLinesLogger (the dashboard's run log extends them with more events). */
export const runLogRecord = {
  start: (ctx: TrainContext) => ({ event: 'start' as const, epochs: ctx.epochs, stepsPerEpoch: ctx.stepsPerEpoch, initial: ctx.history.initial ?? null }),
  epoch: (logs: EpochLogs) => ({ event: 'epoch' as const, ...logs }),
  end: (ctx: TrainContext) => ({ event: 'end' as const, epochs: ctx.history.epochs.length, stoppedEarly: ctx.history.stoppedEarly }),
};

/** Writes one JSON object per epoch (and one at the start) to `write` (e.g. a file appender). */
export class JsonLinesLogger implements Callback {
  constructor(private readonly write: (line: string) => void) {}
  onTrainBegin(ctx: TrainContext): void { this.write(JSON.stringify(runLogRecord.start(ctx)) + '\n'); }
  onEpochEnd(_e: number, logs: EpochLogs): void { this.write(JSON.stringify(runLogRecord.epoch(logs)) + '\n'); }
  onTrainEnd(ctx: TrainContext): void { this.write(JSON.stringify(runLogRecord.end(ctx)) + '\n'); }
}

/** A callback from plain functions. */
export class LambdaCallback implements Callback {
  constructor(hooks: Callback) { Object.assign(this, hooks); }
}
