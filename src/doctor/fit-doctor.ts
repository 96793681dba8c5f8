// The doctor inside fit(): a Callback that checks the data before the first step, the step-0
// validation loss, every batch loss (learning rate), every epoch (over/underfitting, dead or
// saturated units, observed in fit's validation passes where they have ≥ 128 rows, else in probe
// forwards of training rows), sampled gradients, and the baselines beside the network at the end.
// Findings go to the History, to every callback's onFinding (the progress bar prints them) and,
// when the loss becomes NaN, onto the TrainingDivergedError.
import { noGrad } from '../autograd/grad-mode.js';
import { fromArray } from '../tensor/creation.js';
import { scope } from '../tensor/lifetime.js';
import { cat } from '../ops/movement.js';
import { indexSelect } from '../ops/indexing.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { isXY } from '../train/batches.js';
import { EarlyStopping, type BatchLogs, type Callback, type EpochLogs, type TrainContext } from '../train/callbacks.js';
import { readsSync } from '../tensor/host-read.js';
import type { FitRun } from '../train/fit.js';
import { scoreOutputs, type BaselineScores, type Score } from './baselines.js';
import { diagnoseData } from './diagnose-data.js';
import type { Finding } from '../train/finding.js';
import { Doctor, DoctorError } from './doctor.js';
import { ActivationObserver, activationFindings, activationStats, probeBatch, PROBE_ROWS } from './activation-probe.js';
import { GradientWatch, isSampleStep } from './gradient-health.js';
import { readTargets, type Task } from './matrix.js';
import { RunMonitor } from './run-checks.js';
import type { TimeIndex } from './time-order.js';
import { initialLossFinding } from './validation.js';

/** Share of the training steps the epoch-end probe forwards may cost (besides those of the initial and the final state; without a validation set to observe). */
const PROBE_BUDGET = 0.01;

/** What fit()'s `doctor` option takes. */
export interface DoctorOptions {
  /** Data checks before the first step (duplicates, leaks, imbalance, label/loss, input health). Default true. */
  data?: boolean;
  /** Linear + GBT baselines: true, false, or 'auto' (default: tabular data, 2-D x with ≤ 100 features). */
  baselines?: boolean | 'auto';
  /** Sampled gradient norms and probe-batch activation statistics. Default true. */
  gradients?: boolean;
  /** Time stamps of the training/validation rows (time-series splits). */
  timeIndex?: TimeIndex;
  /** Feature names for the messages. */
  featureNames?: readonly string[];
  /** Throw a DoctorError before the first step when a data check finds an error. Default false: the finding is reported and fit goes on (its own typed errors still stop a run that cannot work). */
  stopOnError?: boolean;
  /** Called with every finding as it is raised. */
  onFinding?: (f: Finding) => void;
}

/** fit()'s doctor callback, or null with `doctor: false`. Data checks run here, before validation step 0. */
export function createFitDoctor(opt: boolean | DoctorOptions | undefined, info: FitRun): DoctorCallback | null {
  if (opt === false) return null;
  return new DoctorCallback(opt === true || opt === undefined ? {} : opt, info);
}

/** Resolve the loss name fit will use (null for a custom function). */
function lossName(loss: FitRun['loss'], y: Tensor | undefined): string | null {
  if (typeof loss === 'function') return null;
  return loss ?? (y === undefined || y.dtype === 'int32' ? 'crossEntropy' : 'mse');
}

/** Outputs of `model` on x in eval mode, in batches. Shape: (N, *) → (N, outputs). */
function outputs(model: Module, x: Tensor): ArrayLike<number> {
  const was = model.training;
  try {
    model.eval();
    return noGrad(() => scope(() => {
      const n = x.shape[0]!;
      const outs: Tensor[] = [];
      for (let i = 0; i < n; i += 512) {
        const k = Math.min(512, n - i);
        outs.push(model.forward(indexSelect(x, 0, fromArray(Array.from({ length: k }, (_, j) => i + j), [k], 'int32', x.storage.backend))) as Tensor);
      }
      return cat(outs, 0).data();
    }));
  } finally {
    model.train(was);
  }
}

/**
 * The doctor as a fit() callback. fit() creates it (on by default); use it directly to watch a
 * custom loop the same way.
 *
 * @example
 * const history = fit(model, { data, validation: 0.2, epochs: 10 });
 * for (const f of history.findings ?? []) console.log(formatFinding(f));
 */
