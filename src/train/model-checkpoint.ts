// ModelCheckpoint: save the model during fit() — every epoch, or only when the monitored figure
// improves — or, with saveTrainingState, the full training state to resume from. Writes are
// atomic, so an interrupted run never leaves a corrupt checkpoint; the folder is created when
// missing, temp files a crashed write left behind are removed, and `keepLast` bounds the files.
import { save } from '../io/checkpoint.js';
import { ValueError } from '../errors.js';
import { monitored, type Callback, type EpochLogs, type TrainContext } from './callbacks.js';
import { CheckpointFiles } from './checkpoint-files.js';

export interface ModelCheckpointOptions {
  /** File to write; `{epoch}` is replaced by the epoch number. */
  path: string;
  monitor?: string;
  /** Only write when the monitored figure improves. Default true. */
  saveBestOnly?: boolean;
  mode?: 'min' | 'max';
  /** Store the optimizer state too (to resume). Default false. */
  withOptimizer?: boolean;
  /**
   * Store the full training state (optimizer, generators, data position, callbacks, history) so
   * that `fit({ resume: file })` continues the run bit-identically. Default false.
   */
  saveTrainingState?: boolean;
  /** Keep only the newest K files of the series (a path with `{epoch}`). */
  keepLast?: number;
}

export class ModelCheckpoint implements Callback {
  private best = NaN;
  /** Paths written so far. */
  readonly saved: string[] = [];
  private readonly files: CheckpointFiles;
  constructor(readonly opts: ModelCheckpointOptions) {
    this.files = new CheckpointFiles(opts.path, opts.keepLast);
  }

  onTrainBegin(): void { this.files.prepare(); }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    const { monitor = 'valLoss', saveBestOnly = true, withOptimizer = false, saveTrainingState = false } = this.opts;
    const mode = this.opts.mode ?? (/acc|f1|auc/i.test(monitor) ? 'max' : 'min');
    if (saveBestOnly) {
      const v = monitored(logs, monitor, 'ModelCheckpoint');
      const better = Number.isNaN(this.best) || (mode === 'min' ? v < this.best : v > this.best);
      if (!better) return;
      this.best = v;
    }
    this.files.prepare();
    const file = this.files.path(epoch + 1, 0).replace('{step}', '0');
    if (saveTrainingState) {
      if (!ctx.saveTrainingState) throw new ValueError('ModelCheckpoint', 'saveTrainingState needs the loop of fit(), which writes the state after the epoch\'s callbacks');
      if (this.opts.keepLast !== undefined) this.files.prune(this.opts.keepLast - 1); // the deferred write makes it keepLast
      ctx.saveTrainingState(file);
    } else {
      save(ctx.model, file, { optimizer: withOptimizer ? ctx.optimizer : undefined, extra: { ...logs } });
      this.files.prune();
    }
    this.saved.push(file);
  }

  /** Its best figure so far, for training checkpoints. */
  stateDict(): { best: number } { return { best: this.best }; }
  loadStateDict(sd: { best: number }): void { if (typeof sd.best === 'number') this.best = sd.best; }
}
