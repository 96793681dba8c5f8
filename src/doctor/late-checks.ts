// The data checks whose answers are needed only later in a fit — the single-feature leak scores
// and the linear/GBT baselines (compared with the network at the end) — as one job on plain
// arrays. Host code only, no tensors: fit()'s doctor runs it on a worker thread beside training
// (late-checks-worker.ts), or in place where there is none.
import { runBaselines, type BaselineScores } from './baselines.js';
import { singleFeatureScores, type LeakScore } from './leakage.js';
import { hostObjective, type ObjectiveFor } from './logistic.js';
import type { Matrix, Targets } from './matrix.js';

/** Training rows and held-out rows (validation, or an internal split) of one tabular dataset. */
export interface LateChecksJob {
  fit: Matrix;
  fitT: Targets;
  held: Matrix;
  heldT: Targets;
  /** Score every feature alone (the leak check). */
  leak: boolean;
  /** Fit the linear and GBT baselines. */
  baselines: boolean;
}

export interface LateChecksResult {
  leakScores: LeakScore[] | null;
  baselines: BaselineScores | null;
  /** Milliseconds the job took where it ran. */
  ms: number;
}

/** Run the job here; `objective` builds the logistic objective (default: host float64). */
export function runLateChecks(job: LateChecksJob, objective: ObjectiveFor = hostObjective): LateChecksResult {
  const t0 = performance.now();
  const leakScores = job.leak ? singleFeatureScores(job.fit, job.fitT, job.held, job.heldT) : null;
  const baselines = job.baselines ? runBaselines(job.fit, job.fitT, job.held, job.heldT, objective) : null;
  return { leakScores, baselines, ms: performance.now() - t0 };
}
