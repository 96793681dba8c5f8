// Learning-rate schedules (torch.optim.lr_scheduler), in PyTorch's chainable form: each step
// derives the new lr from the current one, so schedules can be chained. Call `step()` after
// `optimizer.step()`, once per epoch (or per batch for OneCycleLR and warmups, as you prefer).
import { ValueError } from '../errors.js';
import type { Optimizer } from './optimizer.js';

type AnyOptimizer = Optimizer<{ lr: number }>;

export abstract class LRScheduler {
  /** Steps taken so far (0 right after construction, as in PyTorch). */
  lastEpoch = -1;
  readonly baseLrs: number[];

  constructor(readonly optimizer: AnyOptimizer) {
    const groups = optimizer.paramGroups as ({ lr: number; initialLr?: number })[];
    for (const g of groups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = groups.map((g) => g.initialLr!);
  }

  /** Called by subclass constructors once their fields are set: PyTorch's initial step. */
  protected init(): void { this.step(); }

  /** The lr of each group for `lastEpoch`, from the current lrs. */
  protected abstract getLr(): number[];

  /** Advance one step and set each group's lr. */
  step(): void {
    this.lastEpoch++;
    this.getLr().forEach((lr, i) => { this.optimizer.paramGroups[i]!.lr = lr; });
  }

  /** The lrs set by the last step. */
  getLastLr(): number[] { return this.optimizer.paramGroups.map((g) => g.lr); }

  protected get lrs(): number[] { return this.optimizer.paramGroups.map((g) => g.lr); }

  stateDict(): Record<string, unknown> { return { lastEpoch: this.lastEpoch, lrs: this.lrs }; }
  loadStateDict(sd: { lastEpoch: number; lrs?: number[] }): void {
    if (!Number.isInteger(sd.lastEpoch) || sd.lastEpoch < -1) throw new ValueError(`${this.constructor.name}.loadStateDict`, `lastEpoch must be an integer ≥ -1, got ${String(sd.lastEpoch)}`);
    if (sd.lrs !== undefined && (!Array.isArray(sd.lrs) || sd.lrs.length !== this.optimizer.paramGroups.length || !sd.lrs.every((lr) => typeof lr === 'number' && Number.isFinite(lr) && lr >= 0))) {
      throw new ValueError(`${this.constructor.name}.loadStateDict`, `lrs must be ${this.optimizer.paramGroups.length} finite numbers ≥ 0`);
    }
    this.lastEpoch = sd.lastEpoch;
    sd.lrs?.forEach((lr, i) => { this.optimizer.paramGroups[i]!.lr = lr; });
  }
}

/** Multiply the lr by `gamma` every `stepSize` steps. */
export class StepLR extends LRScheduler {
  readonly stepSize: number; readonly gamma: number;
  constructor(opt: AnyOptimizer, { stepSize, gamma = 0.1 }: { stepSize: number; gamma?: number }) {
    super(opt);
    if (!(Number.isInteger(stepSize) && stepSize > 0)) throw new ValueError('StepLR', `stepSize must be a positive integer, got ${stepSize}`);
    this.stepSize = stepSize; this.gamma = gamma; this.init();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.lrs;
    return this.lrs.map((lr) => lr * this.gamma);
  }
}

/** Multiply the lr by `gamma` at each milestone step. */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[]; readonly gamma: number;
  constructor(opt: AnyOptimizer, { milestones, gamma = 0.1 }: { milestones: readonly number[]; gamma?: number }) {
    super(opt);
    this.milestones = [...milestones].sort((a, b) => a - b); this.gamma = gamma; this.init();
  }
  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    return hits === 0 ? this.lrs : this.lrs.map((lr) => lr * this.gamma ** hits);
  }
}

