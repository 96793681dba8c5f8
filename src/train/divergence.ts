// How fit() decides a run diverged, and how it finds the op to blame. Any optimizer: the loss
// became NaN/Inf (SGD with too high a rate), or grew past 1e6 × its starting value (Adam's steps
// are bounded by lr, so a huge rate makes the loss explode while it stays finite). A non-finite
// loss is recomputed once under anomaly detection, to name the op that first made a NaN/Inf.
import { AnomalyError } from '../errors.js';
import { detectAnomaly } from '../autograd/anomaly.js';

/** How many times its starting value the loss may reach before fit() calls the run diverged. */
export const DIVERGENCE_FACTOR = 1e6;

/** Watches the batch losses of one fit(). */
export class DivergenceWatch {
  /** The first finite batch loss of the run. */
  start = NaN;

  /** Whether `loss` means the run diverged (non-finite, or over DIVERGENCE_FACTOR × the start). */
  diverged(loss: number): boolean {
    if (!Number.isFinite(loss)) return true;
    if (Number.isNaN(this.start)) { this.start = loss; return false; }
    // A start near zero (a good init) would make any rise look like an explosion: floor it at 1e-3.
    return Math.abs(loss) > DIVERGENCE_FACTOR * Math.max(Math.abs(this.start), 1e-3);
  }
}

/**
 * Rerun a step's forward and backward (`rerun`) under anomaly detection; the AnomalyError naming
 * the first op that produced a NaN/Inf, or null when the rerun found none (the parameters or the
 * data already held one) or failed otherwise.
 */
export function locateNonFinite(rerun: () => void): AnomalyError | null {
  try {
    detectAnomaly(rerun);
  } catch (e) {
    if (e instanceof AnomalyError) return e;
  }
  return null;
}

/** The sentence fit()'s TrainingDivergedError gives for the anomaly found (or null). */
export function blame(origin: AnomalyError | null, lr: number): string {
  const hint = `the learning rate (${lr}) is probably too high — try 10× lower, or clip gradients with clipGradNorm: 1 — or the inputs hold extreme values (standardize them)`;
  if (origin === null) return hint;
  const where = origin.site ? ` in ${origin.site}` : '';
  const phase = origin.phase === 'backward' ? ' (in its gradient)' : '';
  return `the first non-finite value came from '${origin.op}'${phase}${where} — check that op's inputs (a division by zero, a log of 0 or a negative, an overflow); if it is inside the model, ${hint}`;
}