export class DoctorCallback implements Callback {
  readonly doctor = new Doctor();
  private readonly monitor: RunMonitor;
  private readonly grads = new GradientWatch();
  /** The fixed probe batch of training rows, when the activations are not observed in fit's validation passes. */
  private probe: Tensor | null;
  /** Activations observed in fit's validation passes (≥ PROBE_ROWS validation rows): no forward pass of the doctor's own. */
  private readonly probeOnValidation: boolean;
  /** The observer during a validation pass. */
  private watch: ActivationObserver | null = null;
  /** Whether a validation pass has been observed (a custom loop may never run one). */
  private observed = false;
  private readonly lossName: string | null;
  private readonly classes: number;
  /** The task the data checks settled on (the network is scored the same way at the end). */
  private task: Task | undefined;
  /** Imbalanced classes (≥ 4:1): the baselines are compared on balanced accuracy, as the imbalance finding advises. */
  private imbalanced = false;
  private baselines: BaselineScores | null = null;
  private step = 0;
  /** Steps whose end (onStepEnd) was seen; the gradient sample of a step is taken there, reported in its onBatchEnd. */
  private stepsEnded = 0;
  private readonly sampled: { step: number; findings: Finding[] }[] = [];
  /** Whether the model's values can be read synchronously: on WebGPU the gradient and activation checks are off (they read the model mid-run). */
  private readonly reads: boolean;
  private rows = 0;
  private epoch = 1;
  private probes = 0;
  private probedEpoch = 0;
  private ctx: TrainContext | null = null;
  private ms = 0;

  constructor(private readonly opts: DoctorOptions, private readonly info: FitRun) {
    const t0 = performance.now();
    this.doctor.onFinding((f) => {
      opts.onFinding?.(f);
      for (const cb of info.callbacks) if (cb !== this) cb.onFinding?.(f);
    });
    const train = isXY(info.data) ? info.data : null;
    const val = info.validation !== undefined && isXY(info.validation) ? info.validation : null;
    this.lossName = lossName(info.loss, train?.y);
    const earlyStoppingRestores = info.callbacks.some((cb) => cb instanceof EarlyStopping && cb.restoreBestWeights && cb.monitor.startsWith('val'));
    this.monitor = new RunMonitor({ earlyStoppingRestores });
    let classes = 0;
    if (train && opts.data !== false) {
      const d = diagnoseData({
        train, validation: val ?? undefined, timeIndex: opts.timeIndex, featureNames: opts.featureNames,
        loss: this.lossName, model: info.model, baselines: opts.baselines ?? 'auto', leakCheck: 'auto',
        classWeighted: info.classWeight !== undefined,
      });
      classes = d.classes;
      this.task = d.task;
      this.imbalanced = d.findings.some((f) => f.id === 'class-imbalance');
      if (d.baselines) this.useBaselines(d.baselines);
      this.doctor.reportAll(d.findings);
      if ((opts.stopOnError ?? false) && d.findings.some((f) => f.severity === 'error')) throw new DoctorError(this.doctor.findings);
    } else if (train) {
      classes = readTargets(train.y).classes;
    }
    this.classes = classes;
    this.reads = info.model.parameters().every((p) => readsSync(p));
    const watchModel = opts.gradients !== false && this.reads;
    this.probeOnValidation = watchModel && val !== null && val.x.shape[0]! >= PROBE_ROWS;
    this.probe = train && watchModel && !this.probeOnValidation ? noGrad(() => probeBatch(train.x)) : null;
    this.ms = performance.now() - t0;
  }

  /** Milliseconds spent in the doctor so far: data checks, callbacks, probes (fit's history.doctorMs). */
  get spentMs(): number { return this.ms; }

  /** The baselines' scores are in: the underfitting reference, and the scores the network is judged beside at the end (information now). */
  private useBaselines(scores: BaselineScores): void {
    this.baselines = scores;
    this.monitor.baselineTrainLoss = this.lossName === 'crossEntropy' ? scores.linearTrain.loss : undefined;
    this.doctor.report(this.baselineFinding(scores, null));
  }