/** Multiply the lr by `gamma` every step. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(opt: AnyOptimizer, { gamma }: { gamma: number }) { super(opt); this.gamma = gamma; this.init(); }
  protected getLr(): number[] { return this.lastEpoch === 0 ? this.lrs : this.lrs.map((lr) => lr * this.gamma); }
}

/** Cosine from the base lr down to `etaMin` over `tMax` steps (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number; readonly etaMin: number;
  constructor(opt: AnyOptimizer, { tMax, etaMin = 0 }: { tMax: number; etaMin?: number }) {
    super(opt);
    if (!(tMax > 0)) throw new ValueError('CosineAnnealingLR', `tMax must be > 0, got ${tMax}`);
    this.tMax = tMax; this.etaMin = etaMin; this.init();
  }
  protected getLr(): number[] {
    const e = this.lastEpoch;
    const T = this.tMax;
    if (e === 0) return this.lrs;
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.lrs.map((lr, i) => lr + ((this.baseLrs[i]! - this.etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.lrs.map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - this.etaMin) + this.etaMin);
  }
  /** The closed form, used when SequentialLR restarts this schedule. */
  closedForm(epoch: number): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2);
  }
}

/**
 * Scale the lr linearly from startFactor·lr to endFactor·lr over `totalIters` steps: the usual
 * linear warmup with startFactor < 1.
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number; readonly endFactor: number; readonly totalIters: number;
  constructor(opt: AnyOptimizer, { startFactor = 1 / 3, endFactor = 1, totalIters = 5 }: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(opt);
    if (!(startFactor > 0 && startFactor <= 1) || !(endFactor >= 0 && endFactor <= 1)) {
      throw new ValueError('LinearLR', `startFactor must be in (0, 1] and endFactor in [0, 1], got ${startFactor}, ${endFactor}`);
    }
    this.startFactor = startFactor; this.endFactor = endFactor; this.totalIters = totalIters; this.init();
  }
  protected getLr(): number[] {
    const e = this.lastEpoch;
    if (e === 0) return this.lrs.map((lr) => lr * this.startFactor);
    if (e > this.totalIters) return this.lrs;
    const d = this.endFactor - this.startFactor;
    return this.lrs.map((lr) => lr * (1 + d / (this.totalIters * this.startFactor + (e - 1) * d)));
  }
}

export interface OneCycleOptions {
  maxLr: number | readonly number[];
  totalSteps: number;
  /** Fraction of the cycle spent increasing the lr. Default 0.3. */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD) or beta1 (Adam) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  /** initial lr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** final lr = initial lr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  threePhase?: boolean;
}

/** The 1cycle policy (Smith 2018): warm up to maxLr, then anneal far below the start; step per batch. */
export class OneCycleLR extends LRScheduler {
  private readonly phases: { end: number; lr: [string, string]; mom: [string, string] }[];
  private readonly o: Required<Omit<OneCycleOptions, 'maxLr'>>;
  private readonly maxLrs: number[];

  constructor(opt: AnyOptimizer, options: OneCycleOptions) {
    super(opt);
    this.o = { pctStart: 0.3, annealStrategy: 'cos', cycleMomentum: true, baseMomentum: 0.85, maxMomentum: 0.95, divFactor: 25, finalDivFactor: 1e4, threePhase: false, ...options };
    const { totalSteps, pctStart } = this.o;
    if (!(Number.isInteger(totalSteps) && totalSteps > 0)) throw new ValueError('OneCycleLR', `totalSteps must be a positive integer, got ${totalSteps}`);
    const groups = opt.paramGroups as unknown as Record<string, unknown>[];
    this.maxLrs = groups.map((_, i) => (typeof options.maxLr === 'number' ? options.maxLr : options.maxLr[i]!));
    groups.forEach((g, i) => {
      g.initialLr = this.maxLrs[i]! / this.o.divFactor;
      g.lr = g.initialLr;
      g.maxLr = this.maxLrs[i];
      g.minLr = (g.initialLr as number) / this.o.finalDivFactor;
      if (this.o.cycleMomentum) this.setMomentum(g, this.o.maxMomentum);
    });
    const up = pctStart * totalSteps - 1;
    this.phases = this.o.threePhase
      ? [{ end: up, lr: ['initialLr', 'maxLr'], mom: ['maxMomentum', 'baseMomentum'] },
        { end: 2 * up, lr: ['maxLr', 'initialLr'], mom: ['baseMomentum', 'maxMomentum'] },
        { end: totalSteps - 1, lr: ['initialLr', 'minLr'], mom: ['maxMomentum', 'maxMomentum'] }]
      : [{ end: up, lr: ['initialLr', 'maxLr'], mom: ['maxMomentum', 'baseMomentum'] },
        { end: totalSteps - 1, lr: ['maxLr', 'minLr'], mom: ['baseMomentum', 'maxMomentum'] }];
    this.init();
  }

