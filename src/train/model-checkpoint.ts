// ModelCheckpoint: save the model during fit() — every epoch, or only when the monitored figure
// improves. Writes are atomic, so an interrupted run never leaves a corrupt checkpoint.
import { save } from '../io/checkpoint.js';
import { monitored, type Callback, type EpochLogs, type TrainContext } from './callbacks.js';

export interface ModelCheckpointOptions {
  /** File to write; `{epoch}` is replaced by the epoch number. */
  path: string;
  monitor?: string;
  /** Only write when the monitored figure improves. Default true. */
  saveBestOnly?: boolean;
  mode?: 'min' | 'max';
  /** Store the optimizer state too (to resume). Default false. */
  withOptimizer?: boolean;
}

export class ModelCheckpoint implements Callback {
  private best = NaN;
  /** Paths written so far. */
  readonly saved: string[] = [];
  constructor(readonly opts: ModelCheckpointOptions) {}

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    const { path, monitor = 'valLoss', saveBestOnly = true, withOptimizer = false } = this.opts;
    const mode = this.opts.mode ?? (/acc|f1|auc/i.test(monitor) ? 'max' : 'min');
    if (saveBestOnly) {
      const v = monitored(logs, monitor, 'ModelCheckpoint');
      const better = Number.isNaN(this.best) || (mode === 'min' ? v < this.best : v > this.best);
      if (!better) return;
      this.best = v;
    }
    const file = path.replace('{epoch}', String(epoch + 1));
    save(ctx.model, file, { optimizer: withOptimizer ? ctx.optimizer : undefined, extra: { ...logs } });
    this.saved.push(file);
  }
}
