// Checks on the training run, fed one batch loss and one epoch at a time: learning rate too high
// (NaN/Inf or a loss climbing fast), stagnating, oscillating; overfitting (training improves
// while validation worsens, naming the epoch it began); underfitting (the loss stays near its
// start or above the linear baseline).
import type { Finding } from '../train/finding.js';

/** A learning rate for humans: 2 significant digits (1e-5, not 0.000009999999999999999). */
export function lrStr(lr: number): string {
  const r = Number(lr.toPrecision(2));
  if (r === 0 || Math.abs(r) >= 1e-3) return String(r);
  const [m, e] = r.toExponential(1).split('e');
  return `${Number(m)}e${e}`;
}

const median = (a: readonly number[]): number => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4));

/** Steps before a flat training loss counts as stagnating. */
const STAGNATION_MIN_STEPS = 10;

/** Fix text for a learning rate that is too high. */
export function tooHighFix(lr: number): string {
  return `the learning rate is too high: divide it by 4 (lr ${lrStr(lr)} → ${lrStr(lr / 4)}) and retry, or run lrFind(model, data) to pick one; clipGradNorm: 1 and a warm-up also help`;
}

export interface RunMonitorOptions {
  /** An EarlyStopping callback on a validation figure restores the best weights: overfitting is then handled (information). */
  earlyStoppingRestores?: boolean;
}

/** Watches losses as they come; each method returns the findings it raises (each id once). */
export class RunMonitor {
  private first = NaN;
  /** Optimizer steps seen so far. */
  private steps = 0;
  private readonly recent: number[] = [];
  private readonly early: number[] = [];
  private readonly train: number[] = [];
  private readonly val: number[] = [];
  private readonly valAcc: (number | undefined)[] = [];
  private bestVal = Infinity;
  private bestEpoch = -1;
  /** The best validation loss and its epoch when overfitting was flagged (for the end-of-run review). */
  private overfitAt: { bestVal: number; bestEpoch: number; epoch: number } | null = null;
  private readonly raised = new Set<string>();

  /** Training loss a linear model reaches on the same data (the underfitting reference at the end), if known. */
  baselineTrainLoss: number | undefined = undefined;

  constructor(private readonly opts: RunMonitorOptions = {}) {}

  private once(f: Finding): Finding[] {
    if (this.raised.has(f.id)) return [];
    this.raised.add(f.id);
    return [f];
  }

  /** Whether a finding with this id was raised. */
  has(id: string): boolean { return this.raised.has(id); }

  /** The loss at the first step (before any update), and the mean of the first five. */
  get startLoss(): number { return this.early.length ? this.early.reduce((a, b) => a + b, 0) / this.early.length : NaN; }

  /** A batch loss at global step `step` (1-based). A non-finite loss is divergence (so is any loss fit() called diverged). */
  batch(step: number, epoch: number, loss: number, lr: number, diverged = !Number.isFinite(loss)): Finding[] {
    this.steps = step;
    if (diverged) {
      return this.once({
        id: 'lr-too-high', severity: 'error', step, epoch,
        title: `training diverged: the loss became ${loss} at step ${step}${Number.isFinite(this.first) ? ` (it started at ${fmt(this.first)})` : ''}`,
        evidence: { step, firstLoss: this.first, lr },
        fix: tooHighFix(lr) + '; if the inputs hold extreme values, standardize them',
      });
    }
    if (Number.isNaN(this.first)) this.first = loss;
    if (this.early.length < 5) this.early.push(loss);
    this.recent.push(loss);
    if (this.recent.length > 5) this.recent.shift();
    // Rising fast: the median of the last 5 batch losses is 4× (and ≥ 1 above) the first loss.
    // The median ignores a single bad batch; a too-high rate lifts them all within a few steps.
    // The median (element ⌊len/2⌋ of the sorted window) reaches the bar exactly when at least
    // len − ⌊len/2⌋ of the window do: count them, no sorted copy at every step.
    const bar = Math.max(4 * this.first, this.first + 1);
    const len = this.recent.length;
    let high = 0;
    for (let i = 0; i < len; i++) if (this.recent[i]! >= bar) high++;
    if (len >= 3 && high >= len - Math.floor(len / 2)) {
      const m = median(this.recent); // ≥ bar
      return this.once({
        id: 'lr-too-high', severity: 'error', step, epoch,
        title: `the loss is rising fast: ${fmt(this.first)} at step 1, median ${fmt(m)} over the last ${len} steps (step ${step})`,
        evidence: { step, firstLoss: this.first, recentMedian: m, lr },
        fix: tooHighFix(lr),
      });
    }
    return [];
  }