  private setMomentum(g: Record<string, unknown>, m: number): void {
    if (Array.isArray(g.betas)) g.betas = [m, (g.betas as number[])[1]];
    else g.momentum = m;
  }

  private anneal(start: number, end: number, pct: number): number {
    return this.o.annealStrategy === 'cos' ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.o.totalSteps) throw new ValueError('OneCycleLR', `stepped ${step} times but totalSteps is ${this.o.totalSteps}; raise totalSteps to epochs × batches per epoch`);
    const groups = this.optimizer.paramGroups as unknown as Record<string, number | number[]>[];
    return groups.map((g) => {
      let start = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i]!;
        if (step <= ph.end || i === this.phases.length - 1) {
          const pct = (step - start) / (ph.end - start);
          const val = (k: string): number => (k === 'maxMomentum' ? this.o.maxMomentum : k === 'baseMomentum' ? this.o.baseMomentum : (g[k] as number));
          if (this.o.cycleMomentum) this.setMomentum(g as Record<string, unknown>, this.anneal(val(ph.mom[0]), val(ph.mom[1]), pct));
          return this.anneal(val(ph.lr[0]), val(ph.lr[1]), pct);
        }
        start = ph.end;
      }
      return g.lr as number;
    });
  }
}

export interface PlateauOptions {
  /** 'min' for losses, 'max' for accuracies. */
  mode?: 'min' | 'max';
  factor?: number;
  /** Steps without improvement tolerated before reducing. */
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number;
  eps?: number;
}

/** Reduce the lr by `factor` when a metric stopped improving for `patience` steps: call step(metric). */
export class ReduceLROnPlateau {
  private best: number;
  private badEpochs = 0;
  private cooldownLeft = 0;
  lastEpoch = 0;
  private readonly o: Required<PlateauOptions>;

  constructor(readonly optimizer: AnyOptimizer, opts: PlateauOptions = {}) {
    this.o = { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8, ...opts };
    if (!(this.o.factor < 1)) throw new ValueError('ReduceLROnPlateau', `factor must be < 1, got ${this.o.factor}`);
    this.best = this.o.mode === 'min' ? Infinity : -Infinity;
  }

  private better(a: number): boolean {
    const { mode, threshold, thresholdMode } = this.o;
    if (mode === 'min') return thresholdMode === 'rel' ? a < this.best * (1 - threshold) : a < this.best - threshold;
    return thresholdMode === 'rel' ? a > this.best * (1 + threshold) : a > this.best + threshold;
  }

  step(metric: number): void {
    this.lastEpoch++;
    if (this.better(metric)) { this.best = metric; this.badEpochs = 0; } else this.badEpochs++;
    if (this.cooldownLeft > 0) { this.cooldownLeft--; this.badEpochs = 0; }
    if (this.badEpochs > this.o.patience) {
      for (const g of this.optimizer.paramGroups) {
        const nl = Math.max(g.lr * this.o.factor, this.o.minLr);
        if (g.lr - nl > this.o.eps) g.lr = nl;
      }
      this.cooldownLeft = this.o.cooldown;
      this.badEpochs = 0;
    }
  }