  /** Run a callback's work, adding its time to spentMs (and to the history). */
  private timed(fn: () => void): void {
    const t0 = performance.now();
    try {
      fn();
    } finally {
      this.ms += performance.now() - t0;
      if (this.ctx) this.ctx.history.doctorMs = this.ms;
    }
  }

  /** Every finding so far (the History holds the same array). */
  get findings(): Finding[] { return this.doctor.findings; }

  onTrainBegin(ctx: TrainContext): void {
    this.ctx = ctx;
    ctx.history.findings = this.doctor.findings;
    this.timed(() => {
      const v = ctx.history.initial?.['valLoss'];
      if (v !== undefined) {
        const f = initialLossFinding(v, this.classes, this.lossName);
        if (f) this.doctor.report({ ...f, step: 0 });
      }
      this.checkActivations(undefined);
    });
  }

  onEpochBegin(epoch: number): void { this.epoch = epoch + 1; }

  /** fit's validation passes carry the activation probes (every pass: observing costs no forward pass of its own). */
  onValidationBegin(_trained: number, ctx: TrainContext): void {
    if (!this.probeOnValidation) return;
    this.timed(() => { this.watch = new ActivationObserver(ctx.model); });
  }

  onValidationEnd(trained: number): void {
    const w = this.watch;
    if (!w) return;
    this.watch = null;
    this.timed(() => {
      const stats = w.finish();
      this.ms += w.ms; // the measuring inside the model's forward passes
      this.observed = true;
      this.probedEpoch = trained;
      this.doctor.reportAll(activationFindings(stats, trained === 0 ? undefined : trained));
    });
  }

  /** The gradients are sampled as the step ends (fitAsync calls onBatchEnd later, when the losses are back). */
  onStepEnd(_s: number, ctx: TrainContext): void {
    const t0 = performance.now();
    try {
      this.stepsEnded++;
      this.sampleGradients(this.stepsEnded, ctx);
    } finally {
      this.ms += performance.now() - t0;
    }
  }

  private sampleGradients(step: number, ctx: TrainContext): void {
    if (this.opts.gradients !== false && this.reads && isSampleStep(step)) this.sampled.push({ step, findings: this.grads.sample(ctx.model, step, this.epoch) });
  }

  onBatchEnd(_s: number, logs: BatchLogs, ctx: TrainContext): void {
    // Every step: timed inline (no closure; this runs thousands of times a fit).
    const t0 = performance.now();
    try {
      this.step++;
      if (this.stepsEnded < this.step) { this.stepsEnded = this.step; this.sampleGradients(this.step, ctx); } // a loop without onStepEnd
      this.rows += logs.batchSize;
      const found = this.monitor.batch(this.step, this.epoch, logs.loss, logs.lr ?? ctx.optimizer.paramGroups[0]!.lr);
      if (found.length > 0) this.doctor.reportAll(found);
      if (this.sampled[0]?.step === this.step) this.doctor.reportAll(this.sampled.shift()!.findings);
    } finally {
      this.ms += performance.now() - t0;
      ctx.history.doctorMs = this.ms;
    }
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    this.timed(() => {
      this.doctor.reportAll(this.monitor.epochEnd(epoch + 1, logs.loss, logs['valLoss'], ctx.optimizer.paramGroups[0]!.lr, logs['valAccuracy']));
      if (this.probeDue()) this.checkActivations(epoch + 1);
    });
  }

  onTrainEnd(ctx: TrainContext): void {
    this.timed(() => {
      this.doctor.reportAll(this.monitor.end(ctx.optimizer.paramGroups[0]!.lr));
      const last = ctx.history.epochs.length;
      if (this.probeOnValidation && !this.observed && isXY(this.info.data)) { // a loop without fit's validation passes: the probe batch after all
        const x = this.info.data.x;
        this.probe = noGrad(() => probeBatch(x));
      }
      if (last > this.probedEpoch) this.checkActivations(last); // the final state is always probed
      const val = this.info.validation !== undefined && isXY(this.info.validation) ? this.info.validation : null;
      if (this.baselines && val && last > 0 && this.reads) {
        let out = outputs(ctx.model, val.x); // (m, outputs)
        // probabilities (binaryCrossEntropy) → logits, which scoreOutputs thresholds at 0
        if (this.lossName === 'binaryCrossEntropy') out = Float64Array.from(out, (p) => Math.log(p / (1 - p)));
        const m = val.x.shape[0]!;
        this.doctor.report(this.baselineFinding(this.baselines, scoreOutputs(out, readTargets(val.y, this.task), m), m));
      }
    });
  }