  /** End of epoch `epoch` (1-based) with its mean training loss, and validation loss and accuracy (if any). */
  epochEnd(epoch: number, loss: number, valLoss: number | undefined, lr: number, valAccuracy?: number): Finding[] {
    const out: Finding[] = [];
    this.train.push(loss);
    const e = this.train.length;
    if (e >= 2) {
      const prev = this.train[e - 2]!;
      if (loss > 1.5 * prev && loss > 1.2 * this.train[0]! && !this.raised.has('lr-too-high')) {
        out.push(...this.once({
          id: 'lr-too-high', severity: 'warning', epoch,
          title: `the training loss rose from ${fmt(prev)} to ${fmt(loss)} in epoch ${epoch}`,
          evidence: { previousLoss: prev, loss, lr },
          fix: tooHighFix(lr),
        }));
      }
      // Stagnating: still within 3% of the first 5 steps' loss after ≥ 2 epochs and ≥ 10 steps (a
      // run of one step an epoch, like XOR on 4 rows, has not had a chance to move at epoch 2).
      const start = this.startLoss;
      if (this.steps >= STAGNATION_MIN_STEPS && loss >= 0.97 * start && !this.raised.has('lr-too-high')) {
        const small = lr <= 1e-4;
        out.push(...this.once({
          id: 'loss-stagnating', severity: 'warning', epoch,
          title: `the training loss has barely moved in ${e} epochs: ${fmt(start)} over the first steps, ${fmt(loss)} in epoch ${epoch}`,
          evidence: { startLoss: start, loss, epochs: e, lr },
          fix: small
            ? `the learning rate ${lrStr(lr)} looks too small: raise it ×10 (try ${lrStr(lr * 10)}) or run lrFind(model, data) to pick one`
            : `halve the learning rate (a rate too high can bounce in place), and check it is not too small: run lrFind(model, data); check also that the labels match the inputs`,
        }));
      }
    }
    if (e >= 6) {
      const w = this.train.slice(-6);
      let flips = 0;
      for (let i = 2; i < w.length; i++) if (Math.sign(w[i]! - w[i - 1]!) !== Math.sign(w[i - 1]! - w[i - 2]!)) flips++;
      const amp = w.slice(1).reduce((s, v, i) => s + Math.abs(v - w[i]!), 0) / 5;
      const level = w.reduce((a, b) => a + b, 0) / 6;
      // Swings of ≥ 10% of the current level that are also ≥ 5% of the starting loss: near convergence
      // (a loss already 10× down) epoch-to-epoch noise of a small dataset is 10% of the level too,
      // but a rate that is too high keeps the swings large on the scale the run started from.
      if (flips >= 3 && amp >= 0.1 * level && amp >= 0.05 * this.startLoss) {
        out.push(...this.once({
          id: 'lr-oscillating', severity: 'warning', epoch,
          title: `the training loss jumps up and down between epochs (${flips} reversals in the last 6, mean jump ${(100 * amp / level).toFixed(0)}% of its level)`,
          evidence: { reversals: flips, meanJump: amp, level, lr },
          fix: `lower the learning rate 3–10× (lr ${lrStr(lr)} → ${lrStr(lr / 4)}), or decay it (CosineAnnealingLR / ReduceLROnPlateau); a larger batch also smooths the steps`,
        }));
      }
    }
    if (valLoss !== undefined && Number.isFinite(valLoss)) {
      this.val.push(valLoss);
      this.valAcc.push(valAccuracy);
      if (valLoss < this.bestVal) { this.bestVal = valLoss; this.bestEpoch = e; }
      const b = this.bestEpoch;
      // Overfitting: validation worse than its best in each of the last 2 epochs by ≥ 1% of the best,
      // now ≥ 2% above it (and by ≥ 2% of the first epoch's validation loss, so noise on a loss
      // already 20× down does not count) and by more than the largest one-epoch rise of the 8
      // epochs up to the best (a bump this run has already shown and recovered from is the noise of
      // its validation set), while the training loss kept improving over the same epochs (what
      // EarlyStopping with patience 2 would act on).
      const rise = valLoss - this.bestVal;
      let bump = 0;
      for (let i = Math.max(1, b - 8); i < b; i++) bump = Math.max(bump, this.val[i]! - this.val[i - 1]!);
      const sustained = e - b >= 2 && this.val[e - 2]! - this.bestVal >= 0.01 * this.bestVal;
      if (sustained && rise >= Math.max(0.02 * this.bestVal, 0.02 * this.val[0]!) && rise > bump && loss < this.train[b - 1]! && !this.overfitAt) {
        const accBest = this.valAcc[b - 1];
        if (valAccuracy !== undefined && accBest !== undefined && valAccuracy >= accBest) {
          // The loss rises but no validation row was lost: over-confidence, worth knowing; the
          // warning comes if the accuracy drops too.
          if (!this.raised.has('overfitting-noted')) {
            this.raised.add('overfitting-noted');
            out.push({
              id: 'overfitting', severity: 'info', epoch,
              title: `the validation loss has risen since epoch ${b + 1} (${fmt(this.bestVal)} → ${fmt(valLoss)}) while the validation accuracy holds at ${(100 * valAccuracy).toFixed(1)}%: the model grows over-confident, its accuracy has not suffered (yet)`,
              evidence: { beganEpoch: b + 1, bestEpoch: b, bestValLoss: this.bestVal, valLoss, valAccuracy, bestValAccuracy: accBest },
              fix: `nothing urgent; EarlyStopping on valLoss would stop at epoch ${b}; label smoothing or weight decay curb over-confidence (a warning follows if the accuracy drops)`,
            });
          }
        } else {
          this.overfitAt = { bestVal: this.bestVal, bestEpoch: b, epoch: e };
          const handled = this.opts.earlyStoppingRestores ?? false;
          const cures = 'dropout, data augmentation, weight decay (AdamW), a smaller model, or more data';
          out.push(...this.once({
            id: 'overfitting', severity: handled ? 'info' : 'warning', epoch,
            title: `overfitting since epoch ${b + 1}: the validation loss went from ${fmt(this.bestVal)} (epoch ${b}) to ${fmt(valLoss)} while the training loss kept falling (${fmt(this.train[b - 1]!)} → ${fmt(loss)})${handled ? `; your EarlyStopping restores the weights of epoch ${b}` : ''}`,
            evidence: { beganEpoch: b + 1, bestEpoch: b, bestValLoss: this.bestVal, valLoss, trainLoss: loss },
            fix: handled
              ? `nothing urgent: EarlyStopping keeps the best epoch's weights; to overfit less, regularize: ${cures}`
              : `stop at epoch ${b} (EarlyStopping({ monitor: 'valLoss', patience: 2, restoreBestWeights: true })), and regularize: ${cures}`,
          }));
        }
      }
    }
    return out;
  }

