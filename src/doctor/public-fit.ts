// The fit() users call: the training loop of train/fit.ts with the training doctor attached as a
// callback, on by default (`doctor: false` turns it off), and the live dashboard when asked
// (`dashboard: true`). The loop itself knows nothing of either.
import type { Module } from '../nn/module.js';
import type { History } from '../train/callbacks.js';
import { fit as fitLoop, type FitOptions as LoopOptions } from '../train/fit.js';
import { createFitDoctor, type DoctorOptions } from './fit-doctor.js';
import { checkLabelDtype } from './label-dtype.js';
import { createDashboard, type DashboardOptions } from '../dashboard/dashboard.js';

export interface FitOptions extends LoopOptions {
  /** The training doctor (default on): checks data, loss, learning rate, fit and gradients; findings land in history.findings. */
  doctor?: boolean | DoctorOptions;
  /**
   * Watch the run in a browser (default off): a server on 127.0.0.1 streams the loss, metrics,
   * learning rate, gradient norm, the doctor's findings, the confusion matrix (or predictions vs
   * targets) and the model summary to a page, and writes the run log that `axon dashboard` replays.
   */
  dashboard?: boolean | DashboardOptions;
}

/**
 * Train `model`. Validation (when given) runs once before the first step, so a broken
 * validation pipeline shows in seconds, and after every epoch. Same seed ⇒ identical run. The
 * training doctor watches the run unless `doctor: false`.
 *
 * @example
 * const history = fit(model, { data: { x, y }, validation: 0.1, epochs: 5, batchSize: 64 });
 * for (const f of history.findings ?? []) console.log(formatFinding(f));
 * fit(model, { data: { x, y }, validation: 0.1, dashboard: true }); // prints http://127.0.0.1:6060/
 */
export function fit(model: Module, opts: FitOptions): History {
  const { doctor, dashboard, ...loop } = opts;
  checkLabelDtype(model, loop.data, loop.loss);
  // The doctor first: the dashboard reads the findings it has put on the history or the error.
  return fitLoop(model, { ...loop, attach: [(run) => createFitDoctor(doctor, run), (run) => createDashboard(dashboard, run), ...(loop.attach ?? [])] });
}