  /** fit() calls this when the loss became NaN/Inf or exploded, just before it throws `err`; the findings go onto the error. */
  onDiverged(err: Error & { findings?: Finding[] }, loss: number, ctx: TrainContext): void {
    this.step++;
    this.doctor.reportAll(this.monitor.batch(this.step, this.epoch, loss, ctx.optimizer.paramGroups[0]!.lr, true));
    err.findings = this.doctor.findings;
  }

  /**
   * Whether an epoch-end probe forward (no validation pass of ≥ 128 rows to observe) fits the
   * budget: probes after the first cost at most PROBE_BUDGET of the training steps so far. A probe (a forward pass over ≤ 128 rows) costs
   * about a third of a training step per batch of rows, and at least a third of a step (small
   * models are bound by per-op overhead): MNIST batches of 64 get a probe every epoch, iris
   * (8 steps an epoch) one every ~30 epochs, and the final state is probed in any case.
   */
  private probeDue(): boolean {
    if (!this.probe || this.step === 0) return false;
    const batch = this.rows > 0 ? this.rows / this.step : this.probe.shape[0]!; // mean rows per step
    const cost = Math.max(1 / 3, this.probe.shape[0]! / (3 * batch)); // in training steps
    return (this.probes + 1) * cost <= PROBE_BUDGET * this.step;
  }

  private checkActivations(epoch: number | undefined): void {
    if (!this.probe) return;
    if (epoch !== undefined) { this.probes++; this.probedEpoch = epoch; }
    this.doctor.reportAll(activationFindings(activationStats(this.info.model, this.probe), epoch));
  }

  /** The baselines beside the network (info), or a warning when a baseline beats it; `rows` = validation rows. */
  private baselineFinding(b: BaselineScores, net: Score | null, rows = 0): Finding {
    const cls = b.linear.accuracy !== undefined;
    const key = !cls ? 'mae' : this.imbalanced ? 'balancedAccuracy' : 'accuracy';
    const metric = key === 'balancedAccuracy' ? 'balanced accuracy' : key;
    // Better by more than a point of accuracy and more than two validation rows (on 67 rows one row
    // is 1.5 points: noise), or by 5% of the error.
    const margin = Math.max(0.01, rows > 0 ? 2 / rows : 0);
    const better = (a: number, c: number): boolean => (cls ? a > c + margin : a < c * 0.95);
    const lin = b.linear[key]!;
    const gbt = b.gbt[key]!;
    const best = better(gbt, lin) ? { name: 'gradient-boosted trees', v: gbt } : { name: 'logistic/linear regression', v: lin };
    const evidence: Record<string, number> = { linearValidation: lin, gbtValidation: gbt, ...(rows > 0 ? { rows } : {}) };
    const fmt = (v: number): string => (cls ? `${(100 * v).toFixed(1)}%` : v.toPrecision(4));
    if (!net) {
      return { id: 'baseline-scores', severity: 'info', title: `baselines on the validation rows: logistic/linear regression ${metric} ${fmt(lin)}, gradient-boosted trees ${fmt(gbt)}`, evidence, fix: 'the network should beat these; if it does not, prefer the simpler model' };
    }
    const nv = net[key]!;
    evidence['networkValidation'] = nv;
    const wins = better(best.v, nv);
    const tie = !wins && !better(nv, best.v); // within the margin either way
    return {
      id: wins ? 'baseline-wins' : 'baseline', severity: wins ? 'warning' : 'info', epoch: this.ctx?.history.epochs.length,
      title: `validation ${metric}: network ${fmt(nv)}, logistic/linear regression ${fmt(lin)}, gradient-boosted trees ${fmt(gbt)}${wins ? ` — the ${best.name} baseline beats the network` : tie ? ` — the ${best.name} baseline does as well as the network` : ''}`,
      evidence,
      fix: wins
        ? `use the ${best.name} model, or tune the network (standardize the inputs, train longer, tune the learning rate, add capacity) until it beats ${fmt(best.v)}`
        : tie
          ? `the simpler ${best.name} model is as good on this data: prefer it unless the network brings something else, or tune the network until it pulls ahead`
          : 'nothing to do: the network beats the baselines',
    };
  }
}