  /** End of training: underfitting. */
  end(lr: number): Finding[] {
    const review = this.reviewOverfitting();
    return review ? [review] : this.underfitting(lr);
  }

  /**
   * An overfitting alarm that later epochs disproved: validation came back to a new best at least
   * 2% below the one it had risen from. Raised within 2 epochs of the turn, the alarm cannot tell a
   * lasting rise from a long bump of a noisy validation set; at the end of the run it can.
   */
  private reviewOverfitting(): Finding | null {
    const o = this.overfitAt;
    if (!o || this.bestEpoch <= o.epoch || this.bestVal > 0.98 * o.bestVal) return null;
    return {
      id: 'overfitting', severity: 'info', epoch: this.bestEpoch, revised: true,
      title: `no lasting overfitting: the validation loss rose after epoch ${o.bestEpoch} (${fmt(o.bestVal)}) but reached a new best of ${fmt(this.bestVal)} at epoch ${this.bestEpoch}; the earlier warning was a bump of a noisy validation set`,
      evidence: { flaggedEpoch: o.epoch, earlierBestEpoch: o.bestEpoch, earlierBestValLoss: o.bestVal, bestEpoch: this.bestEpoch, bestValLoss: this.bestVal },
      fix: `nothing to do; with EarlyStopping, use a patience longer than ${o.epoch - o.bestEpoch} epochs on this data (or restoreBestWeights), and a larger validation set makes the curve steadier`,
    };
  }

  private underfitting(lr: number): Finding[] {
    const e = this.train.length;
    if (e < 3 || this.raised.has('lr-too-high') || this.raised.has('loss-stagnating') || this.raised.has('overfitting')) return [];
    const last = this.train[e - 1]!;
    const prev = this.train[e - 2]!;
    const plateau = (prev - last) / Math.abs(prev) < 0.02;
    const start = this.startLoss;
    const nearStart = last >= 0.5 * start;
    const base = this.baselineTrainLoss;
    const aboveBaseline = base !== undefined && last > 1.5 * base + 0.05;
    const valNear = this.val.length === 0 || this.val[this.val.length - 1]! <= 1.5 * last + 0.05;
    if (!plateau || !(nearStart || aboveBaseline) || !valNear) return [];
    return this.once({
      id: 'underfitting', severity: 'warning', epoch: e,
      title: `underfitting: the training loss levelled off at ${fmt(last)}${nearStart ? `, ${(100 * last / start).toFixed(0)}% of where it started (${fmt(start)})` : ''}${aboveBaseline ? `, above the ${fmt(base!)} a linear model reaches on the same rows` : ''}`,
      evidence: { trainLoss: last, startLoss: start, baselineTrainLoss: base ?? NaN, epochs: e, lr },
      fix: 'give the model more capacity (wider/deeper layers), train longer, and use an architecture suited to the data (a CNN for images, an RNN/Transformer for sequences); check that regularization (dropout, weight decay) is not too strong',
    });
  }
}