  getLastLr(): number[] { return this.optimizer.paramGroups.map((g) => g.lr); }

  /** Its counters and best value (the lrs live in the optimizer's state). `best` may be ±Infinity. */
  stateDict(): Record<string, unknown> {
    return { lastEpoch: this.lastEpoch, best: this.best, badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft };
  }
  loadStateDict(sd: { lastEpoch: number; best: number; badEpochs: number; cooldownLeft: number }): void {
    for (const k of ['lastEpoch', 'best', 'badEpochs', 'cooldownLeft'] as const) {
      if (typeof sd[k] !== 'number' || Number.isNaN(sd[k])) throw new ValueError('ReduceLROnPlateau.loadStateDict', `${k} must be a number, got ${String(sd[k])}`);
    }
    ({ lastEpoch: this.lastEpoch, best: this.best, badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft } = sd);
  }
}

/** Run schedulers one after another, switching at each milestone (e.g. warmup then cosine). */
export class SequentialLR {
  lastEpoch: number;
  constructor(readonly optimizer: AnyOptimizer, readonly schedulers: LRScheduler[], readonly milestones: readonly number[]) {
    if (milestones.length !== schedulers.length - 1) throw new ValueError('SequentialLR', `needs ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`);
    // Undo the initial steps the schedulers took when constructed, then start the first one.
    const groups = optimizer.paramGroups as ({ lr: number; initialLr?: number })[];
    for (const g of groups) g.lr = g.initialLr!;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]!.step();
    this.lastEpoch = 0;
  }
  step(): void {
    this.lastEpoch++;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx]! <= this.lastEpoch) idx++;
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) {
      // Restart the next schedule from its beginning (PyTorch's step(0)).
      s.lastEpoch = 0;
      const lrs = s instanceof CosineAnnealingLR ? s.closedForm(0) : s.baseLrs;
      lrs.forEach((lr, i) => { this.optimizer.paramGroups[i]!.lr = lr; });
    } else s.step();
  }
  getLastLr(): number[] { return this.optimizer.paramGroups.map((g) => g.lr); }
  stateDict(): Record<string, unknown> { return { lastEpoch: this.lastEpoch, schedulers: this.schedulers.map((s) => s.stateDict()) }; }
  loadStateDict(sd: { lastEpoch: number; schedulers: { lastEpoch: number; lrs?: number[] }[] }): void {
    if (!Array.isArray(sd.schedulers) || sd.schedulers.length !== this.schedulers.length) throw new ValueError('SequentialLR.loadStateDict', `expected the state of ${this.schedulers.length} schedulers`);
    this.lastEpoch = sd.lastEpoch;
    // Only the counters: the lrs in the optimizer are the ones to keep, whatever sub-schedule set them last.
    sd.schedulers.forEach((s, i) => { this.schedulers[i]!.lastEpoch = s.lastEpoch; });
  }
}

/** Step several chainable schedulers together each step (their factors multiply). */
export class ChainedScheduler {
  constructor(readonly schedulers: LRScheduler[]) {}
  step(): void { for (const s of this.schedulers) s.step(); }
  getLastLr(): number[] { return this.schedulers[this.schedulers.length - 1]!.getLastLr(); }
  stateDict(): Record<string, unknown> { return { schedulers: this.schedulers.map((s) => s.stateDict()) }; }
  loadStateDict(sd: { schedulers: { lastEpoch: number; lrs?: number[] }[] }): void {
    if (!Array.isArray(sd.schedulers) || sd.schedulers.length !== this.schedulers.length) throw new ValueError('ChainedScheduler.loadStateDict', `expected the state of ${this.schedulers.length} schedulers`);
    sd.schedulers.forEach((s, i) => this.schedulers[i]!.loadStateDict(s));
  }
}
