// The dashboard's callback: turns fit's hooks into events (dashboard/events.ts) and hands them to
// the event server's thread every POST_INTERVAL_MS (250 ms). Per step it costs one small record.
// The gradient norm is measured only on steps whose events go out, and only while the time spent
// measuring it stays under 0.5% of the run (a norm reads every gradient: on a slow machine one a
// step would cost several percent). Validation passes are read from the batches fit evaluates anyway.
import { noGrad } from '../autograd/grad-mode.js';
import { norm } from '../ops/reduce.js';
import { isXY } from '../train/batches.js';
import { runLogRecord, type Callback, type EpochLogs, type TrainContext } from '../train/callbacks.js';
import type { Finding } from '../train/finding.js';
import type { FitRun } from '../train/fit.js';
import { fromArray } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { indexSelect } from '../ops/indexing.js';
import type { Tensor } from '../tensor/tensor.js';
import { platform } from '../platform/current.js';
import type { DashboardEvent, DashboardTask, StartEvent, StepEvent } from './events.js';
import { POST_INTERVAL_MS, type DashboardOptions, type DashboardServer } from './dashboard.js';
import { ValidationView } from './validation-view.js';

/** Below this many gradient elements a plain loop beats an op per parameter (each op has a fixed dispatch cost). */
const SMALL_MODEL = 65_536;

/** The global L2 norm of the parameters' gradients (after any clipping fit did). */
function gradNorm(params: readonly Tensor[]): number {
  const grads = params.map((p) => p.grad).filter((g): g is Tensor => !!g);
  if (grads.reduce((n, g) => n + g.numel, 0) <= SMALL_MODEL) {
    let sq = 0;
    for (const g of grads) { const d = g.data(); for (let i = 0; i < d.length; i++) sq += d[i]! * d[i]!; }
    return Math.sqrt(sq);
  }
  return noGrad(() => scope(() => {
    let sq = 0;
    for (const g of grads) sq += norm(g).item() ** 2;
    return Math.sqrt(sq);
  }));
}

/** The share of the run's time the gradient norm may take (half of one percent: the whole dashboard must stay within 3%). */
const GRAD_NORM_BUDGET = 0.005;

function taskOf(run: FitRun): DashboardTask {
  const y = isXY(run.data) ? run.data.y : undefined;
  const loss = typeof run.loss === 'string' ? run.loss : '';
  return y?.dtype === 'int32' || /crossEntropy/i.test(loss) || (y === undefined && loss === '') ? 'classification' : 'regression';
}

export class DashboardCallback implements Callback {
  private queue: string[] = [];
  private lastPost = -Infinity;
  private step = 0;
  private t0 = 0;
  private readonly sent = new Set<Finding>();
  private readonly view: ValidationView;
  private finished = false;
  private normMs = 0;
  /** Milliseconds the training thread spent in this callback (written in the end event). */
  private ms = 0;

  constructor(private readonly dash: DashboardServer, private readonly run: FitRun, private readonly opts: DashboardOptions) {
    this.view = new ValidationView(taskOf(run), run.loss === 'binaryCrossEntropy' ? 0.5 : 0);
  }

  private push(e: DashboardEvent): void { this.queue.push(JSON.stringify(e)); }

  /** Hand the queue to the server when POST_INTERVAL_MS have passed since the last hand-over (or `force`). */
  private post(force = false): void {
    const now = performance.now();
    if (!force && now - this.lastPost < POST_INTERVAL_MS) return;
    this.dash.server.publish(this.queue);
    this.queue = [];
    this.lastPost = now;
  }

  private finding(f: Finding): void {
    if (this.sent.has(f)) return;
    this.sent.add(f);
    this.push({ event: 'finding', ...f, step: f.step ?? this.step });
  }

  onTrainBegin(ctx: TrainContext): void {
    this.t0 = performance.now();
    this.timed(() => this.begin(ctx));
  }

  private begin(ctx: TrainContext): void {
    const v = this.run.validation;
    const start: StartEvent = {
      ...runLogRecord.start(ctx), name: this.opts.name ?? 'fit', startedAt: new Date().toISOString(), task: this.view.task,
      ...(v !== undefined && isXY(v) ? { validationSize: v.x.shape[0]! } : {}),
    };
    const model = ctx.model;
    const about: DashboardEvent = { event: 'model', summary: this.summary(), parameters: model.numParameters(), trainable: model.numParameters({ trainableOnly: true }) };
    // First in the log, as in JsonLinesLogger's: before the validation pass that ran before training.
    this.queue.unshift(JSON.stringify(start), JSON.stringify(about));
    for (const f of ctx.history.findings ?? []) this.finding(f); // the data checks ran before training
    this.post(true);
  }

  /** The model's summary, its shapes from one training row when the data is { x, y }. */
  private summary(): string {
    const data = this.run.data;
    try {
      return scope(() => noGrad(() => this.run.model.summary(isXY(data) ? indexSelect(data.x, 0, fromArray([0], [1], 'int32', data.x.storage.backend)) : undefined)));
    } catch {
      return this.run.model.summary(); // a model whose forward needs more than x: layers and parameters only
    }
  }

  onBatchEnd(_s: number, logs: { loss: number; batchSize: number }, ctx: TrainContext): void {
    const now = performance.now();
    this.step++;
    const due = now - this.lastPost >= POST_INTERVAL_MS;
    const e: StepEvent = { event: 'step', step: this.step, epoch: ctx.epoch + 1, loss: logs.loss, lr: ctx.optimizer.paramGroups[0]!.lr, samples: logs.batchSize, t: (now - this.t0) / 1000 };
    if ((due || this.step === 1) && this.normMs <= GRAD_NORM_BUDGET * (now - this.t0)) { // the first step's too: where a run starts
      e.gradNorm = gradNorm(ctx.model.parameters());
      this.normMs += performance.now() - now;
    }
    this.push(e);
    if (due) this.post(true);
    this.ms += performance.now() - now;
  }

  /** Run `f`, adding its time to the callback's own. */
  private timed(f: () => void): void {
    const t = performance.now();
    f();
    this.ms += performance.now() - t;
  }

  onValidationBegin(): void { this.view.begin(); }
  onValidationBatch(x: Tensor, pred: Tensor, y: Tensor): void { this.timed(() => this.view.batch(x, pred, y)); }
  onValidationEnd(trained: number): void { this.timed(() => this.push(this.view.event(trained, this.step))); }

  onEpochEnd(_e: number, logs: EpochLogs): void {
    this.timed(() => {
      this.push({ ...runLogRecord.epoch(logs), step: this.step });
      this.post();
    });
  }

  onFinding(f: Finding): void { this.timed(() => this.finding(f)); }

  onTrainEnd(ctx: TrainContext): void {
    this.timed(() => {
      for (const f of ctx.history.findings ?? []) this.finding(f);
    });
    this.push({ ...runLogRecord.end(ctx), dashboardMs: this.ms });
    this.finish();
  }

  onDiverged(err: Error & { findings?: Finding[] }, _loss: number, ctx: TrainContext): void {
    for (const f of err.findings ?? []) this.finding(f);
    this.push({ ...runLogRecord.end(ctx), diverged: err.message, dashboardMs: this.ms });
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.post(true);
    if (this.opts.keepServing === false) { this.dash.server.close(); return; }
    if (this.opts.verbose !== false) platform.notice(`dashboard: training has ended; still serving ${this.dash.url} — press Ctrl-C to stop`);
  }
}
